"""Answers written by Oxigraph's serialisers, straight from its terms: SPARQL results (JSON,
XML, CSV, TSV) and RDF (Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD).

SPARQL JSON is written here (the busiest path: a row cap means the rows are read before they
are written); the other result formats are Oxigraph's, from that JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring as encode_string  # json.dumps's, in C
from typing import Any

import pyoxigraph as ox

from ..errors import FormatCannotCarryError
from ..export import prefixed_rdf
from ..formats import rdf_format, result_format
from ..iris import XSD_STRING

_WITH_PREFIXES = ("turtle", "trig")


def term_text(term: Any) -> str:
    """A term as N-Triples writes it (``<iri>``, ``_:b0``, ``"x"@en``); a triple term as
    ``<<( s p o )>>``."""
    return f"<<( {term} )>>" if isinstance(term, ox.Triple) else str(term)


def term_json(term: Any) -> str:
    """One term in SPARQL Query Results JSON (the text ``json.dumps`` writes), as Oxigraph
    writes it: SPARQL 1.1's uri, bnode and literal (no datatype for xsd:string and
    language-tagged literals), and SPARQL 1.2's base direction (``its:dir``) and triple terms."""
    if isinstance(term, ox.NamedNode):
        return '{"type": "uri", "value": ' + encode_string(term.value) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type": "bnode", "value": ' + encode_string(term.value) + "}"
    if isinstance(term, ox.Triple):
        return (
            '{"type": "triple", "value": {"subject": ' + term_json(term.subject)
            + ', "predicate": ' + term_json(term.predicate)
            + ', "object": ' + term_json(term.object) + "}}"
        )  # fmt: skip
    text = '{"type": "literal", "value": ' + encode_string(term.value)
    if term.language:
        text += ', "xml:lang": ' + encode_string(term.language)
        if term.direction:
            text += ', "its:dir": ' + encode_string(str(term.direction))
    elif term.datatype.value != XSD_STRING:
        text += ', "datatype": ' + encode_string(term.datatype.value)
    return text + "}"


def select_json(names: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """SELECT solutions (each a sequence of terms or None, in the order of ``names``) as SPARQL
    Query Results JSON: the bytes ``json.dumps`` writes for the document, each distinct term
    written once (predicates and classes repeat: a third less time on an entity's 121 rows)."""
    keys = [encode_string(name) + ": " for name in names]
    written: dict[Any, str] = {}
    bindings = []
    for row in rows:
        parts = []
        for key, term in zip(keys, row, strict=False):
            if term is not None:
                text = written.get(term)
                if text is None:
                    text = written[term] = term_json(term)
                parts.append(key + text)
        bindings.append("{" + ", ".join(parts) + "}")
    head = ", ".join(encode_string(name) for name in names)
    doc = f'{{"head": {{"vars": [{head}]}}, "results": {{"bindings": [{", ".join(bindings)}]}}}}\n'
    return doc.encode("utf-8")


def select_bytes(names: Sequence[str], rows: Sequence[Any], fmt_name: str) -> bytes:
    """SELECT solutions in a results format (Oxigraph writes all but JSON from the JSON)."""
    doc = select_json(names, rows)
    if fmt_name == "json":
        return doc
    solutions = ox.parse_query_results(doc, format=ox.QueryResultsFormat.JSON)
    return solutions.serialize(format=result_format(fmt_name).oxigraph)


def boolean_bytes(answer: Any, fmt_name: str) -> bytes:
    """An ASK answer (Oxigraph's, or a bool) in a results format."""
    if not isinstance(answer, ox.QueryBoolean):
        doc = b'{"head":{},"boolean":%s}' % (b"true" if answer else b"false")
        answer = ox.parse_query_results(doc, format=ox.QueryResultsFormat.JSON)
    return answer.serialize(format=result_format(fmt_name).oxigraph)


def rdf_bytes(
    statements: Sequence[Any], fmt_name: str, prefixes: dict[str, str] | None = None
) -> bytes:
    """Triples or quads (Oxigraph's, in the order given) in an RDF format; Turtle and TriG
    with the bgraph prefixes (and ``prefixes``) they use, as ``bgraph export`` writes them
    (:func:`bgraph.export.prefixed_rdf`). A triples format given quads writes their distinct
    triples."""
    fmt = rdf_format(fmt_name).oxigraph
    if not fmt.supports_datasets and statements and isinstance(statements[0], ox.Quad):
        statements = list(dict.fromkeys(q.triple for q in statements))
    if fmt_name not in _WITH_PREFIXES:
        try:
            return ox.serialize(statements, format=fmt)
        except OSError as exc:  # "JSON-LD does not support RDF 1.2 yet": triple terms
            if "RDF 1.2" not in str(exc):
                raise
            raise FormatCannotCarryError(str(fmt)) from None
    return prefixed_rdf(statements, rdf_format(fmt_name), prefixes)
