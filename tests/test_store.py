"""The one store: built once, opened fast, the same answers in RAM and on disk, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bgraph.errors import ExitCode, QuerySyntaxError, UnsafeQueryError, UsageError
from bgraph.iris import EXPLANATIONS_GRAPH
from bgraph.namespaces import (
    FACTS_GRAPH,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    PROVENANCE_GRAPH,
    SCHEMA_INFERRED_GRAPH,
)
from bgraph.store import (
    MANIFEST,
    StoreError,
    build_store,
    open_dataset,
    open_store,
    query_store,
    read_manifest,
    resolve_store,
)
from store_helpers import canonical, competency_queries


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("stores") / "ballard.store"
    build_store(out)
    return out


def test_there_are_queries_to_compare() -> None:
    assert len(competency_queries()) >= 8


@pytest.mark.parametrize("query", competency_queries(), ids=lambda p: p.stem)
def test_built_store_answers_as_memory(enriched_store, built: Path, query: Path) -> None:
    """A built store holds what the RAM store holds: every competency query agrees."""
    text = query.read_text(encoding="utf-8")
    expected = canonical(query_store(enriched_store, text))
    assert canonical(query_store(open_store(built), text)) == expected
    if isinstance(expected, (dict, set)) and not query.stem.endswith("-violation"):
        assert len(expected) > 0, f"{query.name} answers nothing on the Ballard graph"


def test_store_holds_the_enriched_dataset(enriched_store, built: Path) -> None:
    opened = open_store(built)
    names = set(opened.graph_names())
    for g in (ONTOLOGY_GRAPH, FACTS_GRAPH, PROVENANCE_GRAPH, INFERRED_GRAPH):
        assert str(g) in names
    info = opened.info
    assert info is not None and info.reasoner == "fast"
    memory = enriched_store.info
    assert info.graphs == memory.graphs
    assert info.quads == memory.quads and info.inferred == memory.inferred > 0
    assert info.union == memory.union > 0
    manifest = json.loads((built / MANIFEST).read_text())
    assert manifest["inputs"][0]["sha256"]


def test_default_graph_is_the_distinct_union(enriched_store) -> None:
    """A triple stated in several graphs is one triple of the default graph (an RDF merge)."""
    import pyoxigraph as ox

    store = enriched_store.store
    named = {
        (q.subject, q.predicate, q.object)
        for q in store
        if not isinstance(q.graph_name, ox.DefaultGraph)
        and q.graph_name.value != EXPLANATIONS_GRAPH  # about the facts: kept out of the union
    }
    default = set(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert len(default) == len(named) == enriched_store.info.union
    assert {(q.subject, q.predicate, q.object) for q in default} == named
    assert bool(store.query(f"ASK {{ GRAPH <{EXPLANATIONS_GRAPH}> {{ ?s ?p ?o }} }}"))


def test_build_from_files_matches_memory(tmp_path: Path) -> None:
    from bgraph.synth import write_synthetic

    data = tmp_path / "u.trig"
    write_synthetic(data, 3000, seed=5)
    info = build_store(tmp_path / "u.store", [data])
    memory = open_dataset([data], cluster=False)
    text = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}"
    built = canonical(query_store(open_store(tmp_path / "u.store"), text))
    assert built == canonical(query_store(memory, text))
    assert info.inferred == memory.info.inferred > 1000


def test_open_store_is_fast_and_read_only(built: Path) -> None:
    import time

    start = time.perf_counter()
    opened = open_store(built)
    assert len(opened) > 0
    assert time.perf_counter() - start < 1.0
    with pytest.raises(UnsafeQueryError):
        query_store(opened, "INSERT DATA { <http://a> <http://b> <http://c> }")
    with pytest.raises((OSError, RuntimeError)):
        opened.store.update("INSERT DATA { <http://a> <http://b> <http://c> }")


def test_guard_before_oxigraph(built: Path) -> None:
    opened = open_store(built)
    with pytest.raises(UnsafeQueryError, match="SERVICE"):
        query_store(opened, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(UnsafeQueryError):
        query_store(opened, "SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }")
    with pytest.raises(QuerySyntaxError):
        query_store(opened, "SELECT WHERE {")


def test_bad_stores_and_targets(tmp_path: Path, built: Path) -> None:
    with pytest.raises(StoreError, match="no such directory"):
        open_store(tmp_path / "missing")
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a bgraph store"):
        open_store(tmp_path / "plain")
    with pytest.raises(UsageError, match="not a bgraph store"):
        build_store(tmp_path / "plain")
    assert (tmp_path / "plain" / "notes.txt").read_text() == "mine"  # untouched
    with pytest.raises(UsageError, match="--force"):
        build_store(built)
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="not a directory"):
        build_store(tmp_path / "file")
    with pytest.raises(UsageError, match="not memory nor an existing directory"):
        resolve_store("postgres")  # what --store gets: a usage error, exit 2


def test_bad_input_file_leaves_nothing(tmp_path: Path) -> None:
    from bgraph.errors import InputError

    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix : <http://x/> .\n:a :b :c .\n:a :b\n")
    with pytest.raises(InputError) as err:
        build_store(tmp_path / "out", [bad])
    assert err.value.line == 4 and "bad.ttl" in str(err.value)
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.ttl"]


def test_build_cli(cli, tmp_path: Path) -> None:
    out = tmp_path / "s"
    res = cli("build", "-o", str(out), "-q")
    assert res.exit_code == ExitCode.OK, res.output
    res = cli("build", "-o", str(out), "--json", "--force")
    assert res.exit_code == 0
    assert json.loads(res.stdout)["reasoner"] == "fast"
    res = cli("build", "-o", str(out))
    assert res.exit_code == ExitCode.USAGE and "--force" in res.stderr
    res = cli("build", str(tmp_path / "nope.ttl"), "-o", str(tmp_path / "t"))
    assert res.exit_code == ExitCode.FAILURE and "no such file" in res.stderr  # as everywhere
    res = cli("build", "-o", str(tmp_path / "t"), "--reasoner", "pellet")
    assert res.exit_code == ExitCode.USAGE


ATTACKS = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "select * where { service <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "SELECT * { { SELECT ?s { SeRvIcE SILENT <http://127.0.0.1:{port}/> { ?s ?p ?o } } } }",
    "PREFIX x: <http://127.0.0.1:{port}/>\nSELECT * WHERE { SERVICE x: { ?s ?p ?o } }",
    "LOAD <http://127.0.0.1:{port}/data.ttl>",
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "SELECT * FROM <http://127.0.0.1:{port}/g> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "PREFIX x: <http://127.0.0.1:{port}/>\nSELECT * FROM x:g WHERE { ?s ?p ?o }",
]


def test_attacks_are_refused_and_nothing_connects(built: Path) -> None:
    import socket

    from bgraph.errors import UsageError as Refused

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    opened = open_store(built)
    try:
        for attack in ATTACKS:
            with pytest.raises(Refused):
                query_store(opened, attack.replace("{port}", str(port)))
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody knocked
    finally:
        listener.close()


def test_the_lexical_vetting_has_no_false_positives(built: Path) -> None:
    opened = open_store(built)
    ok = [
        'SELECT ?s WHERE { ?s schema:name "SERVICE LOAD INSERT" }',
        "SELECT ?s WHERE { ?s ?p ?o # SERVICE in a comment\n } LIMIT 1",
        "PREFIX ex: <http://example.org/>\nSELECT ?s WHERE { ?s ex:SERVICE ?o }",
        "SELECT ?service WHERE { BIND(1 AS ?service) }",
        f"SELECT (COUNT(*) AS ?n) FROM <{FACTS_GRAPH}> WHERE {{ ?s ?p ?o }}",
        "SELECT (COUNT(*) AS ?n) FROM bgg:facts WHERE { ?s ?p ?o }",
    ]
    for text in ok:
        query_store(opened, text)
    res = query_store(opened, ok[-1])
    assert int(res.rows[0][0].value) == opened.info.graphs[str(FACTS_GRAPH)]  # FROM: that graph


def test_query_cli_on_every_store(cli, built: Path) -> None:
    """`bgraph query --store memory|DIR` give the same JSON answer."""
    answers = {}
    for store in ("memory", str(built)):
        res = cli("query", "cast", "--store", store, "-f", "json")
        assert res.exit_code == ExitCode.OK, (store, res.output)
        rows = json.loads(res.stdout)["results"]["bindings"]
        answers[store] = sorted(json.dumps(r, sort_keys=True) for r in rows)
    assert answers["memory"] == answers[str(built)]
    assert answers["memory"]


def test_query_cli_bad_backends(cli, built: Path, tmp_path: Path) -> None:
    res = cli("query", "cast", "--store", "postgres")
    assert res.exit_code == ExitCode.USAGE and "not memory nor an existing" in res.stderr
    res = cli("query", "cast", "--store", "oxigraph")
    assert res.exit_code == ExitCode.USAGE and "--store memory" in res.stderr
    res = cli("query", "cast", "--store", str(built), str(tmp_path / "x.ttl"))
    assert res.exit_code == ExitCode.USAGE and "drop the PATHs" in res.stderr
    res = cli("query", "cast", "--store", str(built), "--endpoint", "http://127.0.0.1:9/q")
    assert res.exit_code == ExitCode.USAGE
    res = cli(
        "query", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "--store", str(built)
    )
    assert res.exit_code == ExitCode.USAGE and "SERVICE" in res.stderr


def test_long_queries_do_not_overflow_the_cli_stack(built: Path) -> None:
    """Oxigraph's parser recurses; on the 8 MiB main stack 10,000 '!' kill the process."""
    res = query_store(open_store(built), "ASK { FILTER(" + "!" * 30_000 + "true) }")
    assert res.boolean is True


