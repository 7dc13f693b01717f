"""``bgraph export``: every format round-trips, output is deterministic, JSON-LD reads like
schema.org and never fetches anything, one entity frames as web-page markup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, Namespace

from bgraph.export import (
    atomic_file,
    canonical_quads,
    no_fetch_loader,
    serialize_quads,
    store_quads,
)
from bgraph.formats import RDF_FORMATS, rdf_format
from bgraph.graph import parse_quads
from bgraph.iris import EXPLANATIONS_GRAPH, is_published
from bgraph.jsonld_context import build_context, context, context_document, schema_names
from bgraph.namespaces import BG, FACTS_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH

SCHEMA = Namespace("https://schema.org/")
ID = Namespace("https://w3id.org/bgraph/id/")
FORMATS = [f.name for f in RDF_FORMATS]


NQUADS = rdf_format("nquads")


def canonical_text(quads, merge: bool = False) -> str:
    """Quads as canonical N-Quads (blank nodes RDFC-1.0, sorted): equal text, same dataset."""
    quads = list(quads)
    if merge:
        quads = [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
    return serialize_quads(quads, NQUADS)


def export_to(cli, tmp_path: Path, fmt: str, *args: str) -> Path:
    target = tmp_path / f"export{rdf_format(fmt).suffix}"
    result = cli("export", "--format", fmt, "-o", str(target), *args)
    assert result.exit_code == 0, result.output
    return target


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_round_trips(cli, tmp_path: Path, enriched_store, fmt: str) -> None:
    """Read back by bgraph's own reader (Oxigraph; remote contexts refused), every format gives
    the exported dataset again: the same graphs for quad formats, their merge for the others."""
    path = export_to(cli, tmp_path, fmt)
    spec = rdf_format(fmt)
    back = parse_quads(path)
    expected = store_quads(enriched_store)
    if fmt == "jsonld":  # the default graph is the union (what Turtle holds), then the graphs
        default = ox.DefaultGraph()
        named = [q for q in back if q.graph_name != default]
        assert canonical_text(named, False) == canonical_text(expected, False)
        union = [q for q in back if q.graph_name == default]
        assert canonical_text(union, True) == canonical_text(expected, True)
    else:
        assert canonical_text(back, not spec.quads) == canonical_text(expected, not spec.quads)
    if spec.quads:
        names = {q.graph_name for q in back}
        assert ox.NamedNode(str(INFERRED_GRAPH)) in names
        assert ox.NamedNode(str(FACTS_GRAPH)) in names


@pytest.mark.parametrize("fmt", ["nquads", "turtle"])
def test_no_inference_exports_the_asserted_dataset(cli, tmp_path, asserted_store, fmt) -> None:
    path = export_to(cli, tmp_path, fmt, "--no-inference")
    merge = not rdf_format(fmt).quads
    back = parse_quads(path)
    assert canonical_text(back, merge) == canonical_text(store_quads(asserted_store), merge)
    assert ox.NamedNode(str(INFERRED_GRAPH)) not in {q.graph_name for q in back}


def test_inferred_export_is_richer(cli, tmp_path: Path) -> None:
    full = Graph().parse(export_to(cli, tmp_path, "nt"), format="nt")
    assert (ID["bosch"], BG.hasSpinOff, ID["ballard"]) in full
    asserted = tmp_path / "asserted.nt"
    cli("export", "-f", "nt", "--no-inference", "-o", str(asserted))
    assert (ID["bosch"], BG.hasSpinOff, ID["ballard"]) not in Graph().parse(asserted, format="nt")


def test_stdout_default_is_turtle(cli, tmp_path: Path, enriched_store) -> None:
    result = cli("export")
    assert result.exit_code == 0
    (tmp_path / "out.ttl").write_text(result.stdout, encoding="utf-8")
    back = parse_quads(tmp_path / "out.ttl")
    assert canonical_text(back, True) == canonical_text(store_quads(enriched_store), True)


def test_format_from_output_suffix(cli, tmp_path: Path) -> None:
    target = tmp_path / "ballard.nq"
    assert cli("export", "-o", str(target)).exit_code == 0
    first = target.read_text("utf-8").splitlines()[0]
    assert first.endswith("> .") and first.count("<") >= 3  # a quad


# --- determinism ------------------------------------------------------------------------------

_EXPORT_ALL = """
import sys
from bgraph.cli import main
for fmt, suffix in [("turtle", "ttl"), ("nt", "nt"), ("nquads", "nq"), ("trig", "trig"),
                    ("jsonld", "jsonld"), ("xml", "rdf")]:
    try:
        main(["export", "--format", fmt, "-o", f"{sys.argv[1]}/out.{suffix}"])
    except SystemExit as exc:
        if exc.code:
            raise
