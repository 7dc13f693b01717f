"""What one request costs before any query: the floor under the seed graph's p50 ratio.

    python bench/request_floor.py          # about 20 s; writes bench/results/request_floor.json

With the bench's own client (httpx, keep-alive, 127.0.0.1), median of 400 requests each, A then
B, twice: bgraph's ``GET /health`` (no store, no worker: HTTP, Starlette, JSON), bgraph's ASK
(``bench/queries/12-has-spin-off.rq`` with its PREFIX lines, as bench/run.py sends it), and
``oxigraph serve-read-only`` answering the same ASK on the same data (the store ``bgraph build``
writes from bgraph's own data), and bgraph's HTTP layer (uvicorn with :mod:`bgraph.server.http`'s
limits) serving ``bench/_asgi_app.py``, which answers the same POST with a fixed boolean and does
nothing else: the floor under any Python ASGI answer.

Then the CPU time one ASK request costs each process, over 2,000 requests (from
``/proc/PID/stat``): the client's, bgraph's server process and its query workers', Oxigraph's
and the empty app's. On 127.0.0.1 with one client the latency is about the sum of them.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (
    HERE,
    RESULTS,
    accept,
    bgraph_cmd,
    free_port,
    launch,
    oxigraph_binary,
    process_tree,
    stop,
)


def median_ms(call, n: int = 400) -> float:
    for _ in range(50):
        call()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 3)


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process (those still alive)."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return out


def cpu_per_request(call, root: int, n: int = 2000) -> dict[str, float]:
    """µs of CPU per request: the client's, the server's root process', the rest of its tree."""
    pids = process_tree(root)
    for _ in range(100):
        call()
    before, client = cpu_seconds(pids), time.process_time()
    for _ in range(n):
        call()
    client = time.process_time() - client
    after = cpu_seconds(pids)
    used = {pid: after[pid] - before.get(pid, 0.0) for pid in after}
    rest = sum(v for pid, v in used.items() if pid != root)
    return {
        "client_us": round(client / n * 1e6),
        "server_us": round(used.get(root, 0.0) / n * 1e6),
        "workers_us": round(rest / n * 1e6),
    }


def main() -> None:
    from bgraph.namespaces import PREFIXES

    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    query = head + (HERE / "queries" / "12-has-spin-off.rq").read_text("utf-8")
    tmp = Path(tempfile.mkdtemp(prefix="bgraph-floor-"))
    store = tmp / "store"
    subprocess.run([*bgraph_cmd(), "build", "-q", "-o", str(store)], check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    cmd = [*bgraph_cmd(), "serve", "--port", str(port)]
    server = launch(cmd, base, base + "sparql", dict(os.environ), 120)
    oport = free_port()
    bind = f"127.0.0.1:{oport}"
    oxigraph = subprocess.Popen(
        [oxigraph_binary(), "serve-read-only", "--location", str(store), "--bind", bind],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    eport = free_port()
    empty_app = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); from _asgi_app import app; "
        f"from bgraph.server.http import run_standalone; run_standalone(app, '127.0.0.1', {eport})"
    )
    empty_base = f"http://127.0.0.1:{eport}/"
    empty = launch([sys.executable, "-c", empty_app], empty_base, empty_base, dict(os.environ), 60)
    out: dict = {"runs": []}
    try:
        with httpx.Client(timeout=30) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.get(f"http://127.0.0.1:{oport}/")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)

            def ours() -> None:
                client.post(base + "sparql", data={"query": query}, headers=accept(query))

            def theirs() -> None:
                client.post(
                    f"http://127.0.0.1:{oport}/query", data={"query": query}, headers=accept(query)
                )

            def nothing() -> None:
                client.post(empty_base, data={"query": query}, headers=accept(query))

            for _ in range(2):
                out["runs"].append(
                    {
                        "bgraph_health_ms": median_ms(lambda: client.get(base + "health")),
                        "bgraph_ask_ms": median_ms(ours),
                        "oxigraph_ask_ms": median_ms(theirs),
                        "empty_app_ms": median_ms(nothing),
                    }
                )
            out["cpu_per_ask"] = {
                "bgraph": cpu_per_request(ours, server.proc.pid),
                "oxigraph": cpu_per_request(theirs, oxigraph.pid),
                "empty app": cpu_per_request(nothing, empty.proc.pid),
            }
    finally:
        oxigraph.kill()
        oxigraph.wait()
        stop(server)
        stop(empty)
        shutil.rmtree(tmp, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "request_floor.json").write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    for who, cpu in out["cpu_per_ask"].items():
        print(f"CPU per ASK with {who}: " + ", ".join(f"{k} {v}" for k, v in cpu.items()))
    for run in out["runs"]:
        allowed = 1.5 * run["oxigraph_ask_ms"] - run["empty_app_ms"]
        taken = run["bgraph_ask_ms"] - run["empty_app_ms"]
        print(
            f"bgraph /health {run['bgraph_health_ms']} ms, bgraph ASK {run['bgraph_ask_ms']} ms, "
            f"oxigraph ASK {run['oxigraph_ask_ms']} ms, empty app {run['empty_app_ms']} ms "
            f"(1.5x Oxigraph leaves bgraph {allowed:.3f} ms above the empty app; it takes "
            f"{taken:.3f})"
        )


if __name__ == "__main__":
    main()
