"""Helpers for tests that run the real ``bgraph`` command in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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
