"""Every asserted fact is traceable to the article(s) that state it, with a verbatim quote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Dataset
from rdflib.namespace import PROV, RDF, SDO

from bgraph.namespaces import BG, FACTS_GRAPH, ID, PROVENANCE_GRAPH
from bgraph.resources import resources

ARTICLES = resources().articles


def claims(ds: Dataset) -> list:
    return sorted(ds.graph(PROVENANCE_GRAPH).subjects(RDF.type, BG.Claim))


def test_every_fact_is_in_a_claim(asserted: Dataset) -> None:
    claimed = set()
    for c in claims(asserted):
        claimed.update(asserted.graph(c))
    orphans = set(asserted.graph(FACTS_GRAPH)) - claimed
    assert not orphans, sorted(orphans)[:10]


def test_every_claimed_triple_is_a_fact(asserted: Dataset) -> None:
    """The other direction: a claim cannot smuggle in a fact data/ballard.ttl lacks."""
    facts = asserted.graph(FACTS_GRAPH)
    extra = [(c, t) for c in claims(asserted) for t in asserted.graph(c) if t not in facts]
    assert not extra, extra[:10]


def test_every_claim_has_one_article_and_one_french_quote(asserted: Dataset) -> None:
    prov = asserted.graph(PROVENANCE_GRAPH)
    assert len(claims(asserted)) >= 40
    for c in claims(asserted):
        articles = list(prov.objects(c, PROV.wasDerivedFrom))
        quotes = list(prov.objects(c, BG.quote))
        assert len(articles) == 1 and (articles[0], RDF.type, BG.NewsArticle) in prov, c
        assert len(quotes) == 1 and quotes[0].language == "fr", c
        assert len(asserted.graph(c)) > 0, f"empty claim {c}"


def test_articles_are_described(asserted: Dataset) -> None:
    prov = asserted.graph(PROVENANCE_GRAPH)
    files = {str(prov.value(a, SDO.identifier)) for a in prov.subjects(RDF.type, BG.NewsArticle)}
    assert files == {
        "000_2294e789d07cac28.txt",
        "001_eeb509711a76b266.txt",
        "002_2b29586fde0a6cd6.txt",
    }
    assert str(prov.value(ID["article-000"], SDO.datePublished)) == "2025-08"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not ARTICLES.is_dir(), reason=f"source articles not found at {ARTICLES}")
def test_every_quote_occurs_verbatim_in_its_article(asserted: Dataset) -> None:
    prov = asserted.graph(PROVENANCE_GRAPH)
    texts = {p.name: normalise(p.read_text("utf-8")) for p in Path(ARTICLES).glob("*.txt")}
    assert len(texts) == 3
    missing = []
    for c in claims(asserted):
        article = prov.value(c, PROV.wasDerivedFrom)
        quote = normalise(str(prov.value(c, BG.quote)))
        if quote not in texts[str(prov.value(article, SDO.identifier))]:
            missing.append((str(c), quote))
    assert not missing, missing


@pytest.mark.skipif(not ARTICLES.is_dir(), reason=f"source articles not found at {ARTICLES}")
def test_review_bodies_are_verbatim(asserted: Dataset) -> None:
    text = normalise((Path(ARTICLES) / "000_2294e789d07cac28.txt").read_text("utf-8"))
    bodies = list(asserted.graph(FACTS_GRAPH).objects(None, SDO.reviewBody))
    assert len(bodies) == 4
    for body in bodies:
        assert normalise(str(body)) in text


README_QUERY = """
PREFIX bg:     <https://w3id.org/bgraph/ontology/>
PREFIX id:     <https://w3id.org/bgraph/id/>
PREFIX prov:   <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
SELECT ?file ?quote WHERE {
  GRAPH ?claim { ?perf bg:performer ?actor ; bg:character ?role }
  ?actor schema:name "Maggie Q" . ?role schema:name "Renée Ballard" .
  ?claim prov:wasDerivedFrom ?article ; bg:quote ?quote .
  ?article schema:identifier ?file .
} ORDER BY ?file ?quote
"""


def test_which_article_says_maggie_q_plays_renee_ballard(asserted: Dataset) -> None:
    rows = [(str(f), str(q)) for f, q in asserted.query(README_QUERY)]
    files = {f for f, _q in rows}
    assert files == {
        "000_2294e789d07cac28.txt",
        "001_eeb509711a76b266.txt",
        "002_2b29586fde0a6cd6.txt",
    }
    assert ("001_eeb509711a76b266.txt", "Maggie Q : Renée Ballard") in rows
