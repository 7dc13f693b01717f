"""Comparing SPARQL answers: unordered rows, numbers by value, graphs as sets."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {_XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}


def competency_queries() -> list[Path]:
    """The named queries (queries/*.rq, when present) and the bench mix (bench/queries/*.rq)."""
    from bgraph.resources import resources

    found = sorted(resources().queries.glob("*.rq")) if resources().queries.is_dir() else []
    return found + sorted((ROOT / "bench" / "queries").glob("*.rq"))


def _norm(term):
    """A pyoxigraph term, numbers compared by value."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC:
        try:
            return ("number", Decimal(term.value).normalize())
        except InvalidOperation:
            pass
    return str(term)


def canonical(answer) -> object:
    """A :class:`bgraph.store.Answer` as a comparable value (rows as a multiset)."""
    if answer.form == "ASK":
        return bool(answer.boolean)
    if answer.form == "GRAPH":
        return {(_norm(t.subject), _norm(t.predicate), _norm(t.object)) for t in answer.triples}
    return Counter(
        tuple(zip(answer.variables, (_norm(t) for t in row), strict=True)) for row in answer.rows
    )
