"""The JavaScript bgraph vendors (served by bgraph itself, never from a CDN).

``static/vendor/VENDOR.json`` records, for each file, the npm package, version, the tarball's
integrity (as npm reports it) and the file's SHA-256. :func:`check` verifies the committed files
offline (the tests do); ``python -m bgraph.visual.vendor --refetch`` downloads the package again
with ``npm pack`` and checks (or, with ``--update``, replaces) the committed copy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from . import STATIC_DIR

VENDOR_DIR = STATIC_DIR / "vendor"
MANIFEST = VENDOR_DIR / "VENDOR.json"


def manifest() -> dict[str, dict[str, str]]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check() -> list[str]:
    """Problems with the committed vendored files (empty when all match the manifest)."""
    problems = []
    for name, entry in manifest().items():
        path = VENDOR_DIR / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256(path) != entry["sha256"]:
            problems.append(f"{name}: SHA-256 differs from VENDOR.json")
        if not (VENDOR_DIR / entry["license_file"]).is_file():
            problems.append(f"{name}: licence file {entry['license_file']} missing")
    return problems


def refetch(update: bool = False) -> list[str]:
    """Fetch each package with ``npm pack`` and compare it with the manifest and the file."""
    npm = shutil.which("npm")
    if npm is None:
        return ["npm is not installed"]
    problems = []
    for name, entry in manifest().items():
        with tempfile.TemporaryDirectory() as tmp:
            spec = f"{entry['package']}@{entry['version']}"
            done = subprocess.run(
                [npm, "pack", spec, "--json", "--pack-destination", tmp],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                problems.append(f"{spec}: npm pack failed: {done.stderr.strip()[:300]}")
                continue
            info = json.loads(done.stdout)[0]
            if info["integrity"] != entry["tarball_integrity"]:
                problems.append(f"{spec}: tarball integrity differs from VENDOR.json")
                continue
            with tarfile.open(Path(tmp) / info["filename"]) as tar:
                member = tar.extractfile(entry["file_in_package"])
                data = member.read() if member else b""
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                problems.append(f"{name}: file in {spec} differs from VENDOR.json")
            elif update or not (VENDOR_DIR / name).is_file():
                (VENDOR_DIR / name).write_bytes(data)
    return problems + check()


def _main() -> int:  # pragma: no cover - maintainer tool
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--refetch", action="store_true", help="download with npm and compare")
    parser.add_argument("--update", action="store_true", help="with --refetch: rewrite files")
    args = parser.parse_args()
    problems = refetch(args.update) if args.refetch else check()
    for p in problems:
        print(p, file=sys.stderr)
    print("vendored files OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main())
