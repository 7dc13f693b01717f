"""A real Virtuoso 7 for the tests (Debian's virtuoso-opensource), started by
.ci/setup.d/80-virtuoso.sh in a private database on 127.0.0.1 and stopped at the end of the
session. Missing, it fails the tests under CI (``CI=true``, set by .ci/run) and skips them
elsewhere, as the browser tests do."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import free_port, stop_process

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / ".ci" / "setup.d" / "80-virtuoso.sh"
USER, PASSWORD = "dba", "dba"  #: a fresh database's administrator


def require_virtuoso() -> None:
    if shutil.which("virtuoso-t") is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Virtuoso 7: .ci/setup.d/80-virtuoso.sh installs it")
        pytest.skip("virtuoso-t is not installed (.ci/setup.d/80-virtuoso.sh installs it)")


def run_virtuoso(directory: Path) -> Iterator[str]:
    """Start Virtuoso in ``directory``; yield its base URL; stop it."""
    require_virtuoso()
    http, sql = free_port(), free_port()
    subprocess.run(
        ["bash", str(SCRIPT), "start", str(directory), str(http), str(sql)],
        check=True,
        timeout=180,
        capture_output=True,
    )
    try:
        yield f"http://127.0.0.1:{http}"
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", str(directory)], timeout=60, check=False)


def start_front(endpoint: str, *extra: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """``bgraph serve --endpoint`` in a subprocess; yield its base URL; stop it (by pid)."""
    import sys
    import time

    import httpx

    port = free_port()
    bgraph = str(Path(sys.executable).parent / "bgraph")
    proc = subprocess.Popen(
        [bgraph, "serve", "--endpoint", endpoint, "--port", str(port), "--quiet", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/health", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"bgraph serve --endpoint ended: {out}")
                if time.monotonic() > deadline:
                    pytest.fail("bgraph serve --endpoint did not start")
                time.sleep(0.1)
        yield base
    finally:
        stop_process(proc)


def http_answer(base: str, text: str) -> object:
    """A query's answer through bgraph's /sparql, read by Oxigraph's parsers, as canonical()."""
    import httpx
    import pyoxigraph as ox

    from bgraph.store import Answer
    from bgraph.upstream import read_results

    resp = httpx.post(
        base + "/sparql",
        data={"query": text},
        headers={"Accept": "application/sparql-results+json, application/n-triples;q=0.9"},
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
    if resp.headers["content-type"].startswith("application/n-triples"):
        quads = ox.parse(resp.content, ox.RdfFormat.N_TRIPLES)
        return Answer("GRAPH", triples=[ox.Triple(q.subject, q.predicate, q.object) for q in quads])
    form, names, rows, boolean = read_results(resp.content, "SELECT")
    if form == "ASK":
        return Answer("ASK", boolean=boolean)
    return Answer("SELECT", variables=names, rows=rows)
