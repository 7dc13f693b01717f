"""Comparing answers with the competency queries' expected results (``queries/*.srj``,
``*.ttl``), through rdflib: the tests' oracle, independent of the engine under test."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bgraph.iris import PREFIXES


def parse_expected(path: Path) -> Any:
    """An expected result file as rdflib reads it: SPARQL JSON (.srj) gives a ``Result``,
    Turtle (.ttl) a ``Graph``."""
    from rdflib import Graph
    from rdflib.query import Result

    if path.suffix == ".srj":
        with path.open("rb") as fh:
            return Result.parse(fh, format="json")
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def binding_rows(result: Any) -> list[dict[str, Any]]:
    """An rdflib ``Result``'s rows, or a :class:`bgraph.store.Answer`'s, as dicts of rdflib
    terms (oxrdflib's conversion)."""
    if hasattr(result, "rows"):
        from oxrdflib._converter import from_ox

        return [
            {n: from_ox(t) for n, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]
    return [{str(k): v for k, v in row.items() if v is not None} for row in result.bindings]


def same_bindings(
    actual: Iterable[dict[str, Any]], expected: Iterable[dict[str, Any]], ordered: bool
) -> bool:
    """SELECT results equal as lists (ordered) or multisets (unordered)."""
    a, e = list(actual), list(expected)
    if ordered:
        return a == e
    key = _row_key
    return sorted(map(key, a)) == sorted(map(key, e))


def _row_key(row: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v.n3()) for k, v in row.items()))


def is_ordered(text: str) -> bool:
    """Whether the query has a top-level ORDER BY (then row order is part of the answer)."""
    from rdflib.plugins.sparql import prepareQuery

    query = prepareQuery(text, initNs=dict(PREFIXES))
    node: Any = query.algebra
    while node is not None and hasattr(node, "name"):
        if node.name == "OrderBy":
            return True
        # CompValue.get returns the key itself when missing: read it as a plain dict
        node = dict.get(node, "p") if node.name in _PASS_THROUGH else None
    return False


_PASS_THROUGH = {
    "SelectQuery",
    "AskQuery",
    "ConstructQuery",
    "DescribeQuery",
    "Project",
    "Distinct",
    "Reduced",
    "Slice",
    "ToMultiSet",
}
