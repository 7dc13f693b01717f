"""The competency questions of queries/, run as a W3C-style manifest of evaluation tests.

SELECT/ASK results are compared with the expected SPARQL JSON (in order when the query has
ORDER BY, as unordered bindings otherwise); CONSTRUCT results by graph isomorphism. Queries the
manifest marks as needing inference must answer correctly with the closure and differently
without it; the others must give the same answer either way.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from bgraph.query import named_queries, read_header
from bgraph.resources import resources
from bgraph.store import query_store
from expected_results import binding_rows, is_ordered, parse_expected, same_bindings

QUERIES = named_queries()
MANIFEST = resources().queries / "manifest.ttl"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
SD = "http://www.w3.org/ns/sparql-service-description#"


def answers(opened, query):
    return query_store(opened, query.text)


def _plain(term):
    """RDF 1.1: "x" and "x"^^xsd:string are one literal (oxrdflib spells the second)."""
    if (
        isinstance(term, Literal)
        and term.datatype is not None
        and str(term.datatype).endswith("#string")
    ):
        return Literal(str(term))
    return term


def _by_value(rows: list[dict]) -> list[dict]:
    """Numbers and dates by value: Oxigraph stores them so (see bgraph.export)."""
    return [{k: _value(v) for k, v in row.items()} for row in rows]


_NUMBERS = {"decimal", "integer", "double", "float", "int", "long"}


def _value(term):
    from decimal import Decimal, InvalidOperation

    term = _plain(term)
    if isinstance(term, Literal) and str(term.datatype).rsplit("#", 1)[-1] in _NUMBERS:
        try:
            return Literal(str(Decimal(str(term)).normalize()), datatype=term.datatype)
        except InvalidOperation:
            return term
    if isinstance(term, Literal) and term.datatype is not None and term.value is not None:
        return Literal(term.value, datatype=term.datatype, normalize=True)
    return term


def matches(answer, query) -> bool:
    expected = parse_expected(query.expected_path)
    if isinstance(expected, Graph):
        if answer.form != "GRAPH":
            return False
        from oxrdflib._converter import from_ox

        got = Graph()
        for t in answer.triples:
            got.add(tuple(_value(from_ox(x)) for x in (t.subject, t.predicate, t.object)))
        want = Graph()
        for t in expected:
            want.add(tuple(_value(x) for x in t))
        return isomorphic(got, want)
    if answer.form == "ASK":
        return expected.type == "ASK" and bool(answer.boolean) == bool(expected.askAnswer)
    if list(answer.variables) != [str(v) for v in expected.vars or []]:
        return False
    return same_bindings(
        _by_value(binding_rows(answer)),
        _by_value(binding_rows(expected)),
        is_ordered(query.text),
    )


# --- the manifest -----------------------------------------------------------------------------


def test_enough_competency_questions() -> None:
    assert len(QUERIES) >= 15
    assert sum(q.needs_inference for q in QUERIES) >= 4
    assert {q.kind for q in QUERIES} >= {"SELECT", "ASK", "CONSTRUCT"}


def test_manifest_lists_every_query_once_with_its_result() -> None:
    manifest = Graph().parse(MANIFEST, format="turtle")
    entries = list(manifest.objects(None, URIRef(MF + "entries")))
    assert len(entries) == 1
    from rdflib.collection import Collection

    tests = list(Collection(manifest, entries[0]))
    listed = {}
    for test in tests:
        action = manifest.value(test, URIRef(MF + "action"))
        query = str(manifest.value(action, URIRef(QT + "query"))).rsplit("/", 1)[-1]
        result = str(manifest.value(test, URIRef(MF + "result"))).rsplit("/", 1)[-1]
        name = str(manifest.value(test, URIRef(MF + "name")))
        regime = manifest.value(test, URIRef(SD + "entailmentRegime"))
        assert regime is not None, f"{query}: no entailment regime"
        listed[query] = (result, name)
    on_disk = {p.name for p in MANIFEST.parent.glob("*.rq")}
    assert set(listed) == on_disk
    for query in QUERIES:
        result, name = listed[query.path.name]
        assert result == query.expected_path.name
        assert query.expected_path.is_file()
        assert name == query.title  # manifest and .rq header agree


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_query_file_has_a_header(query) -> None:
    header = read_header(query.path)
    assert header.get("title") and header.get("description"), query.path
    assert re.fullmatch(r"\d\d-[a-z0-9-]+\.rq", query.path.name)


# --- the answers ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_expected_answer(enriched_store, query) -> None:
    assert matches(answers(enriched_store, query), query), f"{query.name} differs from its result"


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_inference_makes_the_difference_it_claims(asserted_store, query) -> None:
    without = matches(answers(asserted_store, query), query)
    if query.needs_inference:
        assert not without, f"{query.name} is answered without inference: not a reasoning test"
    else:
        assert without, f"{query.name} needs inference but the manifest says it does not"


def test_order_is_part_of_ordered_answers(enriched_store) -> None:
    """A reversed result must fail the comparison of an ORDER BY query (the test can fail)."""
    query = next(q for q in QUERIES if q.slug == "universe")
    assert is_ordered(query.text)
    rows = _by_value(binding_rows(answers(enriched_store, query)))
    expected = _by_value(binding_rows(parse_expected(query.expected_path)))
    assert same_bindings(rows, expected, ordered=True)
    assert not same_bindings(list(reversed(rows)), expected, ordered=True)
    assert same_bindings(list(reversed(rows)), expected, ordered=False)


def test_unordered_queries_compare_as_multisets() -> None:
    rows = [{"a": Literal(1)}, {"a": Literal(2)}]
    assert same_bindings(rows, list(reversed(rows)), ordered=False)
    assert not same_bindings(rows, rows + rows[:1], ordered=False)


# --- the contract, checked against the articles themselves ------------------------------------

ARTICLES = resources().articles
needs_articles = pytest.mark.skipif(
    not ARTICLES.is_dir(), reason="the source articles are not beside this checkout"
)


def article(prefix: str) -> str:
    (path,) = [p for p in ARTICLES.glob(f"{prefix}_*.txt")]
    return Path(path).read_text("utf-8")


def expected_rows(slug: str) -> list[dict[str, str]]:
    query = next(q for q in QUERIES if q.slug == slug)
    result = parse_expected(query.expected_path)
    assert isinstance(result, Result)
    return [{k: str(v) for k, v in row.items()} for row in binding_rows(result)]


@needs_articles
def test_cast_is_the_article_cast_list() -> None:
    listing = re.findall(r"^(.+?) : (.+)$", article("001"), flags=re.M)
    pairs = {(actor.strip(), character.strip()) for actor, character in listing}
    expected = {(r["actorName"], r["characterName"]) for r in expected_rows("cast")}
    # the article's French "capitaine Berchem" is given in English by the query
    pairs = {(a, "Captain Berchem" if c == "capitaine Berchem" else c) for a, c in pairs}
    assert expected == pairs and len(pairs) == 11


@needs_articles
def test_universe_dates_are_the_articles() -> None:
    text = article("001")
    rows = expected_rows("universe")
    assert [r["name"] for r in rows] == ["Harry Bosch", "Bosch: Legacy", "Ballard"]
    assert "Harry Bosch (2014-2021)" in text and "Bosch: Legacy (2022-2025)" in text
    assert (rows[0]["start"], rows[0]["end"]) == ("2014", "2021")
    assert (rows[1]["start"], rows[1]["end"]) == ("2022", "2025")
    assert rows[2]["start"] == "2025-07-09" and "9 juillet 2025" in text


@needs_articles
def test_figures_are_the_articles() -> None:
    text = article("002") + article("000")
    values = {r.get("value") for r in expected_rows("figures")}
    ranks = {r.get("rank") for r in expected_rows("figures")}
    assert "2,5 milliards de minutes" in text and "2500000000" in values
    assert "619 millions de minutes" in text and "619000000" in values
    assert "100% sur le site agrégateur Rotten Tomatoes" in text and "100" in values
    assert "4e place du Top 10 Nielsen" in text and "4" in ranks
    assert "première des programmes les plus regardés" in text and "1" in ranks


@needs_articles
def test_money_figures_are_the_articles() -> None:
    (credit,) = expected_rows("tax-credit")
    assert "14,84 millions de dollars du California Film Commission" in article("002")
    assert float(credit["amount"]) == 14_840_000 and credit["currency"] == "USD"
    (watch,) = expected_rows("where-to-watch")
    text = article("001")
    assert "essai gratuit de 30 jours" in text and watch["freeTrial"] == "P30D"
    assert "6,99 € par mois" in text and (watch["price"], watch["currency"]) == ("6.99", "EUR")
    assert "les 10 épisodes de Ballard" in text and watch["episodes"] == "10"


@needs_articles
def test_quotes_are_verbatim() -> None:
    texts = {p.name: " ".join(p.read_text("utf-8").split()) for p in ARTICLES.glob("*.txt")}
    rows = expected_rows("fact-source")
    assert len(rows) == 4 and {r["file"][:3] for r in rows} == {"000", "001", "002"}
    for row in rows:
        assert " ".join(row["quote"].split()) in texts[row["file"]]


@needs_articles
def test_producers_are_the_articles() -> None:
    sentence = re.search(r"produite par (.+?) pour Fabel Entertainment", article("002"))
    assert sentence
    people = {p.strip() for p in re.split(r",| et ", sentence.group(1)) if p.strip()}
    rows = expected_rows("production")
    assert {r["name"] for r in rows if r["role"] == "producer"} == people
    assert {r["name"] for r in rows if r["role"] == "production company"} == {"Fabel Entertainment"}
