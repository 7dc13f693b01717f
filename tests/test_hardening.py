"""Issue 10, attack by attack: each test replays one attack on a real ``bgraph serve`` over HTTP
on loopback (bounded in count and time) and asserts the safe outcome. Other source addresses
on the loopback network (127.0.0.2, 127.0.0.3) stand for other clients."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from helpers import Canary, children, run_bgraph
from server_harness import RunningServer, running_server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s a bg:TVSeries }"


def _tenfold(steps: int) -> str:
    """A query whose one row is a literal of 10 ** (steps + 1) characters."""
    names = "abcdefghij"
    binds = ['BIND("xxxxxxxxxx" AS ?a)']
    for i in range(steps):
        v, w = names[i], names[i + 1]
        binds.append(f"BIND(CONCAT({','.join([f'?{v}'] * 10)}) AS ?{w})")
    return f"SELECT ?{names[steps]} {{ {' '.join(binds)} }}"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    args = (
        *("--timeout", "2", "--workers", "2", "--reserve", "1", "--max-rows", "100"),
        *("--client-timeout", "1", "--connections-per-client", "8", "--max-bytes", "200000"),
    )
    with running_server(*args) as srv:
        yield srv


def _client(source: str = "127.0.0.1") -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=10)


def _connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))


def _closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closed ``sock`` within ``seconds``, and what it sent first."""
    sock.settimeout(0.2)
    got, deadline = b"", time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            return True, got
        if not chunk:
            return True, got
        got += chunk
    return False, got


def _raise_fd_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        soft = new
    return soft


# --- 1. silent connections, half requests, slow headers ------------------------------------------


def test_silent_connection_flood_locks_nobody_out(server: RunningServer) -> None:
    """1,010 silent TCP connections (issue 10, point 1): everyone is still answered, the idle
    ones beyond the cap per client are closed at once, the rest within the client timeout."""
    count = min(1010, _raise_fd_limit(1200) - 150)
    silent = [_connect(server.port) for _ in range(count)]
    try:
        for source in ("127.0.0.1", "127.0.0.2"):
            with _client(source) as c:
                start = time.monotonic()
                r = c.get(server.url + "sparql", params={"query": CHEAP})
                assert r.status_code == 200 and r.json()["boolean"] is True
                assert time.monotonic() - start < 2
        deadline = time.monotonic() + 4  # client timeout 1 s
        still_open = silent
        while still_open and time.monotonic() < deadline:
            still_open = [s for s in still_open if not _closed_within(s, 0.01)[0]]
            time.sleep(0.1)
        assert not still_open, f"{len(still_open)} silent connections still open after 4 s"
    finally:
        for s in silent:
            s.close()
    status = httpx.get(server.url + "health").json()["connections"]
    assert status["recycled_idle"] >= count - 8 - 2


def test_half_a_body_and_trickled_headers_are_cut_at_the_deadline(server: RunningServer) -> None:
    """Content-Length 100 and 6 bytes sent; headers sent a byte every 0.2 s: both get 408 and
    are closed at the client timeout (1 s), however the bytes trickle."""
    partial = _connect(server.port, "127.0.0.3")
    partial.sendall(b"POST /sparql HTTP/1.1\r\nHost: a\r\nContent-Type: application/sparql-query")
    partial.sendall(b"\r\nContent-Length: 100\r\n\r\nASK {}")
    loris = _connect(server.port, "127.0.0.3")
    start = time.monotonic()
    head = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: a\r\nX-Slow: " + b"a" * 100
    for byte in head:
        try:
            loris.send(bytes([byte]))
        except OSError:
            break
        closed, _ = _closed_within(loris, 0.2)
        if closed or time.monotonic() - start > 4:
            break
    loris_after = time.monotonic() - start
    closed, sent = _closed_within(partial, 3)
    assert (closed and b" 408 " in sent.split(b"\r\n")[0]) or sent == b"", sent[:100]
    assert loris_after < 2.5, f"a trickle of header bytes kept the connection for {loris_after} s"
    partial.close()
    loris.close()


