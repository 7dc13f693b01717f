"""The vendored YASGUI files: where they come from, and a check that they are untouched.

The query UI must work offline, so bgraph serves YASGUI itself from ``static/vendor/yasgui``:
the ``build/`` files of the npm package ``@triply/yasgui`` (version, tarball and its npm
integrity recorded in ``VENDOR.json``), byte for byte. ``check`` verifies them; ``fetch`` gets
them again with ``npm pack`` (from the npm registry) and verifies the tarball first.

    python -m bgraph.server.vendor check
    python -m bgraph.server.vendor fetch
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

FOLDER = Path(__file__).parent / "static" / "vendor" / "yasgui"
RECORD = FOLDER / "VENDOR.json"


def record() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check() -> list[str]:
    """Problems with the vendored files (empty when every file matches its recorded hash)."""
    problems = []
    for name, digest in record()["files"].items():
        path = FOLDER / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256(path) != digest:
            problems.append(f"{name}: sha256 differs from VENDOR.json")
    return problems


def fetch() -> None:
    """Download the recorded version with npm, verify its integrity, copy the files in."""
    info = record()
    spec = f"{info['package']}@{info['version']}"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True)
        tarball = next(Path(tmp).glob("*.tgz"))
        algo, _, expected = info["integrity"].partition("-")
        actual = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
        if actual != expected:
            raise SystemExit(f"{tarball.name}: integrity mismatch (npm record {info['integrity']})")
        with tarfile.open(tarball) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(tmp, filter="data")
            else:  # Python < 3.11.4: extract only the files we need, by name
                for source in info["sources"].values():
                    tar.extract(source, tmp)
        for name, source in info["sources"].items():
            shutil.copyfile(Path(tmp) / source, FOLDER / name)
    problems = check()
    if problems:
        raise SystemExit("after fetch: " + "; ".join(problems))


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "fetch":
        fetch()
        print(f"fetched {record()['package']} {record()['version']} into {FOLDER}")
        return 0
    problems = check()
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print(f"{record()['package']} {record()['version']}: vendored files verified")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
