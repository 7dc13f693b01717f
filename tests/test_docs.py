"""bgraph docs: every class and property documented, with labels, alignments and constraints."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from bgraph.namespaces import BG
from bgraph.resources import resources


class Sections(HTMLParser):
    """Collects the text of each <section id=...> and every external resource the page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, str] = {}
        self.stack: list[str | None] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe") and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and a.get("rel") == "stylesheet":
            self.loads.append(a.get("href", ""))
        if tag == "section":
            self.stack.append(a.get("id"))
            if a.get("id"):
                self.sections[a["id"]] = ""
        for name, value in attrs:  # links count as text: they carry the term references
            if name == "href" and value:
                self._add(f" {value} ")

    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        self._add(data)

    def _add(self, text):
        for sid in self.stack:
            if sid:
                self.sections[sid] += text


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from bgraph.docs import build_docs

    out = tmp_path_factory.mktemp("docs")
    build_docs(out)
    return out


@pytest.fixture(scope="module")
def page(built) -> Sections:
    parser = Sections()
    parser.feed((built / "index.html").read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def tbox() -> Graph:
    g = Graph()
    g.parse(resources().ontology)
    return g


def terms(tbox: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return sorted(
        {t for k in kinds for t in tbox.subjects(RDF.type, k) if str(t).startswith(str(BG))}
    )


def test_writes_the_page_and_the_ontology_files(built):
    names = sorted(p.name for p in built.iterdir())
    assert names == ["index.html", "ontology.jsonld", "ontology.ttl", "shapes.ttl"]


def test_every_class_and_property_has_its_section_with_labels_and_definition(page, tbox):
    found = terms(tbox)
    assert len(found) >= 100
    for term in found:
        name = str(term)[len(str(BG)) :]
        assert name in page.sections, f"no section for {name}"
        text = page.sections[name]
        for lab in tbox.objects(term, RDFS.label):
            assert str(lab) in text, f"{name}: label {lab!r} ({lab.language}) missing"
        assert {lab.language for lab in tbox.objects(term, RDFS.label)} >= {"en", "fr"}
        for comment in tbox.objects(term, RDFS.comment):
            assert str(comment) in text, f"{name}: definition missing"


def test_domain_range_and_alignments_are_shown(page, tbox):
    for term in terms(tbox):
        name = str(term)[len(str(BG)) :]
        text = page.sections[name]
        for p in (RDFS.domain, RDFS.range):
            for value in tbox.objects(term, p):
                assert str(value).rsplit("/", 1)[-1] in text, f"{name}: {p} {value} missing"
        for p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass):
            for value in tbox.objects(term, p):
                if str(value).startswith("https://schema.org/"):
                    assert f"schema:{str(value)[19:]}" in text, f"{name}: {value} missing"
        for p in (SKOS.exactMatch, SKOS.closeMatch):
            for value in tbox.objects(term, p):
                qid = str(value).rsplit("/", 1)[-1]
                assert f"wd:{qid}" in text, f"{name}: Wikidata {qid} missing"
                assert "https://www.wikidata.org/wiki/" in text


def test_examples_of_alignments(page):
    series = page.sections["TVSeries"]
    assert "série télévisée" in series
    assert "schema:TVSeries" in series and "wd:Q5398426" in series
    has_spin_off = page.sections["hasSpinOff"]
    assert "wd:P2512" in has_spin_off and "Property:P2512" in has_spin_off
    assert "spinOffOf" in has_spin_off  # inverse


def test_shacl_constraints_that_apply_are_shown(page):
    series = page.sections["TVSeries"]
    assert "bgsh:TVSeriesShape" in series and "bg:startDate" in series
    assert "max count" in series
    assert "bgsh:EntityShape" in series and "via bg:Work" in series  # inherited
    order = page.sections["spinOffOrder"]
    assert "bgsh:SpinOffShape" in order and "min count" in order
    assert "shape-TVSeriesShape" in page.sections


def test_page_is_self_contained(page):
    assert page.loads == []  # inline CSS, no scripts, nothing fetched


def test_ontology_downloads_are_the_ontology(built, tbox):
    ttl = Graph().parse(built / "ontology.ttl")
    assert isomorphic(ttl, tbox)
    jsonld = Graph().parse(built / "ontology.jsonld", format="json-ld")
    assert isomorphic(jsonld, tbox)


def test_output_is_deterministic(built, tmp_path):
    from bgraph.docs import build_docs

    build_docs(tmp_path)
    for name in ("index.html", "ontology.ttl", "ontology.jsonld"):
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_cli_writes_the_docs(cli, tmp_path):
    result = cli("docs", "-o", str(tmp_path / "site"))
    assert result.exit_code == 0
    assert (tmp_path / "site" / "index.html").is_file()
    assert "Wrote" in result.output


def test_cli_refuses_a_file_as_the_folder(cli, tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    result = cli("docs", "-o", str(target))
    assert result.exit_code == 1
    assert "it is a file, not a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_reports_an_uncreatable_folder(cli):
    result = cli("docs", "-o", "/proc/bgraph-docs")
    assert result.exit_code == 1
    assert "cannot create /proc/bgraph-docs" in result.stderr


def test_output_is_identical_across_processes(tmp_path):
    """Different hash seeds and fresh parses (new blank-node labels) give the same bytes."""
    import os
    import subprocess
    import sys

    outs = []
    for seed in ("1", "7"):
        out = tmp_path / f"seed{seed}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run(
            [sys.executable, "-m", "bgraph", "docs", "-o", str(out)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outs.append(out)
    for name in ("index.html", "ontology.ttl", "ontology.jsonld"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_hostile_text_in_the_ontology_is_escaped():
    """Labels, definitions, example names and IRIs are text: a ``<script>`` or a ``"`` in them
    ends no element and no attribute, and reads back as it was written."""
    from bgraph.docs import Constraint, OntologyDoc, Shape, Term
    from bgraph.docs_html import render_html

    hostile = '<script>alert("x")</script>'
    shape = Constraint(
        str(BG) + "s", "s", [], "bg:x", [("pattern", '"><b>')], message=hostile, via=hostile
    )
    term = Term(
        iri=str(BG) + "Evil",
        name="Evil",
        kind="class",
        labels={"en": hostile, 'x"': "label"},
        comments={"fr": 'a "quote" <i>'},
        constraints=[shape],
        examples=[('https://example.org/"onmouseover="x', hostile)],
        uses=1,
    )
    doc = OntologyDoc(
        iri=str(BG),
        titles={"en": hostile, "fr": hostile},
        descriptions={"en": hostile},
        version=hostile,
        version_iri=None,
        license='https://example.org/"><script>',
        creators=[hostile],
        created=None,
        terms=[term],
        shapes=[Shape(str(BG) + "s", hostile, hostile, [hostile], [shape])],
        prefixes={"bg": str(BG)},
    )
    html = render_html(doc, link_for=lambda iri: iri + "?<&>")
    assert "<script" not in html and "<i>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "onmouseover=&#34;x" in html
    parser = Sections()
    parser.feed(html)
    assert parser.loads == []
    evil = parser.sections["Evil"]
    assert (
        hostile in evil
        and 'a "quote" <i>' in evil
        and 'https://example.org/"onmouseover="x?<&>' in evil
    )
    assert '"><b>' in evil
    assert hostile in parser.sections["shape-s"] and hostile in parser.sections["overview"]
