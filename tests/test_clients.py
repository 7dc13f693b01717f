"""Real clients, written by others, with their default settings, against a real ``bgraph serve``
on 127.0.0.1: SPARQLWrapper (GET and POST, every return format it offers for every query form),
rdflib (``Graph().parse(url, format=...)`` for every format, ``SPARQLStore``, a local
``SERVICE``), pyoxigraph federating through ``SERVICE``, and the Node clients Comunica and
fetch-sparql-endpoint (installed by .ci/setup.d/80-node-clients.sh).

No client is configured around bgraph (no ``setOnlyConneg``, no forced method or header): what
each sends by default is what the endpoint must answer. bgraph itself refuses SERVICE; here the
client is the one federating, with bgraph as the remote endpoint.
"""

from __future__ import annotations

import json
import os
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.dom.minidom import Document

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SDO

from bgraph.namespaces import BG, ID
from server_harness import RunningServer, running_server

ROOT = Path(__file__).resolve().parents[1]
NODE_BIN = Path(os.environ.get("BGRAPH_NODE_CLIENTS", ROOT / "build" / "node-clients"))
NODE_BIN = NODE_BIN / "node_modules" / ".bin"
BALLARD = str(ID.ballard)
NAME = str(SDO.name)

#: One query per form, each with an answer that names Ballard (article 000: the spin-off).
QUERIES = {
    "SELECT": f"SELECT ?name WHERE {{ <{BALLARD}> <{NAME}> ?name }}",
    "ASK": f'ASK {{ <{BALLARD}> <{NAME}> "Ballard" }}',
    "CONSTRUCT": f"CONSTRUCT WHERE {{ <{BALLARD}> ?p ?o }}",
    "DESCRIBE": f"DESCRIBE <{BALLARD}>",
}


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server("--quiet") as srv:
        yield srv


@pytest.fixture(scope="module")
def endpoint(server: RunningServer) -> str:
    return server.url + "sparql"


# --- SPARQLWrapper, defaults ---------------------------------------------------------------------


def _wrapper_cases() -> list[tuple[str, str, str]]:
    from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML

    results = [XML, JSON, CSV, TSV]  # SPARQLWrapper's formats for SELECT and ASK
    graphs = [XML, RDFXML, TURTLE, N3, JSONLD, JSON]  # ... and for CONSTRUCT and DESCRIBE
    forms = {"SELECT": results, "ASK": results, "CONSTRUCT": graphs, "DESCRIBE": graphs}
    return [
        (method, form, fmt)
        for method in ("GET", "POST")
        for form, fmts in forms.items()
        for fmt in fmts
    ]


def _ballard_in_graph(data: Any, fmt: str) -> None:
    graph = data if isinstance(data, Graph) else Graph().parse(data=data, format=fmt)
    assert (ID.ballard, SDO.name, Literal("Ballard")) in graph
    assert (ID.ballard, BG.spinOffOf, ID.bosch) in graph


@pytest.mark.parametrize(("method", "form", "fmt"), _wrapper_cases())
def test_sparqlwrapper_with_its_defaults(endpoint: str, method: str, form: str, fmt: str) -> None:
    """SPARQLWrapper 2 sends ``format=``, ``output=`` and ``results=`` beside ``Accept`` (a name,
    and for TSV, JSON-LD and RDF/XML the media types too); ``convert()`` parses the answer."""
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setReturnFormat(fmt)
    client.setQuery(QUERIES[form])
    with warnings.catch_warnings():  # JSON for a graph: "Sending Accept header '*/*'", and
        warnings.simplefilter("ignore", RuntimeWarning)  # format=json, which means JSON-LD
        answer = client.query()
    data = answer.convert()
    if form == "SELECT":
        if fmt == "json":
            names = [b["name"]["value"] for b in data["results"]["bindings"]]
        elif fmt == "xml":
            assert isinstance(data, Document)
            names = [n.firstChild.data for n in data.getElementsByTagName("literal")]
        else:  # TSV spells terms as Turtle does (SPARQL 1.1 CSV/TSV results, section 3.2)
            names = [n.strip('"') for n in data.decode("utf-8").splitlines()[1:]]
        assert names == ["Ballard"]
    elif form == "ASK":
        if fmt == "json":
            assert data["boolean"] is True
        elif fmt == "xml":
            assert data.getElementsByTagName("boolean")[0].firstChild.data == "true"
        else:
            assert data.strip() == b"true"
    elif fmt in ("turtle", "n3"):
        _ballard_in_graph(data, "turtle")
    else:  # xml, rdf+xml, json-ld, json: SPARQLWrapper parsed it into an rdflib graph
        _ballard_in_graph(data, fmt)


# --- rdflib --------------------------------------------------------------------------------------

#: rdflib's parser names, each sent with its own Accept header (rdflib.parser.URLInputSource).
RDFLIB_FORMATS = ["turtle", "n3", "nt", "xml", "json-ld", "trig"]


@pytest.fixture(scope="module")
def ballard_turtle(server: RunningServer) -> Graph:
    return Graph().parse(server.url + "id/ballard.ttl", format="turtle")


@pytest.mark.parametrize("fmt", [*RDFLIB_FORMATS, None])
def test_rdflib_parses_an_entity_iri(server: RunningServer, ballard_turtle: Graph, fmt) -> None:
    """``Graph().parse(url, format=...)``: the thing's IRI answers 303 to the document in that
    format, whose default graph holds the entity's triples (both directions); ``format=None``
    follows the Content-Type."""
    graph = Graph().parse(server.url + "id/ballard", format=fmt)
    assert len(graph) > 150
    assert isomorphic(graph, ballard_turtle)