"""


def test_byte_identical_across_processes(tmp_path: Path) -> None:
    """Two processes with different hash seeds (so different set orders and blank-node
    labels) and a cold cache write the same bytes."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        env = dict(os.environ, PYTHONHASHSEED=seed, BGRAPH_CACHE_DIR=str(tmp_path / f"c{seed}"))
        subprocess.run(
            [sys.executable, "-c", _EXPORT_ALL, str(out)], check=True, env=env, timeout=300
        )
        outputs.append(out)
    for name in ("out.ttl", "out.nt", "out.nq", "out.trig", "out.jsonld", "out.rdf"):
        first, second = ((o / name).read_bytes() for o in outputs)
        assert first == second, f"{name} differs between runs"
        assert len(first) > 10_000


def test_line_formats_are_sorted(cli, tmp_path: Path) -> None:
    for fmt in ("nt", "nquads"):
        lines = export_to(cli, tmp_path, fmt).read_text("utf-8").splitlines()
        assert lines == sorted(lines) and len(lines) == len(set(lines))


def test_blank_node_labels_do_not_depend_on_parse_order(enriched_store) -> None:
    quads = store_quads(enriched_store)
    assert any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))
    relabelled: dict = {}

    def fresh(term):
        if isinstance(term, ox.BlankNode):
            return relabelled.setdefault(term, ox.BlankNode())
        return term

    shuffled = [
        ox.Quad(fresh(q.subject), q.predicate, fresh(q.object), q.graph_name)
        for q in reversed(quads)
    ]
    for fmt in ("nquads", "turtle", "nt", "trig", "jsonld", "xml"):
        assert serialize_quads(quads, rdf_format(fmt)) == serialize_quads(shuffled, rdf_format(fmt))


def test_canonical_labels_keep_distinct_blank_nodes_apart() -> None:
    g, h = ox.NamedNode("urn:g"), ox.NamedNode("urn:h")
    p = ox.NamedNode("urn:p")
    x = ox.BlankNode("x")
    quads = [
        ox.Quad(ox.BlankNode(), p, ox.Literal("same"), g),
        ox.Quad(ox.BlankNode(), p, ox.Literal("same"), g),
        ox.Quad(x, p, ox.Literal("x"), h),
        ox.Quad(x, p, ox.Literal("x"), g),  # one blank node in two graphs stays one node
    ]
    canonical = canonical_quads(quads)
    assert len(canonical) == 4
    assert len({q.subject for q in canonical}) == 3


def test_numbers_and_dates_are_spelled_by_value(cli, tmp_path: Path) -> None:
    """Oxigraph stores typed literals by value: every export spells them as it gives them
    back. The lexical forms below are valid (XML Schema 1.1 Part 2, 3.3) and name the same
    values as what comes out."""
    data = tmp_path / "values.ttl"
    data.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<urn:x:s> <urn:x:decimal> "1.50"^^xsd:decimal ; <urn:x:integer> "007"^^xsd:integer ;\n'
        '  <urn:x:boolean> "1"^^xsd:boolean ; <urn:x:double> "1e3"^^xsd:double ;\n'
        '  <urn:x:date> "2025-07-09"^^xsd:date ;\n'
        '  <urn:x:dateTime> "2025-07-09T10:00:00.000+00:00"^^xsd:dateTime ;\n'
        '  <urn:x:bad> "ten"^^xsd:integer .\n'
    )
    out = export_to(cli, tmp_path, "nt", str(data), "--no-inference").read_text("utf-8")
    spelled = {line.split(" ", 2)[1]: line.split(" ", 2)[2] for line in out.splitlines()}
    xsd = "^^<http://www.w3.org/2001/XMLSchema#"
    assert spelled["<urn:x:decimal>"] == f'"1.5"{xsd}decimal> .'
    assert spelled["<urn:x:integer>"] == f'"7"{xsd}integer> .'
    assert spelled["<urn:x:boolean>"] == f'"true"{xsd}boolean> .'
    assert spelled["<urn:x:double>"] == f'"1000"{xsd}double> .'
    assert spelled["<urn:x:date>"] == f'"2025-07-09"{xsd}date> .'
    assert spelled["<urn:x:dateTime>"] == f'"2025-07-09T10:00:00Z"{xsd}dateTime> .'
    assert spelled["<urn:x:bad>"] == f'"ten"{xsd}integer> .'  # ill-typed: kept as written
    query = cli("query", "SELECT ?v { <urn:x:s> <urn:x:decimal> ?v }", str(data), "-f", "csv")
    assert query.stdout.splitlines()[1] == "1.5"  # one spelling on every path


