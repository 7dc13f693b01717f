"""One entity's schema.org markup (:mod:`bgraph.entity`) from targeted lookups: the entity's own
quads, the class links once per store, names by direct existence checks; never the whole store.

The markup itself (its shape, languages, depth, the CLI) is checked in ``test_export.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from bgraph import entity
from bgraph.errors import UsageError
from bgraph.iris import ID, SDO

BALLARD = ox.NamedNode(ID + "ballard")


class CountingStore:
    """An Oxigraph store that counts the quads its lookups return and refuses SPARQL (a query
    could scan the store behind the count's back)."""

    def __init__(self, store: Any) -> None:
        self.inner = store
        self.read = 0
        self.patterns: list[tuple[Any, ...]] = []

    def quads_for_pattern(self, *pattern: Any) -> Iterator[ox.Quad]:
        self.patterns.append(pattern)
        for quad in self.inner.quads_for_pattern(*pattern):
            self.read += 1
            yield quad

    def query(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("entity markup runs no SPARQL query")

    def __iter__(self) -> Iterator[ox.Quad]:
        raise AssertionError("entity markup never iterates the store")

    def __len__(self) -> int:
        return len(self.inner)


@pytest.fixture(scope="module")
def synthetic_100k(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """100,000 synthetic statements, loaded and closed as ``bgraph export`` opens them."""
    from bgraph.store import open_dataset
    from bgraph.synth import write_synthetic

    path = tmp_path_factory.mktemp("synth") / "100k.nq"
    write_synthetic(path, 100_000, seed=1)
    return open_dataset([path], cluster=False)


def test_markup_of_a_100k_store_reads_a_few_thousand_quads(synthetic_100k: Any) -> None:
    store = CountingStore(synthetic_100k.store)
    assert len(store) > 300_000  # facts, provenance, closure and their union
    iri = entity.resolve_entity(store, "synth/series/0-0")
    doc = entity.entity_jsonld(store, iri, depth=2)
    assert doc["@id"] == iri.value and doc["@type"] == "TVSeries"
    assert any(a["@type"] == "Person" for a in doc["actor"])
    assert 100 < store.read < 5_000, store.read
    # every lookup names a subject or a predicate, or asks whether a graph has a first quad
    for s, p, _o, g in store.patterns:
        assert s is not None or p is not None or g is not None


def test_the_class_tree_is_read_once_per_store(synthetic_100k: Any) -> None:
    store = CountingStore(synthetic_100k.store)
    iri = entity.resolve_entity(store, "synth/series/0-1")
    entity.entity_view(store, iri, depth=0)
    first = store.read
    store.read = 0
    entity.entity_view(store, iri, depth=0)
    assert store.read < first
    assert entity.class_tree(store) is entity.class_tree(store)


def test_a_store_of_user_files_uses_bgraph_s_ontology_links(synthetic_100k: Any) -> None:
    """The store holds no ontology (only the closure's shortcuts): the types come from the
    ontology the closure was computed with, nearest first."""
    iri = ox.NamedNode(ID + "synth/series/0-0")
    assert entity.nearest_schema_types(synthetic_100k, iri) == {ox.NamedNode(SDO + "TVSeries")}


def test_nearest_types_leave_the_closure_s_shortcuts_out(enriched_store: Any) -> None:
    """The closure says ``bg:TVSeries ⊑ schema:CreativeWork``; the nearest is ``TVSeries``."""
    assert entity.nearest_schema_types(enriched_store, BALLARD) == {ox.NamedNode(SDO + "TVSeries")}


def test_every_source_gives_the_same_markup(enriched_store: Any) -> None:
    """An OpenStore, its Oxigraph store and oxrdflib's Dataset over it: the same bytes."""
    docs = [
        entity.entity_jsonld(source, BALLARD, depth=1, lang="en")
        for source in (
            enriched_store,
            enriched_store.store,
            enriched_store.rdflib_dataset(),
        )
    ]
    assert docs[0] == docs[1] == docs[2]


@pytest.mark.parametrize(
    "name,iri",
    [
        ("ballard", ID + "ballard"),
        ("id:maggie-q", ID + "maggie-q"),
        (ID + "harry-bosch", ID + "harry-bosch"),
        ("schema:Person", SDO + "Person"),
    ],
)
def test_resolve_entity_by_lookup(enriched_store: Any, name: str, iri: str) -> None:
    store = CountingStore(enriched_store.store)
    assert entity.resolve_entity(store, name) == ox.NamedNode(iri)
    assert len(store.patterns) == 1 and store.read == 1


@pytest.mark.parametrize(
    "name,message",
    [
        ("balard", "did you mean: ballard?"),
        ("Renee_Ballard", "did you mean: renee-ballard?"),
        ("harry-boshc", "did you mean: harry-bosch?"),
        ("zzzzzz", "no entity 'zzzzzz' in the dataset (try"),
        ("nope:thing", "unknown prefix in entity 'nope:thing'"),
        ("a b:c d", "unknown prefix"),
        ("https://x y", "is not an IRI"),
    ],
)
def test_unknown_entities(enriched_store: Any, name: str, message: str) -> None:
    store = CountingStore(enriched_store.store)
    with pytest.raises(UsageError) as caught:
        entity.resolve_entity(store, name)
    assert message in str(caught.value)
    assert store.read < 50  # existence checks: at most one quad each


def test_numbers_become_json_numbers() -> None:
    assert entity._json_number("10") == 10
    assert entity._json_number("1.0E3") == 1000
    assert entity._json_number("2.5") == 2.5
    assert entity._json_number("INF") == "INF"
    assert entity._json_number("ten") == "ten"


def test_markup_of_a_built_store(tmp_path: Path) -> None:
    """A store written by ``bgraph build`` gives the markup the same data gives in RAM."""
    from bgraph.store import build_store, open_dataset, open_store

    built = open_store(build_store(tmp_path / "store").path)  # type: ignore[arg-type]
    memory = open_dataset(cluster=False)
    assert entity.entity_jsonld(built, BALLARD) == entity.entity_jsonld(memory, BALLARD)
