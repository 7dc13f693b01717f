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


def recording_listener() -> Iterator[tuple[str, list[object]]]:
    """A loopback TCP server that records every connection it gets: yields its URL and the list
    of connections (for fixtures: nothing bgraph does may ever connect to it)."""
    import socket
    import threading

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    hits: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(conn)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", hits
    stop.set()
    thread.join(2)
    server.close()
