"""Run a real ``bgraph serve`` in a subprocess on 127.0.0.1 (tests, benchmarks).

with running_server("--timeout", "2") as srv:
    httpx.get(srv.url + "sparql", params={"query": "ASK {}"})

``BGRAPH_SERVE_STORE=DIR`` (a built store's directory) in the environment adds ``--store DIR``
to every server started here that gives no ``--store`` of its own: the whole server test suite
then runs on that store.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

STORE_ENV = "BGRAPH_SERVE_STORE"
_ANNOUNCE = re.compile(r"on (http://127\.0\.0\.1:(\d+)/)")


@dataclass
class RunningServer:
    process: subprocess.Popen[str]
    url: str  #: http://127.0.0.1:PORT/
    announce: str  #: the line the server printed when ready
    log_path: Path  #: its stderr (access log)
    started_in: float  #: seconds from launch to ready
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].rstrip("/"))

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")


def start_server(*args: str, ready_timeout: float = 60.0) -> RunningServer:
    """Launch ``bgraph serve --port 0 ARGS`` and wait until it says where it listens."""
    log = Path(tempfile.mkstemp(prefix="bgraph-serve-", suffix=".log")[1])
    store = os.environ.get(STORE_ENV)
    if store and "--store" not in args:
        args = (*args, "--store", store)
    cmd = [sys.executable, "-m", "bgraph", "serve", "--host", "127.0.0.1", "--port", "0", *args]
    start = time.perf_counter()
    err = log.open("w", encoding="utf-8")
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=err,
        text=True,
        start_new_session=True,  # its own process group: stop() ends the workers too
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    err.close()
    lines: list[str] = []
    found: list[str] = []

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if not found and _ANNOUNCE.search(line):
                found.append(line)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    deadline = time.monotonic() + ready_timeout
    while not found:
        if proc.poll() is not None:
            raise RuntimeError(
                f"bgraph serve exited with {proc.returncode}:\n{log.read_text('utf-8')}"
            )
        if time.monotonic() > deadline:
            stop_process(proc)
            raise RuntimeError(f"bgraph serve not ready in {ready_timeout} s:\n{log.read_text()}")
        time.sleep(0.02)
    match = _ANNOUNCE.search(found[0])
    assert match is not None
    return RunningServer(
        proc, match.group(1), found[0].strip(), log, time.perf_counter() - start, lines, thread
    )


def stop_process(proc: subprocess.Popen[str], timeout: float = 10.0) -> None:
    """Ctrl-C the server (it kills its workers), then kill its process group if it lingers."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # the group this module created for the server
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)


@contextlib.contextmanager
def running_server(*args: str) -> Iterator[RunningServer]:
    server = start_server(*args)
    try:
        yield server
    finally:
        stop(server)


def stop(server: RunningServer) -> None:
    stop_process(server.process)
    if server.reader is not None:
        server.reader.join(5)
    if server.process.stdout is not None:
        server.process.stdout.close()
    server.log_path.unlink(missing_ok=True)
