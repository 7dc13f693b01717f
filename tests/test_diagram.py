"""bgraph diagram: the picture is drawn from the graph, legible, up to date, and fails cleanly."""

from __future__ import annotations

import itertools
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib.namespace import RDF

from bgraph.diagram import render_diagram
from bgraph.namespaces import BG
from bgraph.resources import resources
from bgraph.visual.text import Box, text_box

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "docs" / "universe.svg"
SVG_NS = "{http://www.w3.org/2000/svg}"
REGENERATE = "bgraph diagram -o docs/universe.svg"


def parse(svg: bytes | str) -> ET.Element:
    return ET.fromstring(svg.encode() if isinstance(svg, str) else svg)


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG_NS}g") if cls in g.get("class", "").split()]


def label_boxes(root: ET.Element) -> list[tuple[str, Box]]:
    """Every text's box, from its own attributes (position, size, weight, anchor, content)."""
    out = []
    for t in root.iter(f"{SVG_NS}text"):
        out.append(
            (
                t.text or "",
                text_box(
                    float(t.get("x", 0)),
                    float(t.get("y", 0)),
                    t.text or "",
                    float(t.get("font-size", 16)),
                    t.get("font-weight") == "bold",
                    t.get("text-anchor", "start"),
                ),
            )
        )
    return out


def overlapping(boxes: list[tuple[str, Box]]) -> list[tuple[str, str]]:
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]


@pytest.fixture(scope="module")
def opened():
    """bgraph's own data in the one store (what `bgraph diagram` draws from)."""
    from bgraph.store import open_dataset

    return open_dataset()


@pytest.fixture(scope="module")
def asserted(opened):
    """The asserted facts, as rdflib sees them through oxrdflib: the expected values."""
    from rdflib import Graph

    from bgraph.namespaces import FACTS_GRAPH

    return Graph(store=opened.rdflib_dataset().store, identifier=FACTS_GRAPH)


@pytest.fixture(scope="module")
def universe_svg(opened) -> ET.Element:
    return parse(render_diagram(opened))


# -- content: drawn from the graph --------------------------------------------------------------


def test_svg_has_every_series_with_its_name(asserted, universe_svg):
    drawn = {g.get("data-iri") for g in groups(universe_svg, "series")}
    series = {str(s) for s in asserted.subjects(RDF.type, BG.TVSeries)}
    assert series == drawn
    texts = {t.text for t in universe_svg.iter(f"{SVG_NS}text")}
    assert {"Harry Bosch", "Bosch: Legacy", "Ballard"} <= texts
    assert {"2014–2021", "2022–2025", "2025–"} <= texts  # years on the bars


def test_svg_has_every_spin_off_edge_labelled(asserted, universe_svg):
    expected = {(str(c), str(p)) for c, p in asserted.subject_objects(BG.spinOffOf)}
    assert len(expected) == 2
    edges = groups(universe_svg, "spin-off")
    assert {(g.get("data-source"), g.get("data-target")) for g in edges} == expected
    labels = {t.text for g in edges for t in g.iter(f"{SVG_NS}text")}
    assert labels == {"spin-off #1", "spin-off #2"}


def test_svg_has_adaptations_cast_and_organisations(asserted, universe_svg):
    adapted = {(str(n), str(s)) for s, n in asserted.subject_objects(BG.basedOn)}
    drawn = {
        (g.get("data-source"), g.get("data-target")) for g in groups(universe_svg, "adaptation")
    }
    assert drawn == adapted and len(adapted) == 2
    roles = {
        (g.get("data-actor"), g.get("data-character"), g.get("data-work"))
        for g in groups(universe_svg, "role")
    }
    for perf in asserted.subjects(BG.performer, None):
        work = asserted.value(perf, BG.inWork)
        character = asserted.value(perf, BG.character)
        if character is None or (work, None, BG.TVSeries) not in asserted:
            continue  # Maggie Q in Nikita: no character, not a series of the universe
        assert (str(asserted.value(perf, BG.performer)), str(character), str(work)) in roles
    assert len(roles) == 12
    orgs = {g.get("data-iri") for g in groups(universe_svg, "organization")}
    assert {
        "https://w3id.org/bgraph/id/prime-video",
        "https://w3id.org/bgraph/id/fabel-entertainment",
    } <= orgs
    links = {
        (g.get("data-source"), g.get("data-role")) for g in groups(universe_svg, "affiliation")
    }
    assert ("https://w3id.org/bgraph/id/bosch", "available on") in links
    assert ("https://w3id.org/bgraph/id/ballard", "production company") in links