def test_rdflib_reads_the_quads_document(server: RunningServer, ballard_turtle: Graph) -> None:
    """rdflib has no Accept header of its own for N-Quads (it lists every parser's media type,
    equally): the document's URL names the format."""
    data = Dataset()
    data.parse(server.url + "id/ballard.nq", format="nquads")
    default = data.default_graph
    assert isomorphic(Graph() + default, ballard_turtle)
    assert len(list(data.graphs())) > 5  # the claims and bgg:inferred beside them


@pytest.mark.parametrize("fmt", RDFLIB_FORMATS)
def test_rdflib_parses_a_construct_url(endpoint: str, fmt: str) -> None:
    """A CONSTRUCT query's URL read as an RDF document, with rdflib's Accept for each format
    (``text/plain`` for N-Triples, ``text/n3`` for N3)."""
    from urllib.parse import urlencode

    url = endpoint + "?" + urlencode({"query": QUERIES["CONSTRUCT"]})
    _ballard_in_graph(Graph().parse(url, format=fmt), fmt)


@pytest.mark.parametrize("fmt", ["turtle", "xml", "json-ld", "nt"])
def test_rdflib_parses_the_ontology(server: RunningServer, fmt: str) -> None:
    graph = Graph().parse(server.url + "ontology", format=fmt)
    assert (BG.TVSeries, None, None) in graph


def test_rdflib_sparqlstore(endpoint: str, ballard_turtle: Graph) -> None:
    """rdflib's SPARQLStore: a Graph whose queries and triple patterns go to the endpoint."""
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = Graph(store=SPARQLStore(endpoint))
    assert [str(row[0]) for row in remote.query(QUERIES["SELECT"])] == ["Ballard"]
    assert remote.query(QUERIES["ASK"]).askAnswer is True
    constructed = remote.query(QUERIES["CONSTRUCT"]).graph
    assert (ID.ballard, SDO.name, Literal("Ballard")) in constructed
    described = remote.query(QUERIES["DESCRIBE"]).graph
    assert (ID.ballard, BG.spinOffOf, ID.bosch) in described
    outgoing = set(remote.triples((ID.ballard, None, None)))
    assert outgoing == set(ballard_turtle.triples((ID.ballard, None, None)))


def test_rdflib_federates_through_service(endpoint: str) -> None:
    """A local rdflib graph joined with bgraph's data by SERVICE (rdflib sends the inner query)."""
    local = Graph()
    local.add((URIRef("urn:x:watchlist"), URIRef("urn:x:wants"), ID.ballard))
    rows = local.query(
        f"""SELECT ?name WHERE {{
              <urn:x:watchlist> <urn:x:wants> ?series .
              SERVICE <{endpoint}> {{ ?series <{NAME}> ?name }}
            }}"""
    )
    assert [str(row[0]) for row in rows] == ["Ballard"]


# --- pyoxigraph ----------------------------------------------------------------------------------


def test_pyoxigraph_federates_through_service(endpoint: str) -> None:
    """Oxigraph's engine, in this test process, joins its own store with bgraph's endpoint."""
    import pyoxigraph as ox

    store = ox.Store()
    store.add(
        ox.Quad(ox.NamedNode("urn:x:watchlist"), ox.NamedNode("urn:x:wants"), ox.NamedNode(BALLARD))
    )
    solutions = store.query(
        f"""SELECT ?name ?actor WHERE {{
              <urn:x:watchlist> <urn:x:wants> ?series .
              SERVICE <{endpoint}> {{
                ?series <{NAME}> ?name ; <{SDO.actor}> ?role .
                ?role <{SDO.actor}> ?person ; <{SDO.characterName}> "Renée Ballard" .
                ?person <{NAME}> ?actor
              }}
            }}"""
    )
    rows = [(row["name"].value, row["actor"].value) for row in solutions]
    assert rows == [("Ballard", "Maggie Q")]  # article 000: "interprétée par Maggie Q"
    assert store.query(f"ASK {{ SERVICE <{endpoint}> {{ {QUERIES['ASK'][5:-1]} }} }}")


# --- Node clients --------------------------------------------------------------------------------


def _node(tool: str, *args: str) -> str:
    binary = NODE_BIN / tool
    if not binary.exists():
        message = f"{tool} is not installed (bash .ci/setup.d/80-node-clients.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run(
        [str(binary), *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize("method", [(), ("--get",)], ids=["POST", "GET"])
@pytest.mark.parametrize("form", sorted(QUERIES))
def test_fetch_sparql_endpoint(endpoint: str, form: str, method: tuple[str, ...]) -> None:
    out = _node("fetch-sparql-endpoint", *method, "--endpoint", endpoint, "--query", QUERIES[form])
    if form == "SELECT":
        assert [json.loads(line) for line in out.splitlines()] == [{"name": '"Ballard"'}]
    elif form == "ASK":
        assert out.strip() == "true"
    else:  # Turtle-like text of the streamed quads
        _ballard_in_graph(out, "turtle")


@pytest.mark.parametrize("form", ["SELECT", "ASK", "CONSTRUCT"])
def test_comunica_on_the_endpoint(endpoint: str, form: str) -> None:
    out = _node("comunica-sparql", f"sparql@{endpoint}", QUERIES[form])
    if form == "SELECT":
        assert json.loads(out) == [{"name": '"Ballard"'}]
    elif form == "ASK":
        assert out.strip() == "true"
    else:
        _ballard_in_graph(out, "turtle")


def test_comunica_reads_the_linked_data_document(server: RunningServer) -> None:
    """Comunica dereferences the entity's IRI (its own Accept header) and queries the triples."""
    query = f"SELECT ?series WHERE {{ ?series <{BG.spinOffOf}> <{ID.bosch}> }} ORDER BY ?series"
    out = _node("comunica-sparql", server.url + "id/ballard", query)
    assert json.loads(out) == [{"series": BALLARD}]
