"""bgraph serve --endpoint: bgraph's front over `oxigraph serve` (the same answers and pages as
the built-in store) and over a canary upstream on 127.0.0.1 that records what reaches it
(nothing unsafe does), answers slowly (504, the request cancelled), fails (502) or too much
(502 past the byte cap)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from bgraph.push import PushOptions, push_dataset, quads_from_store
from bgraph.server.engine import ROWS_HEADER, TRUNCATED_HEADER, QueryJob
from server_harness import running_server
from store_helpers import canonical, competency_queries
from test_push import server as oxigraph_server  # noqa: F401  (the fixture)
from virtuoso_support import http_answer, start_front

# -- over oxigraph serve --------------------------------------------------------------------------


@pytest.fixture()
def oxigraph_front(oxigraph_server: str, enriched_store) -> Iterator[str]:  # noqa: F811
    push_dataset(quads_from_store(enriched_store), PushOptions(oxigraph_server + "/store"))
    yield from start_front(oxigraph_server + "/query")


def test_front_over_oxigraph(oxigraph_front: str, enriched_store) -> None:
    from bgraph.store import query_store

    front = oxigraph_front
    for query in competency_queries():
        text = query.read_text(encoding="utf-8")
        local = canonical(query_store(enriched_store, text))
        assert canonical(http_answer(front, text)) == local, query.name
    # the row cap: bgraph cuts and says so
    many = "SELECT * { ?s ?p ?o . ?x ?y ?z } LIMIT 10500"
    resp = httpx.post(front + "/sparql", data={"query": many}, timeout=30)
    assert resp.status_code == 200 and resp.headers[ROWS_HEADER] == "10000"
    assert resp.headers[TRUNCATED_HEADER].startswith("true")
    csv = httpx.post(
        front + "/sparql",
        data={"query": "SELECT ?s { ?s a bg:TVSeries }"},
        headers={"Accept": "text/csv"},
    )
    assert csv.status_code == 200 and csv.text.startswith("s\r\n")
    # pages
    page = httpx.get(front + "/id/ballard.html", timeout=30)
    assert page.status_code == 200 and "Maggie Q" in page.text and "Harry Bosch" in page.text
    home = httpx.get(front + "/", headers={"Accept": "text/html"}, timeout=30)
    assert home.status_code == 200 and "Bosch: Legacy" in home.text
    turtle = httpx.get(front + "/id/ballard.ttl", timeout=30)
    assert turtle.status_code == 200 and "id:maggie-q" in turtle.text
    assert httpx.get(front + "/ontology", timeout=30).status_code == 200
    assert httpx.get(front + "/dumps/").status_code == 200
    # search: the same hits, in the same order, as the built-in store's
    json_accept = {"Accept": "application/json"}
    with running_server("--quiet") as local:
        for words in ("bosch", "renee", "Rénée Ball", "q"):
            ours = httpx.get(local.url + "search", params={"q": words}, headers=json_accept)
            theirs = httpx.get(front + "/search", params={"q": words}, headers=json_accept)
            assert ours.status_code == theirs.status_code == 200
            assert theirs.json() == ours.json() != [], words


@pytest.fixture()
def capped_front(oxigraph_server: str, enriched_store) -> Iterator[str]:  # noqa: F811
    push_dataset(quads_from_store(enriched_store), PushOptions(oxigraph_server + "/store"))
    yield from start_front(oxigraph_server + "/query", "--max-bytes", "20000")


def test_front_caps_bytes_and_orders_select_star_as_the_local_server(capped_front: str) -> None:
    """``--max-bytes`` and the SELECT * column order hold in front of an upstream as they do on
    the built-in store (one writer of answers: :func:`bgraph.server.engine.write_reply`)."""
    front = capped_front
    many = httpx.post(
        front + "/sparql",
        data={"query": "SELECT ?s ?p ?o { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    assert many.status_code == 200
    rows = int(many.headers[ROWS_HEADER])
    assert many.headers[TRUNCATED_HEADER] == "true; max-bytes=20000"
    lines = list(csv.reader(io.StringIO(many.text)))
    assert len(many.content) <= 20_000 and 0 < rows == len(lines) - 1
    star = httpx.post(
        front + "/sparql",
        data={"query": "SELECT * { ?s a bg:TVSeries ; ?p ?o } LIMIT 2"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert star.status_code == 200 and star.json()["head"]["vars"] == ["s", "p", "o"]


# -- over a canary --------------------------------------------------------------------------------

EMPTY_GRAPHS = {"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}
ZERO = {
    "head": {"vars": ["n"]},
    "results": {"bindings": [{"n": {"type": "literal", "value": "0"}}]},
}


class Canary:
    """A SPARQL endpoint on 127.0.0.1 that records every query and behaves as told."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self.mode = "ok"
        self.cut = threading.Event()  #: set when a slow answer found its client gone
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                size = int(self.headers.get("content-length", 0))
                form = parse_qs(self.rfile.read(size).decode("utf-8"))
                text = form.get("query", [""])[0]
                canary.queries.append(text)
                if "GROUP BY ?g" in text or "COUNT(*)" in text:
                    return self.answer(EMPTY_GRAPHS if "GROUP BY ?g" in text else ZERO)
                if canary.mode == "slow":
                    time.sleep(3)
                    try:
                        self.answer(ZERO)
                    except OSError:
                        canary.cut.set()
                    return
                if canary.mode == "fail":
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"boom")
                    return
                if canary.mode == "huge":
                    row = {"s": {"type": "literal", "value": "x" * 1000}}
                    return self.answer(
                        {"head": {"vars": ["s"]}, "results": {"bindings": [row] * 5000}}
                    )
                return self.answer(ZERO)

            def answer(self, doc: object) -> None:
                body = json.dumps(doc).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    c = Canary()
    yield c
    c.close()