# --- JSON-LD ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jsonld_export(enriched_store) -> dict[str, Any]:
    return json.loads(serialize_quads(store_quads(enriched_store), rdf_format("jsonld")))


def all_keys(node: Any) -> set[str]:
    keys: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "@context":
                keys.add(key)
                keys |= all_keys(value)
    elif isinstance(node, list):
        for item in node:
            keys |= all_keys(item)
    return keys


def test_jsonld_keys_are_short(jsonld_export: dict[str, Any]) -> None:
    ctx = jsonld_export["@context"]
    keys = all_keys(jsonld_export)
    assert not [k for k in keys if "://" in k or k.startswith("http")]
    for key in keys:
        if key.startswith("@"):
            continue
        if ":" in key:
            assert key.split(":", 1)[0] in ctx, key  # a CURIE of a declared prefix
    assert {"name", "actor", "isBasedOn"} <= keys  # schema.org, bare
    assert {"spinOffOf", "hasSpinOff", "castMember", "appearsIn"} <= keys  # bgraph, bare


def test_jsonld_context_is_inline_and_shipped(jsonld_export: dict[str, Any]) -> None:
    assert jsonld_export["@context"] == context()
    assert context()["@vocab"] == "https://schema.org/"


def test_jsonld_reads_like_schema_org(jsonld_export: dict[str, Any]) -> None:
    inferred = next(g for g in jsonld_export["@graph"] if g["@id"] == "bgg:inferred")
    ballard = next(n for n in inferred["@graph"] if n["@id"] == "id:ballard")
    assert "TVSeries" in ballard["@type"]
    assert {"@id": "id:maggie-q"} in ballard["actor"]
    assert "id:maggie-q" in ballard["castMember"]  # bgraph object properties: plain IRIs
    facts = next(g for g in jsonld_export["@graph"] if g["@id"] == "bgg:facts")
    ballard_facts = next(n for n in facts["@graph"] if n["@id"] == "id:ballard")
    assert ballard_facts["@type"] == "bg:TVSeries"  # schema.org's TVSeries keeps the bare name
    season = next(n for n in facts["@graph"] if n["@id"] == "id:ballard-season-1")
    assert season["bg:numberOfEpisodes"] == 10  # a native number, prefixed (homonym); article 001


def test_context_in_sync_with_the_ontology(asserted: Dataset) -> None:
    generated = build_context(asserted.graph(ONTOLOGY_GRAPH))
    assert generated == context_document(), "regenerate: python -m bgraph.jsonld_context"


def test_no_bgraph_key_shadows_a_schema_org_term(asserted: Dataset) -> None:
    tbox = asserted.graph(ONTOLOGY_GRAPH)
    taken = schema_names(tbox)
    for key, value in context().items():
        target = value["@id"] if isinstance(value, dict) and "@id" in value else value
        if isinstance(target, str) and target.startswith("bg:") and ":" not in key:
            assert key not in taken, f"{key} would read as schema.org's {key}"
    assert "genre" not in context() and "bg:genre" in context()  # coerced, prefixed


