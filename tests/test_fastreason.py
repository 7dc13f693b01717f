"""The oracle: the fast reasoner's cleaned inferences equal owlrl's, as sets.

The fast reasoner is run as the store runs it (:func:`bgraph.fastreason.fast_closure_nt`, on the
N-Triples Oxigraph writes), owlrl on the same triples. On the Ballard graph, on synthetic
universes (sizes owlrl closes in seconds; bench/ goes further), and on small crafted ontologies
that exercise each rule and their interplay. Input beyond the profile falls back to owlrl, so
the answer stays owlrl's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from oxrdflib._converter import from_ox
from rdflib import Graph

from bgraph.fastreason import FastResult, Unsupported, fast_closure_nt, parse_lines
from bgraph.iris import FACTS_GRAPH, ONTOLOGY_GRAPH
from bgraph.reason import clean, compute_closure_nt, owlrl_raw, tbox_terms
from bgraph.synth import write_synthetic

ERR = "http://www.daml.org/2002/03/agents/agent-ont#"

PREFIXES = """
@prefix : <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


Triples = list[tuple]


def rdflib_graph(triples: Triples) -> Graph:
    """The oracle's input: the very same terms, converted by oxrdflib."""
    graph = Graph()
    for t in triples:
        graph.add(tuple(from_ox(x) for x in t))
    return graph


def rdflib_set(triples) -> set:
    return {tuple(from_ox(x) for x in t) for t in triples}


def turtle(text: str) -> Triples:
    """Triples parsed by Oxigraph, as bgraph parses every file."""
    return [
        (q.subject, q.predicate, q.object) for q in ox.parse(PREFIXES + text, ox.RdfFormat.TURTLE)
    ]


def graph_of(opened, iri: str) -> Triples:
    return [
        (q.subject, q.predicate, q.object)
        for q in opened.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
    ]


def triples_of(nt: bytes) -> Triples:
    return [(q.subject, q.predicate, q.object) for q in ox.parse(nt, ox.RdfFormat.N_TRIPLES)]


def owlrl_cleaned(tbox: Triples, abox: Triples) -> set:
    """owlrl (the reference) on rdflib copies of the inputs, cleaned by bgraph's policy."""
    tg, ag = rdflib_graph(tbox), rdflib_graph(abox)
    return clean(owlrl_raw(tg, ag), tbox_terms(tg)) - set(tg) - set(ag)


def _split_errors(triples: set) -> tuple[set, list[str]]:
    """owlrl reports ill-typed literals as fresh blank nodes: compare those by message."""
    errors = sorted(str(o) for s, p, o in triples if str(p) == ERR + "error")
    nodes = {s for s, p, o in triples if str(p) == ERR + "error"}
    return {t for t in triples if t[0] not in nodes}, errors


def fast(tbox: Triples, abox: Triples) -> FastResult:
    """The fast reasoner on the N-Triples Oxigraph writes for these triples."""
    return fast_closure_nt(_nt(tbox), [_nt(abox)])


def assert_same_as_owlrl(tbox_nt: bytes, abox_nt: bytes) -> int:
    """The fast reasoner on N-Triples documents written by Oxigraph, owlrl on their triples."""
    tbox, abox = triples_of(tbox_nt), triples_of(abox_nt)
    expected, expected_errors = _split_errors(owlrl_cleaned(tbox, abox))
    result = fast_closure_nt(tbox_nt, [abox_nt])
    got, got_errors = _split_errors(rdflib_set(parse_lines(result.lines)))
    extra, missing = sorted(got - expected)[:10], sorted(expected - got)[:10]
    assert not extra and not missing, f"extra: {extra}\nmissing: {missing}"
    assert got_errors == expected_errors
    return len(got)


