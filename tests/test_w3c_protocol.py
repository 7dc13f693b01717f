"""The W3C SPARQL 1.1 Protocol test suite, over real HTTP, against ``bgraph serve`` of the suite's
data files: every ``query_*`` and ``bad_*`` test (``update_*`` tests do not apply: read-only).

The suite lives outside the repository, in ``../shared/w3c/sparql11-protocol`` (override with
``BGRAPH_W3C_PROTOCOL``). When it is missing the tests fail in CI and are skipped elsewhere.
"""

from __future__ import annotations

import http.client
import json
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from server_harness import RunningServer, running_server

ROOT = Path(__file__).resolve().parents[1]
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
TABULAR = {
    "application/sparql-results+json",
    "application/json",
    "application/sparql-results+xml",
    "application/xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def suite_dir() -> Path | None:
    env = os.environ.get("BGRAPH_W3C_PROTOCOL")
    candidates = [Path(env)] if env else []
    candidates += [
        ROOT.parent / "shared" / "w3c" / "sparql11-protocol",
        ROOT / "shared" / "w3c" / "sparql11-protocol",
    ]
    for path in candidates:
        if (path / "manifest.ttl").is_file():
            return path
    return None


SUITE = suite_dir()


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # expected status classes: 2, 3, 4
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    requests: list[Request] = field(default_factory=list)


def _str(g: Graph, node, prop) -> str | None:
    value = g.value(node, prop)
    return None if value is None else str(value)


def load_manifest(folder: Path) -> tuple[list[ProtocolTest], dict[str, Path]]:
    g = Graph()
    g.parse(folder / "manifest.ttl", format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests, graph_files = [], {}
    for entry in Collection(g, g.value(manifest, MF.entries)):
        name = str(entry).rsplit("#", 1)[-1]
        for data in g.objects(entry, UT.graphData):
            graph_files[str(g.value(data, RDFS.label))] = (
                folder / Path(str(g.value(data, UT.graph))).name
            )
        test = ProtocolTest(name, _str(g, entry, MF.name) or name)
        action = g.value(entry, MF.action)
        for req in Collection(g, g.value(action, HT.requests)):
            headers = {}
            hlist = g.value(req, HT.headers)
            if hlist is not None:
                for h in Collection(g, hlist):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body = None
            body_node = g.value(req, HT.body)
            if body_node is not None:
                encoding = _str(g, body_node, CNT.characterEncoding) or "UTF-8"
                body = str(g.value(body_node, CNT.chars)).encode(encoding)
            resp = g.value(req, HT.resp)
            statuses = {
                int(str(s).rsplit("StatusCode", 1)[1][0])
                for s in g.objects(resp, MF.expectedStatus)
            }
            boolean = g.value(resp, MF.expectedBoolean)
            test.requests.append(
                Request(
                    method=str(g.value(req, HT.methodName)),
                    # the suite's paths start with /sparql/; this server's endpoint is /sparql
                    path="/sparql" + str(g.value(req, HT.absolutePath))[len("/sparql/") :],
                    headers=headers,
                    body=body,
                    statuses=statuses,
                    expected_format=_str(g, resp, MF.expectedFormat),
                    expected_boolean=None if boolean is None else bool(boolean.toPython()),
                )
            )
        tests.append(test)
    return tests, graph_files


def applicable(tests: list[ProtocolTest]) -> list[ProtocolTest]:
    return [t for t in tests if t.name.startswith(("query_", "bad_"))]


TESTS, GRAPH_FILES = load_manifest(SUITE) if SUITE else ([], {})


def test_suite_is_present() -> None:
    """The suite must be there in CI; elsewhere its absence skips (with this reason)."""
    if SUITE is None:
        message = "W3C protocol suite not found in ../shared/w3c/sparql11-protocol"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI clones shared/ beside the repository)")
        pytest.skip(message)
    names = {t.name for t in applicable(TESTS)}
    assert len(names) == 27, sorted(names)  # 12 query_* + 15 bad_*


@pytest.fixture(scope="module")
def server() -> RunningServer:
    """The suite's data served on the default store."""
    if SUITE is None:
        pytest.skip("W3C protocol suite not found")
    args = ["--no-inference", "--quiet"]
    for iri, path in sorted(GRAPH_FILES.items()):
        args += ["--graph", iri, str(path)]
    with running_server(*args) as srv:
        yield srv


def _check_boolean(ctype: str, body: bytes) -> bool:
    if ctype in ("application/sparql-results+json", "application/json"):
        return bool(json.loads(body)["boolean"])
    assert ctype in ("application/sparql-results+xml", "application/xml"), ctype
    root = ET.fromstring(body)
    node = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None
    return node.text == "true"


def _check_tabular(ctype: str, body: bytes) -> None:
    assert ctype in TABULAR, ctype
    if "json" in ctype:
        assert "vars" in json.loads(body)["head"]
    elif "xml" in ctype:
        ET.fromstring(body)
    else:
        assert body.splitlines()[0]


@pytest.mark.parametrize("test", applicable(TESTS), ids=lambda t: t.name)
def test_w3c_protocol(server: RunningServer, test: ProtocolTest) -> None:
    for req in test.requests:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            conn.putrequest(req.method, req.path, skip_accept_encoding=True)
            for key, value in req.headers.items():
                conn.putheader(key, value)
            if req.body is not None:
                conn.putheader("Content-Length", str(len(req.body)))
            conn.endheaders(req.body)
            resp = conn.getresponse()
            body = resp.read()
        finally:
            conn.close()
        assert resp.status // 100 in req.statuses, (test.title, resp.status, body[:500])
        if resp.status >= 400:
            assert b"Traceback" not in body
            assert body.strip(), "an error says why"
            continue
        ctype = (resp.getheader("Content-Type") or "").split(";")[0].strip()
        if req.expected_format == "boolean":
            answer = _check_boolean(ctype, body)
            if req.expected_boolean is not None:
                assert answer is req.expected_boolean, test.title
        elif req.expected_format == "tabular":
            _check_tabular(ctype, body)
        elif req.expected_format == "RDF":
            assert ctype in RDF_TYPES, ctype
            Graph().parse(data=body, format=RDF_TYPES[ctype], publicID=URIRef("http://x/"))