def test_every_ontology_term_compacts_to_a_short_key(asserted: Dataset) -> None:
    from rdflib.namespace import OWL, RDF

    tbox = asserted.graph(ONTOLOGY_GRAPH)
    terms = set(tbox.subjects(RDF.type, OWL.ObjectProperty))
    terms |= set(tbox.subjects(RDF.type, OWL.DatatypeProperty))
    quads = [
        ox.Quad(ox.NamedNode(ID["x"]), ox.NamedNode(term), ox.NamedNode(ID["y"]))
        for term in terms
        if str(term).startswith(str(BG))
    ]
    doc = json.loads(serialize_quads(quads, rdf_format("jsonld")))
    keys = all_keys(doc) - {"@id", "@graph", "@type", "@value"}
    assert len(keys) == len(quads)
    assert not [k for k in keys if "/" in k]


def test_jsonld_reads_without_network(cli, tmp_path: Path, enriched_store, monkeypatch) -> None:
    """A consumer (rdflib's JSON-LD parser) reads the export with no network at all: the
    context is inline."""
    import socket

    def refuse(*_args, **_kwargs):
        raise AssertionError("a connection was attempted")

    path = export_to(cli, tmp_path, "jsonld")
    back = Dataset()
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    back.parse(path, format="json-ld")
    monkeypatch.undo()
    named = {str(g.identifier) for g in back.graphs() if len(g)}
    published = {g for g in enriched_store.graph_names() if is_published(g)}
    assert EXPLANATIONS_GRAPH in enriched_store.graph_names() and published
    assert named >= published and EXPLANATIONS_GRAPH not in named  # facts, not their proofs


def test_jsonld_default_graph_is_what_a_triples_reader_needs(cli, tmp_path: Path) -> None:
    """rdflib's Graph (a reader of triples: JSON-LD 1.1 section 4.9, named graphs are not part
    of the default graph) reads from the JSON-LD export every triple that the Turtle export
    holds."""
    as_jsonld = Graph().parse(export_to(cli, tmp_path, "jsonld"), format="json-ld")
    as_turtle = Graph().parse(export_to(cli, tmp_path, "turtle"), format="turtle")
    assert len(as_turtle) > 2000
    assert len(as_jsonld) == len(as_turtle)
    assert (ID["ballard"], BG.spinOffOf, ID["bosch"]) in as_jsonld


def test_document_loader_refuses_remote_urls() -> None:
    from pyld.jsonld import JsonLdError

    with pytest.raises(JsonLdError):
        no_fetch_loader("https://schema.org/")
    own = no_fetch_loader("https://w3id.org/bgraph/context.jsonld")
    assert own["document"] == context_document()


def test_remote_context_in_input_is_refused(tmp_path: Path) -> None:
    from bgraph.errors import InputError

    doc = tmp_path / "remote.jsonld"
    doc.write_text(json.dumps({"@context": "https://schema.org/", "name": "x"}))
    with pytest.raises(InputError, match="not fetched"):
        parse_quads(doc)


# --- one entity as schema.org markup ----------------------------------------------------------


