"""What the hop to a query worker costs one query, next to what the query itself costs.

    python bench/hop.py          # about 15 s; writes bench/results/hop.json

In one process, on the seed graph, median of 3,000 calls each (µs):

- ``handler``: the worker's answer to a QueryJob computed here, with no hop (guard, Oxigraph,
  serialisation), for the ASK and the label search of bench/queries;
- ``guard``: the part of it that reads the query before Oxigraph sees it (the SPARQL guard,
  :func:`bgraph.server.engine.vet`);
- ``pool``: the same job through ``bgraph serve``'s WorkerPool (default sandbox, the stack the
  server gives its workers), from an asyncio task on uvloop: the hop and the answer;
- ``echo``: a job that the worker sends back as it came, through the same pool: the hop alone;
- ``socketpair``: a blocking ping-pong of 40 bytes with a forked process over a socketpair, the
  kernel's floor under any hop between two processes on this machine.

``pool - handler`` is what answering in a worker adds to a query. The seed graph's p50 goal
(1.5x Oxigraph) is missed by about as much (README, "What the misses are made of").
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from request_floor import median_ms

from bgraph.server.config import ServerConfig
from bgraph.server.engine import QueryJob, vet
from bgraph.server.links import Links
from bgraph.server.run import WORKER_STACK_MB, make_handler
from bgraph.server.safety import install_network_guard
from bgraph.server.served import load_served
from bgraph.server.workers import WorkerPool

HERE = Path(__file__).resolve().parent
QUERIES = ("12-has-spin-off.rq", "09-label-search.rq")
CALLS = 3000


def median_us(times: list[float]) -> float:
    return round(statistics.median(times) * 1e6, 1)


def timed(call: Any, n: int = CALLS) -> float:
    """µs: the median of ``n`` calls, timed as bench/request_floor.py times a request."""
    return round(median_ms(call, n) * 1000, 1)


def socketpair_us(n: int = CALLS) -> float:
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        ours.close()
        while data := theirs.recv(100):
            theirs.sendall(data)
        os._exit(0)
    theirs.close()

    def ping() -> None:
        ours.sendall(b"x" * 40)
        ours.recv(100)

    try:
        return timed(ping, n)
    finally:
        ours.close()
        os.waitpid(pid, 0)


def echo_or_answer(handler: Any) -> Any:
    def handle(job: Any) -> Any:
        return job if job == "echo" else handler(job)

    return handle


def main() -> None:
    config = ServerConfig()
    served = load_served()
    handler = make_handler(served, Links(config.base_iri))
    jobs = {
        name: QueryJob(
            (HERE / "queries" / name).read_text("utf-8"),
            accept="application/sparql-results+json",
            base="http://127.0.0.1:8000/sparql",
        )
        for name in QUERIES
    }
    out: dict[str, Any] = {}
    out["handler_us"] = {name: timed(lambda j=job: handler(j)) for name, job in jobs.items()}
    names = served.graph_names
    out["guard_us"] = {
        name: timed(lambda j=job: vet(j.text, names, j.base)) for name, job in jobs.items()
    }
    out["socketpair_us"] = socketpair_us()
    install_network_guard()
    pool = WorkerPool(echo_or_answer(handler), size=config.workers, stack_mb=WORKER_STACK_MB)
    pool.start()

    async def through_pool(job: Any) -> float:
        for _ in range(200):
            await pool.run(job)
        times = []
        for _ in range(CALLS):
            t0 = time.perf_counter()
            await pool.run(job)
            times.append(time.perf_counter() - t0)
        return median_us(times)

    async def measure() -> None:
        out["pool_us"] = {name: await through_pool(job) for name, job in jobs.items()}
        out["echo_us"] = await through_pool("echo")

    try:
        uvloop.run(measure())
    finally:
        pool.close()
    out["hop_us"] = {n: round(out["pool_us"][n] - out["handler_us"][n], 1) for n in jobs}
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "hop.json").write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    for name in QUERIES:
        print(
            f"{name}: answer here {out['handler_us'][name]} µs, through a worker "
            f"{out['pool_us'][name]} µs (+{out['hop_us'][name]} µs)"
        )
    print(f"echo through a worker {out['echo_us']} µs; ping-pong {out['socketpair_us']} µs")


if __name__ == "__main__":
    main()
