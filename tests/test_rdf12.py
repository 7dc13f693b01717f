"""Data with RDF 1.2 terms: triple terms (``<<( s p o )>>``) and base directions (``"…"@en--ltr``),
which Oxigraph parses, stores, queries and writes.

Every command reads such a file. The fast reasoner reads a triple term as RDF 1.2 Semantics
does: an ordinary term in object position, opaque (its parts assert and entail nothing), and
never a subject (so rdfs3's ``range`` conclusion about it is not a triple). Where a library on
rdflib's RDF 1.1 model would have to read the terms (owlrl, pyshacl, pyld's JSON-LD), the
command stops with a clear message instead of a traceback, and the endpoint answers 406 for
JSON-LD."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from bgraph.errors import ExitCode
from bgraph.reason import compute_closure_nt
from server_harness import running_server

EX = "http://example.org/"
BALLARD = "https://w3id.org/bgraph/id/ballard"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TBOX = f"""
@prefix ex: <{EX}> . @prefix rdfs: <{RDFS}> .
ex:says rdfs:subPropertyOf ex:mentions ; rdfs:domain ex:Speaker ; rdfs:range ex:Statement .
ex:c rdfs:subPropertyOf ex:e .
"""
ABOX = f"""
@prefix ex: <{EX}> .
ex:a ex:says <<( ex:b ex:c ex:d )>> .
ex:a ex:name "A"@en--ltr .
"""
TRIPLE_TERM = f"<<( <{EX}b> <{EX}c> <{EX}d> )>>"


def _nt(turtle: str) -> bytes:
    quads = ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)
    return ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)


def test_the_fast_reasoner_reads_triple_terms_as_rdf_12_semantics_does() -> None:
    closure = compute_closure_nt(_nt(TBOX), lambda: [_nt(ABOX)])
    assert closure.reasoner == "fast"
    inferred = set(closure.lines)
    # rdfs7 and rdfs2 apply to a statement whose object is a triple term
    assert f"<{EX}a> <{EX}mentions> {TRIPLE_TERM} ." in inferred
    assert f"<{EX}a> <{RDF_TYPE}> <{EX}Speaker> ." in inferred
    # rdfs3 would make the triple term a subject: no RDF triple has one
    assert not any(line.startswith("<<") for line in inferred)
    # the triple term asserts nothing, and no rule reaches inside it
    assert f"<{EX}b> <{EX}c> <{EX}d> ." not in inferred
    assert not any(f"<{EX}e>" in line for line in inferred)


FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "xml": ox.RdfFormat.RDF_XML,
}


@pytest.fixture
def rdf12(tmp_path: Path) -> Path:
    path = tmp_path / "rdf12.ttl"
    path.write_text(TBOX + ABOX, encoding="utf-8")
    return path


def test_commands_read_rdf_12_data(cli, rdf12: Path, tmp_path: Path) -> None:
    out = tmp_path / "closure.nq"
    assert cli("reason", str(rdf12), "-o", str(out)).exit_code == 0
    assert f"<{EX}mentions> {TRIPLE_TERM}" in out.read_text("utf-8")
    assert cli("stats", str(rdf12)).exit_code == 0
    for fmt, parser in FORMATS.items():
        result = cli("export", str(rdf12), "--format", fmt)
        assert result.exit_code == 0, fmt
        parsed = list(ox.parse(result.stdout_bytes, format=parser))
        assert any(isinstance(q.object, ox.Triple) for q in parsed), fmt
        assert any(getattr(q.object, "direction", None) for q in parsed), fmt
    query = "SELECT ?o WHERE { ?s ?p ?o FILTER(isTRIPLE(?o)) }"
    result = cli("query", query, str(rdf12), "--format", "tsv")
    assert result.exit_code == 0
    assert TRIPLE_TERM in result.output
    built = tmp_path / "store"
    assert cli("build", str(rdf12), "-o", str(built)).exit_code == 0


def test_what_rdflib_libraries_cannot_read_is_a_clear_error(cli, rdf12: Path) -> None:
    result = cli("export", str(rdf12), "--format", "jsonld")
    assert result.exit_code == ExitCode.FAILURE
    assert "JSON-LD cannot carry this data: it holds RDF 1.2 triple terms" in result.output
    result = cli("validate", str(rdf12))
    assert result.exit_code == ExitCode.FAILURE
    assert "RDF 1.2 triple terms" in result.output and "pyshacl" in result.output
    result = cli("reason", str(rdf12), "--reasoner", "owlrl")
    assert result.exit_code == ExitCode.FAILURE
    assert "owlrl (on rdflib's RDF 1.1 model) cannot read the RDF 1.2 triple terms" in result.output


def test_the_endpoint_answers_rdf_12_data(rdf12: Path, tmp_path: Path) -> None:
    about = tmp_path / "about-ballard.ttl"  # RDF 1.2 terms on an entity page
    about.write_text(
        f'<{BALLARD}> <{EX}says> <<( <{EX}b> <{EX}c> <{EX}d> )>> ; <{EX}motto> "Cold"@en--ltr .\n',
        encoding="utf-8",
    )
    with running_server(str(rdf12), str(about), "--quiet") as srv:
        page = httpx.get(srv.url + "id/ballard.html")
        assert page.status_code == 200
        assert '<span class="triple">&lt;&lt;( &lt;http://example.org/b&gt;' in page.text
        assert '<span class="literal" lang="en" dir="ltr">Cold</span>' in page.text
        assert "<<( <http://example.org/b>" in httpx.get(srv.url + "id/ballard.nt").text
        refused = httpx.get(srv.url + "id/ballard.jsonld")
        assert refused.status_code == 406
        assert "JSON-LD cannot carry this data" in refused.text
        url = srv.url + "sparql"
        select = "SELECT ?o WHERE { ?s ?p ?o FILTER(isTRIPLE(?o)) }"
        r = httpx.post(url, data={"query": select}, headers={"Accept": "text/tab-separated-values"})
        assert r.status_code == 200 and TRIPLE_TERM in r.text
        construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isTRIPLE(?o)) }"
        r = httpx.post(url, data={"query": construct}, headers={"Accept": "application/ld+json"})
        assert r.status_code == 406
        assert "JSON-LD cannot carry this data" in r.text
        r = httpx.post(url, data={"query": construct}, headers={"Accept": "text/turtle"})
        assert r.status_code == 200 and "<<(" in r.text
