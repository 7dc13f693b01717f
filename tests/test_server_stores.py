"""``bgraph serve --store memory|DIR``: the same answers over HTTP from the files loaded in RAM
and from a built store, a built store served without parsing or reasoning anything, its safety
and its pages, and bad ``--store`` values. (The server, safety and W3C protocol suites run on
the default store, ``memory``.)"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from bgraph.store import MANIFEST, build_store
from helpers import children
from server_harness import RunningServer, running_server, start_server, stop
from store_helpers import _norm, canonical, competency_queries

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s a bg:TVSeries }"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serve-stores") / "ballard.store"
    build_store(out)
    return out


@pytest.fixture(scope="module")
def servers(built: Path) -> Iterator[dict[str, RunningServer]]:
    """The Ballard graph served both ways at once."""
    started: dict[str, RunningServer] = {}
    try:
        for store in ("memory", str(built)):
            started[store] = start_server("--quiet", "--store", store)
        yield started
    finally:
        for srv in started.values():
            stop(srv)


def _answer(url: str, text: str) -> object:
    """A query's answer over HTTP, canonical: unordered rows, numbers by value, graphs as sets."""
    graph_form = text.upper().split("WHERE")[0]
    if "CONSTRUCT" in graph_form or "DESCRIBE" in graph_form:
        r = httpx.post(url + "sparql", data={"query": text}, headers={"Accept": "text/turtle"})
        assert r.status_code == 200, r.text
        triples = ox.parse(r.content, ox.RdfFormat.TURTLE)
        return {(_norm(t.subject), _norm(t.predicate), _norm(t.object)) for t in triples}
    r = httpx.post(url + "sparql", data={"query": text}, timeout=60)
    assert r.status_code == 200, r.text
    return canonical(_HttpAnswer(ox.parse_query_results(r.content, ox.QueryResultsFormat.JSON)))


class _HttpAnswer:
    """A SPARQL JSON result read by Oxigraph's parser, shaped as store_helpers.canonical reads
    an answer (form, boolean or variables and rows)."""

    def __init__(self, parsed: object) -> None:
        if isinstance(parsed, ox.QueryBoolean):
            self.form, self.boolean = "ASK", bool(parsed)
        else:
            self.form = "SELECT"
            self.variables = [v.value for v in parsed.variables]
            self.rows = [[row[v] for v in self.variables] for row in parsed]


@pytest.mark.parametrize("query", competency_queries(), ids=lambda p: p.stem)
def test_every_store_gives_the_same_answers(servers: dict[str, RunningServer], query: Path) -> None:
    text = query.read_text(encoding="utf-8")
    answers = {store: _answer(srv.url, text) for store, srv in servers.items()}
    memory = answers.pop("memory")
    for store, answer in answers.items():
        assert answer == memory, f"{query.name}: --store {store} answers differently"
    if isinstance(memory, (dict, set)) and not query.stem.endswith("-violation"):
        assert len(memory) > 0, f"{query.name} answers nothing"


def test_pages_and_dumps_on_a_built_store(servers: dict[str, RunningServer], built: Path) -> None:
    url = servers[str(built)].url
    page = httpx.get(url + "id/renee-ballard.html").text
    assert "<h1>Renée Ballard</h1>" in page
    assert 'class="badge asserted"' in page and 'class="badge inferred"' in page
    assert "interprétée par Maggie Q" in page  # sources, read from the claim graphs
    hits = httpx.get(url + "search", params={"q": "renee"}, headers={"Accept": "application/json"})
    assert hits.json()[0]["iri"] == "https://w3id.org/bgraph/id/renee-ballard"
    for name in ("bgraph.nq", "bgraph.ttl"):
        on_disk = httpx.get(url + "dumps/" + name).content
        in_ram = httpx.get(servers["memory"].url + "dumps/" + name).content
        assert on_disk == in_ram and len(on_disk) > 10_000
    health = httpx.get(url + "health").json()
    assert health["triples"] == httpx.get(servers["memory"].url + "health").json()["triples"]