def test_rdflib_view_of_a_built_store(enriched_store, built: Path) -> None:
    """oxrdflib's view of a built store reads its graphs; writes are refused (read-only)."""
    from rdflib import Literal, URIRef

    view = open_store(built).rdflib_dataset()
    names = {g.identifier for g in view.graphs() if len(g)}
    assert {URIRef(g) for g in enriched_store.graph_names()} <= names
    ballard = URIRef("https://w3id.org/bgraph/id/ballard")
    name = URIRef("https://schema.org/name")
    xsd_string = URIRef("http://www.w3.org/2001/XMLSchema#string")  # plain literals, typed
    assert Literal("Ballard", datatype=xsd_string) in set(view.objects(ballard, name))
    # view.graph(name) would create the graph: refused by a read-only store; get_context reads
    closure = [URIRef(str(g)) for g in (INFERRED_GRAPH, SCHEMA_INFERRED_GRAPH)]
    assert sum(len(view.get_context(g)) for g in closure) == enriched_store.info.inferred
    with pytest.raises((OSError, RuntimeError)):
        view.add((ballard, name, Literal("x"), URIRef(str(FACTS_GRAPH))))


def test_blank_nodes_keep_their_identity_in_the_inferred_graph_and_the_union(
    tmp_path: Path,
) -> None:
    """Oxigraph's loader gives blank nodes fresh identities: inferences about a blank node of
    the data, and the union, must name the very node the data holds."""
    import pyoxigraph as ox

    data = tmp_path / "blank.ttl"
    data.write_text(
        "@prefix bg: <https://w3id.org/bgraph/ontology/> .\n"
        "_:perf bg:performer <urn:ex:actor> ; bg:inWork <urn:ex:show> ;"
        ' bg:character [ <https://schema.org/name> "Somebody \\"quoted\\""@en ] .\n'
        '<urn:ex:show> bg:numberOfEpisodes "x"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    opened = open_dataset([data], cluster=False)
    store = opened.store
    asserted = {
        t
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(data.resolve().as_uri()))
        for t in (q.subject, q.object)
        if isinstance(t, ox.BlankNode)
    }
    inferred = list(store.quads_for_pattern(None, None, None, ox.NamedNode(str(INFERRED_GRAPH))))
    about = {t for q in inferred for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
    errors = {q.subject for q in inferred if q.predicate.value.endswith("#error")}
    assert len(asserted) == 2 and asserted <= about and about - asserted == errors
    assert len(errors) == 1  # owlrl's report of the ill-typed integer
    union = {
        (q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    }
    named = {
        (q.subject, q.predicate, q.object)
        for q in store
        if not isinstance(q.graph_name, ox.DefaultGraph)
        and q.graph_name.value != EXPLANATIONS_GRAPH  # about the facts: kept out of the union
    }
    assert union == named
    assert opened.info is not None and opened.info.union == len(union)


def test_a_built_store_counts_its_classes_once(tmp_path: Path) -> None:
    """The home page's class counts are counted at build and kept in the manifest: the three
    series of the articles (Harry Bosch, Bosch: Legacy, Ballard), as the live count says."""
    from bgraph.server.overview import class_counts

    info = build_store(tmp_path / "b.store")
    assert info.class_counts is not None
    assert info.class_counts["https://w3id.org/bgraph/ontology/TVSeries"] == 3
    assert read_manifest(tmp_path / "b.store").class_counts == info.class_counts
    assert info.class_counts == class_counts(open_dataset(cluster=False).store)
