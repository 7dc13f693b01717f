"""``bgraph serve`` as its users see it, over real HTTP on 127.0.0.1: the SPARQL protocol with
content negotiation, the service description, VoID + DCAT, dumps, linked data, the home page,
search, the access log, load, and serving other files. On the default store (Oxigraph in RAM);
test_server_stores.py runs the same answers on a built store (``--store DIR``)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef, Variable
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SDO, VOID, XSD
from rdflib.query import Result

from bgraph.namespaces import BG, ID, INFERRED_GRAPH
from bgraph.query import named_queries
from expected_results import binding_rows, is_ordered, parse_expected, same_bindings
from server_harness import RunningServer, running_server

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENT = Namespace("http://www.w3.org/ns/entailment/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
SERIES = "SELECT ?s ?name WHERE { ?s a bg:TVSeries ; schema:name ?name }"
_NUMBERS = {XSD.integer, XSD.decimal, XSD.double, XSD.float}


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server() as srv:
        yield srv


def by_value(rows: list[dict]) -> list[dict]:
    """Numbers by value: Oxigraph stores "14840000.00"^^xsd:decimal as 14840000 and gives it
    back as "14840000"^^xsd:decimal; the expected files keep the lexical form. Same RDF value."""

    def norm(term):
        if isinstance(term, Literal) and term.datatype in _NUMBERS:
            return Literal(str(Decimal(str(term)).normalize()), datatype=term.datatype)
        return term

    return [{k: norm(v) for k, v in row.items()} for row in rows]


@pytest.fixture(scope="module")
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def ctype(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


# --- start-up and log ----------------------------------------------------------------------------


def test_says_where_it_listens(server: RunningServer) -> None:
    assert server.announce.startswith("bgraph: serving ")
    assert f"on {server.url}" in server.announce
    assert f"SPARQL endpoint {server.url}sparql" in server.announce


def test_one_log_line_per_request(client: httpx.Client, server: RunningServer) -> None:
    marker = "log-marker-42"
    client.get("/search", params={"q": marker})
    client.get("/sparql", params={"query": "ASK {", "x": marker})
    deadline = time.monotonic() + 5  # the line is written just after the response is sent
    while True:
        lines = [line for line in server.log().splitlines() if marker in line]
        if len(lines) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(lines) == 2, lines
    assert '"GET /search?q=log-marker-42" 200' in lines[0]
    assert '"GET /sparql?query=ASK+%7B&x=log-marker-42" 400' in lines[1]
    assert lines[1].endswith("ms")


# --- SPARQL protocol -----------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", sorted(SELECT_TYPES))
def test_select_in_every_results_format(client: httpx.Client, media_type: str) -> None:
    r = client.get("/sparql", params={"query": SERIES}, headers={"Accept": media_type})
    assert r.status_code == 200
    assert ctype(r) == media_type
    assert [v.strip() for v in r.headers["Vary"].split(",")] == ["Accept", "Origin"]
    if SELECT_TYPES[media_type] in ("json", "xml"):
        result = Result.parse(io.BytesIO(r.content), format=SELECT_TYPES[media_type])
        names = {str(row[Variable("name")]) for row in result.bindings}
    elif media_type == "text/csv":
        names = {line.split(",")[-1].strip() for line in r.text.splitlines()[1:]}
    else:  # TSV spells terms as Turtle does (SPARQL 1.1 CSV/TSV, section 3): tags included
        cells = {line.split("\t")[-1].strip() for line in r.text.splitlines()[1:]}
        assert '"Harry Bosch"@fr' in cells  # the French release title (article 000)
        names = {c.rsplit("@", 1)[0].strip('"') for c in cells}
    assert {"Ballard", "Harry Bosch", "Bosch: Legacy"} <= {n.strip('"') for n in names}


def test_relative_iris_resolve_against_the_endpoint(
    client: httpx.Client, server: RunningServer
) -> None:
    """SPARQL 1.1 Protocol, 2.1.1: the base IRI of a query is the endpoint's URL; IRI() and
    URI() resolve a string against it too (SPARQL 1.1, 17.4.2.8). An absolute IRI stays as
    written."""
    query = (
        'SELECT ?a ?b ?c ?d { BIND(<rel> AS ?a) BIND(IRI("x/y") AS ?b) BIND(uri("#z") AS ?c) '
        "BIND(<http://other.example/p> AS ?d) }"
    )
    r = client.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert r.status_code == 200, r.text
    row = r.json()["results"]["bindings"][0]
    assert {k: v["value"] for k, v in row.items()} == {
        "a": server.url + "rel",
        "b": server.url + "x/y",
        "c": server.url + "sparql#z",
        "d": "http://other.example/p",
    }


#: SPARQL 1.2 terms Oxigraph evaluates: a triple term and a literal with a base direction
TRIPLE_TERM = (
    'SELECT ?t ?l WHERE { BIND(<<( id:ballard schema:name "Ballard" )>> AS ?t) '
    'BIND("Ballard"@en--ltr AS ?l) }'
)


@pytest.mark.parametrize("media_type", sorted(SELECT_TYPES))
def test_triple_terms_and_base_directions_in_every_results_format(
    client: httpx.Client, media_type: str
) -> None:
    """A valid query whose answer holds SPARQL 1.2 terms is answered (it was a 500)."""
    r = client.post("/sparql", data={"query": TRIPLE_TERM}, headers={"Accept": media_type})
    assert r.status_code == 200, r.text
    if SELECT_TYPES[media_type] == "json":
        (row,) = r.json()["results"]["bindings"]
        assert row["t"]["type"] == "triple"
        assert row["t"]["value"]["subject"] == {"type": "uri", "value": str(ID.ballard)}
        assert row["l"] == {
            "type": "literal",
            "value": "Ballard",
            "xml:lang": "en",
            "its:dir": "ltr",
        }
    elif media_type == "text/tab-separated-values":
        assert f'<<( <{ID.ballard}> <{SDO.name}> "Ballard" )>>' in r.text
        assert '"Ballard"@en--ltr' in r.text


@pytest.mark.parametrize("form", ["CONSTRUCT WHERE { id:ballard ?p ?o }", "DESCRIBE id:ballard"])
def test_graph_results_in_every_rdf_format(client: httpx.Client, form: str) -> None:
    graphs = []
    for media_type, fmt in GRAPH_TYPES.items():
        r = client.post("/sparql", data={"query": form}, headers={"Accept": media_type})
        assert r.status_code == 200, r.text
        assert ctype(r) == media_type
        graphs.append(Graph().parse(data=r.content, format=fmt))
    assert (ID.ballard, SDO.name, Literal("Ballard")) in graphs[0]
    for g in graphs[1:]:
        assert isomorphic(graphs[0], g)


def test_get_form_and_direct_post_agree(client: httpx.Client) -> None:
    get = client.get("/sparql", params={"query": SERIES})
    form = client.post("/sparql", data={"query": SERIES})
    direct = client.post(
        "/sparql", content=SERIES.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert get.status_code == form.status_code == direct.status_code == 200
    assert get.json() == form.json() == direct.json()


def test_format_parameter_overrides_accept(client: httpx.Client) -> None:
    r = client.get(
        "/sparql", params={"query": SERIES, "format": "csv"}, headers={"Accept": "text/html"}
    )
    assert ctype(r) == "text/csv"


#: (form, format/output values, media type answered). What endpoints in the wild accept and
#: SPARQLWrapper sends (both parameters, a name then the media type): a name means a results
#: format for SELECT/ASK and a graph format for CONSTRUCT/DESCRIBE (json -> JSON-LD, xml ->
#: RDF/XML), n3 is answered with Turtle (a Turtle document is an N3 document).
LENIENT = [
    ("SELECT", [("format", "json")], "application/sparql-results+json"),
    ("SELECT", [("output", "csv")], "text/csv"),
    ("SELECT", [("format", "text/tab-separated-values")], "text/tab-separated-values"),
    (
        "SELECT",
        [
            ("format", "tsv"),
            ("format", "text/tab-separated-values"),
            ("output", "tsv"),
            ("output", "text/tab-separated-values"),
            ("results", "tsv"),
        ],
        "text/tab-separated-values",
    ),
    ("SELECT", [("format", "application/sparql-results+xml")], "application/sparql-results+xml"),
    ("ASK", [("format", "xml"), ("output", "xml")], "application/sparql-results+xml"),
    ("ASK", [("format", "csv")], "text/csv"),  # SPARQL 1.1 Protocol 2.1.5: CSV/TSV for ASK too
    ("CONSTRUCT", [("format", "json")], "application/ld+json"),
    (
        "CONSTRUCT",
        [("format", "json-ld"), ("format", "application/ld+json,application/x-json+ld")],
        "application/ld+json",
    ),
    ("CONSTRUCT", [("format", "xml"), ("output", "xml")], "application/rdf+xml"),
    (
        "CONSTRUCT",
        [("format", "rdf+xml"), ("format", "application/rdf+xml")],
        "application/rdf+xml",
    ),
    ("DESCRIBE", [("format", "n3"), ("output", "n3")], "text/turtle"),
    ("DESCRIBE", [("output", "text/turtle")], "text/turtle"),
    ("DESCRIBE", [("format", "text/plain")], "application/n-triples"),
    ("DESCRIBE", [("format", "")], "text/turtle"),  # empty: SPARQLWrapper's "*/*"
]
_FORMS = {
    "SELECT": SERIES,
    "ASK": "ASK { id:ballard a bg:TVSeries }",
    "CONSTRUCT": "CONSTRUCT WHERE { id:ballard ?p ?o }",
    "DESCRIBE": "DESCRIBE id:ballard",
}


@pytest.mark.parametrize(("form", "params", "media_type"), LENIENT)
def test_format_and_output_parameters_are_read_leniently(
    client: httpx.Client, form: str, params: list[tuple[str, str]], media_type: str
) -> None:
    for method in ("GET", "POST"):
        pairs = [("query", _FORMS[form]), *params]
        if method == "GET":
            r = client.get("/sparql", params=pairs)
        else:
            form = {"Content-Type": "application/x-www-form-urlencoded"}
            r = client.post("/sparql", content=urlencode(pairs), headers=form)
        assert r.status_code == 200, (method, r.text)
        assert ctype(r) == media_type
    if media_type in GRAPH_TYPES:
        g = Graph().parse(data=r.content, format=GRAPH_TYPES[media_type])
        assert (ID.ballard, SDO.name, Literal("Ballard")) in g


@pytest.mark.parametrize(
    ("form", "params", "message"),
    [
        ("SELECT", [("format", "turtle")], "does not apply to SELECT results"),
        ("CONSTRUCT", [("format", "csv")], "does not apply to CONSTRUCT results"),
        ("SELECT", [("format", "json"), ("output", "csv")], "name different formats"),
        ("DESCRIBE", [("format", "turtle"), ("format", "json")], "name different formats"),
    ],
)
def test_format_parameters_that_disagree_or_do_not_apply(
    client: httpx.Client, form: str, params: list[tuple[str, str]], message: str
) -> None:
    r = client.get("/sparql", params=[("query", _FORMS[form]), *params])
    assert r.status_code == 400 and message in r.text


@pytest.mark.parametrize(
    ("accept", "media_type", "fmt"),
    [
        ("text/plain, */*;q=0.1", "text/plain", "nt"),  # rdflib's format="nt"
        ("text/n3, */*;q=0.1", "text/n3", "turtle"),  # rdflib's format="n3"
        (
            "application/ld+json, application/json;q=0.9, */*;q=0.1",
            "application/ld+json",
            "json-ld",
        ),
    ],
)
def test_graph_results_for_plain_text_and_n3(
    client: httpx.Client, accept: str, media_type: str, fmt: str
) -> None:
    r = client.get("/sparql", params={"query": _FORMS["DESCRIBE"]}, headers={"Accept": accept})
    assert r.status_code == 200 and ctype(r) == media_type
    g = Graph().parse(data=r.content, format=fmt)
    assert (ID.ballard, SDO.name, Literal("Ballard")) in g


def test_head_and_wildcards(client: httpx.Client) -> None:
    assert client.head("/sparql", params={"query": "ASK {}"}).status_code == 200
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "*/*"})
    assert ctype(r) == "application/sparql-results+json"
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/*"})
    assert ctype(r) == "application/sparql-results+json"


def test_protocol_dataset_selects_graphs(client: httpx.Client) -> None:
    def ask(query: str, **params: str) -> bool:
        r = client.get("/sparql", params={"query": query, **params})
        assert r.status_code == 200, r.text
        return r.json()["boolean"]

    inferred_only = "ASK { id:renee-ballard bg:playedBy id:maggie-q }"
    assert ask(inferred_only)  # the default graph is the union, inferences included
    facts = "https://w3id.org/bgraph/graph/facts"
    assert not ask(inferred_only, **{"default-graph-uri": facts})
    assert ask(inferred_only, **{"default-graph-uri": str(INFERRED_GRAPH)})
    assert not ask(f"ASK FROM <{facts}> {{ id:renee-ballard bg:playedBy id:maggie-q }}")
    claim = "https://w3id.org/bgraph/claim/a000-maggie-q"
    r = client.get(
        "/sparql",
        params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": claim},
    )
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [claim]


@pytest.mark.parametrize("nq", named_queries(), ids=lambda q: q.name)
def test_competency_queries_through_the_endpoint(client: httpx.Client, nq) -> None:
    if nq.kind in ("CONSTRUCT", "DESCRIBE"):
        r = client.post("/sparql", data={"query": nq.text}, headers={"Accept": "text/turtle"})
        assert r.status_code == 200, r.text
        assert isomorphic(
            Graph().parse(data=r.text, format="turtle"), parse_expected(nq.expected_path)
        )
        return
    r = client.post("/sparql", data={"query": nq.text})
    assert r.status_code == 200, r.text
    actual = Result.parse(io.BytesIO(r.content), format="json")
    expected = parse_expected(nq.expected_path)
    assert isinstance(expected, Result)
    if nq.kind == "ASK":
        assert actual.askAnswer == expected.askAnswer
    else:
        assert same_bindings(
            by_value(binding_rows(actual)), by_value(binding_rows(expected)), is_ordered(nq.text)
        )


# --- service description, VoID, dumps -----------------------------------------------------------


def test_service_description_tells_the_truth(client: httpx.Client, server: RunningServer) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and ctype(r) == "text/turtle"
    g = Graph().parse(data=r.text, format="turtle")
    svc = URIRef(server.url + "sparql")
    assert (svc, RDF.type, SD.Service) in g
    assert (svc, SD.endpoint, svc) in g
    assert (svc, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (svc, SD.supportedLanguage, SD.SPARQL11Update) not in g
    assert (svc, SD.feature, SD.BasicFederatedQuery) not in g
    assert (svc, SD.feature, SD.DereferencesURIs) not in g
    assert (svc, SD.feature, SD.UnionDefaultGraph) in g
    assert (svc, SD.defaultEntailmentRegime, ENT["OWL-RDF-Based"]) in g
    formats = set(g.objects(svc, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_TSV") in formats
    assert URIRef("http://www.w3.org/ns/formats/JSON-LD") in formats
    names = set(g.objects(None, SD.name))
    assert INFERRED_GRAPH in names
    inferred = next(g.subjects(SD.name, INFERRED_GRAPH))
    assert (inferred, SD.entailmentRegime, ENT["OWL-RDF-Based"]) in g
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=jsonld.text, format="json-ld"), g)
    browser = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert 'id="yasgui"' in browser.text
    assert "/static/vendor/yasgui/yasgui.min.js" in browser.text
    assert "cdn" not in browser.text.lower()


def test_void_and_dumps(client: httpx.Client, server: RunningServer) -> None:
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    ds = next(g.subjects(RDF.type, VOID.Dataset))
    assert (ds, RDF.type, DCAT.Dataset) in g
    assert (ds, VOID.sparqlEndpoint, URIRef(server.url + "sparql")) in g
    assert (ds, URIRef("http://purl.org/dc/terms/license"), None) in g
    assert (ds, VOID.exampleResource, ID.ballard) in g
    triples = int(g.value(ds, VOID.triples))
    assert int(g.value(ds, VOID.entities)) > 50
    assert int(g.value(ds, VOID.classes)) > 10
    dumps = sorted(str(u) for u in g.objects(ds, VOID.dataDump))
    assert len(dumps) == 6
    for url in dumps:
        dump = client.get(url)
        assert dump.status_code == 200, url
        fmt = {".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld"}.get(Path(url).suffix)
        if fmt:
            data = Dataset()
            data.parse(data=dump.content, format=fmt)
            assert INFERRED_GRAPH in {c.identifier for c in data.graphs()}
        else:
            fmt = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml"}[Path(url).suffix]
            assert len(Graph().parse(data=dump.content, format=fmt)) == triples
    assert client.get("/dumps/").status_code == 200


#: (path, Accept, media type answered, rdflib format or None for a page): every document reads
#: ``?format=`` the same way (a name, an alias or a media type, over Accept) and offers every RDF
#: format of the table by Accept.
_FORMAT_EVERYWHERE = [
    ("/.well-known/void?format=ttl", "text/html", "text/turtle", "turtle"),
    ("/.well-known/void?format=application/n-quads", None, "application/n-quads", "nquads"),
    ("/.well-known/void?format=html", "text/turtle", "text/html", None),
    ("/.well-known/void", "application/trig", "application/trig", "trig"),
    ("/sparql?format=json", "text/html", "application/ld+json", "json-ld"),  # the description
    ("/sparql?output=html", None, "text/html", None),  # the query UI
    ("/ontology?format=n3", "text/html", "text/turtle", "turtle"),
    ("/ontology", "application/n-quads", "application/n-quads", "nquads"),
    ("/ontology", "text/plain, */*;q=0.1", "text/plain", "nt"),  # rdflib's format="nt"
    ("/resource?iri=https%3A%2F%2Fschema.org%2FPerson&format=TTL", None, "text/turtle", "turtle"),
    ("/resource?iri=https%3A%2F%2Fschema.org%2FPerson&format=rdf", None, "application/rdf+xml",
     "xml"),
    ("/resource?iri=https%3A%2F%2Fschema.org%2FPerson&format=htm", None, "text/html", None),
]  # fmt: skip


@pytest.mark.parametrize(("path", "accept", "media_type", "fmt"), _FORMAT_EVERYWHERE)
def test_format_parameter_and_accept_on_every_document(
    client: httpx.Client, path: str, accept: str | None, media_type: str, fmt: str | None
) -> None:
    r = client.get(path, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and ctype(r) == media_type
    if fmt is None:
        assert "<html" in r.text.lower()
    else:
        assert len(Dataset().parse(data=r.content, format=fmt)) > 0


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/.well-known/void?format=csv", "format='csv' does not apply to the VoID description"),
        ("/sparql?format=docx", "unknown RDF format 'docx'"),
        ("/resource?iri=https%3A%2F%2Fschema.org%2FPerson&format=tsv", "does not apply"),
    ],
)
def test_a_format_a_document_is_not_offered_in_is_a_400(
    client: httpx.Client, path: str, message: str
) -> None:
    r = client.get(path, headers={"Accept": "text/plain"})
    assert r.status_code == 400 and message in r.text


# --- linked data ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "suffix", "fmt"),
    [
        ("text/html,application/xhtml+xml,*/*;q=0.8", ".html", None),
        ("text/turtle", ".ttl", "turtle"),
        ("application/ld+json", ".jsonld", "json-ld"),
        ("application/n-triples", ".nt", "nt"),
        ("application/rdf+xml", ".rdf", "xml"),
        ("application/trig", ".trig", "trig"),
    ],
)
def test_entity_iri_dereferences(
    client: httpx.Client, accept: str, suffix: str, fmt: str | None
) -> None:
    r = client.get("/id/renee-ballard", headers={"Accept": accept})
    assert r.status_code == 303
    assert r.headers["Location"] == "/id/renee-ballard" + suffix
    assert [v.strip() for v in r.headers["Vary"].split(",")] == ["Accept", "Origin"]
    doc = client.get(r.headers["Location"])
    assert doc.status_code == 200
    if fmt is None:
        assert "<h1>Renée Ballard</h1>" in doc.text
        return
    data = Dataset(default_union=True)
    data.parse(data=doc.content, format=fmt)
    assert (ID["renee-ballard"], SDO.name, Literal("Renée Ballard")) in data
    assert (
        ID["perf-ballard-maggie-q"],
        URIRef(str(Namespace("https://w3id.org/bgraph/ontology/")) + "character"),
        ID["renee-ballard"],
    ) in data  # incoming


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [
        (".ttl", "turtle"),
        (".jsonld", "json-ld"),
        (".nt", "nt"),
        (".rdf", "xml"),
        (".trig", "trig"),
        (".nq", "nquads"),
    ],
)
def test_entity_documents_hold_the_triples_in_the_default_graph(
    client: httpx.Client, suffix: str, fmt: str
) -> None:
    """A reader of triples (rdflib's Graph) gets the same triples from every document of an
    entity: they are in the default graph; quad formats add the graphs that state each fact."""
    turtle = Graph().parse(data=client.get("/id/ballard.ttl").content, format="turtle")
    assert len(turtle) > 150
    doc = client.get("/id/ballard" + suffix)
    g = Graph().parse(data=doc.content, format=fmt)
    assert isomorphic(g, turtle)
    if suffix in (".jsonld", ".trig", ".nq"):
        ds = Dataset()
        ds.parse(data=doc.content, format=fmt)
        names = {str(c.identifier) for c in ds.graphs() if len(c)}
        assert str(INFERRED_GRAPH) in names
        assert any("/claim/" in n for n in names)  # provenance: the claims beside the triples


def test_entity_jsonld_is_compacted_with_the_packaged_context(client: httpx.Client) -> None:
    doc = client.get("/id/ballard.jsonld").json()
    ctx = doc["@context"]
    assert ctx["@vocab"] == "https://schema.org/" and ctx["id"] == str(ID)
    ballard = next(n for n in doc["@graph"] if n["@id"] == "id:ballard")  # the default graph
    assert ballard["name"] == "Ballard"
    assert "id:bosch" in ballard["spinOffOf"]  # bgraph terms: short keys, IRIs as strings


def test_entity_page_shows_facts_sources_and_inferences(client: httpx.Client) -> None:
    page = client.get("/id/renee-ballard.html").text
    assert "<h1>Renée Ballard</h1>" in page
    assert 'class="badge asserted"' in page and 'class="badge inferred"' in page
    assert "interprétée par Maggie Q" in page  # a verbatim quote from a source article
    assert 'href="/id/article-000.html"' in page or 'href="/id/article-000"' in page
    assert "Linked from" in page and "Entities whose facts point to Renée Ballard" in page
    assert 'href="/id/maggie-q"' in page
    for suffix in (".ttl", ".jsonld", ".nt", ".rdf"):
        assert f'href="/id/renee-ballard{suffix}"' in page


class PageParts(HTMLParser):
    """The parts of an entity page the tests read: section order, fact rows per section (the
    relation's IRI), the cast table's rows and the embedded JSON-LD."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.rows: dict[str, list[str]] = {}
        self.also: dict[str, list[str]] = {}
        self.cast: list[list[str]] = []
        self.jsonld: list[str] = []
        self.text: list[str] = []
        self._in: list[str] = []
        self._prop = False
        self._also = False
        self._cell: list[str] | None = None
        self._implied = False  #: in a cast row's "N inferred links" (issue 14), not its cells
        self._script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag == "section":
            self.sections.append(cls.removeprefix("section-"))
        if tag == "div" and cls == "prop":
            self._prop = True
        if tag == "span" and "also" in cls.split():
            self._also = True
        if tag == "a" and self._prop and not self._also:
            self.rows.setdefault(self.sections[-1], []).append(a.get("title", ""))
        elif tag == "a" and self._also:
            row = self.rows[self.sections[-1]][-1]
            self.also.setdefault(row, []).append(a.get("title", ""))
        if tag == "tr" and self.sections and self.sections[-1] == "cast":
            self.cast.append([])
        if tag == "td" and self.cast:
            self._cell = []
        if tag == "details" and cls == "implied":
            self._implied = True
        if tag == "script" and a.get("type") == "application/ld+json":
            self._script = True

    def handle_endtag(self, tag):
        if tag == "div":
            self._prop = False
        if tag == "span":
            self._also = False
        if tag == "details":
            self._implied = False
        if tag == "td" and self._cell is not None:
            self.cast[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._script:
            self.jsonld.append(data)
            return
        if self._cell is not None and not self._implied:
            self._cell.append(data)
        self.text.append(data)


def page_parts(client: httpx.Client, path: str) -> PageParts:
    parts = PageParts()
    parts.feed(client.get(path, headers={"Accept": "text/html"}, follow_redirects=True).text)
    return parts


def test_entity_page_shows_each_relation_once(client: httpx.Client) -> None:
    """A super-property inferred from sub-properties (schema:isBasedOn from bg:basedOn and
    bg:spinOffOf; schema:genre from bg:genre) is an "also" of their rows, not a row again;
    the Role pattern's relations are the cast table, not rows."""
    ballard = page_parts(client, "/id/ballard")
    facts = ballard.rows["facts"]
    assert len(facts) == len(set(facts))
    for shown_once in (SDO.isBasedOn, SDO.genre, SDO.actor, SDO.character):
        assert str(shown_once) not in facts
    assert str(SDO.isBasedOn) in ballard.also[str(BG.basedOn)]
    assert str(SDO.isBasedOn) in ballard.also[str(BG.spinOffOf)]
    assert str(SDO.genre) in ballard.also[str(BG.genre)]
    assert str(BG.castMember) not in facts and str(BG.hasPerformance) not in facts
    # the inverse relations reasoning adds are the same facts the other way round
    links = ballard.rows["links"]
    for echo in (BG.adaptedAs, BG.seasonOf, BG.franchiseWork):
        assert str(echo) not in links
    assert str(BG.adaptedAs) in ballard.also[str(BG.basedOn)]
    assert str(BG.latestSpinOff) in links  # stated by the data (article 001), kept
    labels = [r.rsplit("/", 1)[-1] for r in facts]
    assert "countryOfOrigin" in labels  # bgraph's, labelled "country of origin"
    html = client.get("/id/ballard.html").text  # one style of label: words, lower case
    assert ">country of origin</a>" in html and ">countryOfOrigin</a>" not in html


def test_entity_page_puts_what_a_reader_wants_first(client: httpx.Client) -> None:
    """For a series: dates, the cast with characters, adaptation, spin-offs, where to watch,
    figures, sources (articles 000-002)."""
    ballard = page_parts(client, "/id/ballard")
    order = ballard.sections
    assert order.index("glance") < order.index("cast") < order.index("facts")
    assert order.index("facts") < order.index("links") < order.index("sources")
    facts = [r.rsplit("/", 1)[-1] for r in ballard.rows["facts"]]
    assert facts.index("basedOn") < facts.index("spinOffOf") < facts.index("availableOn")
    assert [
        "Maggie Q",
        "Renée Ballard",
        "role",
    ] in ballard.cast  # article 001: "Maggie Q : Renée Ballard"
    assert ["Titus Welliver", "Harry Bosch", "role"] in ballard.cast
    text = " ".join(ballard.text)
    assert "2025-07-09" in text.split("Cast")[0]  # the start date, before the cast
    links = [r.rsplit("/", 1)[-1] for r in ballard.rows["links"]]
    assert "measureOf" in links  # the viewership figures and chart rankings


def test_entity_page_names_articles_by_title(client: httpx.Client) -> None:
    text = " ".join(page_parts(client, "/id/ballard").text)
    assert "Prime Video renouvelle Ballard pour une saison 2" in text  # article 002's headline
    assert "Article 000, untitled (2025-08)" in text  # articles 000 and 001 have no headline
    assert "2294e789d07cac28" not in text and "eeb509711a76b266" not in text  # no file hashes


def test_entity_page_embeds_its_schema_org_markup(client: httpx.Client) -> None:
    """The same markup as `bgraph export --entity`, in a data block (not run: the CSP's
    script-src does not apply to it)."""
    ballard = page_parts(client, "/id/ballard")
    (block,) = ballard.jsonld
    markup = json.loads(block)
    assert markup["@context"] == {"@vocab": "https://schema.org/"}
    assert markup["@type"] == "TVSeries" and markup["name"] == "Ballard"
    assert any(a.get("name") == "Maggie Q" for a in markup["actor"] if isinstance(a, dict))
    g = Graph().parse(data=block, format="json-ld")
    assert (ID.ballard, SDO.name, Literal("Ballard")) in g


def test_a_french_only_name_is_the_page_title(client: httpx.Client) -> None:
    """Harry Bosch is named only in French in the articles ("Harry Bosch"@fr)."""
    page = client.get("/id/bosch.html").text
    assert "<h1>Harry Bosch</h1>" in page


def test_every_page_has_the_site_header(client: httpx.Client) -> None:
    for path in ("/", "/id/ballard", "/ontology", "/sparql", "/search?q=bosch", "/dumps/"):
        page = client.get(path, headers={"Accept": "text/html"}, follow_redirects=True).text
        assert '<header class="top">' in page, path
        assert '<a class="brand" href="/">bgraph</a>' in page, path


def test_home_page_leads_with_works_and_people(client: httpx.Client) -> None:
    home = page_parts(client, "/")
    order = home.sections
    assert order.index("series") < order.index("works") < order.index("pictures")
    assert order.index("pictures") < order.index("classes")
    text = " ".join(home.text)
    assert "Les Ténèbres et la Nuit" in text and "Maggie Q" in text
    kinds = text.split("Browse by kind")[1]
    assert "Television series" in kinds and "Person" in kinds
    for bookkeeping in ("ObjectProperty", "owl:Class", "Claim", "Inference"):
        assert bookkeeping not in kinds


def test_home_page_counts_the_entities_the_facts_state(client: httpx.Client) -> None:
    """ "Browse by kind" counts what the data states (the facts graph, for bgraph's own data):
    not the explanations' bookkeeping (bg:Inference nodes), the ontology or the closure."""
    html = client.get("/", headers={"Accept": "text/html"}).text
    section = html.split('<section class="section-classes">')[1].split("</section>")[0]
    shown = {
        iri: int(n)
        for iri, n in re.findall(r'title="([^"]+)">[^<]*</a> <span class=.count.>(\d+)<', section)
    }
    query = """SELECT ?c (COUNT(DISTINCT ?e) AS ?n) {
      GRAPH <https://w3id.org/bgraph/graph/facts> { ?e a ?c } } GROUP BY ?c"""
    rows = client.post("/sparql", data={"query": query}).json()["results"]["bindings"]
    stated = {r["c"]["value"]: int(r["n"]["value"]) for r in rows}
    assert shown and all(stated.get(iri) == n for iri, n in shown.items()), (shown, stated)
    biggest = sorted(stated.values(), reverse=True)[: len(shown)]
    assert sorted(shown.values(), reverse=True) == biggest


def test_ontology_terms_and_other_iris(client: httpx.Client) -> None:
    r = client.get("/ontology/TVSeries", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    assert (URIRef("https://w3id.org/bgraph/ontology/TVSeries"), RDF.type, None) in g
    assert client.get("/ontology", headers={"Accept": "text/html"}).status_code == 200
    claim = client.get("/claim/a000-maggie-q.html")
    assert "Named graph" in claim.text and "Maggie Q" in claim.text
    other = client.get(
        "/resource", params={"iri": str(SDO.Person)}, headers={"Accept": "text/html"}
    )
    assert other.status_code == 200
    local = client.get("/resource", params={"iri": str(ID.ballard)})
    assert local.status_code == 303 and local.headers["Location"] == "/id/ballard"


def test_unknown_iri_and_unacceptable_type(client: httpx.Client) -> None:
    page = client.get("/id/nobody", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "Nothing is known about" in page.text
    assert client.get("/id/nobody.ttl").status_code == 404
    r = client.get("/id/ballard", headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_home_page_and_search(client: httpx.Client) -> None:
    home = client.get("/", headers={"Accept": "text/html"})
    assert home.status_code == 200
    for text in ("Bosch universe", "Ballard", "Bosch: Legacy", "Harry Bosch"):
        assert text in home.text
    for link in (
        'href="/sparql"',
        'href="/.well-known/void"',
        'href="/dumps/"',
        'action="/search"',
    ):
        assert link in home.text
    hits = client.get("/search", params={"q": "renee"}, headers={"Accept": "application/json"})
    assert hits.json()[0]["iri"] == str(ID["renee-ballard"])  # accents folded
    page = client.get("/search", params={"q": "maggie"})
    assert 'href="/id/maggie-q"' in page.text
    assert client.get("/", headers={"Accept": "text/turtle"}).status_code == 303


# --- load ----------------------------------------------------------------------------------------


def test_load_200_requests_from_8_clients(server: RunningServer) -> None:
    # the competency questions; the integrity checks (*-violation) are left out: they scan the
    # whole graph, and 8 of them at once on 2 cores would test the deadline, which
    # test_server_safety.py does
    queries = [q.text for q in named_queries() if not q.name.endswith("-violation")]
    paths = ["/", "/id/ballard.html", "/id/maggie-q.ttl", "/search?q=bosch", "/.well-known/void"]

    def one(i: int) -> int:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            if i % 4 == 3:
                return c.get(paths[i % len(paths)]).status_code
            return c.post("/sparql", data={"query": queries[i % len(queries)]}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(one, range(200)))
    assert statuses == [200] * 200


# --- other files, other settings -----------------------------------------------------------------


TRIG = """@prefix ex: <http://example.org/> .
ex:g1 { ex:thing1 a ex:Widget ; ex:name "one" ; ex:note "<script>alert(1)</script>" . }
ex:g2 { ex:thing2 a ex:Widget ; ex:partOf ex:thing1 . }
"""


def test_serves_other_files_with_their_graphs(tmp_path: Path) -> None:
    trig = tmp_path / "widgets.trig"
    trig.write_text(TRIG, encoding="utf-8")
    jsonld = tmp_path / "extra.jsonld"
    jsonld.write_text(
        json.dumps({"@id": "http://example.org/thing3", "http://example.org/name": "three"}),
        encoding="utf-8",
    )
    with (
        running_server(
            str(trig),
            str(jsonld),
            "--no-inference",
            "--base-iri",
            "http://example.org/",
            "--quiet",
        ) as srv,
        httpx.Client(base_url=srv.url, timeout=30) as c,
    ):
        r = c.get("/sparql", params={"query": "SELECT ?g { GRAPH ?g { } } ORDER BY ?g"})
        graphs = [b["g"]["value"] for b in r.json()["results"]["bindings"]]
        assert graphs == ["http://example.org/g1", "http://example.org/g2"]  # JSON-LD: default
        r = c.get("/sparql", params={"query": "SELECT ?s { ?s <http://example.org/name> ?n }"})
        assert len(r.json()["results"]["bindings"]) == 2  # default graph = union
        r = c.get("/thing1", headers={"Accept": "text/turtle"})
        assert r.status_code == 303 and r.headers["Location"] == "/thing1.ttl"
        doc = c.get("/thing1.ttl")
        assert "Widget" in doc.text and "thing2" in doc.text  # both directions
        page = c.get("/thing1.html").text
        assert "<script>alert(1)" not in page  # what the data says is escaped
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        sd = Graph().parse(data=c.get("/sparql", headers={"Accept": "text/turtle"}).text)
        svc = URIRef(srv.url + "sparql")
        assert (svc, SD.defaultEntailmentRegime, ENT.Simple) in sd
        assert INFERRED_GRAPH not in set(sd.objects(None, SD.name))
        home = c.get("/", headers={"Accept": "text/html"}).text
        assert "widgets.trig" in home


def _bgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bgraph", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_errors(server: RunningServer, tmp_path: Path) -> None:
    missing = _bgraph("serve", str(tmp_path / "nope.ttl"))
    assert missing.returncode == 1  # a missing input file, as from every command
    assert "nope.ttl: no such file" in missing.stderr
    busy = _bgraph("serve", "--no-inference", "--port", str(server.port))
    assert busy.returncode == 1
    assert f"Error: cannot listen on 127.0.0.1:{server.port}" in busy.stderr
    assert "Traceback" not in busy.stderr
    bad = _bgraph("serve", "--base-url", "ftp://x")
    assert bad.returncode == 2 and "--base-url" in bad.stderr
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    parse = _bgraph("serve", str(broken))
    assert parse.returncode == 1 and "broken.ttl" in parse.stderr
    helped = _bgraph("serve", "--help")
    assert "Example:" in helped.stdout and "--timeout" in helped.stdout


def test_dumps_are_the_export(client: httpx.Client, enriched_store) -> None:
    """Each dump holds the bytes ``bgraph export --format X`` writes for the same data; the
    JSON-LD dump, expanded, holds the same dataset as the export's compacted JSON-LD."""
    import pyoxigraph as ox

    from bgraph.export import serialize_store
    from bgraph.formats import DOCUMENT_FORMATS
    from bgraph.server.dumps import dump_name

    for fmt in DOCUMENT_FORMATS:
        r = client.get("/dumps/" + dump_name(fmt))
        assert r.status_code == 200, fmt.name
        exported = serialize_store(enriched_store, fmt).encode("utf-8")
        if fmt.name != "jsonld":
            assert r.content == exported, fmt.name
            continue
        assert "@context" not in json.loads(r.content)  # expanded: no context to read
        datasets = []
        for doc in (r.content, exported):
            dataset = ox.Dataset(ox.parse(doc, format=ox.RdfFormat.JSON_LD))
            dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            datasets.append(sorted(str(q) for q in dataset))
        assert datasets[0] == datasets[1] and len(datasets[0]) > 2000


def test_large_responses_are_gzipped(client: httpx.Client) -> None:
    r = client.get("/dumps/bgraph.nt", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["Content-Encoding"] == "gzip"
    assert "<https://w3id.org/bgraph/id/ballard>" in r.text


@pytest.mark.parametrize(
    ("query", "columns"),
    [
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", ["s", "p", "o"]),
        ("SELECT DISTINCT * WHERE { ?z a ?kind . ?z schema:name ?a } LIMIT 1", ["z", "kind", "a"]),
        ("SELECT ?o ?s WHERE { ?s ?p ?o } LIMIT 1", ["o", "s"]),  # as projected
    ],
)
def test_select_star_columns_follow_the_query(client: httpx.Client, query: str, columns) -> None:
    """Issue 11: SELECT *'s columns in the order the query writes its variables (Oxigraph
    alone sorts them by name: o, p, s)."""
    r = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.text.splitlines()[0].split(",") == columns


def test_health_says_how_workers_are_kept_off_the_network(client: httpx.Client) -> None:
    """The kernel's network ban on query workers is reported (this CI's Linux has seccomp)."""
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["network_ban"] == "seccomp"


def test_home_page_of_a_user_file_counts_its_classes(tmp_path: Path) -> None:
    """A small file is served with its explanations (issue 14); the home page's kinds are the
    file's own classes, with the file's counts: not bg:Inference, not inferred super-classes."""
    data = tmp_path / "shelf.ttl"
    data.write_text(
        "@prefix ex: <http://example.org/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "ex:Novel rdfs:subClassOf ex:Book .\n"
        "ex:a a ex:Novel . ex:b a ex:Novel . ex:c a ex:Pamphlet .\n",
        encoding="utf-8",
    )
    with running_server("--quiet", str(data)) as srv:
        ask = "ASK { GRAPH <https://w3id.org/bgraph/graph/explanations> { ?s ?p ?o } }"
        assert httpx.post(srv.url + "sparql", data={"query": ask}).json()["boolean"] is True
        html = httpx.get(srv.url, headers={"Accept": "text/html"}).text
    section = html.split('<section class="section-classes">')[1].split("</section>")[0]
    shown = dict(re.findall(r'title="([^"]+)">[^<]*</a> <span class=.count.>(\d+)<', section))
    assert shown == {"http://example.org/Novel": "2", "http://example.org/Pamphlet": "1"}