def test_a_built_store_is_served_without_parsing_or_reasoning(tmp_path: Path) -> None:
    """The input file is gone when the server starts: it can only serve what the build wrote."""
    data = tmp_path / "widgets.ttl"
    data.write_text(
        "@prefix ex: <http://example.org/> .\n"
        "@prefix bg: <https://w3id.org/bgraph/ontology/> .\n"
        "ex:s1 a bg:TVSeries ; bg:hasSpinOff ex:s2 .\n",
        encoding="utf-8",
    )
    store = tmp_path / "w.store"
    build_store(store, [data])
    data.unlink()
    launched = time.perf_counter()
    with running_server("--quiet", "--store", str(store)) as srv:
        r = httpx.get(srv.url + "sparql", params={"query": "ASK { ?x bg:spinOffOf ?y }"})
        first_answer = time.perf_counter() - launched
        assert r.status_code == 200 and r.json()["boolean"] is True  # the inverse: inferred
        assert f"store {store}" in srv.announce
    print(f"serve --store DIR: ready {srv.started_in:.2f} s, first answer {first_answer:.2f} s")


def test_deadline_and_no_service_on_a_built_store(built: Path) -> None:
    with running_server(
        "--quiet", "--timeout", "2", "--workers", "2", "--store", str(built)
    ) as srv:
        result: dict[str, httpx.Response] = {}
        thread = threading.Thread(
            target=lambda: result.update(
                r=httpx.get(srv.url + "sparql", params={"query": RUNAWAY}, timeout=30)
            )
        )
        thread.start()
        time.sleep(0.3)
        cheap = httpx.get(srv.url + "sparql", params={"query": CHEAP}, timeout=5)
        assert cheap.status_code == 200 and cheap.json()["boolean"] is True
        thread.join(30)
        assert result["r"].status_code == 503
        assert "ran longer than the 2 s limit" in result["r"].text
        # the replacement worker opened the store itself and answers
        again = httpx.get(srv.url + "sparql", params={"query": CHEAP}, timeout=5)
        assert again.status_code == 200
        service = httpx.get(
            srv.url + "sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> {} }"}
        )
        assert service.status_code == 400 and "SERVICE" in service.text
        update = httpx.post(
            srv.url + "sparql",
            content="INSERT DATA { <a:a> <a:b> <a:c> }",
            headers={"Content-Type": "application/sparql-query"},
        )
        assert update.status_code == 403
        workers = httpx.get(srv.url + "health").json()["workers"]
        assert workers["alive"] == 2 + workers["reserve"]


def _bgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bgraph", *args], capture_output=True, text=True, timeout=120
    )


def test_bad_store_values(tmp_path: Path, built: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "notes.txt").write_text("mine")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    broken = tmp_path / "broken.store"
    broken.mkdir()
    shutil.copy(built / MANIFEST, broken / MANIFEST)  # a manifest, but no database
    garbled = tmp_path / "garbled.store"
    garbled.mkdir()
    (garbled / MANIFEST).write_text("{not json")
    data = tmp_path / "x.ttl"
    data.write_text("<http://a> <http://b> <http://c> .\n")
    cases = [
        (("--store", str(tmp_path / "missing")), 2, "nor an existing directory"),
        (("--store", "oxigraph"), 2, "use --store memory"),
        (("--store", str(a_file)), 2, "not a directory"),
        (("--store", str(plain)), 1, "not a bgraph store"),
        (("--store", str(garbled)), 1, "unreadable manifest"),
        (("--store", str(broken)), 1, "cannot open the store"),
        (("--store", str(built), str(data)), 2, "drop the PATHs"),
        (("--store", str(built), "--graph", "http://g", str(data)), 2, "drop the PATHs"),
        (("--store", str(built), "--no-inference"), 2, "--no-inference"),
    ]
    for args, code, message in cases:
        done = _bgraph("serve", "--port", "0", *args)
        assert done.returncode == code, (args, done.stderr)
        assert message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert (plain / "notes.txt").read_text() == "mine"