@pytest.fixture(scope="module")
def canary_front(canary: Canary) -> Iterator[str]:
    yield from start_front(canary.url, "--timeout", "1")


UNSAFE = (
    ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 400),
    ("DROP ALL", 403),
    ("INSERT DATA { <a:b> <a:c> <a:d> }", 403),
    ("SELECT * FROM <http://example.org/elsewhere> { ?s ?p ?o }", 400),
    ("SELECT (<bif:getenv>('HOME') AS ?x) {}", 400),
    ("PREFIX b: <bif:> SELECT (b:file_to_string('/etc/passwd') AS ?x) {}", 400),
    ("SELECT * { ?s virtrdf:p ?o }", 400),  # a prefix only Virtuoso declares
    ('define get:soft "replace" SELECT * FROM <http://x/> { ?s ?p ?o }', 400),
)


def test_nothing_unsafe_reaches_the_upstream(canary: Canary, canary_front: str) -> None:
    before = len(canary.queries)
    for text, status in UNSAFE:
        resp = httpx.post(canary_front + "/sparql", data={"query": text})
        assert resp.status_code == status, (text, resp.text)
    assert canary.queries[before:] == []
    ok = httpx.post(canary_front + "/sparql", data={"query": "SELECT (1 AS ?n) {}"})
    assert ok.status_code == 200 and len(canary.queries) == before + 1


def test_upstream_too_slow_is_a_504_and_the_request_is_cancelled(
    canary: Canary, canary_front: str
) -> None:
    canary.mode, canary.cut = "slow", threading.Event()
    start = time.monotonic()
    try:
        resp = httpx.post(canary_front + "/sparql", data={"query": "SELECT * { ?s ?p ?o }"})
    finally:
        canary.mode = "ok"
    assert resp.status_code == 504 and "cancelled" in resp.text
    assert time.monotonic() - start < 2.5
    assert canary.cut.wait(5)  # the upstream found its client gone


def test_upstream_failure_is_a_502(canary: Canary, canary_front: str) -> None:
    canary.mode = "fail"
    try:
        resp = httpx.post(canary_front + "/sparql", data={"query": "SELECT * { ?s ?p ?o }"})
    finally:
        canary.mode = "ok"
    assert resp.status_code == 502 and "HTTP 500" in resp.text


def test_byte_cap(canary: Canary) -> None:
    from bgraph.iris import BASE
    from bgraph.server.links import Links
    from bgraph.server.remote import RemoteConfig, RemotePool, connect

    config = RemoteConfig(canary.url, max_bytes=1_000_000)
    served = connect(config, 5.0)
    pool = RemotePool(served, config, size=1, max_waiting=1, timeout=5.0, links=Links(BASE))
    canary.mode = "huge"
    try:
        reply = asyncio.run(pool.run(QueryJob("SELECT * { ?s ?p ?o }")))
    finally:
        canary.mode = "ok"
        pool.close()
    assert reply.status == 502 and "larger than" in reply.message


def test_unreachable_upstream_at_start(tmp_path: Path) -> None:
    from bgraph.server.remote import RemoteConfig, connect
    from bgraph.upstream import RemoteError
    from helpers import free_port

    with pytest.raises(RemoteError, match="cannot reach"):
        connect(RemoteConfig(f"http://127.0.0.1:{free_port()}/sparql"), 1.0)
