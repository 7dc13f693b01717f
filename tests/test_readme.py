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