def test_series_are_placed_on_the_time_axis_by_year(universe_svg):
    xs = {}
    for g in groups(universe_svg, "series"):
        rect = next(g.iter(f"{SVG_NS}rect"))
        xs[g.get("data-iri").rsplit("/", 1)[-1]] = float(rect.get("x"))
    years = {t.text: float(t.get("x")) for t in universe_svg.iter(f"{SVG_NS}text")}
    assert xs["bosch"] < xs["bosch-legacy"] < xs["ballard"]
    year_w = years["2015"] - years["2014"]
    assert xs["bosch-legacy"] - xs["bosch"] == pytest.approx(8 * year_w)  # 2022 - 2014
    assert xs["ballard"] - xs["bosch"] == pytest.approx(11 * year_w)  # 2025 - 2014


# -- legibility ---------------------------------------------------------------------------------


def test_franchise_labels_do_not_overlap(universe_svg):
    boxes = label_boxes(universe_svg)
    assert len(boxes) > 60
    assert overlapping(boxes) == []


@pytest.mark.parametrize(("focus", "depth"), [("ballard", 1), ("bosch", 2), ("maggie-q", 2)])
def test_neighbourhood_labels_do_not_overlap(opened, focus, depth):
    root = parse(render_diagram(opened, focus=focus, depth=depth))
    assert overlapping(label_boxes(root)) == []
    assert groups(root, "focus")[0].get("data-iri") == f"https://w3id.org/bgraph/id/{focus}"


def test_synthetic_universe_labels_do_not_overlap(tmp_path):
    """A bigger, made-up universe (10 series, dated novels, 90 roles) stays legible."""
    from bgraph.store import open_dataset
    from bgraph.synth import synthesize

    nt = "".join(f"{s} {p} {o} .\n" for s, p, o, _g in synthesize(2500, 3, provenance=False))
    data = tmp_path / "synth.nt"
    data.write_text(nt, encoding="utf-8")
    root = parse(render_diagram(open_dataset([data, resources().ontology], inference=False)))
    assert len(groups(root, "series")) >= 5
    assert overlapping(label_boxes(root)) == []


# -- the committed picture ----------------------------------------------------------------------


def test_committed_universe_svg_is_up_to_date(cli, tmp_path):
    fresh = tmp_path / "universe.svg"
    result = cli("diagram", "-o", str(fresh))
    assert result.exit_code == 0, result.output
    assert COMMITTED.read_bytes() == fresh.read_bytes(), (
        f"docs/universe.svg is out of date with the data; regenerate it: {REGENERATE}"
    )


def test_output_is_deterministic(opened):
    assert render_diagram(opened) == render_diagram(opened)


def test_same_picture_from_a_built_store(opened, tmp_path):
    """RAM or a store on disk, with or without the closure: the same bytes."""
    from bgraph.store import build_store, open_dataset

    build_store(tmp_path / "store")
    built = open_dataset(store=str(tmp_path / "store"))
    bare = open_dataset(inference=False)
    for focus in (None, "ballard"):
        assert render_diagram(built, focus=focus) == render_diagram(opened, focus=focus)
        assert render_diagram(bare, focus=focus) == render_diagram(opened, focus=focus)


def test_a_performance_as_focus_shows_its_three_parts(opened, asserted):
    perf = sorted(asserted.subjects(BG.performer, None))[0]
    root = parse(render_diagram(opened, focus=str(perf)))
    drawn = {g.get("data-iri") for g in groups(root, "node")}
    for prop in (BG.performer, BG.character, BG.inWork):
        for value in asserted.objects(perf, prop):
            assert str(value) in drawn


