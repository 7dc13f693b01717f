"""Soak: ``bgraph serve`` under mixed load from loopback for a while (default 60 s), cheap,
slow and abusive clients together, each from its own 127.0.0.x address:

- cheap: 4 clients asking the competency questions' cheapest shape (``ASK``, a label lookup);
- slow: 2 clients sending a query that runs to the deadline, without pause (3 with
  ``--fairness``, on 3 workers: the issue's case);
- silent: opens 300 connections and sends nothing, again and again;
- slowloris: 20 connections trickling header bytes;
- half bodies: POSTs that declare 100 KB and stop after 1 KB;
- never-read: asks for large results and reads nothing;
- aborted: uploads cut mid-body;
- garbage: malformed HTTP and unusual-but-valid queries.

Prints (and with ``--json`` writes) the cheap queries' p50/p99, every client's outcomes by
kind, and the server's memory (main process and workers) at start and end.

    python bench/soak.py                     # 60 s, default server settings
    python bench/soak.py --seconds 20 -- --workers 2
    python bench/soak.py --fairness          # cheap-query latency, --reserve 0 vs 1

Loopback only; every client is bounded in connections and time. Not a pass/fail test.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from server_harness import start_server, stop  # a real bgraph serve in a subprocess

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = [
    "ASK { ?s a bg:TVSeries }",
    "SELECT ?l { <https://w3id.org/bgraph/id/ballard> rdfs:label ?l }",
    "SELECT ?s { ?s a bg:TVSeries } LIMIT 5",
]
UNUSUAL = [
    "SELECT * { ?s ?p ?o } LIMIT 99999999999999999999999",
    "SELECT ?x { BIND(<http://example.org/f>(1) AS ?x) }",
    'SELECT (SUBSTR("abc", -1e308, 1e308) AS ?x) {}',
]


def big_query(steps: int = 6) -> str:
    names = "abcdefghij"
    binds = ['BIND("xxxxxxxxxx" AS ?a)']
    for i in range(steps):
        v, w = names[i], names[i + 1]
        binds.append(f"BIND(CONCAT({','.join([f'?{v}'] * 10)}) AS ?{w})")
    return f"SELECT ?{names[steps]} {{ {' '.join(binds)} }}"


def tree_rss_mb(pid: int) -> dict[str, float]:
    def rss(p: int) -> float:
        with contextlib.suppress(OSError):
            with open(f"/proc/{p}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        return 0.0

    def children(p: int) -> list[int]:
        out: list[int] = []
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children", encoding="ascii") as fh:
                    out += [int(c) for c in fh.read().split()]
        return out

    main = rss(pid)
    rest, todo = 0.0, children(pid)
    while todo:
        p = todo.pop()
        rest += rss(p)
        todo += children(p)
    return {"main_mb": round(main, 1), "children_mb": round(rest, 1)}


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[str, collections.Counter[str]] = collections.defaultdict(
            collections.Counter
        )
        self.cheap: list[tuple[float, float]] = []  #: (seconds since start, latency)
        self.t0 = time.monotonic()

    def add(self, kind: str, outcome: str) -> None:
        with self.lock:
            self.counts[kind][outcome] += 1


def connect(port: int, source: str) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))


def run_clients(
    url: str, port: int, seconds: float, tally: Tally, kinds: set[str], slow_clients: int = 2
) -> None:
    stop_at = time.monotonic() + seconds

    def loop(body: Callable[[], None]) -> Callable[[], None]:
        def go() -> None:
            while time.monotonic() < stop_at:
                body()

        return go

    def client(source: str) -> httpx.Client:
        return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=30)

    def cheap(i: int) -> Callable[[], None]:
        c = client("127.0.0.1")

        def body() -> None:
            start = time.perf_counter()
            try:
                r = c.post(url + "sparql", data={"query": CHEAP[i % len(CHEAP)]})
                tally.add("cheap", str(r.status_code))
                if r.status_code == 200:
                    with tally.lock:
                        done = time.perf_counter()
                        tally.cheap.append((time.monotonic() - tally.t0, done - start))
            except httpx.HTTPError as exc:
                tally.add("cheap", type(exc).__name__)
            time.sleep(0.05)

        return body

    def slow(source: str) -> Callable[[], None]:
        c = client(source)

        def body() -> None:
            try:
                tally.add("slow", str(c.post(url + "sparql", data={"query": RUNAWAY}).status_code))
            except httpx.HTTPError as exc:
                tally.add("slow", type(exc).__name__)

        return body

    def silent() -> None:
        socks = []
        for _ in range(300):
            try:
                socks.append(connect(port, "127.0.0.4"))
            except OSError as exc:
                tally.add("silent", type(exc).__name__)
        tally.add("silent", f"opened {len(socks)}")
        time.sleep(3)
        for s in socks:
            s.close()

    def slowloris() -> None:
        socks = [connect(port, "127.0.0.5") for _ in range(20)]
        for s in socks:
            s.sendall(b"GET /sparql HTTP/1.1\r\nHost: a\r\n")
        closed = 0
        for _ in range(30):
            for s in socks:
                with contextlib.suppress(OSError):
                    s.send(b"X")
            time.sleep(0.5)
        for s in socks:
            s.setblocking(False)
            try:
                closed += s.recv(1024) == b"" or True
            except BlockingIOError:
                pass
            except OSError:
                closed += 1
            s.close()
        tally.add("slowloris", f"closed {closed} of 20")

    def half_body() -> None:
        s = connect(port, "127.0.0.6")
        s.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: a\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100000\r\n\r\n" + b"#" * 1000
        )
        s.settimeout(15)
        try:
            head = s.recv(64)
            tally.add("half-body", head.split(b"\r\n")[0].decode() or "closed")
        except OSError as exc:
            tally.add("half-body", type(exc).__name__)
        s.close()

    def never_read() -> None:
        body = "query=" + quote(big_query(6))
        request = (
            "POST /sparql HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded"
            f"\r\nContent-Length: {len(body)}\r\n\r\n{body}"
        ).encode()
        socks = []
        for _ in range(4):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.bind(("127.0.0.7", 0))
            s.connect(("127.0.0.1", port))
            s.sendall(request)
            socks.append(s)
        time.sleep(15)
        for s in socks:
            s.settimeout(2)
            try:
                head = s.recv(64)
                tally.add("never-read", head.split(b"\r\n")[0].decode() or "closed")
            except OSError as exc:
                tally.add("never-read", type(exc).__name__)
            s.close()

    def aborted() -> None:
        s = connect(port, "127.0.0.8")
        s.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: a\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 50000\r\n\r\n" + b"#" * 20_000
        )
        s.close()
        tally.add("aborted", "sent")
        time.sleep(0.2)

    garbage_client = client("127.0.0.9")

    def garbage() -> None:
        s = connect(port, "127.0.0.9")
        s.sendall(b"NONSENSE \x00\x01\r\n\r\n")
        s.settimeout(5)
        with contextlib.suppress(OSError):
            tally.add("garbage", s.recv(64).split(b"\r\n")[0].decode() or "closed")
        s.close()
        for q in UNUSUAL:
            try:
                r = garbage_client.post(url + "sparql", data={"query": q})
                tally.add("unusual", str(r.status_code))
            except httpx.HTTPError as exc:
                tally.add("unusual", type(exc).__name__)
        time.sleep(0.2)

    bodies: list[Callable[[], None]] = []
    if "cheap" in kinds:
        bodies += [cheap(i) for i in range(4)]
    if "slow" in kinds:
        bodies += [slow(f"127.0.1.{i + 1}") for i in range(slow_clients)]
    if "abusive" in kinds:
        bodies += [silent, slowloris, half_body, never_read, aborted, garbage]
    threads = [threading.Thread(target=loop(b), daemon=True) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)


def _percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    if not times:
        return {}
    return {
        "n": len(times),
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p99_ms": round(times[min(len(times) - 1, int(0.99 * len(times)))] * 1000, 1),
        "max_ms": round(times[-1] * 1000, 1),
    }


def summary(tally: Tally, warmup: float) -> dict[str, object]:
    out: dict[str, object] = {
        "cheap": _percentiles([lat for _t, lat in tally.cheap]),
        # once every slow client has had a query run to its deadline (see WorkerPool: a new
        # client's first slow query may take the reserve worker once)
        f"cheap_after_{warmup:g}s": _percentiles([lat for t, lat in tally.cheap if t > warmup]),
    }
    out["outcomes"] = {k: dict(v) for k, v in sorted(tally.counts.items())}
    return out


def soak(
    seconds: float,
    serve_args: list[str],
    kinds: set[str],
    slow_clients: int = 2,
    warmup: float = 12.0,
) -> dict[str, object]:
    srv = start_server("--quiet", *serve_args)
    try:
        time.sleep(0.5)
        start_mem = tree_rss_mb(srv.process.pid)
        tally = Tally()
        tally.t0 = time.monotonic()
        run_clients(srv.url, srv.port, seconds, tally, kinds, slow_clients)
        time.sleep(1)
        end_mem = tree_rss_mb(srv.process.pid)
        health = httpx.get(srv.url + "health", timeout=10).json()
        result = {
            "seconds": seconds,
            "serve_args": serve_args,
            **summary(tally, warmup),
            "memory_start": start_mem,
            "memory_end": end_mem,
            "health_end": {
                "status": health["status"],
                "workers": health["workers"],
                "connections": health.get("connections"),
            },
        }
        log = srv.log()
        result["server_log_tracebacks"] = log.count("Traceback")
        return result
    finally:
        stop(srv)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fairness", action="store_true", help="--reserve 0 vs 1, 25 s each")
    parser.add_argument("--json", type=Path)
    parser.add_argument("serve_args", nargs="*", help="arguments for bgraph serve (after --)")
    args = parser.parse_args()
    results = []
    if args.fairness:
        for reserve in ("0", "1"):
            serve = ["--workers", "3", "--timeout", "5", "--reserve", reserve, *args.serve_args]
            res = soak(25, serve, {"cheap", "slow"}, slow_clients=3, warmup=6)
            print(json.dumps(res), flush=True)
            results.append(res)
    else:
        res = soak(args.seconds, args.serve_args, {"cheap", "slow", "abusive"})
        print(json.dumps(res, indent=2), flush=True)
        results.append(res)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