@pytest.fixture(scope="module")
def ballard_markup() -> dict[str, Any]:
    from click.testing import CliRunner

    from bgraph.cli import main

    result = CliRunner().invoke(main, ["export", "--format", "jsonld", "--entity", "ballard"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_entity_is_a_schema_org_tree(ballard_markup: dict[str, Any]) -> None:
    doc = ballard_markup
    assert doc["@context"] == {"@vocab": "https://schema.org/"}
    assert doc["@id"] == "https://w3id.org/bgraph/id/ballard"
    assert doc["@type"] == "TVSeries" and doc["name"] == "Ballard"
    # schema.org's Role pattern: each performer both directly and through a PerformanceRole
    actors = [a for a in doc["actor"] if a["@type"] == "Person"]
    roles = [a for a in doc["actor"] if a["@type"] == "PerformanceRole"]
    assert len(actors) == len(roles) == 11 and len(doc["actor"]) == 22
    assert "Maggie Q" in {a["name"] for a in actors}
    assert {r["actor"]["@id"] for r in roles} == {a["@id"] for a in actors}
    (maggie,) = [r for r in roles if r["actor"]["@id"].endswith("/maggie-q")]
    assert maggie["characterName"] == "Renée Ballard"
    # fictional characters are not schema:Person: the roles name them (schema:characterName)
    assert "character" not in doc
    assert {"Renée Ballard", "Harry Bosch", "Samira Parker"} <= {r["characterName"] for r in roles}
    based_on = {n["@id"].rsplit("/", 1)[1]: n["@type"] for n in doc["isBasedOn"]}
    assert based_on.pop("bosch") == "TVSeries"  # the series it spun off from
    novels = [n for n in doc["isBasedOn"] if n["@type"] == "Book"]
    assert set(based_on.values()) == {"Book"} and len(novels) == 2
    connelly = "https://w3id.org/bgraph/id/michael-connelly"
    assert novels[0]["author"] == {"@id": connelly}  # described nearer the root
    described = [
        n
        for key in ("contributor", "producer")
        for n in (doc[key] if isinstance(doc[key], list) else [doc[key]])
        if n["@id"] == connelly and len(n) > 1
    ]
    assert [(n["name"], n["@type"]) for n in described] == [("Michael Connelly", "Person")]
    assert doc["startDate"] == "2025-07-09"
    season = next(s for s in doc["containsSeason"] if s["seasonNumber"] == 1)
    assert season["@type"] == "TVSeason" and season["numberOfEpisodes"] == 10  # JSON numbers
    assert doc["isPartOf"]["@type"] == "CreativeWorkSeries"


def test_entity_markup_uses_schema_org_only(ballard_markup: dict[str, Any]) -> None:
    keys = all_keys(ballard_markup)
    assert not [k for k in keys if ":" in k or "/" in k]


def test_each_node_is_described_once_nearest_the_root(ballard_markup: dict[str, Any]) -> None:
    described: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "@id" in node and len(node) > 1:
                described.append(node["@id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(ballard_markup)
    assert len(described) == len(set(described))
    # Maggie Q: described as Ballard's actor, a link in her role (one level deeper)
    actors = ballard_markup["actor"]
    (maggie,) = [a for a in actors if a["@id"].endswith("/maggie-q") and a["@type"] == "Person"]
    assert maggie["name"] == "Maggie Q"
    (role,) = [a for a in actors if a["@type"] == "PerformanceRole" and a["@id"].endswith("-q")]
    assert role["actor"] == {"@id": maggie["@id"]}


def test_entity_markup_states_only_facts_of_the_graph(
    ballard_markup: dict[str, Any], enriched: Dataset
) -> None:
    parsed = Graph().parse(data=json.dumps(ballard_markup), format="json-ld")
    assert len(parsed) > 100
    served = enriched  # its default graph is the union of its graphs
    for s, p, o in parsed:
        if isinstance(o, Literal):
            values = {(str(v), v.language) for v in served.objects(s, p)}
            assert (str(o), o.language) in values, (s, p, o)
        else:
            assert (s, p, o) in served, (s, p, o)


def test_entity_in_one_language(cli) -> None:
    result = cli("export", "-f", "jsonld", "--entity", "id:ballard", "--lang", "en")
    doc = json.loads(result.stdout)
    role = next(a for a in doc["actor"] if a["@id"].endswith("perf-ballard-hector-hugo"))
    assert role["name"] == "Hector Hugo as Captain Berchem in Ballard"  # the French one left out
    # a value with no English version is kept, in its own language
    novel = next(n for n in doc["isBasedOn"] if n["@id"].endswith("/l-etoile-du-desert"))
    assert novel["name"] == {"@language": "fr", "@value": "L'Étoile du désert"}


def test_entity_by_full_iri_and_in_turtle(cli) -> None:
    result = cli("export", "-f", "turtle", "--entity", "https://w3id.org/bgraph/id/maggie-q")
    assert result.exit_code == 0
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert (ID["maggie-q"], SCHEMA.name, Literal("Maggie Q")) in graph


def test_entity_depth(cli) -> None:
    shallow = json.loads(
        cli("export", "-f", "jsonld", "--entity", "ballard", "--depth", "0").stdout
    )
    assert shallow["actor"][0] == {"@id": "https://w3id.org/bgraph/id/amy-hill"}  # link only


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,code,message",
    [
        (("--format", "yaml"), 2, "valid formats: turtle, trig, nt, nquads, jsonld, xml"),
        (("--entity", "balard"), 2, "did you mean: ballard"),
        (("--entity", "nope:thing"), 2, "unknown prefix"),
        (("--lang", "en"), 2, "--lang applies to --entity only"),
        (("--entity", "ballard", "--lang", "en;rm"), 2, "not a language tag"),
        (("-o", "/"), 2, "is a directory"),
        (("-o", "out.unknown"), 2, "cannot tell the RDF format"),
        (("--depth", "99", "--entity", "ballard"), 2, "Invalid value for '--depth'"),
    ],
)
def test_export_bad_input(cli, args, code: int, message: str) -> None:
    result = cli("export", *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_export_to_unwritable_places(cli, tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    for target in (a_file / "out.ttl", tmp_path / "missing-dir" / "out.ttl", Path("/proc/x.ttl")):
        result = cli("export", "-o", str(target))
        assert result.exit_code != 0, target
        assert "cannot write" in result.output and "Traceback" not in result.output
    assert a_file.read_text() == "x"


def test_atomic_file_keeps_the_mode_and_never_leaves_half_a_file(tmp_path: Path) -> None:
    """Every file bgraph writes whole (exports, dumps, the closure cache, push's state, synth)
    goes through it: renamed into place, with the mode the file had."""
    target = tmp_path / "out.ttl"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    with atomic_file(target) as fh:
        fh.write(b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o640
    with pytest.raises(RuntimeError), atomic_file(target, text=True) as out:
        out.write("half")
        raise RuntimeError("stopped")
    assert target.read_bytes() == b"new" and list(tmp_path.iterdir()) == [target]


def test_atomic_file_reads_the_umask_without_changing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new file gets the mode ``open(path, "w")`` would give (0o666 less the umask, as the
    shell reports it), found without ``os.umask``: setting the umask, even for an instant, would
    make a file another thread creates meanwhile world-writable (dumps are written in threads)."""
    import os
    import subprocess

    shell_umask = int(subprocess.run(["sh", "-c", "umask"], capture_output=True).stdout, 8)

    def no_umask(_mask: int) -> int:
        raise AssertionError("os.umask changes the process's umask")

    monkeypatch.setattr(os, "umask", no_umask)
    with atomic_file(tmp_path / "new.nt") as fh:
        fh.write(b"x")
    assert (tmp_path / "new.nt").stat().st_mode & 0o777 == 0o666 & ~shell_umask


# --- from a store (--store oxigraph | DIR) -----------------------------------------------------

#: Named graphs, blank nodes, languages, numbers and dates in canonical form, a default graph
#: (JSON-LD's top level), and facts the ontology closes (inverse, sub-property, domain).
STORE_TRIG = """@prefix bg: <https://w3id.org/bgraph/ontology/> .
@prefix schema: <https://schema.org/> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:g1 { ex:s1 a bg:TVSeries ; schema:name "Un"@fr, "One"@en ; bg:hasSpinOff ex:s2 ;
          bg:startDate "2020-01-31"^^xsd:date ; ex:note [ ex:text "a blank node" ] . }
ex:g2 { ex:s2 a bg:TVSeries ; schema:name "Two" ; ex:rank 2 ; ex:share "0.5"^^xsd:decimal ;
          ex:seen true ; ex:list ( "a" "b" ) . }
"""
STORE_JSONLD = '{"@id": "http://example.org/s3", "http://example.org/name": "three"}'
FILE_FORMATS = (("nt", "nt"), ("nquads", "nq"), ("turtle", "ttl"), ("trig", "trig"))


def _store_inputs(tmp_path: Path) -> list[Path]:
    trig = tmp_path / "in.trig"
    trig.write_text(STORE_TRIG, encoding="utf-8")
    jsonld = tmp_path / "in.jsonld"
    jsonld.write_text(STORE_JSONLD, encoding="utf-8")
    return [trig, jsonld]


def _export(cli, tmp_path: Path, name: str, *args: str) -> dict[str, bytes]:
    out = {}
    for fmt, suffix in FILE_FORMATS:
        target = tmp_path / f"{name}.{suffix}"
        result = cli("export", "-f", fmt, "-o", str(target), *args)
        assert result.exit_code == 0, result.output
        out[fmt] = target.read_bytes()
    return out


def test_export_is_byte_identical_from_every_store(cli, tmp_path: Path) -> None:
    from bgraph.store import build_store

    paths = [str(p) for p in _store_inputs(tmp_path)]
    build_store(tmp_path / "in.store", [Path(p) for p in paths])
    memory = _export(cli, tmp_path, "memory", *paths)
    built = _export(cli, tmp_path, "built", "--store", str(tmp_path / "in.store"))
    for fmt, _suffix in FILE_FORMATS:
        assert built[fmt] == memory[fmt], f"--store DIR, {fmt}"
    nquads = memory["nquads"].decode()
    assert "<http://example.org/g1>" in nquads and "_:c14n0" in nquads  # graphs, blank nodes
    assert "spinOffOf" in nquads and '"three"' in nquads  # inferred; JSON-LD's default graph
    asserted = _export(cli, tmp_path, "asserted", "--no-inference", *paths)
    build_asserted = _export(
        cli, tmp_path, "built-asserted", "--no-inference", "--store", str(tmp_path / "in.store")
    )
    assert build_asserted == asserted
    assert "spinOffOf" not in asserted["nquads"].decode()


def test_ballard_from_a_built_store_is_the_same_bytes(cli, tmp_path: Path) -> None:
    """Both stores hold literals by value: a built store exports what memory exports."""
    from bgraph.store import build_store

    build_store(tmp_path / "b.store")
    for fmt, suffix in (("nt", "nt"), ("nquads", "nq"), ("turtle", "ttl")):
        memory = _export_one(cli, tmp_path / f"m.{suffix}", fmt)
        built = _export_one(
            cli, tmp_path / f"b.{suffix}", fmt, "--store", str(tmp_path / "b.store")
        )
        assert built == memory, fmt


def _export_one(cli, target: Path, fmt: str, *args: str) -> str:
    result = cli("export", "-f", fmt, "-o", str(target), *args)
    assert result.exit_code == 0, result.output
    return target.read_text("utf-8")


def test_export_bad_stores(cli, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    data = tmp_path / "x.ttl"
    data.write_text("<http://a> <http://b> <http://c> .\n")
    cases = [
        (("--store", str(tmp_path / "missing")), 2, "not memory nor an existing"),
        (("--store", str(plain)), 1, "not a bgraph store"),
        (("--store", str(data)), 2, "not a directory"),
        (("--store", "oxigraph"), 2, "--store memory"),
    ]
    for args, code, message in cases:
        result = cli("export", *args)
        assert result.exit_code == code, result.output
        assert message in result.output and "Traceback" not in result.output


def test_jsonld_reads_rdf_as_pyld_s_own_parser(enriched_store) -> None:
    """The JSON-LD export hands pyld the dataset pyld's own N-Quads parser would give (the
    reference), read in linear time: pyld's parser compares each triple with every other."""
    from pyld.nquads import parse_nquads

    from bgraph.export import _pyld_dataset, store_quads, to_nquads

    text = to_nquads(store_quads(enriched_store))
    text += text.splitlines(keepends=True)[0]  # a repeated line is read once, as pyld does
    assert _pyld_dataset(text) == parse_nquads(text)


@pytest.mark.parametrize("data", ["seed", "crafted"])
def test_jsonld_compaction_is_pyld_s(enriched_store, data: str) -> None:
    """bgraph's compaction (pyld, each IRI compacted once a run, no second expansion) writes what
    ``pyld.jsonld.compact`` writes (the reference), with the full and with a pruned context, and
    leaves its input as it was: on the seed graph (named graphs, claims) and on crafted data
    (blank nodes, languages, numbers and dates)."""
    import copy
    import json

    import pyoxigraph as ox
    from pyld import jsonld

    from bgraph.export import (
        _used_context,
        canonical_quads,
        expanded_jsonld,
        jsonld_options,
        store_quads,
    )
    from bgraph.jsonld_compact import compact
    from bgraph.jsonld_context import context

    if data == "seed":
        quads = store_quads(enriched_store)
    else:
        quads = list(ox.parse(STORE_TRIG.encode(), format=ox.RdfFormat.TRIG))
    expanded = expanded_jsonld(canonical_quads(quads))
    given = json.dumps(expanded)
    full = context()
    pruned = _used_context(compact(expanded, full, jsonld_options()), full)
    assert len(pruned) < len(full)
    for ctx in (full, pruned):
        ours = compact(expanded, ctx, jsonld_options())
        reference = jsonld.compact(copy.deepcopy(expanded), {"@context": ctx}, jsonld_options())
        assert json.dumps(ours) == json.dumps(reference)
    assert json.dumps(expanded) == given
