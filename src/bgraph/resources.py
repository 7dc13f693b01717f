"""Where bgraph's own files are: the ontology, shapes, data, queries and the JSON-LD context.

In a checkout (or an editable install) they are read from the repository root; an installed
wheel carries a copy under ``bgraph/_resources``. ``BGRAPH_ROOT`` overrides both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Resources:
    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "bgraph.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def data(self) -> Path:
        return self.root / "data" / "ballard.ttl"

    @property
    def provenance(self) -> Path:
        return self.root / "data" / "provenance.trig"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def articles(self) -> Path:
        """The source articles (``shared/articles`` beside the checkout); may not exist."""
        env = os.environ.get("BGRAPH_ARTICLES")
        if env:
            return Path(env)
        for candidate in (self.root.parent / "shared" / "articles", self.root / "articles"):
            if candidate.is_dir():
                return candidate
        return self.root.parent / "shared" / "articles"

    def inputs(self) -> tuple[Path, ...]:
        """The files the knowledge graph is built from, in load order."""
        return (self.ontology, self.data, self.provenance)


@cache
def resources() -> Resources:
    env = os.environ.get("BGRAPH_ROOT")
    if env:
        return Resources(Path(env).resolve())
    checkout = _PACKAGE.parents[1]
    if (checkout / "ontology" / "bgraph.ttl").is_file():
        return Resources(checkout)
    return Resources(_PACKAGE / "_resources")
