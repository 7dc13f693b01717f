"""SHACL validation: the data conforms, and each kind of defect is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, SDO, XSD

from bgraph.namespaces import BG, FACTS_GRAPH, ID, PROVENANCE_GRAPH
from bgraph.store import open_dataset
from bgraph.validate import validate_dataset
from helpers import copy_root, run_bgraph


def test_data_conforms(asserted: Dataset) -> None:
    report = validate_dataset(asserted)
    assert report.conforms, report.violations
    assert report.violations == []
    assert report.checked_nodes > 100


def broken(mutate, graph=FACTS_GRAPH) -> list[tuple[str, str]]:
    ds = open_dataset(inference=False, cluster=False).rdflib_dataset()  # a fresh RAM store
    mutate(ds.graph(graph))
    report = validate_dataset(ds)
    assert not report.conforms
    return [
        (v.focus.split("<")[-1].rstrip(">"), v.path.rsplit("/", 1)[-1]) for v in report.violations
    ]


@pytest.mark.parametrize(
    ("what", "mutate", "expected"),
    [
        (
            "missing name",
            lambda g: g.remove((ID["maggie-q"], SDO.name, None)),
            (str(ID["maggie-q"]), "name"),
        ),
        (
            "two performers",
            lambda g: g.add((ID["perf-ballard-amy-hill"], BG.performer, ID["noah-bean"])),
            (str(ID["perf-ballard-amy-hill"]), "performer"),
        ),
        (
            "untyped year",
            lambda g: g.set((ID.bosch, BG.startDate, Literal("2014"))),
            (str(ID.bosch), "startDate"),
        ),
        (
            "bad currency",
            lambda g: g.set((ID["ballard-tax-credit-amount"], BG.currency, Literal("dollars"))),
            (str(ID["ballard-tax-credit-amount"]), "currency"),
        ),
        (
            "number without unit",
            lambda g: g.remove((ID["ballard-minutes-first-month"], BG.unit, None)),
            (str(ID["ballard-minutes-first-month"]), "unit"),
        ),
        (
            "figure without a unit code",
            lambda g: g.remove((ID["ballard-minutes-first-month"], BG.unitCode, None)),
            (str(ID["ballard-minutes-first-month"]), "unitCode"),
        ),
        (
            "performance without the character's name",
            lambda g: g.remove((ID["perf-ballard-amy-hill"], SDO.characterName, None)),
            (str(ID["perf-ballard-amy-hill"]), "characterName"),
        ),
        (
            "fictional unit as a real unit of the LAPD",
            lambda g: g.add((ID["lapd-cold-case-unit"], BG.parentOrganization, ID.lapd)),
            (str(ID["lapd-cold-case-unit"]), "parentOrganization"),
        ),
        (
            "fictional unit without its real organisation",
            lambda g: g.remove((ID["lapd-cold-case-unit"], BG.fictionalUnitOf, None)),
            (str(ID["lapd-cold-case-unit"]), "fictionalUnitOf"),
        ),
        (
            "release dated as a work",
            lambda g: g.add(
                (ID["ballard-release"], BG.releaseDate, Literal("2025-07-09", datatype=XSD.date))
            ),
            (str(ID["ballard-release"]), "releaseDate"),
        ),
        (
            "entity without provenance",
            lambda g: (
                g.add((ID.ghost, RDF.type, BG.Person)),
                g.add((ID.ghost, SDO.name, Literal("Ghost"))),
            ),
            (str(ID.ghost), "subjectOf"),
        ),
    ],
)
def test_each_defect_is_reported(what: str, mutate, expected: tuple[str, str]) -> None:
    assert expected in broken(mutate), what


def test_fictional_unit_typed_as_organisation_is_reported() -> None:
    found = broken(lambda g: g.add((ID["lapd-cold-case-unit"], RDF.type, BG.PublicAgency)))
    assert str(ID["lapd-cold-case-unit"]) in {focus for focus, _path in found}


def test_derived_claim_without_derivation_is_reported() -> None:
    claim = URIRef("https://w3id.org/bgraph/claim/d002-nielsen-week")
    found = broken(lambda g: g.remove((claim, BG.derivation, None)), graph=PROVENANCE_GRAPH)
    assert (str(claim), "derivation") in found


def test_cli_exit_codes(tmp_path: Path) -> None:
    ok = run_bgraph("validate", cache=tmp_path / "c")
    assert ok.returncode == 0, ok.stderr
    assert "Conforms" in ok.stdout

    root = copy_root(tmp_path)
    data = root / "data" / "ballard.ttl"
    data.write_text(
        data.read_text("utf-8") + '\nid:ghost a bg:Person ; schema:name "Ghost" .\n', "utf-8"
    )
    bad = run_bgraph("validate", root=root, cache=tmp_path / "c")
    assert bad.returncode == 1
    assert "ghost" in bad.stdout and "Does not conform" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr


def test_cli_json_report(tmp_path: Path) -> None:
    import json

    out = run_bgraph("validate", "--json", cache=tmp_path / "c")
    report = json.loads(out.stdout)
    assert report["conforms"] is True and report["violations"] == []
