"""``bgraph serve`` on the public internet: every bad input gets a status and a message (never a
500 or a traceback); read-only; no outbound connection, ever; deadlines, bounded concurrency,
row and body caps. Against real servers on 127.0.0.1, on the default store (Oxigraph in RAM);
test_server_stores.py checks the same on a built store."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from helpers import Canary, canary_fixture
from server_harness import RunningServer, running_server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s a bg:TVSeries }"
SPARQL_JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    args = ("--timeout", "2", "--workers", "2", "--max-rows", "100")
    with running_server(*args) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture()
def listener() -> Iterator[Canary]:
    yield from canary_fixture()


def _get(client: httpx.Client, query: str, **params: str) -> httpx.Response:
    return client.get("/sparql", params={"query": query, **params})


# --- every bad input: status and message ---------------------------------------------------------

BIG = b"query=" + b"A" * (1024 * 1024 + 10)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
BAD = [
    # (id, method, url, headers, body, status, message)
    ("syntax", "GET", "/sparql?query=ASK%20%7B", {}, None, 400, "syntax error at line 1"),
    ("prefix", "GET", "/sparql?query=ASK%7B%3Fs%20foo%3Ab%20%3Fo%7D", {}, None, 400, "foo"),
    ("two-queries", "GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", {}, None, 400, "2 query"),
    ("empty", "GET", "/sparql?query=", {}, None, 400, "empty"),
    ("nul", "GET", "/sparql?query=ASK%7B%00%7D", {}, None, 400, "NUL"),
    ("url-not-utf8", "GET", "/sparql?query=ASK%FF", {}, None, 400, "not valid UTF-8"),
    ("update-get", "GET", "/sparql?update=CLEAR%20ALL", {}, None, 403, "read-only"),
    ("update-form", "POST", "/sparql", FORM, b"update=CLEAR+ALL", 403, "read-only"),
    ("update-direct", "POST", "/sparql", {"Content-Type": "application/sparql-update"},
     b"DROP ALL", 403, "read-only"),
    ("insert-as-query", "POST", "/sparql", DIRECT, b"INSERT DATA { <a:a> <a:b> <a:c> }", 403,
     "read-only"),
    ("load-as-query", "POST", "/sparql", DIRECT, b"LOAD <http://127.0.0.1:9/x>", 403,
     "read-only"),
    ("query-and-update", "POST", "/sparql", FORM, b"query=ASK%7B%7D&update=CLEAR+ALL", 400,
     "both query and update"),
    ("query-twice", "POST", "/sparql?query=ASK%7B%7D", FORM, b"query=ASK%7B%7D", 400,
     "both in the URL and in the form body"),
    ("direct-and-url", "POST", "/sparql?query=ASK%7B%7D", DIRECT, b"ASK {}", 400,
     "both in the URL and as the application/sparql-query body"),
    ("no-content-type", "POST", "/sparql", {}, b"ASK {}", 400, "needs a Content-Type"),
    ("wrong-type", "POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}", 400,
     "Content-Type text/plain is not a SPARQL query request"),
    ("json-type", "POST", "/sparql", {"Content-Type": "application/json"}, b'{"q":1}', 400,
     "Content-Type application/json"),
    ("utf16", "POST", "/sparql", {"Content-Type": "application/sparql-query; charset=UTF-16"},
     "ASK {}".encode("utf-16"), 400, "charset=utf-16 is not supported"),
    ("bad-utf8-body", "POST", "/sparql", DIRECT, b"ASK { \xff }", 400, "not valid UTF-8"),
    ("bad-utf8-form", "POST", "/sparql", FORM, b"query=ASK%FF", 400, "not valid UTF-8"),
    ("form-no-query", "POST", "/sparql", FORM, b"default-graph-uri=a%3Ab", 400,
     "no query parameter"),
    ("bad-graph-iri", "GET", "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri", {},
     None, 400, "not an absolute IRI"),
    ("graph-without-query", "GET", "/sparql?named-graph-uri=a%3Ab", {}, None, 400,
     "without query"),
    ("format-mismatch", "GET", "/sparql?query=ASK%7B%7D&format=turtle", {}, None, 400,
     "does not apply to ASK results"),
    ("formats-disagree", "GET", "/sparql?query=ASK%7B%7D&format=json&output=xml", {}, None,
     400, "name different formats"),
    ("ask-as-turtle", "GET", "/sparql?query=ASK%7B%7D", {"Accept": "text/turtle"}, None, 406,
     "can carry ASK results"),
    ("select-as-png", "GET", "/sparql?query=SELECT%20*%7B%7D", {"Accept": "image/png"}, None,
     406, "can carry SELECT results"),
    ("construct-as-csv", "GET", "/sparql?query=CONSTRUCT%20WHERE%7B%3Fs%20%3Fp%20%3Fo%7D",
     {"Accept": "text/csv"}, None, 406, "can carry CONSTRUCT results"),
    ("too-big", "POST", "/sparql", FORM, BIG, 413, "larger than 1024 KiB"),
    ("put", "PUT", "/sparql?query=ASK%7B%7D", {}, None, 405, "PUT is not allowed on /sparql"),
    ("delete", "DELETE", "/sparql", {}, None, 405, "DELETE is not allowed"),
    ("service", "GET", "/sparql?query=" + quote("SELECT * { SERVICE <http://127.0.0.1:9/> {} }"),
     {}, None, 400, "SERVICE <http://127.0.0.1:9/> is not allowed"),
    ("from", "GET", "/sparql?query=" + quote("SELECT * FROM <http://127.0.0.1:9/x> {}"), {},
     None, 400, "FROM <http://127.0.0.1:9/x> is not a graph of this dataset"),
    ("from-named", "GET",
     "/sparql?query=" + quote("SELECT * FROM NAMED <http://127.0.0.1:9/x> {}"), {}, None, 400,
     "FROM NAMED <http://127.0.0.1:9/x>"),
    ("deep", "GET", "/sparql?query=" + quote("SELECT * {" + "{" * 3000 + "}" * 3000 + "}"), {},
     None, 400, "nested too deeply"),
    ("unknown-page", "GET", "/no/such/page", {"Accept": "text/plain"}, None, 404,
     "nothing is known about <https://w3id.org/bgraph/no/such/page>"),
    ("dump-unknown", "GET", "/dumps/x.exe", {}, None, 404, "no dump called"),
    ("resource-no-iri", "GET", "/resource", {}, None, 400, "give the IRI"),
    ("search-bad-limit", "GET", "/search?q=a&limit=x", {}, None, 400, "limit"),
    ("void-bad-format", "GET", "/.well-known/void?format=docx", {}, None, 400,
     "unknown RDF format"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "url", "headers", "body", "status", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD],
)
def test_bad_input_gets_status_and_message(
    client: httpx.Client,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes | None,
    status: int,
    message: str,
) -> None:
    response = client.request(method, url, headers=headers, content=body)
    assert response.status_code == status, response.text
    assert message in response.text
    assert "Traceback" not in response.text
    assert response.headers["content-type"].startswith("text/plain")


def test_errors_follow_accept(client: httpx.Client) -> None:
    as_json = client.get(
        "/sparql", params={"query": "ASK {"}, headers={"Accept": "application/json"}
    )
    assert as_json.status_code == 400
    assert as_json.json()["status"] == 400
    assert "syntax error" in as_json.json()["message"]
    as_html = client.get("/sparql", params={"query": "ASK {"}, headers={"Accept": "text/html"})
    assert as_html.status_code == 200, "a browser asking for a query link gets the UI"
    page = client.get("/nothing/here", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "<h1>Not found</h1>" in page.text


def test_malformed_queries_never_500(client: httpx.Client) -> None:
    queries = [
        "SELECT", "ASK {} }", "SELECT ?x WHERE { ?x ?y }", "PREFIX : <x> SELECT * {}",
        "SELECT (1/0 AS ?x) {}", "SELECT * { ?s ?p ?o } GROUP BY", "DESCRIBE",
        "SELECT * WHERE { FILTER(regex(str(?x), '(')) }", "CONSTRUCT { ?s ?p } WHERE {}",
        "SELECT * { BIND(1 AS ?x) BIND(2 AS ?x) }", "\ufeffASK {}", "ASK {} # \u2028",
        "SELECT * { VALUES ?x { 1 2 } VALUES ?x { 3 } }", "SELECT ?x {} ORDER BY ?y LIMIT -1",
    ]  # fmt: skip
    for q in queries:
        r = _get(client, q)
        assert r.status_code < 500, (q, r.text)
        assert "Traceback" not in r.text


# --- no outbound connection ----------------------------------------------------------------------


def test_service_and_remote_from_make_no_connection(client: httpx.Client, listener: Canary) -> None:
    target = listener.url
    attempts = [
        f"SELECT * {{ SERVICE <{target}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * FROM <{target}data.ttl> {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{target}data.ttl> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"ASK FROM <{target}data.ttl> {{ }}",
        f"DESCRIBE <{target}x> FROM <{target}x>",
    ]
    for q in attempts:
        r = _get(client, q)
        assert r.status_code == 400, (q, r.text)
        assert "SERVICE" in r.text or "FROM" in r.text
    for update in (f"LOAD <{target}data.ttl>", f"LOAD SILENT <{target}x> INTO GRAPH <a:b>"):
        r = client.post(
            "/sparql", content=update, headers={"Content-Type": "application/sparql-query"}
        )
        assert r.status_code == 403
        r = client.post("/sparql", data={"update": update})
        assert r.status_code == 403
    # protocol dataset naming the listener: empty graphs, never fetched
    r = _get(client, "ASK { ?s ?p ?o }", **{"default-graph-uri": target + "g"})
    assert r.status_code == 200
    assert r.json()["boolean"] is False
    time.sleep(0.5)
    assert listener.accepted == 0


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_audit_hook_alone_blocks_sockets(listener: Canary) -> None:
    """The audit hook on its own: Python's own ways out (urllib, sockets) fail."""
    code = f"""
import socket, urllib.request
from bgraph.server.safety import install_network_guard, OutboundBlocked
install_network_guard()
for attempt in (
    lambda: urllib.request.urlopen("{listener.url}", timeout=2),
    lambda: socket.create_connection(("127.0.0.1", {listener.port}), timeout=2),
):
    try:
        attempt()
    except Exception as exc:
        print("blocked", type(exc).__name__)
    else:
        print("CONNECTED")
a, b = socket.socketpair()  # local plumbing still works (the workers use it)
a.sendall(b"x"); print("socketpair", b.recv(1))
"""
    out = _python(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("blocked") == 2, out.stdout
    assert "CONNECTED" not in out.stdout
    assert "socketpair b'x'" in out.stdout
    time.sleep(0.3)
    assert listener.accepted == 0


# --- deadlines, isolation, caps ------------------------------------------------------------------


def test_runaway_is_killed_at_deadline_and_cheap_query_still_fast(
    client: httpx.Client, server: RunningServer
) -> None:
    before = httpx.get(server.url + "health").json()["workers"]["killed"]
    result: dict[str, object] = {}

    def runaway() -> None:
        start = time.perf_counter()
        result["response"] = _get(client, RUNAWAY)
        result["seconds"] = time.perf_counter() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)  # the runaway holds a worker
    for _ in range(3):
        start = time.perf_counter()
        cheap = httpx.get(server.url + "sparql", params={"query": CHEAP}, timeout=5)
        elapsed = time.perf_counter() - start
        assert cheap.status_code == 200
        assert cheap.json()["boolean"] is True
        assert elapsed < 1.0, f"a cheap query took {elapsed:.2f} s during a runaway"
    thread.join(30)
    response = result["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503
    assert "ran longer than the 2 s limit and was stopped" in response.text
    assert int(response.headers["Retry-After"]) >= 1
    assert 1.9 < float(result["seconds"]) < 5  # type: ignore[arg-type]
    health = httpx.get(server.url + "health").json()
    assert health["workers"]["killed"] == before + 1
    workers = health["workers"]
    assert workers["alive"] == 2 + workers["reserve"], "the killed worker was replaced"
    assert _get(client, CHEAP).status_code == 200


def test_row_cap_is_announced(client: httpx.Client) -> None:
    full = _get(client, "SELECT * { ?s ?p ?o }")
    assert full.status_code == 200
    assert len(full.json()["results"]["bindings"]) == 100
    assert full.headers["X-Bgraph-Result-Rows"] == "100"
    assert full.headers["X-Bgraph-Result-Truncated"].startswith("true")
    graph = _get(client, "CONSTRUCT WHERE { ?s ?p ?o }", format="nt")
    assert graph.headers["X-Bgraph-Result-Truncated"].startswith("true")
    assert len(graph.text.strip().splitlines()) == 100
    small = _get(client, "SELECT ?s { ?s a bg:TVSeries }")
    assert small.headers["X-Bgraph-Result-Rows"] == "3"
    assert "X-Bgraph-Result-Truncated" not in small.headers


def test_cors_is_open_without_credentials(client: httpx.Client) -> None:
    headers = {"Origin": "https://evil.example", "Cookie": "session=1"}
    r = client.get("/sparql", params={"query": "ASK {}"}, headers=headers)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert "X-Bgraph-Result-Rows" in r.headers["Access-Control-Expose-Headers"]
    pre = client.options(
        "/sparql",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert 200 <= pre.status_code < 300  # Fetch, "CORS-preflight fetch": an ok status
    assert pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in pre.headers
    error = client.get("/sparql", params={"query": "ASK {"}, headers=headers)
    assert error.headers["Access-Control-Allow-Origin"] == "*"
    # a request without Origin (not a browser's cross-origin one) gets no CORS headers, and
    # every answer says it varies with Origin, so that no cache hands it to a browser
    plain = client.get("/sparql", params={"query": "ASK {}"})
    assert plain.status_code == 200
    assert not [k for k in plain.headers if k.lower().startswith("access-control-")]
    assert "Origin" in plain.headers["Vary"] and "Origin" in r.headers["Vary"]


def test_html_pages_have_a_strict_csp(client: httpx.Client) -> None:
    page = client.get("/", headers={"Accept": "text/html"})
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    answer = client.get("/sparql", params={"query": "ASK {}"})
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in answer.headers  # a page's, not an answer's


# --- bounded concurrency, client gone ------------------------------------------------------------


def test_overload_gets_503_with_retry_after_and_a_gone_client_frees_its_worker() -> None:
    # no reserve worker: the one worker busy and no queue is the overload (the reserve, for
    # clients whose queries are quick, is test_hardening's)
    args = ("--workers", "1", "--reserve", "0", "--queue", "0", "--timeout", "20", "--quiet")
    with running_server(*args) as srv:
        done = threading.Event()

        def runaway() -> None:
            try:
                httpx.get(srv.url + "sparql", params={"query": RUNAWAY}, timeout=2.0)
            except httpx.TimeoutException:
                pass  # the client gives up and closes the connection
            done.set()

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.5)
        busy = httpx.get(srv.url + "sparql", params={"query": "ASK {}"}, timeout=5)
        assert busy.status_code == 503
        assert "the server is busy" in busy.text
        assert int(busy.headers["Retry-After"]) >= 1
        assert done.wait(10)
        thread.join()
        deadline = time.monotonic() + 3  # long before the 20 s deadline
        while time.monotonic() < deadline:
            health = httpx.get(srv.url + "health", timeout=5).json()["workers"]
            if health["killed"] == 1 and health["idle"] == 1:
                break
            time.sleep(0.1)
        assert health["killed"] == 1, health
        ok = httpx.get(srv.url + "sparql", params={"query": "ASK {}"}, timeout=5)
        assert ok.status_code == 200


def _raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        try:
            s.sendall(data)
        except OSError:
            pass  # the server may close before reading everything
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
        except OSError:
            pass
    return out


def test_oversized_request_line_and_headers_get_400(server: RunningServer) -> None:
    long_query = b"GET /sparql?query=ASK%7B%7D%23" + b"x" * 2_000_000 + b" HTTP/1.1\r\n"
    out = _raw(server.port, long_query + b"Host: a\r\nConnection: close\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 400")
    big_header = b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"y" * 2_000_000 + b"\r\n\r\n"
    assert _raw(server.port, big_header).startswith(b"HTTP/1.1 400")
    assert _raw(server.port, b"NONSENSE\r\n\r\n").startswith(b"HTTP/1.1 400")
    ok = httpx.get(server.url + "sparql", params={"query": "ASK {}"}, timeout=10)
    assert ok.status_code == 200  # still serving


def test_pictures_are_drawn_by_the_query_workers() -> None:
    """The pictures and ontology routes read the store in a query worker (under the deadline),
    never in the server process: with the one worker held by a runaway query and no queue, they
    are refused as busy (503), while a static file, which needs no store, is still served."""
    args = ("--workers", "1", "--reserve", "0", "--queue", "0", "--timeout", "20", "--quiet")
    with running_server(*args) as srv:
        thread = threading.Thread(target=_swallow_timeout, args=(srv.url,))
        thread.start()
        time.sleep(0.5)
        for path in ("visual/universe.svg", "visual/graph/ballard.json", "ontology"):
            busy = httpx.get(srv.url + path, timeout=5)
            assert busy.status_code == 503, path
            assert "the server is busy" in busy.text
        assert httpx.get(srv.url + "visual/static/graph.js", timeout=5).status_code == 200
        thread.join()
        # the runaway's client gave up: its worker was freed, and the pictures are drawn
        deadline = time.monotonic() + 5
        while httpx.get(srv.url + "health").json()["workers"]["idle"] != 1:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        svg = httpx.get(srv.url + "visual/universe.svg", timeout=10)
        assert svg.status_code == 200 and 'href="/id/ballard"' in svg.text


def _swallow_timeout(url: str) -> None:
    with contextlib.suppress(httpx.TimeoutException):
        httpx.get(url + "sparql", params={"query": RUNAWAY}, timeout=2.0)
