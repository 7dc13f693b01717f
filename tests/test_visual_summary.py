"""The home page's pictures written by ``bgraph build`` (:mod:`bgraph.visual.summary`): a built
store's page pictures come from the file, byte for byte what the store gives when read live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bgraph.store import build_store, open_dataset, open_store
from bgraph.visual import summary
from bgraph.visual.fragments import PAGE_SERIES, franchise_fragment, timeline_fragment


def href(iri: str) -> str:
    return "/page?iri=" + iri


def pictures(source: Any) -> tuple[str, str]:
    return franchise_fragment(source, href), timeline_fragment(source, href)


def live(opened: Any) -> tuple[str, str]:
    """The pictures read from the store itself (the summary set aside)."""
    summary._READ[opened.path] = None
    try:
        return pictures(opened)
    finally:
        summary._READ.pop(opened.path, None)


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("seed") / "store"
    build_store(out)
    return open_store(out)


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """More series than a page draws: the summary holds the first ones."""
    from bgraph.synth import write_synthetic

    base = tmp_path_factory.mktemp("synth")
    write_synthetic(base / "data.nq", 20_000, seed=2)
    build_store(base / "store", [base / "data.nq"])
    return open_store(base / "store")


@pytest.mark.parametrize("which", ["seed_store", "synthetic_store"])
def test_built_store_pictures_come_from_the_summary(which: str, request: Any) -> None:
    opened = request.getfixturevalue(which)
    assert (opened.path / summary.SUMMARY_FILE).is_file()
    found = summary.built_summary(opened)
    assert found is not None and found.universe.series
    from_file = pictures(opened)
    assert from_file == live(opened)
    assert from_file[0] and from_file[1]
    assert 'href="/page?iri=' in from_file[0] and 'href="/page?iri=' in from_file[1]


def test_the_summary_holds_only_a_page_s_worth(synthetic_store: Any) -> None:
    found = summary.built_summary(synthetic_store)
    assert found is not None
    assert len(found.universe.series) == PAGE_SERIES
    assert "drawn" in found.universe.subtitle  # "N series, the first 40 drawn"


def test_the_seed_store_pictures_equal_memory_s(seed_store: Any) -> None:
    assert pictures(seed_store) == pictures(open_dataset(cluster=False))


def test_a_store_without_or_with_another_summary_is_read_live(
    seed_store: Any, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "store"
    shutil.copytree(seed_store.path, copy)
    expected = pictures(seed_store)
    (copy / summary.SUMMARY_FILE).unlink()  # a store built before the summary existed
    older = open_store(copy)
    assert summary.built_summary(older) is None
    assert pictures(older) == expected

    data = json.loads((seed_store.path / summary.SUMMARY_FILE).read_text(encoding="utf-8"))
    data["format"] = summary.FORMAT + 1
    (copy / summary.SUMMARY_FILE).write_text(json.dumps(data), encoding="utf-8")
    summary._READ.pop(copy.resolve(), None)
    other = open_store(copy)
    assert summary.built_summary(other) is None
    assert pictures(other) == expected


def test_memory_stores_and_other_languages_have_no_summary(seed_store: Any) -> None:
    assert summary.built_summary(open_dataset(cluster=False)) is None
    assert summary.built_summary(seed_store, lang="fr") is None
    assert summary.built_summary(seed_store) is not None


def test_the_manifest_times_the_summary(seed_store: Any) -> None:
    manifest = json.loads((seed_store.path / "bgraph-store.json").read_text(encoding="utf-8"))
    assert "pictures" in manifest["timings"]
