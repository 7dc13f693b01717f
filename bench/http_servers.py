"""Which HTTP server layer should ``bgraph serve`` run on? Each candidate serves the same tiny
ASGI app (``bench/_asgi_app.py``) on 127.0.0.1; ``oxigraph serve`` (its whole stack, ``ASK {}``)
is the reference. For each one:

- per-request overhead: sequential keep-alive GETs (p50/p99, one client, http.client) and
  requests/s at 8 concurrent connections (threads);
- a flood of silent TCP connections (``--flood``, default 1010): does a fresh client still get
  an answer, and how long until the server has closed the silent ones?
- a request that declares ``Content-Length: 100`` and sends 6 bytes; a request whose headers
  trickle in one byte a second (slowloris): when does the server close them?
- idle connections from one client: how many does it keep open (cap per client)?
- a slow reader: 8 clients ask for 32 MB each and never read; the server's memory afterwards.

    python bench/http_servers.py                       # every candidate, 30 s attack window
    python bench/http_servers.py --only granian --window 10 --json out.json

Loopback only; each attack is bounded in count and time. Not a pass/fail test.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


@dataclass
class Candidate:
    name: str
    cmd: Callable[[int], list[str]]
    path: str = "/"  #: a small answer
    big: str | None = "/big?mb=32"  #: a 32 MB answer (None: not measured)
    note: str = ""


def _uvicorn(http: str) -> Callable[[int], list[str]]:
    return lambda port: [
        PY,
        "-m",
        "uvicorn",
        "_asgi_app:app",
        "--port",
        str(port),
        "--http",
        http,
        "--log-level",
        "warning",
        "--no-access-log",
        "--timeout-keep-alive",
        "5",
    ]


def _bgraph_layer(port: int) -> list[str]:
    code = (
        "import sys; sys.path.insert(0, '.');"
        "from _asgi_app import app; from bgraph.server.http import run_standalone;"
        f"run_standalone(app, '127.0.0.1', {port})"
    )
    return [PY, "-c", code]


def _oxigraph(port: int) -> list[str]:
    store = tempfile.mkdtemp(prefix="bench-oxigraph-")
    oxigraph = shutil.which("oxigraph") or str(Path(PY).parent / "oxigraph")
    return [oxigraph, "serve", "--location", store, "--bind", f"127.0.0.1:{port}"]


CANDIDATES = [
    Candidate("uvicorn+h11", _uvicorn("h11"), note="uvicorn 0.x defaults, keep-alive 5 s"),
    Candidate("uvicorn+httptools", _uvicorn("httptools")),
    Candidate(
        "hypercorn",
        lambda port: [
            PY,
            "-m",
            "hypercorn",
            "_asgi_app:app",
            "-b",
            f"127.0.0.1:{port}",
            "--keep-alive",
            "5",
            "--read-timeout",
            "10",
            "--log-level",
            "warning",
        ],
        note="--read-timeout 10",
    ),
    Candidate(
        "granian",
        lambda port: [
            str(Path(PY).parent / "granian"),
            "--interface",
            "asgi",
            "--port",
            str(port),
            "--http",
            "1",
            "--http1-header-read-timeout",
            "10000",
            "--no-ws",
            "--log-level",
            "warning",
            "_asgi_app:app",
        ],
        note="--http1-header-read-timeout 10000",
    ),
    Candidate(
        "bgraph (uvicorn+httptools, guarded)",
        _bgraph_layer,
        note="bgraph.server.http: header/body timeouts 10 s, 16 connections per client",
    ),
    Candidate(
        "oxigraph serve",
        _oxigraph,
        path="/query?query=ASK%7B%7D",
        big=None,
        note="reference: the whole SPARQL server, ASK {}",
    ),
]


# --- helpers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants (MB)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        with contextlib.suppress(OSError, ValueError):
            with open(f"/proc/{p}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children", encoding="ascii") as fh:
                    todo += [int(c) for c in fh.read().split()]
    return total / 1024


def get(port: int, path: str, timeout: float = 5.0) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def launch(cand: Candidate) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        cand.cmd(port),
        cwd=HERE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            if get(port, cand.path, 1.0) == 200:
                return proc, port
        time.sleep(0.1)
    stop(proc)
    raise RuntimeError(f"{cand.name} did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- measurements --------------------------------------------------------------------------------


def overhead(port: int, path: str, n: int, concurrency: int) -> dict[str, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        times.append((time.perf_counter() - t) * 1e6)
    conn.close()

    def client(count: int) -> None:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(count):
            c.request("GET", path)
            c.getresponse().read()
        c.close()

    per = max(1, n // concurrency)
    t = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(client, [per] * concurrency))
    rps = per * concurrency / (time.perf_counter() - t)
    return {
        "p50_us": round(statistics.median(times)),
        "p99_us": round(pct(times, 0.99)),
        "rps_c8": round(rps),
    }


def _closed(sock: socket.socket) -> bool:
    """True once the server has closed the connection (whatever it sent before, e.g. a 408)."""
    try:
        while True:
            if sock.recv(65536, socket.MSG_DONTWAIT) == b"":
                return True
    except BlockingIOError:
        return False
    except OSError:
        return True


@dataclass
class Attack:
    sock: socket.socket
    kind: str
    opened: float
    closed_after: float | None = None


@dataclass
class AttackResult:
    probe_during_flood: str = ""
    silent_closed: int = 0
    silent_all_closed_s: float | None = None
    partial_body_closed_s: float | None = None
    slowloris_closed_s: float | None = None
    extra: dict[str, object] = field(default_factory=dict)


def attacks(port: int, path: str, flood: int, window: float) -> AttackResult:
    out = AttackResult()
    start = time.monotonic()
    held: list[Attack] = []
    for _ in range(flood):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
        except OSError:
            break
        s.setblocking(False)
        held.append(Attack(s, "silent", time.monotonic()))
    try:
        partial = socket.create_connection(("127.0.0.1", port), timeout=5)
        partial.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabcdef")
        partial.setblocking(False)
        held.append(Attack(partial, "partial-body", time.monotonic()))
        loris = socket.create_connection(("127.0.0.1", port), timeout=5)
        loris.setblocking(False)
        held.append(Attack(loris, "slowloris", time.monotonic()))
    except OSError:
        loris = socket.socket()  # not connected: the flood filled the server's backlog
    trickle = b"GET / HTTP/1.1\r\nHost: x\r\nX-a: " + b"a" * 10_000
    sent = 0
    # a fresh client, once the flood is in
    try:
        status = get(port, path, timeout=3)
        out.probe_during_flood = f"{status} in {time.monotonic() - start:.1f} s"
    except (OSError, http.client.HTTPException) as exc:
        out.probe_during_flood = f"failed ({type(exc).__name__})"
    next_byte = time.monotonic()
    while time.monotonic() - start < window:
        now = time.monotonic()
        if now >= next_byte and sent < len(trickle):
            with contextlib.suppress(OSError):
                loris.send(trickle[sent : sent + 1])
                sent += 1
            next_byte = now + 1.0
        for a in held:
            if a.closed_after is None and _closed(a.sock):
                a.closed_after = now - a.opened
        if all(a.closed_after is not None for a in held):
            break
        time.sleep(0.25)
    silent = [a for a in held if a.kind == "silent"]
    out.silent_closed = sum(a.closed_after is not None for a in silent)
    if silent and out.silent_closed == len(silent):
        out.silent_all_closed_s = round(max(a.closed_after or 0 for a in silent), 1)
    for a in held:
        if a.kind == "partial-body":
            out.partial_body_closed_s = a.closed_after and round(a.closed_after, 1)
        if a.kind == "slowloris":
            out.slowloris_closed_s = a.closed_after and round(a.closed_after, 1)
    for a in held:
        a.sock.close()
    return out


def idle_per_client(port: int, tries: int = 64) -> int:
    """Idle connections one client can keep open after one request each (bounded at ``tries``)."""
    socks = []
    for _ in range(tries):
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        socks.append(s)
    time.sleep(1.0)
    open_ = 0
    for s in socks:
        s.setblocking(False)
        if not _closed(s):
            open_ += 1
        s.close()
    return open_


def slow_readers(proc: subprocess.Popen[bytes], port: int, path: str, n: int = 8) -> dict:
    before = tree_rss_mb(proc.pid)
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        socks.append(s)
    time.sleep(4.0)
    during = tree_rss_mb(proc.pid)
    for s in socks:
        s.close()
    time.sleep(1.0)
    return {
        "rss_before_mb": round(before),
        "rss_with_8_slow_readers_mb": round(during),
        "grown_mb": round(during - before),
    }


def measure(cand: Candidate, args: argparse.Namespace) -> dict:
    proc, port = launch(cand)
    try:
        result: dict[str, object] = {"server": cand.name, "note": cand.note}
        result.update(overhead(port, cand.path, args.requests, 8))
        result["idle_kept_of_64"] = idle_per_client(port)
        time.sleep(0.5)
        result.update(vars(attacks(port, cand.path, args.flood, args.window)))
        result.pop("extra", None)
        time.sleep(0.5)
        try:
            result["after_attacks"] = get(port, cand.path, 5)
        except (OSError, http.client.HTTPException) as exc:
            result["after_attacks"] = type(exc).__name__
        if cand.big:
            result.update(slow_readers(proc, port, cand.big))
        return result
    finally:
        stop(proc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="candidate names (substring)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--flood", type=int, default=1010)
    parser.add_argument("--window", type=float, default=30.0, help="seconds of attack watched")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    chosen = [c for c in CANDIDATES if not args.only or any(o in c.name for o in args.only)]
    results = []
    for cand in chosen:
        print(f"== {cand.name}", flush=True)
        try:
            res = measure(cand, args)
        except RuntimeError as exc:
            res = {"server": cand.name, "error": str(exc)}
        print(json.dumps(res), flush=True)
        results.append(res)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
