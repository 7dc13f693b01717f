"""Comparing SPARQL answers across engines: unordered rows, numbers by value, graphs as sets."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Literal
from rdflib.namespace import XSD

ROOT = Path(__file__).resolve().parents[1]
_NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long}


def competency_queries() -> list[Path]:
    """The named queries (queries/*.rq, when present) and the bench mix (bench/queries/*.rq)."""
    from bgraph.resources import resources

    found = sorted(resources().queries.glob("*.rq")) if resources().queries.is_dir() else []
    return found + sorted((ROOT / "bench" / "queries").glob("*.rq"))


def _norm(term):
    if isinstance(term, Literal) and term.datatype in _NUMERIC:
        try:
            return ("number", Decimal(str(term)).normalize())
        except InvalidOperation:
            pass
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term)).n3()  # RDF 1.1: "x" and "x"^^xsd:string are one literal
    return term.n3() if term is not None else None


def canonical(result) -> object:
    if result.type == "ASK":
        return bool(result.askAnswer)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return {tuple(_norm(t) for t in triple) for triple in result.graph}
    names = [str(v) for v in result.vars]
    return Counter(
        tuple((n, _norm(row.get(n) if hasattr(row, "get") else row[n])) for n in names)
        for row in (r.asdict() for r in result)
    )
