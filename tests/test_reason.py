"""The OWL 2 RL closure: richer than the asserted facts, cleaner than raw owlrl, cached."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from bgraph.namespaces import BG, FACTS_GRAPH, ID, INFERRED_GRAPH, SCHEMA_INFERRED_GRAPH
from bgraph.reason import REASONERS, compute_closure_nt, inference_stats

# plain Namespaces: pytest's collection pokes module globals, and rdflib's closed
# DefinedNamespaces (SDO, XSD) warn on every unknown attribute
SDO = Namespace("https://schema.org/")
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
AXIOMATIC = (str(RDF), str(RDFS), str(OWL), XSD_NS)


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """rich wraps tables to the terminal width; tests read whole cells."""
    monkeypatch.setenv("COLUMNS", "250")


@pytest.fixture(scope="module")
def inferred(enriched: Dataset) -> Graph:
    """The whole closure: instance inferences (bgg:inferred) and the ontology's own
    (bgg:ontology-inferred)."""
    closure = Graph()
    for name in (INFERRED_GRAPH, SCHEMA_INFERRED_GRAPH):
        for triple in enriched.graph(name):
            closure.add(triple)
    return closure


def asserted_triples(ds: Dataset) -> set:
    """Triples of the named graphs but the inferred one (the default graph is their union)."""
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    out = set()
    for s, p, o, g in ds.quads((None, None, None)):
        name = getattr(g, "identifier", g)
        if name not in (INFERRED_GRAPH, SCHEMA_INFERRED_GRAPH, DATASET_DEFAULT_GRAPH_ID, None):
            out.add((s, p, o))
    return out


# --- richer than the asserted facts -----------------------------------------------------------

#: Each is an answer the asserted data alone does not give (checked below), and why it follows.
EXPECTED_INFERENCES = [
    # owl:inverseOf: the data only says that each spin-off is a spin-off of Bosch
    (ID["bosch"], BG.hasSpinOff, ID["bosch-legacy"]),
    (ID["bosch"], BG.hasSpinOff, ID["ballard"]),
    (ID["les-tenebres-et-la-nuit"], BG.adaptedAs, ID["ballard"]),
    # property chains: performer -> performance -> work
    (ID["ballard"], BG.castMember, ID["maggie-q"]),
    (ID["maggie-q"], BG.appearsIn, ID["ballard"]),
    (ID["titus-welliver"], BG.appearsIn, ID["bosch"]),
    (ID["maggie-q"], BG.plays, ID["renee-ballard"]),
    (ID["renee-ballard"], BG.characterIn, ID["ballard"]),
    # ... and their schema.org super-properties
    (ID["ballard"], SDO.actor, ID["maggie-q"]),
    # sub-property alignment to schema.org
    (ID["ballard"], SDO.isBasedOn, ID["l-etoile-du-desert"]),
    (ID["les-tenebres-et-la-nuit"], SDO.author, ID["michael-connelly"]),
    (ID["ballard"], SDO.productionCompany, ID["fabel-entertainment"]),
    # sub-class / equivalent-class alignment to schema.org
    (ID["ballard"], RDF.type, SDO.TVSeries),
    (ID["l-etoile-du-desert"], RDF.type, SDO.Book),
    (ID["maggie-q"], RDF.type, SDO.Person),
    (ID["fabel-entertainment"], RDF.type, SDO.Organization),
    # symmetric property
    (ID["harry-bosch"], BG.ally, ID["renee-ballard"]),
]


@pytest.mark.parametrize("triple", EXPECTED_INFERENCES, ids=lambda t: str(t[1]).rsplit("/")[-1])
def test_inference_only_the_closure_gives(enriched: Dataset, inferred: Graph, triple) -> None:
    assert triple not in asserted_triples(enriched), "asserted already: not an inference"
    assert triple in inferred


def test_inferred_graph_is_apart_from_the_asserted_facts(enriched: Dataset, inferred: Graph):
    assert len(inferred) > 300
    assert not set(inferred) & asserted_triples(enriched)
    from bgraph.graph import parse_quads
    from bgraph.resources import resources

    stated = len(parse_quads(resources().data))
    assert len(enriched.graph(FACTS_GRAPH)) == stated  # the facts graph is untouched


def test_every_spin_off_has_its_inverse(enriched: Dataset) -> None:
    for child, parent in enriched.subject_objects(BG.spinOffOf):
        assert (parent, BG.hasSpinOff, child) in enriched


# --- cleaner than raw owlrl -------------------------------------------------------------------


def test_no_reflexive_same_as_or_equivalence(inferred: Graph) -> None:
    for s, p, o in inferred:
        if p in (OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf):
            assert s != o, (s, p, o)


def test_no_literal_subjects(inferred: Graph) -> None:
    assert not [t for t in inferred if isinstance(t[0], Literal)]


def test_no_trivial_types(inferred: Graph) -> None:
    noise = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, OWL.Nothing}
    assert not [t for t in inferred.triples((None, RDF.type, None)) if t[2] in noise]


def test_no_axioms_about_rdf_owl_terms(inferred: Graph) -> None:
    about_vocab = [t for t in inferred if str(t[0]).startswith(AXIOMATIC)]
    assert not about_vocab


def test_no_typing_of_vocabulary_or_list_noise(inferred: Graph) -> None:
    assert not [t for t in inferred if t[1] in (RDF.first, RDF.rest)]
    vocab_types = [
        t for t in inferred.triples((None, RDF.type, None)) if str(t[2]).startswith(AXIOMATIC)
    ]
    assert not vocab_types  # owl:Class, rdf:Property, owl:ObjectProperty…
    assert not [t for t in inferred if isinstance(t[0], BNode)]


def test_no_widened_domain_range_copies(inferred: Graph) -> None:
    assert not list(inferred.triples((None, RDFS.domain, None)))
    assert not list(inferred.triples((None, RDFS.range, None)))


# --- counted per property and class -----------------------------------------------------------


def test_stats_count_every_inferred_triple(enriched_store, inferred: Graph) -> None:
    import pyoxigraph as ox

    triples = [
        (q.subject, q.predicate, q.object)
        for name in (INFERRED_GRAPH, SCHEMA_INFERRED_GRAPH)
        for q in enriched_store.store.quads_for_pattern(None, None, None, ox.NamedNode(str(name)))
    ]
    stats = inference_stats(triples)
    assert sum(stats["properties"].values()) == len(inferred)
    assert sum(stats["classes"].values()) == len(list(inferred.triples((None, RDF.type, None))))
    # bosch has two spin-offs (Bosch: Legacy, Ballard): article 001
    assert stats["properties"][str(BG.hasSpinOff)] == 2
    # 11 actors of Ballard + Titus Welliver in Bosch (article 000: "Maggie Q (Nikita)" names a
    # work she is known for, not a performance the articles describe)
    assert stats["properties"][str(BG.appearsIn)] == 12


# --- cached, keyed by content -----------------------------------------------------------------


def _inputs(tmp_path: Path) -> tuple[bytes, Any, list[Path]]:
    """The ontology and a copy of the facts file, as the store hands them to the closure
    (N-Triples, as Oxigraph writes them) and as the cache's source files."""
    import shutil

    from bgraph.resources import resources

    data = tmp_path / "facts.ttl"
    shutil.copy(resources().data, data)

    def nt(path: Path) -> bytes:
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_load(path=str(path), to_graph=ox.DefaultGraph())
        return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())

    return nt(resources().ontology), lambda: [nt(data)], [resources().ontology, data]


