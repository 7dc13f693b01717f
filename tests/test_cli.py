"""The command line's promises (README "Exit codes"): one exit code per kind of failure, the
same from every command; a closed pipe is a quiet success; commands that read the graph read
users' files too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
MISSING = "no-such-file.ttl"


def bgraph(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bgraph", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("query", "01", MISSING),
        ("reason", MISSING),
        ("export", MISSING),
        ("build", MISSING, "-o", "out.store"),
        ("serve", MISSING),
        ("serve", "--graph", "https://example.org/g", MISSING),
        ("validate", MISSING),
        ("stats", MISSING),
        ("diagram", MISSING),
        ("push", MISSING, "--endpoint", "http://127.0.0.1:9/store"),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_missing_input_file_exits_1_everywhere(args: tuple[str, ...], tmp_path: Path) -> None:
    done = bgraph(*args, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"{MISSING}: no such file" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("query", "SELECT * WHERE { ?s ?p }"),  # SPARQL syntax
        ("query", "no-such-query-name"),
        ("export", "--format", "yaml"),
        ("stats", "--store", "nowhere"),
        ("validate", "--no-such-option"),
    ],
)
def test_bad_usage_exits_2(args: tuple[str, ...], tmp_path: Path) -> None:
    done = bgraph(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "command", ["reason", "stats", "query 01 --format table", "queries", "export", "validate"]
)
def test_a_closed_pipe_ends_quietly_with_0(command: str) -> None:
    """`bgraph stats | head -1`: the reader stops early; bgraph stops too, with no message."""
    python = f"{sys.executable} -m bgraph"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{python} {command} | head -1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr == ""


def test_validate_and_stats_read_files_as_bgraph_lays_out_its_own() -> None:
    files = (str(DATA / "ballard.ttl"), str(DATA / "provenance.trig"))
    assert bgraph("validate", *files).stdout == bgraph("validate").stdout
    assert bgraph("stats", "--json", *files).stdout == bgraph("stats", "--json").stdout


def test_validate_finds_facts_without_provenance() -> None:
    """The shapes' "provenance present" rule: facts alone do not conform (exit 1)."""
    done = bgraph("validate", "--json", str(DATA / "ballard.ttl"))
    assert done.returncode == 1
    assert "claim" in done.stdout


def test_diagram_draws_files(tmp_path: Path) -> None:
    done = bgraph("diagram", str(DATA / "ballard.ttl"), "-o", str(tmp_path / "u.svg"))
    assert done.returncode == 0, done.stderr
    assert "Ballard" in (tmp_path / "u.svg").read_text("utf-8")


def test_store_suggestion_is_one_build_accepts(tmp_path: Path) -> None:
    """`--store DIR` that is not a store suggests `bgraph build -o DIR` only where build would
    write it (a missing or empty directory); build refuses a directory holding other files."""
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", "utf-8")
    refused = bgraph("query", "01", "--store", str(busy))
    assert refused.returncode == 1  # a directory, but not a store: an input problem
    assert f"bgraph build -o {busy}`" not in refused.stderr
    assert "bgraph build -o NEW_DIR" in refused.stderr
    assert bgraph("build", "-o", str(busy)).returncode == 2  # as the message implies
    empty = tmp_path / "empty"
    empty.mkdir()
    suggested = bgraph("query", "01", "--store", str(empty))
    assert f"bgraph build -o {empty}`" in suggested.stderr
    assert bgraph("build", "--quiet", "-o", str(empty)).returncode == 0
    assert bgraph("query", "01", "--store", str(empty)).returncode == 0
