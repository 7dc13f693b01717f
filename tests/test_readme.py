"""The README documents every command, and its quickstart keeps the two promised commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bgraph.cli import load_all

COMMANDS = load_all()  # the commands are imported on first use; the README documents them all
ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert re.search(rf"\bbgraph {command}\b", README), f"README never shows `bgraph {command}`"


def test_every_command_has_an_example_in_its_help() -> None:
    missing = [name for name, cmd in COMMANDS.items() if "Example" not in (cmd.help or "")]
    assert not missing, f"commands whose --help has no Example: {missing}"


def test_quickstart_has_the_serve_and_test_commands() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)\n```", quickstart, re.S)
    assert blocks[0].startswith("python3 -m venv .venv") and blocks[0].endswith("bgraph serve")
    assert blocks[1] == ".ci/run"
    assert (ROOT / ".ci" / "run").stat().st_mode & 0o111, ".ci/run must be executable"


def test_python_api_example_prints_what_the_readme_shows() -> None:
    """The README's `pycon` block, run as a doctest: the same three series names (articles 000-002
    name Ballard, Bosch: Legacy and the French title Harry Bosch)."""
    import doctest

    block = re.search(r"```pycon\n(.*?)\n```", README, re.S)
    assert block, "the README lost its Python API example"
    test = doctest.DocTestParser().get_doctest(block.group(1) + "\n", {}, "README", "README", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= 3


def test_python_api_dataset_is_the_oxigraph_store_not_a_copy() -> None:
    """`bgraph.dataset()` is an rdflib Dataset whose store is oxrdflib's OxigraphStore."""
    from oxrdflib import OxigraphStore

    import bgraph

    ds = bgraph.dataset()
    assert isinstance(ds.store, OxigraphStore)
    assert ds.query("ASK { <https://w3id.org/bgraph/id/ballard> a schema:TVSeries }").askAnswer


# --- the README's console transcripts, run ------------------------------------------------------

#: Commands shown but not run here: they start a long-running server or need one elsewhere
#: (`push`, `--endpoint`, `oxigraph serve`), or break a file first (the comment says how).
_NOT_RUN = re.compile(
    r"^bgraph serve(?!.*--store nowhere)|oxigraph |bgraph push|--endpoint|# after |--triples 100000"
    r"|universe\.(nt|store)"
)
_TIMING = re.compile(r"\b\d+(\.\d+)? ?m?s\b")
_KEY = re.compile(r"\b[0-9a-f]{16}…")
_BYTES = re.compile(r"\b[\d,]+ bytes\b")


def _normal(line: str) -> str:
    line = _KEY.sub("KEY…", _BYTES.sub("N bytes", _TIMING.sub("T", line)))
    return line.rstrip()


def transcripts() -> list[tuple[int, str, list[str]]]:
    """(README line, command, expected output lines) of every `$ ` line in ```console blocks."""
    found = []
    lines = README.splitlines()
    in_block = False
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            in_block = line == "```console"
            continue
        if in_block and line.startswith("$ "):
            output = []
            for following in lines[number:]:
                if following.startswith(("$ ", "```")):
                    break
                output.append(following)
            while output and not output[-1].strip():
                output.pop()
            found.append((number, line[2:], output))
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; an expected line with "…" stands for any lines up to the next expected one
    (the README leaves the rest of a long output out)."""
    expected = [_normal(line) for line in expected if line.strip()]
    actual = [_normal(line) for line in actual]
    i = 0
    for n, line in enumerate(expected):
        if ("…" in line and line.replace("…", "").strip(" │┃") == "") or line.startswith("…"):
            following = expected[n + 1] if n + 1 < len(expected) else None
            if following is None:
                return True
            while i < len(actual) and actual[i] != following:
                i += 1
            continue
        if i >= len(actual) or actual[i] != line:
            return False
        i += 1
    return i == len(actual)


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_SPINNER = re.compile("[\u2800-\u28ff]")  #: a progress bar drawn while it works (erased after)


def run_in_terminal(command: str, cwd: Path, columns: int = 120) -> tuple[int, list[str]]:
    """The exit status of ``command`` (bash) and the non-blank lines it prints on a terminal of
    ``columns`` columns: standard output and error on one pseudo-terminal, as a reader of the
    README sees them (colours removed). curl's progress meter, shown only when its output is
    not a terminal, is off (``-s``)."""
    import fcntl
    import os
    import struct
    import subprocess
    import sys
    import termios

    main_fd, term_fd = os.openpty()
    fcntl.ioctl(term_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {
        **os.environ,
        "COLUMNS": str(columns),
        "NO_COLOR": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "BGRAPH_CACHE_DIR": str(cwd / "cache"),
    }
    command = re.sub(r"^curl ", "curl -s ", command)
    proc = subprocess.Popen(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=term_fd,
        stderr=term_fd,
    )
    os.close(term_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    proc.wait(300)
    text = _ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r", "")
    lines = [line for line in text.splitlines() if line.strip() and not _SPINNER.search(line)]
    return proc.returncode, lines


@pytest.fixture(scope="module")
def transcript_server():
    from server_harness import running_server

    with running_server("--quiet") as srv:
        yield srv


@pytest.fixture(scope="module")
def transcript_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("readme")


TRANSCRIPTS = [t for t in transcripts() if not _NOT_RUN.search(t[1])]


@pytest.mark.parametrize(
    ("number", "command", "expected"), TRANSCRIPTS, ids=[f"L{t[0]}" for t in TRANSCRIPTS]
)
def test_console_transcript(
    number: int, command: str, expected: list[str], transcript_server, transcript_dir: Path
) -> None:
    """Each `$ command` of the README's console blocks prints what the README shows (timings,
    cache keys and byte counts aside; blank lines ignored), or succeeds when the README shows
    nothing; run in order in one directory with one cache, on a 120-column terminal, curl
    pointed at a real `bgraph serve`."""
    command = command.replace("http://127.0.0.1:8000/", transcript_server.url)
    status, actual = run_in_terminal(command, transcript_dir)
    if not expected:  # the README shows no output: the command succeeds
        assert status == 0, f"README line {number}: `{command}` failed:\n" + "\n".join(actual)
        return
    assert matches(expected, actual), f"README line {number}: `{command}` printed:\n" + "\n".join(
        actual
    )


_ANNOUNCE = re.compile(r"^\$ bgraph serve(.*)\n(bgraph: serving .*)$", re.M)


@pytest.mark.parametrize(("args", "line"), _ANNOUNCE.findall(README))
def test_serve_transcript(args: str, line: str, tmp_path: Path) -> None:
    """`bgraph serve` says what the README says it says (port and load time aside)."""
    import shlex

    from server_harness import running_server

    argv = shlex.split(args)
    if "--port" in argv:
        del argv[argv.index("--port") : argv.index("--port") + 2]
    if "--store" in argv:  # the store the README built just before
        from bgraph.store import build_store

        store = tmp_path / argv[argv.index("--store") + 1]
        build_store(store, None, "fast", False)
        argv[argv.index("--store") + 1] = str(store)
    with running_server(*argv) as srv:
        announce = srv.announce

    def normal(text: str) -> str:
        text = re.sub(r"127\.0\.0\.1:\d+", "HOST", text)
        text = re.sub(r"store \S+\)", "store DIR)", text)
        return _TIMING.sub("T", text)

    assert normal(announce) == normal(line)
