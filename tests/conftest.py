"""Shared fixtures: the graph is loaded once per session; the closure cache is per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's closure cache."""
    os.environ["BGRAPH_CACHE_DIR"] = str(tmp_path_factory.mktemp("bgraph-cache"))


@pytest.fixture(scope="session")
def asserted_store():
    """bgraph's own data, asserted graphs only, in the one store (RAM)."""
    from bgraph.store import open_dataset

    return open_dataset(inference=False, cluster=False)


@pytest.fixture(scope="session")
def enriched_store():
    """Asserted + inferred graphs, as every command gets them (the default graph is the union)."""
    from bgraph.store import open_dataset

    return open_dataset(cluster=False)


@pytest.fixture(scope="session")
def asserted(asserted_store):
    """An rdflib Dataset over :func:`asserted_store` (oxrdflib: nothing copied)."""
    return asserted_store.rdflib_dataset()


@pytest.fixture(scope="session")
def enriched(enriched_store):
    """An rdflib Dataset over :func:`enriched_store` (oxrdflib: nothing copied)."""
    return enriched_store.rdflib_dataset()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture()
def cli():
    """Run ``bgraph ARGS`` in-process; returns click's Result (exit_code, stdout, stderr)."""
    from bgraph.cli import main

    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium under Playwright (modules call require_browser() first)."""
    from playwright.sync_api import sync_playwright

    from browser_support import ARGS, CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
