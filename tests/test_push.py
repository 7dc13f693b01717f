"""bgraph push and remote queries, against a real `oxigraph serve` on 127.0.0.1 (Virtuoso:
tests/test_virtuoso.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bgraph.errors import ExitCode, UnsafeQueryError, UsageError
from bgraph.namespaces import INFERRED_GRAPH, SCHEMA_INFERRED_GRAPH
from bgraph.push import (
    PushOptions,
    PushReport,
    RemoteError,
    _remote_select,
    _request,
    push_dataset,
    quads_from_store,
    query_endpoint,
    sparql_url_for,
)
from helpers import free_port, stop_process
from store_helpers import canonical, competency_queries


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        pytest.fail("the `oxigraph` server binary is missing: pip install -e '.[test]'")
    return found


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    """A fresh in-memory Oxigraph server; its base URL. Stopped (by pid) after the test."""
    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(base + "/query?query=ASK{}", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("oxigraph serve did not start")
                time.sleep(0.1)
        yield base
    finally:
        stop_process(proc)


def remote_count(base: str, where: str) -> int:
    resp = httpx.post(
        base + "/query",
        data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


def test_push_then_every_competency_query_answers_the_same(enriched_store, server: str) -> None:
    from bgraph.store import query_store

    options = PushOptions(server + "/store", batch=500)
    report = push_dataset(quads_from_store(enriched_store), options)
    assert report.requests > len(report.graphs)  # batched
    inferred = enriched_store.info.inferred  # the closure: instance and schema-level graphs
    closure = (
        f"VALUES ?g {{ <{INFERRED_GRAPH}> <{SCHEMA_INFERRED_GRAPH}> }} GRAPH ?g {{ ?s ?p ?o }}"
    )
    assert remote_count(server, closure) == inferred
    # blank nodes (the ontology's property-chain lists) survive batching
    chains = remote_count(
        server, "?p <http://www.w3.org/2002/07/owl#propertyChainAxiom> ?l . ?l ?x ?y"
    )
    assert chains > 0
    for query in competency_queries():
        text = query.read_text(encoding="utf-8")
        local = canonical(query_store(enriched_store, text))
        remote = canonical(query_endpoint(server + "/query", text))
        assert remote == local, query.name


def test_the_union_pushed_without_inference_is_the_export(tmp_path: Path) -> None:
    """Without inference the union is made of what ``bgraph export --no-inference`` writes:
    the graphs and the triples stated in the default graph (a quads file's) alike."""
    from bgraph.export import serialize_store
    from bgraph.formats import rdf_format
    from bgraph.store import open_dataset

    data = tmp_path / "x.nq"
    data.write_text(
        "<http://e/a> <http://e/p> <http://e/b> .\n"
        "<http://e/c> <http://e/p> <http://e/d> <http://e/g> .\n",
        encoding="utf-8",
    )
    opened = open_dataset([data], inference=False, cluster=False)
    lines, count = quads_from_store(opened, inference=False).graphs[""]
    exported = serialize_store(opened, rdf_format("nt"), inference=False)
    assert sorted(lines()) == exported.splitlines(keepends=True) and count == 2


def test_push_a_built_store_and_replace(server: str, tmp_path: Path) -> None:
    from bgraph.store import build_store, open_store

    build_store(tmp_path / "s")
    opened = open_store(tmp_path / "s")
    options = PushOptions(server + "/store")
    first = push_dataset(quads_from_store(opened), options)
    again = push_dataset(quads_from_store(opened), options)  # PUT replaces: same counts
    assert first.graphs == again.graphs
    assert remote_count(server, "?s ?p ?o") == opened.info.union
    one = push_dataset(
        quads_from_store(opened), PushOptions(server + "/store", only_graph=str(INFERRED_GRAPH))
    )
    assert list(one.graphs) == [str(INFERRED_GRAPH)]


def test_cli_push_and_remote_query(cli, server: str) -> None:
    res = cli("push", "--endpoint", server + "/store", "-q")
    assert res.exit_code == ExitCode.OK, res.output
    res = cli("push", "--endpoint", server + "/store")
    assert res.exit_code == 0 and "counts checked" in res.stderr
    res = cli("push", "--endpoint", server + "/store", "--graph", "https://example.org/nope")
    assert res.exit_code == ExitCode.USAGE and "no such graph" in res.stderr
    res = cli("push", "--endpoint", "ftp://x", "-q")
    assert res.exit_code == ExitCode.USAGE
    res = cli("push", "--endpoint", server + "/store", "--user", "u", "--password-env", "NOPE_X")
    assert res.exit_code == ExitCode.USAGE and "NOPE_X" in res.stderr


def test_unreachable_server_fails_cleanly(cli) -> None:
    port = free_port()  # nothing listens there
    start = time.monotonic()
    res = cli("push", "--endpoint", f"http://127.0.0.1:{port}/store", "--retries", "1", "-q")
    assert res.exit_code == ExitCode.FAILURE
    assert "cannot reach" in res.stderr and "after 1 retries" in res.stderr
    assert time.monotonic() - start < 10
    with pytest.raises(RemoteError, match="cannot reach"):
        query_endpoint(f"http://127.0.0.1:{port}/query", "ASK {}")


def test_retries_on_503_then_success_and_no_retry_on_401() -> None:
    calls: list[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503 if len(calls) < 3 else 204)

    options = PushOptions("http://127.0.0.1:1/store", retries=3, backoff=0.001)
    report = PushReport()
    with httpx.Client(transport=httpx.MockTransport(flaky)) as client:
        _request(client, options, report, "POST", options.endpoint, content=b"")
    assert len(calls) == 3 and report.retried == 2
    # the count check's queries are sent the same way
    calls.clear()

    def flaky_count(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) < 2:
            return httpx.Response(503)
        return httpx.Response(200, json={"results": {"bindings": [{"n": {"value": "7"}}]}})

    with httpx.Client(transport=httpx.MockTransport(flaky_count)) as client:
        rows = _remote_select(client, "http://127.0.0.1:1/query", "ASK {}", options, report)
    assert rows == [{"n": {"value": "7"}}] and len(calls) == 2 and report.retried == 3

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(401, text="no")

    calls.clear()
    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        with pytest.raises(RemoteError, match="authentication failed"):
            _request(client, options, report, "POST", options.endpoint, content=b"")
    assert len(calls) == 1


def test_remote_query_is_vetted_before_sending() -> None:
    # the guard refuses before any connection (port 9 would refuse anyway, but never gets asked)
    with pytest.raises(UnsafeQueryError):
        query_endpoint("http://127.0.0.1:9/query", "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")
    with pytest.raises(UnsafeQueryError):
        query_endpoint("http://127.0.0.1:9/query", "DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(UsageError):
        query_endpoint("file:///etc/passwd", "ASK {}")


def test_sparql_url_guess() -> None:
    assert sparql_url_for("http://h:7878/store") == "http://h:7878/query"
    assert sparql_url_for("http://h/ds/data") == "http://h/ds/sparql"
    assert sparql_url_for("http://h/sparql") == "http://h/sparql"


class _FailAfter(httpx.BaseTransport):
    """A real connection for the first ``n`` requests, then a dropped one."""

    def __init__(self, n: int) -> None:
        self.real = httpx.HTTPTransport()
        self.n = n

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.n -= 1
        if self.n < 0:
            raise httpx.ConnectError("the network went away")
        return self.real.handle_request(request)


def test_a_failed_push_resumes_where_it_stopped(
    server: str, enriched_store, tmp_path: Path
) -> None:
    state = tmp_path / "push.json"
    source = quads_from_store(enriched_store)
    first = PushOptions(server + "/store", batch=300, retries=0, state=state)
    first.transport = _FailAfter(5)
    with pytest.raises(RemoteError, match="--resume"):
        push_dataset(source, first)
    assert state.exists()
    again = PushOptions(server + "/store", batch=300, retries=0, state=state, resume=True)
    report = push_dataset(source, again)
    assert report.skipped >= 5 and not state.exists()  # counts checked, the record gone
    assert remote_count(server, "?s ?p ?o") == enriched_store.info.union
    with pytest.raises(UsageError, match="nothing to resume"):
        push_dataset(source, again)
    other = PushOptions(server + "/store", batch=301, state=state, resume=True)
    state.write_text('{"fingerprint": "x", "sent": {}}')
    with pytest.raises(UsageError, match="another push"):
        push_dataset(source, other)
