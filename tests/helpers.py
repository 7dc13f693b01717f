"""Helpers for tests that run the real ``bgraph`` command in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_root(tmp_path: Path) -> Path:
    """A copy of the repository's ontology/, data/ and queries/ that a test may break."""
    root = tmp_path / "root"
    for name in ("ontology", "data", "queries"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, root / name)
    return root


def run_bgraph(
    *args: str,
    root: Path | None = None,
    cache: Path | None = None,
    input: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if root is not None:
        env["BGRAPH_ROOT"] = str(root)
    if cache is not None:
        env["BGRAPH_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", "bgraph", *args],
        capture_output=True,
        text=True,
        env=env,
        input=input,
        timeout=timeout,
        check=False,
    )


class Canary:
    """A loopback TCP listener that counts the connections it accepts: nothing bgraph does may
    ever connect to it (tests of the network ban, SERVICE, FROM and JSON-LD contexts first show
    that it does see a connection when one is made)."""

    def __init__(self) -> None:
        import socket
        import threading

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def settled(self) -> int:
        """The count once in-flight connections have had time to arrive."""
        import time

        time.sleep(0.3)
        return self.accepted

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def canary_fixture() -> Iterator[Canary]:
    """The body of a ``canary`` fixture: ``yield from canary_fixture()``."""
    canary = Canary()
    try:
        yield canary
    finally:
        canary.close()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (for a server a test starts)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen) -> None:
    """Stop a server a test started: SIGTERM, then SIGKILL after 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (those of each of its threads), from /proc."""
    out: list[int] = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out += [int(c) for c in fh.read().split()]
        except OSError:  # the thread ended meanwhile
            continue
    return out