# -- formats ------------------------------------------------------------------------------------


def test_svg_needs_no_graphviz(opened, monkeypatch):
    monkeypatch.setenv("PATH", "")
    parse(render_diagram(opened, "svg"))


def test_dot_output_has_the_spin_offs(cli):
    result = cli("diagram", "--format", "dot")
    assert result.exit_code == 0
    assert result.output.startswith('digraph "Bosch universe" {')
    for child in ("bosch-legacy", "ballard"):
        assert (
            f'"https://w3id.org/bgraph/id/bosch" -> "https://w3id.org/bgraph/id/{child}"'
            in result.output
        )


def test_dot_output_is_accepted_by_graphviz_when_installed(opened, tmp_path):
    import shutil
    import subprocess

    dot = shutil.which("dot")
    if dot is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Graphviz (.ci/setup.d/70-graphviz-cairo.sh installs it)")
        pytest.skip("Graphviz is not installed (bgraph does not need it)")
    for focus in (None, "ballard"):
        src = render_diagram(opened, "dot", focus=focus)
        done = subprocess.run([dot, "-Tsvg"], input=src, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr.decode()


def test_png_output(cli, tmp_path):
    from bgraph.visual.png import PngUnavailable, svg_to_png

    try:
        svg_to_png("<svg xmlns='http://www.w3.org/2000/svg' width='2' height='2'/>")
    except PngUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Cairo (.ci/setup.d/70-graphviz-cairo.sh installs it): {exc}")
        pytest.skip(str(exc))
    out = tmp_path / "universe.png"
    result = cli("diagram", "-o", str(out))  # the suffix picks the format
    assert result.exit_code == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "png" in result.stderr


def test_focus_accepts_ids_prefixed_ids_and_iris(cli):
    for ident in ("ballard", "id:ballard", "https://w3id.org/bgraph/id/ballard"):
        result = cli("diagram", "--focus", ident)
        assert result.exit_code == 0
        assert "Neighbourhood of Ballard" in result.output


def test_depth_zero_draws_the_entity_alone(opened):
    root = parse(render_diagram(opened, focus="ballard", depth=0))
    assert len(groups(root, "node")) == 1


# -- bad input: clear message, non-zero exit, no traceback ---------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--focus", "ballrd"], 2, "no entity 'ballrd' in the graph"),
        (["--focus", "ballrd"], 2, "did you mean ballard"),
        (["--format", "jpeg"], 2, "unknown diagram format 'jpeg'; valid formats: svg, png, dot"),
        (["--focus", "ballard", "--depth", "9"], 2, "--depth must be between 0 and 6, not 9"),
        (["--focus", "ballard", "--depth", "-1"], 2, "--depth must be between 0 and 6, not -1"),
        (["--focus", "ballard", "--depth", "two"], 2, "'two' is not a valid integer"),
        (["--depth", "2"], 2, "--depth needs --focus"),
        (["-o", "/nonexistent-dir/universe.svg"], 1, "no such directory /nonexistent-dir"),
    ],
)
def test_bad_input(cli, args, code, message):
    result = cli("diagram", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_output_into_a_directory_is_refused(cli, tmp_path):
    result = cli("diagram", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_unwritable_output_file(cli, tmp_path):
    import os

    if os.geteuid() == 0:
        target = Path("/proc/version")  # root may write anywhere else
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "universe.svg"
    result = cli("diagram", "-o", str(target))
    assert result.exit_code == 1
    assert f"cannot write {target}" in result.stderr
    assert "Traceback" not in result.stderr


def test_edge_titles_read_as_english() -> None:
    """Tooltips say "Ballard is spin-off of Harry Bosch" (the property's label is "spin-off
    of"): no word said twice in a row."""
    import re

    svg = (Path(__file__).resolve().parents[1] / "docs" / "universe.svg").read_text("utf-8")
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert "Ballard is spin-off of Harry Bosch" in titles
    assert not [t for t in titles if re.search(r"\b(\w+) \1\b", t)]