def test_closure_is_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyoxigraph as ox

    cache = tmp_path / "cache"
    monkeypatch.setenv("BGRAPH_CACHE_DIR", str(cache))
    tbox, abox, sources = _inputs(tmp_path)
    first = compute_closure_nt(tbox, abox, use_cache=True, sources=sources)
    assert not first.cached
    assert list(cache.glob("closure-*.nt")), "nothing written to the cache"
    second = compute_closure_nt(tbox, abox, use_cache=True, sources=sources)
    assert second.cached and second.key == first.key
    assert set(first.inferred) == set(second.inferred)
    # a new fact changes the key: the closure is recomputed and includes its consequences
    new, bosch = ox.NamedNode(str(ID["new-show"])), ox.NamedNode(str(ID["bosch"]))
    with open(sources[1], "a", encoding="utf-8") as fh:
        fh.write(f"\n<{new.value}> <{BG.spinOffOf}> <{bosch.value}> .\n")
    third = compute_closure_nt(tbox, abox, use_cache=True, sources=sources)
    assert not third.cached and third.key != first.key
    assert (bosch, ox.NamedNode(str(BG.hasSpinOff)), new) in third.inferred


def test_damaged_cache_entry_is_recomputed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("BGRAPH_CACHE_DIR", str(cache))
    tbox, abox, sources = _inputs(tmp_path)
    first = compute_closure_nt(tbox, abox, use_cache=True, sources=sources)
    for entry in cache.glob("closure-*.nt"):
        entry.write_text("this is not N-Triples <\n")
    again = compute_closure_nt(tbox, abox, use_cache=True, sources=sources)
    assert not again.cached
    assert len(again.inferred) == len(first.inferred)


