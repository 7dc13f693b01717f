"""Explanations (issue 14): every inferred triple has one recorded derivation, and every
derivation is valid: its rule applies to its axiom and premises and gives its conclusion, its
axiom is in the input, its premises are asserted or themselves derived, with no cycle.

The checker below is independent of the engine: it reads the derivations as N-Triples terms
and applies each OWL 2 RL rule's definition (W3C OWL 2 Profiles, tables 4-9) to them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from bgraph.cli import main
from bgraph.explain import EXPLANATIONS_GRAPH, Explainer, parse_triple, store_select
from bgraph.fastreason import fast_closure_nt, nt_lines, split_line
from bgraph.iris import BG, FACTS_GRAPH, ID, ONTOLOGY_GRAPH
from bgraph.store import open_dataset
from bgraph.synth import write_synthetic

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
TYPE, FIRST, REST, NIL = (f"<{RDF}{n}>" for n in ("type", "first", "rest", "nil"))
SCO, SPO, DOM, RNG = (f"<{RDFS}{n}>" for n in ("subClassOf", "subPropertyOf", "domain", "range"))
EQC, EQP, INV, CHAIN = (
    f"<{OWL}{n}>"
    for n in ("equivalentClass", "equivalentProperty", "inverseOf", "propertyChainAxiom")
)
SYM, TRANS = f"<{OWL}SymmetricProperty>", f"<{OWL}TransitiveProperty>"
NT = ox.RdfFormat.N_TRIPLES


def rule_gives(rule: str, axiom, premises: list, conclusion, asserted: set) -> bool:
    """Whether ``rule`` with this axiom and these premises concludes ``conclusion`` (all
    triples of N-Triples terms)."""
    cs, cp, co = conclusion
    a = axiom or ("", "", "")
    one = premises[0] if len(premises) == 1 else None
    if rule in ("prp-spo1", "prp-eqp1"):
        return a[1] == (SPO if rule == "prp-spo1" else EQP) and one == (cs, a[0], co) and cp == a[2]
    if rule == "prp-eqp2":
        return a[1] == EQP and one == (cs, a[2], co) and cp == a[0]
    if rule == "prp-inv1":
        return a[1] == INV and one == (co, a[0], cs) and cp == a[2]
    if rule == "prp-inv2":
        return a[1] == INV and one == (co, a[2], cs) and cp == a[0]
    if rule == "prp-symp":
        return a == (cp, TYPE, SYM) and one == (co, cp, cs)
    if rule == "prp-trp":
        return a == (cp, TYPE, TRANS) and len(premises) == 2 and chained(premises, cs, co, [cp, cp])
    if rule == "prp-spo2":
        return a[0] == cp and a[1] == CHAIN and chained(premises, cs, co, rdf_list(a[2], asserted))
    if rule in ("prp-dom", "prp-rng"):
        node = one[0] if one and rule == "prp-dom" else one[2] if one else None
        pred = DOM if rule == "prp-dom" else RNG
        return one is not None and a == (one[1], pred, co) and cp == TYPE and cs == node
    if rule in ("cax-sco", "cax-eqc1"):
        return (
            a[1] == (SCO if rule == "cax-sco" else EQC)
            and one == (cs, TYPE, a[0])
            and (
                cp,
                co,
            )
            == (TYPE, a[2])
        )
    if rule == "cax-eqc2":
        return a[1] == EQC and one == (cs, TYPE, a[2]) and (cp, co) == (TYPE, a[0])
    if rule in ("scm-sco", "scm-spo"):
        p = SCO if rule == "scm-sco" else SPO
        return (
            axiom is None
            and cp == p
            and len(premises) == 2
            and premises[0][:2] == (cs, p)
            and premises[1] == (premises[0][2], p, co)
        )
    if rule in ("scm-eqc1", "scm-eqp1"):
        eq, sub = (EQC, SCO) if rule == "scm-eqc1" else (EQP, SPO)
        return not premises and a[1] == eq and cp == sub and {cs, co} == {a[0], a[2]}
    if rule in ("scm-eqc2", "scm-eqp2"):
        eq, sub = (EQC, SCO) if rule == "scm-eqc2" else (EQP, SPO)
        return (
            axiom is None
            and cp == eq
            and sorted(premises) == sorted([(cs, sub, co), (co, sub, cs)])
        )
    return False


def chained(premises: list, start: str, end: str, props: list[str]) -> bool:
    """premises = (start p1 x1), (x1 p2 x2), ..., (xn-1 pn end)."""
    if [p for _s, p, _o in premises] != props:
        return False
    node = start
    for s, _p, o in premises:
        if s != node:
            return False
        node = o
    return node == end


def rdf_list(head: str, asserted: set) -> list[str]:
    """The members of an RDF list of the input."""
    first, rest = _LISTS[id(asserted)]
    items, node = [], head
    while node != NIL and node in first:
        items.append(first[node])
        node = rest.get(node, NIL)
    return items


_LISTS: dict[int, tuple[dict, dict]] = {}  #: id(asserted) -> (rdf:first, rdf:rest)


def check_derivations(tbox: bytes, abox: list[bytes]) -> int:
    """Close with derivations and check them all; the number of inferred triples."""
    result = fast_closure_nt(tbox, abox, explain=True)
    d = result.derivations
    assert d is not None
    asserted = {split_line(line) for part in (tbox, *abox) for line in nt_lines(part)}
    _LISTS[id(asserted)] = (
        {s: o for s, p, o in asserted if p == FIRST},
        {s: o for s, p, o in asserted if p == REST},
    )
    # every inferred triple has exactly one derivation, and only those are published
    concluded: dict[tuple, int] = {}
    for row in range(len(d)):
        if d.concl_p[row] < 0:
            continue  # a prefix of a long property chain, folded into its prp-spo2 row
        triple = d.triple(d.concl_p[row], d.concl_k[row])
        assert triple not in concluded, f"two derivations of {triple}"
        assert triple not in asserted, f"a derivation of an asserted triple {triple}"
        concluded[triple] = row
    published = {d.triple(d.concl_p[r], d.concl_k[r]) for r in range(len(d)) if d.published[r]}
    assert published == {split_line(line) for line in result.lines}
    # each derivation is valid, premises first (no cycle: depth-first with a path)
    state: dict[tuple, int] = {}  # 1: being checked, 2: valid

    def valid(triple: tuple) -> None:
        if triple in asserted or state.get(triple) == 2:
            return
        assert state.get(triple) != 1, f"a cycle through {triple}"
        assert triple in concluded, f"a premise neither asserted nor derived: {triple}"
        state[triple] = 1
        rule, axiom, premises = d.explain(concluded[triple])
        if axiom is not None:
            assert axiom in asserted, f"{rule}: the axiom {axiom} is not in the input"
        assert rule_gives(rule, axiom, premises, triple, asserted), (
            f"{rule} with {axiom} and {premises} does not give {triple}"
        )
        for p in premises:
            valid(p)
        state[triple] = 2

    import sys

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
    for triple in published:
        valid(triple)
    return len(published)


def dumps(opened, *graphs: str) -> list[bytes]:
    return [opened.store.dump(format=NT, from_graph=ox.NamedNode(g)) for g in graphs]


def test_every_inference_of_the_seed_graph_has_a_valid_derivation(asserted_store) -> None:
    (tbox,) = dumps(asserted_store, ONTOLOGY_GRAPH)
    assert check_derivations(tbox, dumps(asserted_store, FACTS_GRAPH)) > 400


@pytest.mark.parametrize(("size", "seed"), [(3000, 0), (20_000, 7)])
def test_every_inference_of_a_synthetic_graph_has_a_valid_derivation(
    asserted_store, tmp_path: Path, size: int, seed: int
) -> None:
    path = tmp_path / "u.nt"
    write_synthetic(path, size, seed)
    (tbox,) = dumps(asserted_store, ONTOLOGY_GRAPH)
    assert check_derivations(tbox, [path.read_bytes()]) > size // 2


CRAFTED = """
@prefix : <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
:pqr owl:propertyChainAxiom ( :p :q :r ) ; rdfs:domain :D ; rdfs:range :R .
:anc a owl:TransitiveProperty ; owl:inverseOf :desc .
:friend a owl:SymmetricProperty ; rdfs:subPropertyOf :knows .
:knows owl:inverseOf :knownBy .
:one owl:propertyChainAxiom ( :q ) .
:D rdfs:subClassOf :E . :E rdfs:subClassOf :F . :F rdfs:subClassOf :D .
:G owl:equivalentClass :H . :H rdfs:subClassOf :I .
:sp1 rdfs:subPropertyOf :sp2 . :sp2 rdfs:subPropertyOf :sp3 .
:sp3 owl:equivalentProperty :sp4 . :sp4 rdfs:domain :G .
:A owl:equivalentClass :B . :B owl:equivalentClass :C .
:P owl:equivalentProperty :Q . :Q rdfs:subPropertyOf :P .
"""
CRAFTED_ABOX = """
@prefix : <http://example.org/> .
:a :p :b . :b :q :c . :c :r :d . :b :q :c2 . :c2 :r :d2 .
:x1 :anc :x2 . :x2 :anc :x3 . :x3 :anc :x4 . :x5 :desc :x4 .
:f1 :friend :f2 . :f3 :knownBy :f1 .
:u :sp1 "literal" . :v :sp1 :w . :i a :H . :y :Q :z . :k a :C .
_:b1 :p :b .
"""


def test_every_rule_of_a_crafted_ontology_has_valid_derivations() -> None:
    def nt(text: str) -> bytes:
        return ox.serialize(ox.parse(text, ox.RdfFormat.TURTLE), format=NT)

    assert check_derivations(nt(CRAFTED), [nt(CRAFTED_ABOX)]) > 40


# --- the explanations graph and the proof trees ------------------------------------------------


@pytest.fixture(scope="module")
def explained_store():
    from bgraph.store import open_dataset

    return open_dataset(explain=True, cluster=False)


def test_the_explanations_graph_is_apart_from_the_facts(explained_store) -> None:
    info = explained_store.info
    assert info.graphs[EXPLANATIONS_GRAPH] > 1000
    store = explained_store.store
    # not in the default (union) graph, and not reasoned over: the closure is unchanged
    ask = "ASK { ?d a <https://w3id.org/bgraph/ontology/Inference> }"
    assert not store.query(ask)
    assert info.inferred == 479 or info.inferred > 400
    n = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{EXPLANATIONS_GRAPH}> {{ ?d a ?c }} }}"
    assert int(next(iter(store.query(n)))["n"].value) >= info.inferred


def test_a_proof_tree_goes_down_to_quotes(explained_store) -> None:
    e = Explainer(store_select(explained_store.store))
    proof = e.explain(parse_triple("id:ballard", "schema:actor", "id:titus-welliver"))
    assert proof.status == "inferred" and proof.rule == "prp-spo1"
    leaves = proof.leaves()
    asserted = [p for p in leaves if p.status == "asserted"]
    assert asserted and all(p.sources for p in asserted)
    quotes = {s.quote for p in asserted for s in p.sources}
    assert "Titus Welliver : Harry Bosch" in quotes
    assert e.reason(proof) == "cast member is a sub-property of schema:actor"
    d = e.as_dict(proof)
    json.dumps(d)
    assert d["premises"][0]["rule"] == "prp-spo2"


def test_asserted_and_absent_triples(explained_store) -> None:
    e = Explainer(store_select(explained_store.store))
    proof = e.explain(parse_triple("id:ballard", "a", "bg:TVSeries"))
    assert proof.status == "asserted" and proof.sources
    assert e.explain(parse_triple("id:titus-welliver", "schema:actor", "id:ballard")).status == (
        "absent"
    )


# --- bgraph why ---------------------------------------------------------------------------------


def run_why(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from bgraph.cli import main

    result = CliRunner().invoke(main, ["why", *args])
    return result.exit_code, result.output


def test_why_prints_the_proof_tree_down_to_the_quotes() -> None:
    code, out = run_why("id:ballard", "schema:actor", "id:titus-welliver")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("id:ballard schema:actor id:titus-welliver   [prp-spo1: ")
    assert "prp-spo2: cast member is the chain has performance / performer" in out
    assert "article 001: «Titus Welliver : Harry Bosch»" in out


def test_why_json_for_tools() -> None:
    code, out = run_why("id:ballard", "a", "schema:CreativeWork", "--format", "json")
    assert code == 0, out
    tree = json.loads(out)
    assert tree["status"] == "inferred" and tree["rule"].startswith("cax-")
    leaves, stack = [], [tree]
    while stack:
        node = stack.pop()
        stack.extend(node.get("premises", []))
        if node["status"] == "asserted":
            leaves.append(node)
    assert leaves and all(leaf["sources"] for leaf in leaves)
    assert all(s["file"] and s["quote"] for leaf in leaves for s in leaf["sources"])


def test_why_of_an_asserted_triple_says_where() -> None:
    code, out = run_why("id:ballard", "a", "bg:TVSeries")
    assert code == 0, out
    assert out.startswith("id:ballard a bg:TVSeries: asserted, not inferred.")
    assert "article 001: «" in out


def test_why_of_a_triple_that_does_not_hold_exits_1() -> None:
    code, out = run_why("id:titus-welliver", "schema:actor", "id:ballard")
    assert code == 1
    assert "neither asserted nor inferred" in out
    assert "the reverse holds: bgraph why id:ballard schema:actor id:titus-welliver" in out


def test_why_with_a_bad_term_exits_2() -> None:
    code, out = run_why("id:ballard", "nope:actor", "id:titus-welliver")
    assert code == 2
    assert "The prefix nope: has not been declared" in out


# --- bgraph reason --diff -------------------------------------------------------------------------

CAST_ACTOR = (
    "<https://w3id.org/bgraph/ontology/castMember> "
    "<http://www.w3.org/2000/01/rdf-schema#subPropertyOf> <https://schema.org/actor> ."
)


def test_an_ontology_change_adds_and_removes_explained_triples(asserted_store) -> None:
    from bgraph.explain import ontology_diff

    (tbox,) = dumps(asserted_store, ONTOLOGY_GRAPH)
    lines = tbox.decode().splitlines()
    assert CAST_ACTOR in lines
    old = "".join(line + "\n" for line in lines if line != CAST_ACTOR).encode()
    abox = dumps(asserted_store, FACTS_GRAPH)
    diff = ontology_diff(old, tbox, abox)
    assert diff.axioms_added == [split_line(CAST_ACTOR)] and not diff.axioms_removed
    assert len(diff.added) == 12 and not diff.removed  # one cast member per performance
    for change in diff.added:
        assert change.rule == "prp-spo1" and change.axiom == split_line(CAST_ACTOR)
        s, _p, o = change.triple
        assert change.premises == [(s, "<https://w3id.org/bgraph/ontology/castMember>", o)]
    back = ontology_diff(tbox, old, abox)  # the other way: the same triples removed
    assert [c.triple for c in back.removed] == [c.triple for c in diff.added]
    assert not back.added and back.axioms_removed == diff.axioms_added


def test_reason_diff_on_the_command_line(asserted_store, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bgraph.cli import main

    (tbox,) = dumps(asserted_store, ONTOLOGY_GRAPH)
    old = tmp_path / "old.nt"
    old.write_text("".join(x + "\n" for x in tbox.decode().splitlines() if x != CAST_ACTOR))
    result = CliRunner().invoke(main, ["reason", "--diff", str(old), "--limit", "1"])
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert out[1] == "  + bg:castMember rdfs:subPropertyOf schema:actor"
    assert out[2].startswith("Closure: 479 inferred triples, was 467: +12 -0")
    assert "      12  bg:castMember rdfs:subPropertyOf schema:actor" in out
    assert out[-3].startswith("+ id:ballard schema:actor id:")
    assert out[-3].endswith("[prp-spo1: bg:castMember rdfs:subPropertyOf schema:actor]")
    result = CliRunner().invoke(main, ["reason", "--diff", str(old), "--json"])
    data = json.loads(result.output)
    assert len(data["added"]) == 12 and data["inferred"] == {"old": 467, "new": 479}


# --- the /why page over HTTP ------------------------------------------------------------------


def test_why_over_http_with_and_without_explanations() -> None:
    import httpx

    from server_harness import running_server

    params = {"s": "id:ballard", "p": "schema:actor", "o": "id:titus-welliver"}
    with running_server("--quiet") as srv:  # bgraph's own data: explained by default
        r = httpx.get(srv.url + "why", params=params, headers={"Accept": "application/json"})
        assert r.status_code == 200 and r.json()["rule"] == "prp-spo1"
        assert r.json() == json.loads(run_why(*params.values(), "--format", "json")[1])
        page = httpx.get(srv.url + "why", params=params).text
        assert "cast member is a sub-property of schema:actor" in page
        entity = httpx.get(srv.url + "id/ballard.html").text
        assert 'class="why-link" href="/why?s=' in entity
        absent = {"s": "id:titus-welliver", "p": "schema:actor", "o": "id:ballard"}
        assert httpx.get(srv.url + "why", params=absent).status_code == 404
        assert httpx.get(srv.url + "why", params={"s": "id:x"}).status_code == 400
        bad = {"s": "id:x", "p": "nope:y", "o": "id:z"}
        assert httpx.get(srv.url + "why", params=bad).status_code == 400
    with running_server("--quiet", "--no-explain") as srv:  # none: no links; /why says how
        page = httpx.get(srv.url + "why", params=params).text
        assert "bgraph serve --explain" in page
        entity = httpx.get(srv.url + "id/ballard.html").text
        assert "why-link" not in entity and 'class="badge inferred"' in entity


def test_explanations_by_default_only_for_small_inputs() -> None:
    from bgraph.store import EXPLAIN_UP_TO, explains

    assert explains(None, 2_548) and explains(None, EXPLAIN_UP_TO)  # 2,548: bgraph's own data
    assert not explains(None, EXPLAIN_UP_TO + 1) and explains(True, 10**6)
    assert not explains(False, 10)
    assert EXPLANATIONS_GRAPH in open_dataset(cluster=False).info.graphs  # the default
    assert EXPLANATIONS_GRAPH not in open_dataset(explain=False, cluster=False).info.graphs


def test_serve_rejects_explain_options_it_cannot_honour(tmp_path: Path) -> None:
    """--explain/--no-explain with a built store (it holds what build made) or --explain with
    --no-inference: a usage error (exit 2), nothing served."""
    store = tmp_path / "s"
    assert CliRunner().invoke(main, ["build", "-q", "-o", str(store)]).exit_code == 0
    for args in (
        ["--store", str(store), "--no-explain"],
        ["--store", str(store), "--explain"],
        ["--explain", "--no-inference"],
    ):
        result = CliRunner().invoke(main, ["serve", *args])
        assert result.exit_code == 2, (args, result.output)
        assert "--explain" in result.output


def test_entity_pages_link_cast_rows_and_super_properties_to_their_explanations() -> None:
    """A cast row's implied links (Ballard schema:actor Titus Welliver, …), a row's "also"
    super-property (Ballard schema:isBasedOn L'Étoile du désert beside bg:basedOn) and its "the
    other way" inverse (L'Étoile du désert bg:adaptedAs Ballard) each link to a /why page that
    explains that very triple."""
    import re
    from urllib.parse import parse_qs, urlsplit

    import httpx

    from server_harness import running_server

    def explained(html: str) -> set[tuple[str, str, str]]:
        out = set()
        for href in re.findall(r'class="why-link" href="([^"]+)"', html):
            q = parse_qs(urlsplit(href.replace("&amp;", "&")).query)
            out.add((q["s"][0], q["p"][0], q["o"][0]))
        return out

    with running_server("--quiet") as srv:
        page = httpx.get(srv.url + "id/ballard.html").text
        rows = re.findall(r"<tr>(.*?)</tr>", page)
        titus = next(r for r in rows if "/id/titus-welliver" in r)
        links = explained(titus)
        ballard, titus_iri = f"<{ID}ballard>", f"<{ID}titus-welliver>"
        assert (ballard, "<https://schema.org/actor>", titus_iri) in links
        assert (ballard, f"<{BG}castMember>", titus_iri) in links
        assert (titus_iri, f"<{BG}appearsIn>", ballard) in links
        facts = re.search(r"<h2>Facts</h2>(.*?)<h2>", page, re.S)
        assert facts is not None
        novel = f"<{ID}l-etoile-du-desert>"
        assert (ballard, "<https://schema.org/isBasedOn>", novel) in explained(facts.group(1))
        # "the other way": the novel adaptedAs Ballard, inferred from Ballard basedOn the novel
        assert (novel, f"<{BG}adaptedAs>", ballard) in explained(facts.group(1))
        for s, p, o in sorted(links)[:3]:  # each link explains its own triple
            r = httpx.get(
                srv.url + "why",
                params={"s": s, "p": p, "o": o},
                headers={"Accept": "application/json"},
            )
            assert r.status_code == 200 and r.json()["status"] == "inferred"
            assert r.json()["triple"] == [s, p, o]


def test_a_built_store_and_the_same_data_in_ram_explain_alike(tmp_path: Path) -> None:
    """The explanations graph is one graph whether `bgraph build` wrote it or the data was
    loaded in RAM: the same triples once blank nodes are canonicalised (RDFC-1.0). Statement
    nodes of triples with blank nodes (property chains) are blank themselves: a hash of a blank
    node's label would differ between the two loads."""
    from bgraph.store import build_store

    def canonical(store: ox.Store) -> list[str]:
        graph = ox.NamedNode(EXPLANATIONS_GRAPH)
        dataset = ox.Dataset(store.quads_for_pattern(None, None, None, graph))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return sorted(str(q) for q in dataset)

    build_store(tmp_path / "built")
    built = canonical(open_dataset(store=str(tmp_path / "built")).store)
    in_ram = canonical(open_dataset(cluster=False).store)
    assert len(built) > 4_000 and built == in_ram
    assert any(line.startswith("_:") for line in built)  # the property chains' statements


def test_the_why_page_escapes_the_text_of_a_proof() -> None:
    """Literals, labels, quotes and their languages are text on /why: a ``<b>`` in a literal of
    the proof or in a quote shows as written, and no ``"`` ends an attribute."""
    from html.parser import HTMLParser
    from types import SimpleNamespace

    from bgraph.explain import Proof, Source
    from bgraph.server.why_page import why_page

    ex = "<http://example.org/"
    literal = '"<b>bold</b> & \\"more\\""'
    conclusion = (f"{ex}s>", f"{ex}q>", literal)
    premise = (f"{ex}s>", f"{ex}p>", literal)
    quote = Source('http://example.org/claim"x', file="007_a.txt", quote="<b>q</b>", lang='fr"x')
    proof = Proof(
        conclusion,
        "inferred",
        rule="prp-spo1",
        axiom=Proof(
            (f"{ex}p>", "<http://www.w3.org/2000/01/rdf-schema#subPropertyOf>", f"{ex}q>"), "axiom"
        ),
        premises=[Proof(premise, "asserted", sources=[quote])],
    )
    explainer = Explainer(lambda query: [])
    explainer.labels = {f"{ex}s>": "<b>S</b>", f"{ex}p>": "p <b>", f"{ex}q>": 'q "'}
    info = SimpleNamespace(reasoner="native")
    ctx = SimpleNamespace(
        href=lambda iri: "/page?iri=" + iri,
        served=SimpleNamespace(opened=SimpleNamespace(info=info)),
    )
    html = why_page(ctx, explainer, proof)  # type: ignore[arg-type]
    assert "<b>" not in html and "&lt;b&gt;bold&lt;/b&gt; &amp; &#34;more&#34;" in html
    assert 'lang="fr&#34;x"' in html and 'href="/page?iri=http://example.org/claim&#34;x"' in html

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.text = ""
            self.tags: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.text += data

    page = Text()
    page.feed(html)
    assert "b" not in page.tags
    assert '<b>bold</b> & "more"' in page.text and "«<b>q</b>»" in page.text
    assert 'p <b> is a sub-property of q "' in page.text
