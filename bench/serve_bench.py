"""Benchmark of one ``bgraph serve`` (not a pass/fail test): cold start to first answer, then for
each competency query (queries/*.rq) its latency (p50/p95, one client) and the throughput at
concurrency 8. ``bench/run.py`` is the full comparison against ``oxigraph serve``.

    python bench/serve_bench.py                 # the default server, all of queries/, 20 runs
    python bench/serve_bench.py --runs 5 --json bench-serve.json -- --workers 4 data.nt

Arguments after ``--`` go to ``bgraph serve``. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import accept, bgraph_cmd, free_port, launch, pct, stop, tree_pss_mb

QUERIES = Path(__file__).resolve().parents[1] / "queries"


def start(serve_args: list[str]):
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    cmd = [*bgraph_cmd(), "serve", "--host", "127.0.0.1", "--port", str(port), *serve_args]
    return launch(cmd, base, base + "sparql", dict(os.environ), 600)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="sequential runs per query")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of all queries at c=8")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("serve_args", nargs="*", help="arguments for bgraph serve (after --)")
    args = parser.parse_args()
    serve_args = ["--quiet", *args.serve_args]

    first = start(serve_args)
    stop(first)
    results: dict = {"serve_args": serve_args, "first_answer_s": round(first.first_answer_s, 3)}
    print(f"cold start: first answer {results['first_answer_s']} s after launch")
    queries = {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.rq"))}
    server = start(serve_args)
    try:
        url = server.sparql
        per_query = {}
        with httpx.Client(timeout=60) as c:
            for name, text in queries.items():
                c.post(url, data={"query": text}, headers=accept(text)).raise_for_status()
                times = []
                for _ in range(args.runs):
                    t = time.perf_counter()
                    c.post(url, data={"query": text}, headers=accept(text)).raise_for_status()
                    times.append((time.perf_counter() - t) * 1000)
                per_query[name] = {
                    "p50_ms": round(statistics.median(times), 2),
                    "p95_ms": round(pct(times, 0.95), 2),
                }
                print(f"{name:40s} p50 {per_query[name]['p50_ms']:8.2f} ms   "
                      f"p95 {per_query[name]['p95_ms']:8.2f} ms")  # fmt: skip
        results["latency"] = per_query

        jobs = [text for _ in range(args.rounds) for text in queries.values()]
        statuses: list[int] = []
        latencies: list[float] = []

        def one(text: str) -> None:
            with httpx.Client(timeout=60) as c:
                t = time.perf_counter()
                statuses.append(c.post(url, data={"query": text}, headers=accept(text)).status_code)
                latencies.append((time.perf_counter() - t) * 1000)

        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(one, jobs))
        wall = time.perf_counter() - t0
        ok = statuses.count(200)
        pss, n = tree_pss_mb(server.proc.pid)
        results["concurrent"] = c8 = {
            "concurrency": args.concurrency,
            "requests": len(jobs),
            "ok": ok,
            "throughput_rps": round(len(jobs) / wall, 1),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(pct(latencies, 0.95), 1),
        }
        results["pss_mb"] = round(pss, 1)
        print(
            f"concurrency {args.concurrency}: {len(jobs)} requests, {ok} ok, "
            f"{c8['throughput_rps']} req/s, p50 {c8['p50_ms']} ms, p95 {c8['p95_ms']} ms; "
            f"PSS {pss:.0f} MB in {n} processes"
        )
    finally:
        stop(server)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
