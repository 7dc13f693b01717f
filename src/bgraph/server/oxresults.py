"""Oxigraph's answers serialised straight from its terms (no rdflib terms in between): SPARQL
JSON results, and N-Triples, Turtle and RDF/XML graphs written by Oxigraph itself.

The rdflib route (convert every term, then :func:`bgraph.query.format_results` or
:func:`bgraph.export.serialize_graph`) costs several times the query itself on small answers;
the other formats (XML, CSV and TSV results, JSON-LD graphs) still take it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from ..namespaces import PREFIXES

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_PREFIXES = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda kv: -len(kv[1]))
#: Graph formats Oxigraph writes here (format name -> pyoxigraph RdfFormat attribute).
GRAPH_WRITERS = {"nt": "N_TRIPLES", "turtle": "TURTLE", "xml": "RDF_XML"}


def term_json(term: Any) -> dict[str, str]:
    """One Oxigraph term in SPARQL 1.1 Query Results JSON (as :func:`bgraph.query.term_json`)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
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


def graph_bytes(triples: Sequence[Any], fmt_name: str) -> bytes:
    """A graph (distinct Oxigraph triples, in Oxigraph's order) in one of :data:`GRAPH_WRITERS`;
    Turtle with the bgraph prefixes it uses."""
    import pyoxigraph as ox

    ordered = triples
    fmt = getattr(ox.RdfFormat, GRAPH_WRITERS[fmt_name])
    if fmt_name != "turtle":
        return ox.serialize(ordered, format=fmt)
    used: dict[str, str] = {}
    for t in ordered:
        for term in (t.subject, t.predicate, t.object):
            iri = term.value if isinstance(term, ox.NamedNode) else None
            if isinstance(term, ox.Literal) and not term.language:
                iri = term.datatype.value
            if iri is None:
                continue
            for prefix, ns in _PREFIXES:
                if iri.startswith(ns):
                    used[prefix] = ns
                    break
    return ox.serialize(ordered, format=fmt, prefixes=dict(sorted(used.items())))
