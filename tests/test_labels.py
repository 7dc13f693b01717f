"""One label policy and one prefixed-name writer for all of bgraph.

Labels: every reader (rdflib graph, Oxigraph store, the server's lookups, ``bgraph stats``,
``bgraph reason``'s ontology index, ``bgraph why``'s proofs) gives the same name on a crafted
graph; the expected names are worked out by hand from the policy: schema:name, then rdfs:label,
then skos:prefLabel; English first, then untagged, then any language; among equals the earlier
property, then the lexically first text.

Prefixed names: what :func:`bgraph.iris.curie` writes is read back by Oxigraph's Turtle and
SPARQL parsers as the same IRI (the grammars' PN_LOCAL decides, not this module).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from bgraph.iris import FACTS_GRAPH, ID, PREFIXES, curie, expand_name

EX = "http://example.org/"
TURTLE = """
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/> .
ex:first schema:name "Name"@en ; rdfs:label "Label"@en .
ex:english schema:name "Nom"@fr ; rdfs:label "Label"@en .
ex:untagged schema:name "Nom"@fr ; rdfs:label "Plain" .
ex:order schema:name "Zed" ; rdfs:label "Alpha" .
ex:pref skos:prefLabel "Preferred"@en .
ex:lexical rdfs:label "Beta"@en , "Alpha"@en .
ex:french rdfs:label "Nom"@fr .
ex:literal rdfs:label ex:notALiteral ; skos:prefLabel "Literal" .
"""
EXPECTED = {
    "first": "Name",  # both English: the earlier property
    "english": "Label",  # English first, even from a later property
    "untagged": "Plain",  # untagged before another language
    "order": "Zed",  # both untagged: the earlier property, not the lexically first
    "pref": "Preferred",  # skos:prefLabel is a label property too
    "lexical": "Alpha",  # same property and language: the lexically first
    "french": "Nom",  # any language rather than none
    "literal": "Literal",  # an IRI value is no label
    "nolabel": "nolabel",  # the local name
}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.load(TURTLE, format=ox.RdfFormat.TURTLE)
    return s


def test_rdflib_graph_reader() -> None:
    from rdflib import Graph, URIRef

    from bgraph.labels import label

    g = Graph().parse(data=TURTLE, format="turtle")
    assert {n: label(g, URIRef(EX + n)) for n in EXPECTED} == EXPECTED


def test_store_reader(store) -> None:
    from bgraph.labels import store_label

    assert {n: store_label(store, ox.NamedNode(EX + n)) for n in EXPECTED} == EXPECTED


def test_server_lookups(store) -> None:
    from bgraph.server.describe import Lookups

    lookups = Lookups(store, {})
    assert {n: lookups.label(ox.NamedNode(EX + n)) for n in EXPECTED} == EXPECTED


def test_stats_class_labels(store) -> None:
    from bgraph.stats import class_labels

    assert class_labels(store, [EX + n for n in EXPECTED]) == {
        EX + n: EXPECTED[n] for n in EXPECTED
    }


def test_reason_report_tbox(store) -> None:
    from bgraph.cli.reasoning import TBox

    tbox = TBox([(q.subject, q.predicate, q.object) for q in store])
    assert {n: tbox.label(EX + n) for n in EXPECTED} == EXPECTED


def test_why_proof_labels(store) -> None:
    """``bgraph why`` labels the terms of a proof; an unlabelled IRI reads as its prefixed
    name there (it can be typed back), here ``id:nolabel``."""
    from bgraph.explain import Explainer, store_select

    about = ox.NamedNode(EX + "about")
    scratch = ox.Store()
    scratch.extend(ox.Quad(q.subject, q.predicate, q.object) for q in store)
    facts = ox.NamedNode(FACTS_GRAPH)
    nodes = [ox.NamedNode(EX + n) for n in EXPECTED if n != "nolabel"] + [ox.NamedNode(ID.nolabel)]
    for node in nodes:
        scratch.add(ox.Quad(node, about, node, facts))
    explainer = Explainer(store_select(scratch))
    for node in nodes:
        assert explainer.explain((str(node), str(about), str(node))).status == "asserted"
    labels = {n.value.rsplit("/", 1)[-1]: explainer.label(str(n)) for n in nodes}
    assert labels == {**EXPECTED, "nolabel": "id:nolabel"}


# --- prefixed names ---------------------------------------------------------------------------

CURIES = {
    ID + "ballard": "id:ballard",
    "http://www.wikidata.org/entity/Q8261": "wd:Q8261",
    ID + "2024-season": "id:2024-season",  # a leading digit is valid (Turtle 1.1, SPARQL 1.1)
    ID + "a.b": "id:a.b",
    ID + "Ren%C3%A9e": "id:Ren%C3%A9e",  # %-escapes are kept as they are
    ID + "renée": "id:renée",
    ID + "a:b": "id:a:b",
    # no valid local name: the IRI
    PREFIXES["bg"] + "version/0.1.0": PREFIXES["bg"] + "version/0.1.0",
    ID + "a.": ID + "a.",
    ID + "x#y": ID + "x#y",
    ID + "-x": ID + "-x",
    ID + "a~b": ID + "a~b",  # "~" only with a backslash escape
    PREFIXES["schema"]: PREFIXES["schema"],  # the namespace itself: shown whole
    EX + "thing": EX + "thing",
}


def _declarations(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())


def _read_back(name: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """The IRI Oxigraph's SPARQL parser reads ``name`` (a prefixed name or ``<IRI>``) as."""
    query = _declarations(prefixes) + f"SELECT ?x WHERE {{ BIND({name} AS ?x) }}"
    return next(iter(ox.Store().query(query)))["x"].value


@pytest.mark.parametrize(("iri", "name"), CURIES.items())
def test_curie(iri: str, name: str) -> None:
    assert curie(iri) == name
    assert _read_back(curie(iri, angle=True)) == iri
    if name != iri:
        turtle = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
        triple = next(
            iter(ox.parse(turtle + f"{name} {name} {name} .", format=ox.RdfFormat.TURTLE))
        )
        assert triple.object.value == iri


def test_curie_takes_the_longest_namespace_that_fits() -> None:
    prefixes = {"a": "http://ex.org/", "b": "http://ex.org/sub/"}
    assert curie("http://ex.org/sub/x", prefixes) == "b:x"
    assert curie("http://ex.org/sub", prefixes) == "a:sub"
    assert curie("http://ex.org/sub/x/y", prefixes, angle=True) == "<http://ex.org/sub/x/y>"
    assert _read_back(curie("http://ex.org/sub/x", prefixes), prefixes) == "http://ex.org/sub/x"


def test_an_entity_is_named_as_the_pages_and_commands_show_it() -> None:
    """``export --entity``, ``diagram --focus`` and the pictures' routes read a name the one way
    (:func:`bgraph.iris.expand_name`): a CURIE the pages show reads back as its IRI (Oxigraph's
    SPARQL parser, the reference), a bare name is under ``id:``, a full IRI stays whole."""
    for iri, name in CURIES.items():
        if name != iri and name.split(":", 1)[0] in PREFIXES:
            assert expand_name(name) == iri == _read_back(name)
    assert expand_name(" ballard ") == ID + "ballard"
    assert expand_name("https://example.org/x:y") == "https://example.org/x:y"
    with pytest.raises(ValueError, match="unknown prefix 'nope'"):
        expand_name("nope:x")
