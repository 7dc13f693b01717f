"""The competency questions of ``queries/`` (see :mod:`bgraph.query`), as the example tabs of
the query UI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Example:
    slug: str  #: the file name without .rq, e.g. 01-cast
    title: str
    query: str
    description: str = ""


def load_examples(folder: Path | None = None) -> list[Example]:
    """The named queries, in number order."""
    from ..query import named_queries

    return [Example(q.name, q.title, q.text, q.description) for q in named_queries(folder)]
