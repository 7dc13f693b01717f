"""``bgraph synth``: exact sizes, determinism, the real data's shape, every format, bad input."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, SDO

from bgraph.errors import ExitCode, UsageError
from bgraph.namespaces import BG, FACTS_GRAPH, PROVENANCE_GRAPH
from bgraph.synth import synthesize, write_synthetic


@pytest.mark.parametrize("n", [0, 1, 57, 3000])
def test_exactly_n_distinct_statements(n: int) -> None:
    for provenance in (False, True):
        st = list(synthesize(n, seed=3, provenance=provenance))
        assert len(st) == n
        assert len(set(st)) == n


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "c.nt"
    write_synthetic(a, 2000, seed=7)
    write_synthetic(b, 2000, seed=7)
    write_synthetic(c, 2000, seed=8)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_prefix_property(tmp_path: Path) -> None:
    """A smaller universe is the start of a bigger one with the same seed."""
    small = list(synthesize(500, seed=1))
    big = list(synthesize(5000, seed=1))
    assert big[:500] == small


def test_shape_of_the_real_data(tmp_path: Path) -> None:
    path = tmp_path / "u.ttl"
    write_synthetic(path, 5000, seed=0)
    g = Graph().parse(path)
    assert len(g) == 5000
    classes = Counter(o for o in g.objects(None, RDF.type))
    for cls in (
        "Franchise",
        "TVSeries",
        "TVSeason",
        "Novel",
        "Person",
        "FictionalCharacter",
        "Performance",
        "ProductionCompany",
        "StreamingService",
        "ViewershipFigure",
        "ChartRanking",
        "CriticScore",
        "Release",
        "City",
        "Genre",
        "FictionalUnit",
        "Occupation",
        "Circumstance",
    ):
        assert classes[BG[cls]] > 0, cls
    preds = {p for p in g.predicates()}
    for prop in (
        "performer",
        "character",
        "inWork",
        "spinOffOf",
        "basedOn",
        "ally",
        "heads",
        "occupation",
        "fictionalUnitOf",
        "circumstance",
    ):
        assert BG[prop] in preds, prop
    # the current model: units are fictional (not organisations), characters have occupations
    assert classes[BG.OrganizationUnit] == 0
    for character in g.subjects(RDF.type, BG.FictionalCharacter):
        assert (character, SDO.jobTitle, None) not in g
    # every IRI it mints is under the synthetic namespace or a vocabulary
    for s in g.subjects():
        assert str(s).startswith("https://w3id.org/bgraph/id/synth/")


def test_quads_formats_carry_provenance(tmp_path: Path) -> None:
    for name in ("u.trig", "u.nq"):
        path = tmp_path / name
        report = write_synthetic(path, 4000, seed=0)
        ds = Dataset()
        ds.parse(path)
        total = sum(len(g) for g in ds.graphs())
        assert total == 4000 == report.statements
        assert report.provenance > 0
        names = {g.identifier for g in ds.graphs() if len(g)}
        assert FACTS_GRAPH in names and PROVENANCE_GRAPH in names
        claims = [n for n in names if "/claim/" in str(n)]
        assert claims
        prov = ds.graph(PROVENANCE_GRAPH)
        assert (claims[0], RDF.type, BG.Claim) in prov
        # claim graphs hold facts, not new knowledge
        facts = ds.graph(FACTS_GRAPH)
        for t in ds.graph(URIRef(claims[0])):
            assert t in facts


@pytest.mark.parametrize("suffix", [".nt", ".ttl", ".jsonld", ".rdf"])
def test_triples_formats_parse(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"u{suffix}"
    write_synthetic(path, 800, seed=2)
    g = Dataset() if suffix == ".jsonld" else Graph()
    g.parse(path)
    assert sum(1 for _ in (g.quads() if isinstance(g, Dataset) else g)) >= 800 - 100


def test_bad_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        list(synthesize(-1))
    with pytest.raises(UsageError):
        write_synthetic(tmp_path, 10)
    with pytest.raises(UsageError):
        write_synthetic(tmp_path / "nope" / "u.nt", 10)
    with pytest.raises(UsageError):
        write_synthetic(tmp_path / "u.doc", 10)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_cli(cli, tmp_path: Path) -> None:
    out = tmp_path / "u.nt"
    res = cli("synth", "--triples", "1000", "--seed", "4", "-o", str(out))
    assert res.exit_code == ExitCode.OK
    assert "Wrote 1,000 statements" in res.stderr
    assert len(out.read_text().splitlines()) == 1000
    res = cli("synth", "-n", "3", "-o", "-")
    assert res.exit_code == 0 and len(res.stdout.splitlines()) == 3
    for args, code in (
        (("-n", "-3", "-o", str(out)), ExitCode.USAGE),
        (("-n", "3", "-o", str(tmp_path / "x.unknown")), ExitCode.USAGE),
        (("-n", "3", "-o", str(tmp_path / "missing" / "x.nt")), ExitCode.USAGE),
        (("-n", "many", "-o", str(out)), ExitCode.USAGE),
        (("-n", "3", "-o", str(out), "--format", "docx"), ExitCode.USAGE),
    ):
        res = cli("synth", *args)
        assert res.exit_code == code, (args, res.output)
