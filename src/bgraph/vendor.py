"""The front-end files bgraph vendors and serves itself (never from a CDN), and their check.

Two npm packages, each in a folder with a ``VENDOR.json`` beside its files: YASGUI for the query
UI (``server/static/vendor/yasgui``) and Cytoscape.js for the interactive graph
(``visual/static/vendor``). A record names the package, its version, the tarball and its npm
integrity, and for each vendored file the path it comes ``from`` in the tarball and its SHA-256.
``check`` verifies the committed files offline (the tests do). ``fetch`` is the only step that
uses the network (bgraph never does at run time): it gets each package again with ``npm pack``,
verifies the tarball's integrity and every file's SHA-256, and only then writes the files.

    python -m bgraph.vendor check
    python -m bgraph.vendor fetch

Standard library only: ``.ci/setup.d/50-vendor.sh`` runs it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
YASGUI = HERE / "server" / "static" / "vendor" / "yasgui"
CYTOSCAPE = HERE / "visual" / "static" / "vendor"
FOLDERS = (YASGUI, CYTOSCAPE)
RECORD = "VENDOR.json"


def record(folder: Path) -> dict:
    return json.loads((folder / RECORD).read_text(encoding="utf-8"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check(folders: Iterable[Path] = FOLDERS) -> list[str]:
    """Problems with the vendored files (empty when each folder holds exactly its recorded
    files, each with its recorded SHA-256)."""
    problems = []
    for folder in folders:
        files = record(folder)["files"]
        for name, entry in files.items():
            path = folder / name
            if not path.is_file():
                problems.append(f"{path}: missing")
            elif sha256(path.read_bytes()) != entry["sha256"]:
                problems.append(f"{path}: sha256 differs from {RECORD}")
        for path in sorted(folder.iterdir()):
            if path.name not in files and path.name != RECORD:
                problems.append(f"{path}: not in {RECORD}")
    return problems


def fetch(folders: Iterable[Path] = FOLDERS) -> None:
    """Get each recorded package again with ``npm pack``; write its files once all are verified."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("fetch needs npm")
    folders = list(folders)
    for folder in folders:
        info = record(folder)
        spec = f"{info['package']}@{info['version']}"
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([npm, "pack", spec, "--silent"], cwd=tmp, check=True)
            tarball = next(Path(tmp).glob("*.tgz")).read_bytes()
        algo, _, expected = info["integrity"].partition("-")
        if base64.b64encode(hashlib.new(algo, tarball).digest()).decode() != expected:
            raise SystemExit(f"{spec}: tarball integrity differs from {RECORD}")
        contents = {}
        with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
            for name, entry in info["files"].items():
                try:
                    member = tar.extractfile(entry["from"])
                except KeyError:
                    member = None
                contents[name] = member.read() if member else b""
                if sha256(contents[name]) != entry["sha256"]:
                    raise SystemExit(f"{spec}: {entry['from']} differs from {RECORD} ({name})")
        for name, data in contents.items():
            (folder / name).write_bytes(data)
    problems = check(folders)
    if problems:
        raise SystemExit("after fetch: " + "; ".join(problems))


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command not in ("check", "fetch") or len(argv) > 1:
        print("usage: python -m bgraph.vendor [check|fetch]", file=sys.stderr)
        return 2
    if command == "fetch":
        fetch()
    problems = check()
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        for folder in FOLDERS:
            info = record(folder)
            print(f"{info['package']} {info['version']}: vendored files verified ({folder})")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
