"""Answers written by Oxigraph's serialisers, straight from its terms: SPARQL results (JSON,
XML, CSV, TSV) and RDF (Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD).

SPARQL JSON is written here (the busiest path: a row cap means the rows are read before they
are written); the other result formats are Oxigraph's, from that JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox

from ..formats import rdf_format, result_format
from ..iris import PREFIXES, XSD_STRING

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_WITH_PREFIXES = ("turtle", "trig")


def term_json(term: Any) -> dict[str, str]:
    """One term in SPARQL 1.1 Query Results JSON."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def select_json(names: Sequence[str], rows: Iterable[Any]) -> bytes:
    """SELECT solutions as SPARQL 1.1 Query Results JSON."""
    bindings = []
    for row in rows:
        binding = {}
        for name in names:
            value = row[name]
            if value is not None:
                binding[name] = term_json(value)
        bindings.append(binding)
    doc = {"head": {"vars": list(names)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8") + b"\n"


def select_bytes(names: Sequence[str], rows: Sequence[Any], fmt_name: str) -> bytes:
    """SELECT solutions in a results format (Oxigraph writes all but JSON from the JSON)."""
    doc = select_json(names, rows)
    if fmt_name == "json":
        return doc
    solutions = ox.parse_query_results(doc, format=ox.QueryResultsFormat.JSON)
    return solutions.serialize(format=result_format(fmt_name).oxigraph)


def boolean_bytes(answer: Any, fmt_name: str) -> bytes:
    return answer.serialize(format=result_format(fmt_name).oxigraph)


def used_prefixes(terms: Iterable[Any], extra: dict[str, str] | None = None) -> dict[str, str]:
    """bgraph's prefixes (and ``extra`` ones) that the IRIs and datatypes among ``terms`` use."""
    table = sorted([*_BY_LENGTH, *(extra or {}).items()], key=lambda kv: -len(kv[1]))
    used: dict[str, str] = {}
    for term in terms:
        if isinstance(term, ox.NamedNode):
            iri = term.value
        elif isinstance(term, ox.Literal) and not term.language:
            iri = term.datatype.value
        else:
            continue
        for prefix, ns in table:
            if iri.startswith(ns):
                used[prefix] = ns
                break
    return dict(sorted(used.items()))


def rdf_bytes(
    statements: Sequence[Any], fmt_name: str, prefixes: dict[str, str] | None = None
) -> bytes:
    """Triples or quads (Oxigraph's, in the order given) in an RDF format; Turtle and TriG
    with the bgraph prefixes (and ``prefixes``) they use. A triples format given quads writes
    their distinct triples."""
    fmt = rdf_format(fmt_name).oxigraph
    if not fmt.supports_datasets and statements and isinstance(statements[0], ox.Quad):
        statements = list(dict.fromkeys(q.triple for q in statements))
    if fmt_name not in _WITH_PREFIXES:
        return ox.serialize(statements, format=fmt)
    terms = (t for s in statements for t in (s.subject, s.predicate, s.object))
    return ox.serialize(statements, format=fmt, prefixes=used_prefixes(terms, prefixes))
