"""SPARQL results as the endpoint and ``bgraph query`` write them (bgraph.server.writers),
checked against Oxigraph's own serialisers: the same JSON document, and byte for byte the same
XML, CSV and TSV. The answers hold every kind of term SPARQL 1.2 results carry: IRIs, blank
nodes, plain, typed and language-tagged literals, a base direction, triple terms, unbound
values, and strings that need escaping."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from bgraph.server.writers import boolean_bytes, select_bytes, select_json

EX = "http://example.org/"
QUERY = f"""
PREFIX ex: <{EX}>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?s ?v ?extra WHERE {{
  VALUES (?s ?v) {{
    (ex:a "plain")
    (ex:a "tab\\there \\"quoted\\" back\\\\slash\\nnew line é ✓ \\u0001")
    (ex:b "Renée"@fr)
    (ex:b "right to left"@ar--rtl)
    (ex:c "42"^^xsd:integer)
    (ex:c "4.20"^^xsd:decimal)
    (ex:c "x"^^ex:custom)
    (ex:d ex:target)
    (ex:d <<( ex:s ex:p "o"@en )>>)
    (ex:e UNDEF)
  }}
  OPTIONAL {{ BIND(BNODE("k") AS ?extra) FILTER(?s = ex:e) }}
}}
"""


def _answer(store: ox.Store) -> tuple[list[str], list[tuple[object, ...]]]:
    solutions = store.query(QUERY)
    names = [v.value for v in solutions.variables]
    return names, [tuple(row) for row in solutions]


def test_json_is_oxigraphs_document_as_json_dumps_writes_it() -> None:
    store = ox.Store()
    names, rows = _answer(store)
    ours = select_json(names, rows)
    theirs = store.query(QUERY).serialize(format=ox.QueryResultsFormat.JSON)
    assert json.loads(ours) == json.loads(theirs)
    document = json.loads(ours)
    assert ours == (json.dumps(document, ensure_ascii=False) + "\n").encode("utf-8")
    kinds = {b[n]["type"] for b in document["results"]["bindings"] for n in b}
    assert kinds == {"uri", "literal", "triple", "bnode"}
    assert {"xml:lang": "ar", "its:dir": "rtl"}.items() <= _binding(
        document, "right to left"
    ).items()


def _binding(document: dict, value: str) -> dict:
    for binding in document["results"]["bindings"]:
        if binding.get("v", {}).get("value") == value:
            return binding["v"]
    raise AssertionError(value)


@pytest.mark.parametrize("name", ["xml", "csv", "tsv"])
def test_other_formats_are_byte_for_byte_oxigraphs(name: str) -> None:
    store = ox.Store()
    names, rows = _answer(store)
    fmt = {
        "xml": ox.QueryResultsFormat.XML,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }[name]
    assert select_bytes(names, rows, name) == store.query(QUERY).serialize(format=fmt)


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_written_from_a_bool_is_oxigraphs(name: str, value: bool) -> None:
    store = ox.Store()
    answer = store.query("ASK {}" if value else "ASK { FILTER(false) }")
    fmt = ox.QueryResultsFormat.from_extension(name) if name != "json" else None
    expected = answer.serialize(format=fmt or ox.QueryResultsFormat.JSON)
    assert boolean_bytes(value, name) == expected
    again = store.query("ASK {}" if value else "ASK { FILTER(false) }")
    assert boolean_bytes(again, name) == expected


def test_empty_answers() -> None:
    assert json.loads(select_json(["x"], [])) == {
        "head": {"vars": ["x"]},
        "results": {"bindings": []},
    }
    assert json.loads(select_json([], [()])) == {
        "head": {"vars": []},
        "results": {"bindings": [{}]},
    }
