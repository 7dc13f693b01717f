"""The pictures' and ontology's HTTP routes as ``bgraph serve`` answers them, without a browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from bgraph.resources import resources
from server_harness import running_server


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with running_server("--quiet") as srv, httpx.Client(base_url=srv.url) as http:
        yield http


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/turtle;q=0.5, text/html;q=0.9", "text/html"),
        ("text/html;q=0.5, text/turtle", "text/turtle"),
        ("*/*", "text/html"),
        (None, "text/html"),
    ],
)
def test_ontology_content_negotiation(client, accept, media_type):
    r = client.get("/ontology", headers={"accept": accept} if accept else {})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in [v.strip() for v in r.headers["vary"].split(",")]


def test_ontology_as_turtle_and_json_ld_is_the_ontology(client):
    tbox = Graph().parse(resources().ontology)
    ttl = client.get("/ontology", headers={"accept": "text/turtle"}).text
    assert isomorphic(Graph().parse(data=ttl, format="turtle"), tbox)
    jsonld = client.get("/ontology?format=jsonld").text
    assert isomorphic(Graph().parse(data=jsonld, format="json-ld"), tbox)


def test_ontology_term_iris(client):
    r = client.get("/ontology/TVSeries", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ontology#TVSeries"
    r = client.get("/ontology/TVSeries", headers={"accept": "text/turtle"})
    assert r.status_code == 200 and "bg:TVSeries" in r.text and "wd:Q5398426" in r.text
    assert client.get("/ontology/NoSuchTerm").status_code == 404
    for name in ("ontology.ttl", "ontology.jsonld", "shapes.ttl"):
        assert client.get(f"/ontology/{name}").status_code == 200


def test_bad_format_is_a_clear_400(client):
    r = client.get("/ontology?format=docx", headers={"accept": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"] == "Bad Request"
    assert "unknown RDF format 'docx'" in r.json()["message"]


#: What each bad input of the pictures' and ontology's routes gets: the status and message
#: every route gives (a bad integer parameter: 400, as /search?limit=abc; RFC 9110 15.5.1: a
#: client error in the request; 422, 15.5.21, is for request content, which a GET has none of).
BAD_INPUTS = [
    ("/visual/graph/ballard.json?depth=99", 400, "query.depth: 99 is not 0-6"),
    ("/visual/graph/ballard.json?depth=two", 400, "query.depth: 'two' is not an integer"),
    ("/visual/graph/ballard.json?limit=0", 400, "query.limit: 0 is not 1-5000"),
    ("/visual/graph/ballard.json?limit=1_000", 400, "query.limit: '1_000' is not an integer"),
    ("/visual/timeline.json?limit=-1", 400, "query.limit: -1 is not 1-1000000"),
    ("/visual/timeline.json?limit=" + "9" * 30, 400, "is not an integer"),
    ("/visual/graph/no-such-entity.json", 404, "no entity 'no-such-entity' in the graph"),
    ("/ontology/NoSuchTerm", 404, "no term bg:NoSuchTerm in the ontology"),
    ("/ontology?format=docx", 400, "unknown RDF format 'docx'"),
    ("/ontology/TVSeries?format=csv", 400, "format='csv' does not apply to the ontology"),
    ("/visual/static/no-such.js", 404, "no page at /visual/static/no-such.js"),
]


@pytest.mark.parametrize(("path", "status", "message"), BAD_INPUTS)
def test_bad_input_gets_a_status_and_a_negotiated_message(client, path, status, message):
    """Errors in the one shape of every route: plain text unless the client prefers JSON or
    the HTML page; never a traceback."""
    text = client.get(path)
    assert text.status_code == status
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text.startswith(f"Error {status} ") and message in text.text
    as_json = client.get(path, headers={"accept": "application/json"})
    assert as_json.status_code == status
    body = as_json.json()
    assert body["status"] == status and message in body["message"]
    page = client.get(path, headers={"accept": "text/html"})
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")
    assert "Traceback" not in text.text + as_json.text + page.text


def test_a_bad_integer_parameter_gets_what_any_route_gives(client):
    graph = client.get("/visual/graph/ballard.json?limit=abc")
    search = client.get("/search?q=x&limit=abc")
    assert graph.status_code == search.status_code == 400
    message = "invalid request parameters: query.limit: 'abc' is not an integer"
    assert graph.text == search.text == f"Error 400 Bad Request: {message}\n"


def test_neighbourhood_json(client):
    r = client.get("/visual/graph/ballard.json?depth=1")
    assert r.status_code == 200
    payload = r.json()
    assert payload["focus"] == "https://w3id.org/bgraph/id/ballard"
    ids = {n["id"] for n in payload["nodes"]}
    assert "https://w3id.org/bgraph/id/maggie-q" in ids
    assert all(e["source"] in ids and e["target"] in ids for e in payload["edges"])
    maggie = next(n for n in payload["nodes"] if n["id"].endswith("/maggie-q"))
    assert maggie["href"] == "/id/maggie-q" and maggie["group"] == "person"


def test_limit_truncates(client):
    payload = client.get("/visual/graph/ballard.json?depth=3&limit=10").json()
    assert len(payload["nodes"]) == 10 and payload["truncated"] is True


def test_timeline_and_universe(client):
    events = client.get("/visual/timeline.json").json()
    assert events[0]["date"] == "2014" and events[0]["label"] == "Harry Bosch"
    dates = [e["date"] for e in events]
    assert dates == sorted(dates)
    r = client.get("/visual/universe.svg")
    assert r.headers["content-type"] == "image/svg+xml"
    assert 'href="/id/ballard"' in r.text  # entities link to their pages


def test_static_files_are_served_and_confined(client):
    js = client.get("/visual/static/vendor/cytoscape.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert client.get("/visual/static/graph.js").status_code == 200
    assert client.get("/visual/static/../web.py").status_code == 404
    assert client.get("/visual/static/%2e%2e/web.py").status_code == 404


def test_vendored_javascript_matches_its_record(tmp_path):
    from bgraph import vendor

    assert vendor.check([vendor.CYTOSCAPE]) == []
    record = vendor.record(vendor.CYTOSCAPE)
    assert record["package"] == "cytoscape" and record["integrity"].startswith("sha512-")
    assert "cytoscape.min.js" in record["files"]
    # the check can fail: one changed byte, a missing file, a file nobody recorded
    copy = shutil.copytree(vendor.CYTOSCAPE, tmp_path / "vendor")
    js = bytearray((copy / "cytoscape.min.js").read_bytes())
    js[len(js) // 2] ^= 1
    (copy / "cytoscape.min.js").write_bytes(bytes(js))
    (copy / "cytoscape.LICENSE.txt").rename(copy / "LICENSE")
    problems = vendor.check([copy])
    assert [p.rsplit(": ", 1)[1] for p in problems] == [
        "sha256 differs from VENDOR.json",
        "missing",
        "not in VENDOR.json",
    ]
