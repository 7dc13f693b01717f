"""Cold start of ``bgraph serve``: process launch to its first HTTP answer, on the seed graph.

Launches ``bgraph serve --port P`` (plus any extra arguments) ``--runs`` times, one after
the other, and times each from ``Popen`` to the first ``200`` answer to
``POST /sparql ASK { ?s ?p ?o }`` (polled every 5 ms with the standard library's http.client, so
the timer itself imports nothing heavy). Prints each run and the median; ``--json`` prints them
as JSON. ``--importtime FILE`` writes the ``python -X importtime`` log of one more launch to FILE
(the modules the serve path imports, with their cost).

    python bench/cold_start.py                 # median of 10 launches, default `bgraph serve`
    python bench/cold_start.py --runs 20 -- --no-inference
    python bench/cold_start.py --importtime /tmp/serve-imports.txt

The server runs with Python's bytecode cache, as an installed package does: the first launch
writes ``__pycache__`` if it is missing and later ones read it (``PYTHONDONTWRITEBYTECODE`` is
dropped from the server's environment). Without a cache, each launch compiles the ~60 bgraph
modules it imports from source: about 0.15 s more on the seed graph (``builtins.compile`` in a
cProfile of one launch). The closure is computed at every launch (``bgraph serve`` keeps no
closure cache).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ASK = "ASK { ?s ?p ?o }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bgraph_command() -> list[str]:
    """``bgraph`` next to this Python (the venv's console script), else ``python -m bgraph``."""
    script = Path(sys.executable).with_name("bgraph")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bgraph"]


def answered(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(
            "POST",
            "/sparql",
            body=urlencode({"query": ASK}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def launch_once(
    extra: list[str], timeout: float, env: dict[str, str], python_flags: tuple[str, ...] = ()
) -> tuple[float, str]:
    """Seconds from launch to the first answer, and the server's output (it is stopped)."""
    port = free_port()
    cmd = bgraph_command()
    if python_flags:  # run the console script's module through this Python with its flags
        cmd = [sys.executable, *python_flags, "-m", "bgraph"]
    cmd += ["serve", "--port", str(port), *extra]
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=log, stderr=log, env=env, start_new_session=True, cwd=tempfile.gettempdir()
        )
        try:
            while not answered(port):
                if proc.poll() is not None:
                    log.seek(0)
                    tail = log.read().decode("utf-8", "replace")[-2000:]
                    raise RuntimeError(f"bgraph serve exited with {proc.returncode}:\n{tail}")
                if time.perf_counter() - start > timeout:
                    raise RuntimeError(f"no answer within {timeout:g} s")
                time.sleep(0.005)
            took = time.perf_counter() - start
        finally:
            stop(proc)
        log.seek(0)
        return took, log.read().decode("utf-8", "replace")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Ctrl-C the server (it stops its workers), then kill its process group."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="launches (default 10)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait per launch")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--importtime", metavar="FILE", help="also write one launch's -X importtime log to FILE"
    )
    parser.add_argument("extra", nargs="*", help="arguments for bgraph serve (after --)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    runs = []
    for _ in range(args.runs):
        runs.append(launch_once(args.extra, args.timeout, env)[0])
        if not args.json:
            print(f"  {runs[-1]:.3f} s", flush=True)
    result = {
        "command": "bgraph serve " + " ".join(args.extra),
        "runs_s": [round(r, 3) for r in runs],
        "median_s": round(statistics.median(runs), 3),
        "min_s": round(min(runs), 3),
        "load_average": os.getloadavg()[0],
    }
    if args.importtime:
        _, log = launch_once(args.extra, args.timeout, env, ("-X", "importtime"))
        Path(args.importtime).write_text(log, "utf-8")
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['command']}: median {result['median_s']:.3f} s, min {result['min_s']:.3f} s "
            f"over {len(runs)} launches (load average {result['load_average']:.1f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
