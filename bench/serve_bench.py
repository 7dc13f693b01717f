"""Benchmark of ``bgraph serve`` (not a pass/fail test): cold start to first answer, then for each
competency query its latency (p50/p95, one client) and the throughput at concurrency 8.

    python bench/serve_bench.py                 # all of queries/, 20 runs each
    python bench/serve_bench.py --runs 5 --json bench-serve.json -- --workers 4

Arguments after ``--`` go to ``bgraph serve``. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bgraph.query import named_queries
from bgraph.server.testing import start_server, stop


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def cold_start(serve_args: list[str]) -> dict[str, float]:
    launched = time.perf_counter()
    server = start_server(*serve_args)
    try:
        with httpx.Client(timeout=30) as c:
            r = c.get(server.url + "sparql", params={"query": "ASK { ?s ?p ?o }"})
            r.raise_for_status()
        first = time.perf_counter() - launched
    finally:
        stop(server)
    return {"ready_s": round(server.started_in, 3), "first_answer_s": round(first, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="sequential runs per query")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of all queries at c=8")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("serve_args", nargs="*", help="arguments for bgraph serve (after --)")
    args = parser.parse_args()
    serve_args = ["--quiet", *args.serve_args]

    results: dict = {"serve_args": serve_args, "cold_start": cold_start(serve_args)}
    print(
        f"cold start: ready in {results['cold_start']['ready_s']} s, first answer "
        f"{results['cold_start']['first_answer_s']} s after launch"
    )
    queries = named_queries()
    server = start_server(*serve_args)
    try:
        url = server.url + "sparql"
        per_query = {}
        with httpx.Client(timeout=60) as c:
            for q in queries:
                c.post(url, data={"query": q.text}).raise_for_status()  # warm-up
                times = []
                for _ in range(args.runs):
                    t = time.perf_counter()
                    c.post(url, data={"query": q.text}).raise_for_status()
                    times.append((time.perf_counter() - t) * 1000)
                per_query[q.name] = {
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(percentile(times, 0.95), 1),
                }
                print(f"{q.name:40s} p50 {per_query[q.name]['p50_ms']:8.1f} ms   "
                      f"p95 {per_query[q.name]['p95_ms']:8.1f} ms")  # fmt: skip
        results["latency"] = per_query

        jobs = [q.text for _ in range(args.rounds) for q in queries]
        statuses: list[int] = []
        latencies: list[float] = []

        def one(text: str) -> None:
            with httpx.Client(timeout=60) as c:
                t = time.perf_counter()
                statuses.append(c.post(url, data={"query": text}).status_code)
                latencies.append((time.perf_counter() - t) * 1000)

        start = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(one, jobs))
        wall = time.perf_counter() - start
        ok = statuses.count(200)
        results["concurrent"] = {
            "concurrency": args.concurrency,
            "requests": len(jobs),
            "ok": ok,
            "throughput_rps": round(len(jobs) / wall, 1),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
        }
        c8 = results["concurrent"]
        print(
            f"concurrency {args.concurrency}: {len(jobs)} requests, {ok} ok, "
            f"{c8['throughput_rps']} req/s, p50 {c8['p50_ms']} ms, p95 {c8['p95_ms']} ms"
        )
    finally:
        stop(server)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
