"""bgraph's JSON-LD context, shipped in the package: never fetched, at export or at parse."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources as importlib_resources
from typing import Any

#: The IRI documents may use to name bgraph's context; bgraph resolves it locally.
CONTEXT_IRI = "https://w3id.org/bgraph/context.jsonld"


@cache
def _context_text() -> str:
    return importlib_resources.files("bgraph").joinpath("context.jsonld").read_text("utf-8")


def context_document() -> dict[str, Any]:
    """A fresh copy of the context document ``{"@context": {...}}``."""
    return json.loads(_context_text())