def test_ballard_equals_owlrl(asserted_store) -> None:
    """On the store's own dumps, as ``bgraph build`` reasons (escapes, language tags, datatypes,
    blank nodes as Oxigraph writes them)."""
    store, nt = asserted_store.store, ox.RdfFormat.N_TRIPLES
    tbox = store.dump(format=nt, from_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    abox = store.dump(format=nt, from_graph=ox.NamedNode(FACTS_GRAPH))
    n = assert_same_as_owlrl(tbox, abox)
    assert n > 400  # the cast shortcuts, inverses, types... are there
    assert_counts_are_the_lines(fast_closure_nt(tbox, [abox]))


@pytest.mark.parametrize(("size", "seed"), [(1500, 0), (3000, 11)])
def test_synthetic_equals_owlrl(asserted_store, tmp_path: Path, size: int, seed: int) -> None:
    from bgraph.graph import parse_quads

    path = tmp_path / "u.nt"
    write_synthetic(path, size, seed)
    abox = [(q.subject, q.predicate, q.object) for q in parse_quads(path)]
    tbox = graph_of(asserted_store, ONTOLOGY_GRAPH)
    assert assert_same_as_owlrl(_nt(tbox), _nt(abox)) > size // 2


CRAFTED = {
    "chains, transitive, symmetric, inverse": (
        """
        :p a owl:ObjectProperty . :q a owl:ObjectProperty . :r a owl:ObjectProperty .
        :pqr owl:propertyChainAxiom ( :p :q :r ) ; rdfs:domain :D ; rdfs:range :R .
        :anc a owl:TransitiveProperty ; owl:inverseOf :desc .
        :friend a owl:SymmetricProperty ; rdfs:subPropertyOf :knows .
        :knows owl:inverseOf :knownBy .
        :one owl:propertyChainAxiom ( :q ) .
        :D rdfs:subClassOf :E . :E rdfs:subClassOf :F . :F rdfs:subClassOf :D .
        :G owl:equivalentClass :H . :H rdfs:subClassOf :I .
        :sp1 rdfs:subPropertyOf :sp2 . :sp2 rdfs:subPropertyOf :sp3 .
        :sp3 owl:equivalentProperty :sp4 .
        :sp4 rdfs:domain :G .
        """,
        """
        :a :p :b . :b :q :c . :c :r :d . :b :q :c2 . :c2 :r :d2 .
        :x1 :anc :x2 . :x2 :anc :x3 . :x3 :anc :x4 . :x5 :desc :x4 .
        :f1 :friend :f2 . :f3 :knownBy :f1 .
        :u :sp1 "literal" . :v :sp1 :w . :i a :H .
        """,
    ),
    "inverse into chains, literals, blank nodes": (
        """
        :hasPerf owl:inverseOf :inWork . :performer owl:inverseOf :perf .
        :cast owl:propertyChainAxiom ( :hasPerf :performer ) ; owl:inverseOf :appears .
        :appears owl:propertyChainAxiom ( :perf :inWork ) ; rdfs:range :Work .
        :val rdfs:range xsd:decimal ; owl:inverseOf :valOf .
        :valOf owl:propertyChainAxiom ( :valOf :lab ) .
        """,
        """
        :perf1 :inWork :w1 ; :performer :a1 . :a2 :perf :perf2 . :perf2 :inWork :w1 .
        _:b1 :performer :a3 . _:b1 :inWork :w2 .
        :m :val 3.5 . :n :val 3.5 .
        """,
    ),
    "schema in the data, equivalences both ways, typed literals": (
        """
        :A owl:equivalentClass :B . :B owl:equivalentClass :C .
        :P owl:equivalentProperty :Q . :Q rdfs:subPropertyOf :P .
        :P rdfs:range :A ; rdfs:domain owl:Thing .
        """,
        """
        :D rdfs:subClassOf :C . :x a :D . :y :Q :z . :z :P 7 .
        :e :P "not a number"^^xsd:integer . :e :P "2025-02-30"^^xsd:date .
        :e :P "1.5"^^xsd:integer .
        :f :P "2025-08"^^xsd:gYearMonth .
        """,
    ),
    "literals made subjects by inverse and symmetric properties, under domains": (
        """
        :val owl:inverseOf :valOf . :valOf rdfs:domain :D ; rdfs:range :R .
        :sym a owl:SymmetricProperty ; rdfs:domain :S .
        :c owl:propertyChainAxiom ( :valOf :q ) ; rdfs:domain :C .
        """,
        """
        :m :val 3.5 ; :q :z . :n :sym "text"@en . :k :sym :l .
        """,
    ),
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_crafted_equals_owlrl(name: str) -> None:
    tbox_text, abox_text = CRAFTED[name]
    assert assert_same_as_owlrl(_nt(turtle(tbox_text)), _nt(turtle(abox_text))) > 0


def test_ill_typed_literals_reported_like_owlrl() -> None:
    tbox_text, abox_text = CRAFTED["schema in the data, equivalences both ways, typed literals"]
    result = fast(turtle(tbox_text), turtle(abox_text))
    assert len(result.errors) == 3
    assert any("not a number" in e for e in result.errors)


@pytest.mark.parametrize(
    "abox_text",
    [
        ":a owl:sameAs :b .",
        ":p a owl:FunctionalProperty .",
        ":R a owl:Restriction ; owl:onProperty :p ; owl:hasValue :v .",
        ":A rdfs:subClassOf [ owl:unionOf ( :B :C ) ] .",
        ":A owl:disjointWith :B .",
        ":p rdfs:subPropertyOf rdf:type .",
        ":c owl:propertyChainAxiom ( [ owl:inverseOf :p ] :q ) .",
    ],
)
def test_beyond_the_profile_is_refused_and_falls_back(abox_text: str) -> None:
    tbox = turtle(":p a owl:ObjectProperty .")
    abox = turtle(abox_text)
    with pytest.raises(Unsupported):
        fast(tbox, abox)
    closure = closure_of(tbox, abox, reasoner="fast", use_cache=False)
    assert closure.reasoner == "owlrl"
    assert "owlrl" in closure.note
    expected, _ = _split_errors(owlrl_cleaned(tbox, abox))
    got, _ = _split_errors(rdflib_set(closure.inferred))
    assert got == expected


def test_compute_closure_fast_is_the_default_and_cached(tmp_path: Path, monkeypatch) -> None:
    from bgraph.resources import resources

    monkeypatch.setenv("BGRAPH_CACHE_DIR", str(tmp_path))
    tbox, abox = (parse(resources().ontology), parse(resources().data))
    sources = [resources().ontology, resources().data]
    first = closure_of(tbox, abox, use_cache=True, sources=sources)
    assert first.reasoner == "fast" and not first.cached
    again = closure_of(tbox, abox, use_cache=True, sources=sources)
    assert again.cached
    assert set(again.inferred) == set(first.inferred)
    reference = closure_of(tbox, abox, reasoner="owlrl")
    assert _split_errors(rdflib_set(reference.inferred)) == _split_errors(
        rdflib_set(first.inferred)
    )


def closure_of(tbox: Triples, abox: Triples, **options: Any) -> Any:
    """The closure as the store computes it (:func:`bgraph.reason.compute_closure_nt`): of the
    N-Triples Oxigraph writes for these triples."""
    return compute_closure_nt(_nt(tbox), lambda: [_nt(abox)], **options)


def _nt(triples: Triples) -> bytes:
    return ox.serialize([ox.Triple(*t) for t in triples], format=ox.RdfFormat.N_TRIPLES) or b""


def parse(path: Path) -> Triples:
    from bgraph.graph import parse_quads

    return [(q.subject, q.predicate, q.object) for q in parse_quads(path)]


def test_unknown_reasoner_is_a_usage_error() -> None:
    from bgraph.errors import UsageError

    with pytest.raises(UsageError, match="fast"):
        closure_of([], [], reasoner="hermit")


def test_empty_input() -> None:
    assert fast([], []).lines == []
    a, p = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p")
    data = [(a, p, ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))), (ox.BlankNode(), p, a)]
    assert fast([], data).lines == []


XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize("name", list(CRAFTED))
def test_counts_given_by_the_reasoner_are_the_lines(name: str) -> None:
    tbox_text, abox_text = CRAFTED[name]
    assert_counts_are_the_lines(fast(turtle(tbox_text), turtle(abox_text)))


def assert_counts_are_the_lines(result: FastResult) -> None:
    """The per-property and per-class counts the engine gives (bgraph reason's report) are those
    of its lines, error messages included; its lines are distinct and parse back."""
    from bgraph.reason import Closure, inference_stats

    triples = parse_lines(result.lines)
    assert len(set(result.lines)) == len(result.lines) == len(triples)
    given = inference_stats(Closure(result.lines, stats=result.stats))
    counted = inference_stats(triples)
    from_lines = inference_stats(Closure(result.lines))
    assert given == counted == from_lines
    assert result.blank_nodes == any(
        isinstance(t, ox.BlankNode) for triple in triples for t in triple
    )