def test_long_and_deep_queries_never_kill_a_worker() -> None:
    """Oxigraph's parser recurses: the vetting caps depth and length, the worker's big stack
    takes the rest (on the 8 MiB main stack 10,000 '!' overflow it)."""
    with running_server("--quiet", "--workers", "1") as srv:
        queries = {
            "deep": "SELECT * {" + "{" * 3000 + "}" * 3000 + "}",
            "bangs": "ASK { FILTER(" + "!" * 30_000 + "true) }",
            "concat": "SELECT * { BIND(" + "CONCAT(" * 60 + '"a"' + ")" * 60 + " AS ?x) }",
            "too-long": "ASK { FILTER(" + "!" * 120_000 + "true) }",
        }
        statuses = {}
        for name, text in queries.items():
            r = httpx.post(srv.url + "sparql", data={"query": text}, timeout=30)
            statuses[name] = r.status_code
            assert "Traceback" not in r.text
        assert statuses == {"deep": 400, "bangs": 200, "concat": 200, "too-long": 400}
        health = httpx.get(srv.url + "health").json()["workers"]
        assert health["killed"] == 0 and health["alive"] == 1 + health["reserve"]


def test_manifest_records_what_serve_needs(built: Path) -> None:
    manifest = json.loads((built / MANIFEST).read_text())
    assert manifest["builtin"] is True
    assert manifest["default_only"] == 0  # every triple is in a named graph
    assert manifest["union"] > 0 and manifest["graphs"]


def test_a_big_store_is_queried_by_threads_of_one_worker_process(tmp_path: Path) -> None:
    """From THREADS_FROM triples the query slots are threads of one worker process (one copy of
    the store: Oxigraph's in-memory store is copied page by page into every process that reads
    it, bench/worker_memory.py); a small store keeps a process per slot; --worker-processes
    chooses. /health says which, and the process tree agrees."""
    from bgraph.server.run import THREADS_FROM, worker_threads
    from bgraph.synth import write_synthetic
    from server_harness import running_server

    assert worker_threads(THREADS_FROM - 1, 4) == 1
    assert worker_threads(THREADS_FROM, 4) == 4
    assert worker_threads(10, 4, processes=2) == 2 and worker_threads(10**6, 4, processes=3) == 2
    assert worker_threads(10, 4, processes=8) == 1  # at most one process per worker
    data = tmp_path / "big.nt"
    write_synthetic(data, 30_000)
    with running_server(str(data), "--quiet") as srv:
        health = httpx.get(srv.url + "health").json()
        assert health["triples"] >= THREADS_FROM
        assert health["workers"]["alive"] == 4 and health["workers"]["processes"] == 1
        assert len(children(children(srv.process.pid)[0])) == 1
        queries = ["ASK { ?s ?p ?o }"] * 8
        with ThreadPoolExecutor(8) as ex:
            statuses = list(ex.map(lambda q: _ask(srv.url, q), queries))
        assert statuses == [200] * 8
    with running_server("--quiet") as srv:
        health = httpx.get(srv.url + "health").json()
        assert health["workers"]["alive"] == health["workers"]["processes"] == 4
        assert len(children(children(srv.process.pid)[0])) == 4
    with running_server("--worker-processes", "2", "--quiet") as srv:
        health = httpx.get(srv.url + "health").json()
        assert health["workers"]["alive"] == 4 and health["workers"]["processes"] == 2
        assert len(children(children(srv.process.pid)[0])) == 2


def _ask(url: str, query: str) -> int:
    return httpx.post(url + "sparql", data={"query": query}, timeout=30).status_code


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--worker-processes", "0"], "0 is not in the range 1<=x<=64"),
        (["--worker-processes", "two"], "'two' is not a valid integer"),
        (
            ["--endpoint", "http://127.0.0.1:9/sparql", "--worker-processes", "2"],
            "--endpoint has no query workers",
        ),
    ],
)
def test_bad_worker_processes_is_a_usage_error(args: list[str], message: str) -> None:
    """Each bad --worker-processes gets exit 2 and a message naming the problem; nothing is
    served (the endpoint is never contacted)."""
    from click.testing import CliRunner

    from bgraph.cli import main

    result = CliRunner().invoke(main, ["serve", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