def test_idle_connections_per_client_are_capped(server: RunningServer) -> None:
    """A client opening 20 connections keeps at most 8 (the cap) and is still answered."""
    socks = [_connect(server.port, "127.0.0.4") for _ in range(20)]
    time.sleep(0.3)
    open_ = [s for s in socks if not _closed_within(s, 0.05)[0]]
    assert len(open_) <= 8
    with _client("127.0.0.4") as c:
        assert c.get(server.url + "health").status_code == 200
    for s in socks:
        s.close()


# --- 2. open redirect -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iri",
    [
        "https://w3id.org/bgraph//evil.example/x",
        "https://w3id.org/bgraph/\\evil.example/x",
        "https://w3id.org/bgraph///evil.example",
    ],
)
def test_no_redirect_to_another_host(server: RunningServer, iri: str) -> None:
    r = httpx.get(server.url + "resource", params={"iri": iri}, follow_redirects=False)
    location = r.headers.get("location", "")
    assert not location.startswith("//") and "\\" not in location, location
    assert r.status_code < 500


def test_no_redirect_to_another_host_from_a_path(server: RunningServer) -> None:
    raw = _connect(server.port)
    raw.sendall(b"GET //evil.example/id/ballard HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    _, out = _closed_within(raw, 5)
    raw.close()
    for line in out.split(b"\r\n"):
        if line.lower().startswith(b"location:"):
            assert not line.split(b":", 1)[1].strip().startswith(b"//"), line


# --- 3. JSON-LD input never fetches a context -----------------------------------------------------


@pytest.mark.parametrize("kind", ["import", "scoped-http", "scoped-file"])
def test_serving_jsonld_fetches_no_context(tmp_path: Path, kind: str) -> None:
    canary = Canary()
    try:
        ctx: dict[str, object] = {
            "import": {"@version": 1.1, "@import": f"{canary.url}ctx"},
            "scoped-http": {"@version": 1.1, "p": {"@id": "http://x/p", "@context": canary.url}},
            "scoped-file": {"@version": 1.1, "p": {"@id": "http://x/p", "@context": "file:///etc/hostname"}},
        }[kind]  # fmt: skip
        doc = {"@context": ctx, "@id": "http://x/a", "p": {"@id": "http://x/b", "q": 1}}
        path = tmp_path / "evil.jsonld"
        path.write_text(json.dumps(doc))
        proc = run_bgraph("serve", "--port", "0", str(path), timeout=60)
        assert proc.returncode != 0
        assert "is not fetched" in proc.stderr
        assert canary.settled() == 0
    finally:
        canary.close()


# --- 4. valid but unusual queries: never a 5xx ----------------------------------------------------

UNUSUAL = {
    "huge LIMIT": "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999",
    "huge OFFSET": "SELECT * WHERE { ?s ?p ?o } OFFSET 99999999999999999999999",
    "ORDER BY 1/0": "SELECT ?s WHERE { ?s ?p ?o } ORDER BY (1/0) LIMIT 3",
    "SUBSTR extremes": 'SELECT (SUBSTR("abc", -1e308, 1e308) AS ?x) {}',
    "REPLACE backslash": 'SELECT (REPLACE("abc", "b", "\\\\") AS ?x) {}',
    "STRLANG bad tag": 'SELECT (STRLANG("x", "a b") AS ?x) {}',
    "COALESCE()": "SELECT (COALESCE() AS ?x) {}",
    "unknown function": "SELECT ?x ?y { BIND(<http://example.org/f>(1) AS ?x) BIND(2 AS ?y) }",
    "unknown in FILTER": "ASK { FILTER(<http://example.org/g>(1)) }",
}


@pytest.mark.parametrize("name", list(UNUSUAL))
def test_valid_unusual_queries_get_an_answer(server: RunningServer, name: str) -> None:
    r = httpx.post(server.url + "sparql", data={"query": UNUSUAL[name]}, timeout=10)
    assert r.status_code == 200, r.text


def test_unknown_function_is_an_unbound_value(server: RunningServer) -> None:
    r = httpx.post(server.url + "sparql", data={"query": UNUSUAL["unknown function"]})
    assert r.json()["results"]["bindings"] == [
        {"y": {"type": "literal", "value": "2", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
    ]  # fmt: skip
    ask = httpx.post(server.url + "sparql", data={"query": UNUSUAL["unknown in FILTER"]})
    assert ask.json()["boolean"] is False


def test_construct_with_a_literal_subject_as_jsonld(server: RunningServer) -> None:
    query = 'CONSTRUCT { "a" <http://e/p> 1 } WHERE {}'
    r = httpx.post(
        server.url + "sparql", data={"query": query}, headers={"Accept": "application/ld+json"}
    )
    assert r.status_code == 200  # fmt: skip


@pytest.mark.parametrize("path", ["/visual/static/%00", "/static/%00", "/id/a%00b"])
def test_nul_in_a_path_is_a_400(server: RunningServer, path: str) -> None:
    assert httpx.get(server.url.rstrip("/") + path).status_code == 400


def test_memory_limit_503_has_retry_after() -> None:
    with running_server("--worker-memory", "64", "--timeout", "10") as srv:
        r = httpx.post(srv.url + "sparql", data={"query": _tenfold(7)}, timeout=30)
        assert r.status_code == 503, r.text
        assert int(r.headers["Retry-After"]) >= 1
        health = httpx.get(srv.url + "health").json()
        assert health["status"] == "ok"


# --- 5. supervision: every child that dies is replaced --------------------------------------------


def _wait_healthy(url: str, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        health = httpx.get(url + "health", timeout=5).json()
        if health["status"] == "ok" or time.monotonic() > deadline:
            return health
        time.sleep(0.1)


def test_dead_zygote_and_workers_are_replaced() -> None:
    """kill -9 of the process that forks the workers, then of an idle worker, then three
    deadlines: the pool returns to full capacity each time, and /health says so."""
    with running_server("--workers", "2", "--reserve", "0", "--timeout", "1") as srv:
        (zygote,) = children(srv.process.pid)
        os.kill(zygote, signal.SIGKILL)
        health = _wait_healthy(srv.url, 5)
        assert health["status"] == "ok", health
        (new_zygote,) = children(srv.process.pid)
        assert new_zygote != zygote
        for _ in range(3):
            r = httpx.post(srv.url + "sparql", data={"query": RUNAWAY}, timeout=10)
            assert r.status_code == 503
        health = _wait_healthy(srv.url, 5)
        assert health["status"] == "ok" and health["workers"]["alive"] == 2, health
        assert health["workers"]["killed"] >= 3
        workers = children(new_zygote)
        assert workers, "the new zygote forks the workers"
        os.kill(workers[0], signal.SIGKILL)
        time.sleep(0.05)
        # the dead worker's query is given to another one, or answered after the replacement
        r = httpx.post(srv.url + "sparql", data={"query": CHEAP}, timeout=10)
        assert r.status_code == 200
        health = _wait_healthy(srv.url, 5)
        assert health["status"] == "ok" and health["workers"]["alive"] == 2, health
        for _ in range(4):
            assert httpx.post(srv.url + "sparql", data={"query": CHEAP}).status_code == 200


# --- 6. result size in bytes; slow readers -------------------------------------------------------


def test_result_bytes_are_capped_and_announced(server: RunningServer) -> None:
    r = httpx.post(server.url + "sparql", data={"query": _tenfold(5)}, timeout=10)  # 1 MB row
    assert r.status_code == 200
    assert r.headers["X-Bgraph-Result-Truncated"] == "true; max-bytes=200000"
    assert r.headers["X-Bgraph-Result-Rows"] == "0"
    many = httpx.post(
        server.url + "sparql",
        data={"query": "SELECT ?s ?o { ?s ?p ?o . FILTER(STRLEN(STR(?o)) > 0) }"},
        headers={"Accept": "text/csv"},
    )
    assert len(many.content) <= 200_000
    rows = int(many.headers["X-Bgraph-Result-Rows"])
    assert many.content.count(b"\r\n") == rows + 1


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def test_clients_that_never_read_hold_little_memory_and_are_cut() -> None:
    """Eight connections from one client ask for a 10 MB result each and never read: the
    server keeps what fits in that client's budget (two results' worth), answers the rest
    503 before running them, cuts the readers at the client timeout, and its memory stays
    bounded by that budget whatever the number of connections."""
    args = ("--max-bytes", str(12_000_000), "--client-timeout", "1", "--timeout", "10")
    with running_server(*args) as srv:
        pid = srv.process.pid
        before = _rss_mb(pid)
        body = "query=" + quote(_tenfold(6))  # one row of 10 MB
        request = (
            "POST /sparql HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded"
            f"\r\nContent-Length: {len(body)}\r\n\r\n{body}"
        ).encode()
        socks, peak = [], before
        for _ in range(8):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", srv.port))
            s.sendall(request)
            socks.append(s)
            time.sleep(0.08)  # within the client timeout: the first readers still hold theirs
            peak = max(peak, _rss_mb(pid))
        heads = []
        for s in socks:
            s.settimeout(0.5)
            with contextlib.suppress(OSError):
                heads.append(s.recv(64))
        statuses = [h.split(b" ")[1] for h in heads if h.startswith(b"HTTP/1.1")]
        assert statuses.count(b"503") >= 4, statuses
        time.sleep(2.5)  # reading nothing, past the client timeout (1 s)
        for s in socks:  # now read: what the server still sends ends well short of 10 MB
            closed, got = _closed_within(s, 3)
            assert closed and len(got) < 9_000_000, "a client that reads nothing is cut"
        for s in socks:
            s.close()
        # three 10 MB results at most (the budget: 24 MB, checked before each query), each
        # held once as the worker's reply and once as the response being sent
        assert peak - before < 80, f"the server grew {peak - before:.0f} MB"
        health = httpx.get(srv.url + "health").json()
        assert health["status"] == "ok"


# --- 7. fair scheduling -------------------------------------------------------------------------


def test_slow_clients_cannot_starve_cheap_queries() -> None:
    """Two clients (three connections) send slow queries without pause on a two-worker server;
    once they have used a worker for a while, a third client's cheap queries are answered
    at once (the reserve worker is not theirs)."""
    with running_server("--workers", "2", "--reserve", "1", "--timeout", "2") as srv:
        stop = threading.Event()
        slow_statuses: list[int] = []

        def slow(source: str) -> None:
            with _client(source) as c:
                while not stop.is_set():
                    r = c.post(srv.url + "sparql", data={"query": RUNAWAY})
                    slow_statuses.append(r.status_code)

        threads = [
            threading.Thread(target=slow, args=(src,), daemon=True)
            for src in ("127.0.0.2", "127.0.0.2", "127.0.0.3")
        ]
        for t in threads:
            t.start()
        time.sleep(2.6)  # their first slow queries have run to the deadline
        times = []
        with _client("127.0.0.1") as c:
            end = time.monotonic() + 4
            while time.monotonic() < end:
                start = time.perf_counter()
                r = c.post(srv.url + "sparql", data={"query": CHEAP})
                times.append(time.perf_counter() - start)
                assert r.status_code == 200
                time.sleep(0.05)
        stop.set()
        for t in threads:
            t.join(10)
        assert 503 in slow_statuses
        assert max(times) < 0.5, (
            f"cheap queries: median {statistics.median(times):.3f} s, max {max(times):.3f} s"
        )


# --- 8. aborted uploads -------------------------------------------------------------------------


def test_aborted_upload_is_one_quiet_line(server: RunningServer) -> None:
    s = _connect(server.port, "127.0.0.5")
    s.sendall(
        b"POST /sparql HTTP/1.1\r\nHost: a\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100000\r\n\r\n" + b"#" * 70_000
    )
    time.sleep(0.2)
    s.close()
    time.sleep(0.5)
    log = server.log()
    assert "Traceback" not in log
    assert '"POST /sparql" 500' not in log
    assert httpx.get(server.url + "health").json()["status"] == "ok"


# --- 10. HEAD ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/health", "/robots.txt", "/favicon.ico", "/visual/static/app.js", "/sparql", "/"]
)
def test_head_answers_as_get(server: RunningServer, path: str) -> None:
    url = server.url.rstrip("/") + path
    get = httpx.get(url, follow_redirects=False)
    head = httpx.head(url, follow_redirects=False)
    assert head.status_code == get.status_code
    assert head.content == b""


# --- 9. hostile files for the loader --------------------------------------------------------------


def _laughs(levels: int) -> str:
    names = "abcdefghij"
    entities = [f'<!ENTITY a "{"a" * 40}">']
    for i in range(1, levels):
        entities.append(f'<!ENTITY {names[i]} "{f"&{names[i - 1]};" * 16}">')
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(entities) + "\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://example.org/">\n<rdf:Description rdf:about="http://example.org/x">'
        f"<ex:p>&{names[levels - 1]};</ex:p></rdf:Description>\n</rdf:RDF>\n"
    )


def test_billion_laughs_in_rdfxml_is_refused_at_once(tmp_path: Path) -> None:
    """743 bytes that would expand to 10 GB (Oxigraph aborts out of memory; 7 levels: 2 GB,
    7 s): refused before parsing, with a message."""
    path = tmp_path / "laughs.rdf"
    path.write_text(_laughs(8))
    assert path.stat().st_size < 800
    start = time.monotonic()
    proc = run_bgraph("serve", "--port", "0", str(path), timeout=60)
    assert proc.returncode != 0
    assert "entities expand to more than" in proc.stderr
    assert time.monotonic() - start < 20


def test_rdfxml_entities_for_namespaces_still_load(tmp_path: Path) -> None:
    from bgraph.graph import parse_quads
    from bgraph.xml_entities import check_entities

    path = tmp_path / "onto.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        '  <!ENTITY owl "http://www.w3.org/2002/07/owl#">\n'
        '  <!ENTITY ex "http://example.org/">\n]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about="&ex;A"><rdf:type rdf:resource="&owl;Class"/>'
        "</rdf:Description>\n</rdf:RDF>\n"
    )
    check_entities(path)
    [quad] = parse_quads(path)
    assert (quad.subject.value, quad.object.value) == (
        "http://example.org/A",
        "http://www.w3.org/2002/07/owl#Class",
    )
    for decl, words in [
        ('<!ENTITY x SYSTEM "file:///etc/passwd">', "external"),
        ('<!ENTITY % p "x">', "parameter"),
    ]:
        path.write_text(f"<?xml version='1.0'?><!DOCTYPE r [ {decl} ]><r/>")
        with pytest.raises(Exception, match=words):
            check_entities(path)


def test_a_5_mb_literal_is_loaded_and_served(tmp_path: Path) -> None:
    path = tmp_path / "big.nt"
    path.write_text('<http://example.org/s> <http://example.org/p> "' + "x" * 5_000_000 + '" .\n')
    start = time.monotonic()
    with running_server("--no-inference", str(path)) as srv:
        query = "SELECT (STRLEN(?o) AS ?n) { ?s ?p ?o }"
        r = httpx.post(srv.url + "sparql", data={"query": query}, timeout=30)
        assert r.json()["results"]["bindings"][0]["n"]["value"] == "5000000"
    assert time.monotonic() - start < 30