# --- bgraph reason ----------------------------------------------------------------------------


def test_reason_prints_inferences_per_property_and_class(cli, inferred: Graph) -> None:
    result = cli("reason")
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"{len(inferred)} inferred triples" in out
    assert "Inferred triples per property" in out and "Inferred rdf:type triples per class" in out
    for name in ("bg:hasSpinOff", "bg:appearsIn", "schema:actor", "schema:TVSeries"):
        assert name in out
    assert "inverse of bg:spinOffOf" in out
    assert "chain bg:hasPerformance / bg:performer" in out
    assert " s " in out  # the time it took


def test_reason_says_when_the_cache_was_used(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BGRAPH_CACHE_DIR", str(tmp_path))
    first = cli("reason")
    assert first.exit_code == 0
    assert "cached (key" in first.output and "read from the cache" not in first.output
    second = cli("reason")
    assert "read from the cache" in second.output
    forced = cli("reason", "--no-cache")
    assert "read from the cache" not in forced.output


def test_reason_json_report(cli, inferred: Graph) -> None:
    result = cli("reason", "--json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["inferred"] == len(inferred)
    assert report["reasoner"] in REASONERS
    counts = {row["name"]: row["count"] for row in report["properties"]}
    assert counts["bg:hasSpinOff"] == 2
    assert sum(counts.values()) == len(inferred)
    classes = {row["name"]: row["count"] for row in report["classes"]}
    assert classes["schema:TVSeries"] == 3  # Harry Bosch, Bosch: Legacy, Ballard


def inferred_terms(opened) -> set:
    """The store's closure (bgg:inferred and bgg:ontology-inferred) as pyoxigraph triples:
    what ``bgraph reason -o`` writes."""
    import pyoxigraph as ox

    return {
        (q.subject, q.predicate, q.object)
        for name in (INFERRED_GRAPH, SCHEMA_INFERRED_GRAPH)
        for q in opened.store.quads_for_pattern(None, None, None, ox.NamedNode(str(name)))
    }


def read_back(path: Path) -> set:
    from bgraph.graph import parse_quads

    return {(q.subject, q.predicate, q.object) for q in parse_quads(path)}


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".nq", ".jsonld", ".rdf"])
def test_reason_writes_the_inferred_graph(cli, tmp_path: Path, enriched_store, suffix) -> None:
    target = tmp_path / f"inferred{suffix}"
    result = cli("reason", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert f"to {target}" in result.output
    assert read_back(target) == inferred_terms(enriched_store)


def test_reason_output_to_stdout_keeps_the_report_apart(cli, tmp_path, enriched_store) -> None:
    result = cli("reason", "-o", "-")
    assert result.exit_code == 0
    (tmp_path / "out.ttl").write_text(result.stdout, encoding="utf-8")
    assert read_back(tmp_path / "out.ttl") == inferred_terms(enriched_store)
    assert "inferred triples" in result.stderr


def test_reason_on_other_files(cli, tmp_path: Path) -> None:
    data = tmp_path / "mine.ttl"
    data.write_text(
        "@prefix bg: <https://w3id.org/bgraph/ontology/> .\n"
        "<urn:ex:spin> a bg:TVSeries ; bg:spinOffOf <urn:ex:origin> .\n"
    )
    out = tmp_path / "closure.nt"
    result = cli("reason", str(data), "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    closure = Graph().parse(out, format="nt")
    assert (URIRef("urn:ex:origin"), BG.hasSpinOff, URIRef("urn:ex:spin")) in closure
    assert (URIRef("urn:ex:spin"), RDF.type, SDO.TVSeries) in closure


@pytest.mark.parametrize(
    "args,message",
    [
        (("-o", "."), "is a directory"),
        (("-o", "inferred.unknown"), "cannot tell the RDF format"),
        (("--reasoner", "magic"), "Invalid value for '--reasoner'"),
        (("no-such-file.ttl",), "no such file"),
    ],
)
def test_reason_bad_input(cli, args, message) -> None:
    result = cli("reason", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_cache_key_changes_with_the_reasoning_code(monkeypatch) -> None:
    """Entries computed by older cleaning rules are never reused (the key covers the code)."""
    from bgraph import reason
    from bgraph.resources import resources

    sources = [resources().ontology, resources().data]
    before = reason.content_key(sources, "fast")
    assert reason.content_key(sources, "owlrl") != before
    monkeypatch.setattr(reason, "_code_fingerprint", lambda: b"other cleaning rules")
    assert reason.content_key(sources, "fast") != before


def test_instance_inferences_carry_no_schema_level_triples(enriched_store) -> None:
    """Issue 12, point 4: the ontology's own entailments (the issue names
    ``schema:Person owl:equivalentClass bg:Person`` and the sub-class closure) live in
    ``bgg:ontology-inferred``; ``bgg:inferred`` holds instance facts only: no triple about a
    class or property the ontology declares, and no schema-level predicate."""
    store = enriched_store.store
    inferred = "<https://w3id.org/bgraph/graph/inferred>"
    schema_level = "<https://w3id.org/bgraph/graph/ontology-inferred>"
    about_terms = f"""ASK {{ GRAPH {inferred} {{ ?term ?p ?o }}
        GRAPH bgg:ontology {{ ?term a ?kind }}
        VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty }} }}"""
    assert not store.query(about_terms, prefixes=PREFIX_MAP)
    tbox_predicates = f"""ASK {{ GRAPH {inferred} {{ ?s ?p ?o }}
        VALUES ?p {{ rdfs:subClassOf rdfs:subPropertyOf owl:equivalentClass
                     owl:equivalentProperty }} }}"""
    assert not store.query(tbox_predicates, prefixes=PREFIX_MAP)
    named = f"ASK {{ GRAPH {schema_level} {{ schema:Person owl:equivalentClass bg:Person }} }}"
    assert store.query(named, prefixes=PREFIX_MAP)


PREFIX_MAP = {
    "bg": "https://w3id.org/bgraph/ontology/",
    "bgg": "https://w3id.org/bgraph/graph/",
    "schema": "https://schema.org/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


@pytest.mark.parametrize("name", ["pyoxigraph", "owlrl", "rdflib", "oxrdflib"])
def test_dist_version_reads_what_importlib_metadata_reads(name: str) -> None:
    """The closure cache's key names the versions of its engines without importing
    importlib.metadata at start: the same answer as importlib.metadata, which stays the
    reference (and the fallback)."""
    from importlib.metadata import PackageNotFoundError, version

    from bgraph.reason import dist_version

    assert dist_version(name) == version(name)
    with pytest.raises(PackageNotFoundError):
        dist_version("no-such-distribution-here")
