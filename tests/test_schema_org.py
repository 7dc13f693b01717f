"""The schema.org view is valid schema.org (issue 12).

Every triple bgraph serves (asserted and inferred) whose predicate is a schema.org property, or
whose object is a schema.org class, is checked against schema.org's own published vocabulary,
vendored in tests/data/ (release 30.0, ``schemaorg-current-https.ttl``):

- a ``rdf:type`` names a class schema.org defines;
- a property is one schema.org defines, its subject has a schema.org type within one of the
  property's ``schema:domainIncludes`` (or a super-property's), and its object fits one of its
  ``schema:rangeIncludes``: a node with a schema.org type within a range class, an IRI where
  ``schema:URL`` is a range, or a literal whose datatype fits a range data type;
- the Role pattern (https://schema.org/Role): ``series schema:actor role . role schema:actor
  person`` is valid when the role node repeats the property that points at it.

The checker is tested on small broken graphs too, so that it can fail.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

SCHEMA = "https://schema.org/"
S = lambda local: URIRef(SCHEMA + local)  # noqa: E731
VOCABULARY = Path(__file__).parent / "data" / "schemaorg-current-https-30.0.ttl.gz"

# Literal datatypes each schema.org data type accepts (schema:Date is ISO 8601, which has
# reduced-precision dates: a year, a year and month).
DATATYPES = {
    S("Text"): {XSD.string, RDF.langString, None},
    S("URL"): {XSD.anyURI},
    S("Number"): {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long},
    S("Integer"): {XSD.integer, XSD.int, XSD.long},
    S("Float"): {XSD.double, XSD.float, XSD.decimal},
    S("Boolean"): {XSD.boolean},
    S("Date"): {XSD.date, XSD.gYear, XSD.gYearMonth},
    S("DateTime"): {XSD.dateTime, XSD.date},
    S("Time"): {XSD.time},
    S("Duration"): {XSD.duration},
}


class Vocabulary:
    def __init__(self, g: Graph) -> None:
        self.classes = set(g.subjects(RDF.type, RDFS.Class))
        self.properties = set(g.subjects(RDF.type, RDF.Property))
        self.parents: dict = defaultdict(set)
        for c, sup in g.subject_objects(RDFS.subClassOf):
            self.parents[c].add(sup)
        self.super_props: dict = defaultdict(set)
        for p, sup in g.subject_objects(RDFS.subPropertyOf):
            self.super_props[p].add(sup)
        self.domains: dict = defaultdict(set)
        for p, d in g.subject_objects(S("domainIncludes")):
            self.domains[p].add(d)
        self.ranges: dict = defaultdict(set)
        for p, r in g.subject_objects(S("rangeIncludes")):
            self.ranges[p].add(r)
        # enumeration members (schema:EventScheduled a schema:EventStatusType) keep their type
        self.member_types: dict = defaultdict(set)
        for m, c in g.subject_objects(RDF.type):
            if c in self.classes and str(m).startswith(SCHEMA):
                self.member_types[m].add(c)

    def ancestors(self, cls: URIRef) -> set:
        seen, todo = set(), [cls]
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(self.parents.get(c, ()))
        return seen

    def expected(self, table: dict, prop: URIRef) -> set:
        """domainIncludes/rangeIncludes of a property, or of its nearest super-properties."""
        todo, seen = [prop], set()
        while todo:
            p = todo.pop()
            if p in seen:
                continue
            seen.add(p)
            if table.get(p):
                return table[p]
            todo.extend(self.super_props.get(p, ()))
        return set()


@cache
def vocabulary() -> Vocabulary:
    g = Graph()
    with gzip.open(VOCABULARY, "rt", encoding="utf-8") as f:
        g.parse(data=f.read(), format="turtle")
    return Vocabulary(g)


def is_schema(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(SCHEMA)


def violations(g: Graph, voc: Vocabulary) -> list[str]:
    types: dict = defaultdict(set)
    for s, c in g.subject_objects(RDF.type):
        if is_schema(c):
            types[s].add(c)
    for m, cs in voc.member_types.items():
        types[m] |= cs

    def within(node, allowed: set) -> bool:
        return any(voc.ancestors(t) & allowed for t in types.get(node, ()))

    def is_role(node) -> bool:
        return within(node, {S("Role")})

    problems: list[str] = []
    for s, p, o in g:
        if p == RDF.type:
            if is_schema(o) and o not in voc.classes:
                problems.append(f"unknown class {o} on {s}")
            continue
        if not is_schema(p):
            continue
        if p not in voc.properties:
            problems.append(f"unknown property {p} on {s}")
            continue
        # the Role pattern: the role node repeats the property that points at it
        role_subject = is_role(s) and (None, p, s) in g
        if not role_subject:
            domain = voc.expected(voc.domains, p)
            if not types.get(s):
                problems.append(f"{s} {p}: subject has no schema.org type")
            elif domain and not within(s, domain):
                problems.append(f"{s} {p}: subject types {sorted(types[s])} not in domain")
        ranges = voc.expected(voc.ranges, p)
        if not ranges:
            continue
        if isinstance(o, Literal):
            accepted = set().union(*(DATATYPES.get(r, set()) for r in ranges))
            if S("Text") in ranges or S("URL") in ranges:
                accepted |= DATATYPES[S("Text")]
            if o.datatype not in accepted and not (o.datatype is None and None in accepted):
                problems.append(f"{s} {p} {o!r}: literal not in range {sorted(ranges)}")
        elif isinstance(o, URIRef | BNode):
            if within(o, ranges):
                continue
            if is_role(o) and any(within(x, ranges) for x in g.objects(o, p)):
                continue  # the Role pattern, seen from the parent
            if isinstance(o, URIRef) and S("URL") in ranges:
                continue  # an IRI is a URL value
            problems.append(f"{s} {p} {o}: object types {sorted(types.get(o, ()))} not in range")
    return problems


def union(ds: Dataset) -> Graph:
    """The served default graph as a plain rdflib Graph, with ``"x"^^xsd:string`` read back as
    the simple literal ``"x"`` (RDF 1.1: the same term; oxrdflib spells the datatype out, and
    rdflib's SPARQL engine would then not match ``"x"`` in a pattern)."""
    g = Graph()
    for s, p, o in ds.triples((None, None, None)):
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        g.add((s, p, o))
    return g


def schema_triples(g: Graph) -> int:
    return sum(1 for s, p, o in g if is_schema(p) or (p == RDF.type and is_schema(o)))


def test_served_schema_org_view_is_valid(enriched: Dataset) -> None:
    g = union(enriched)
    assert schema_triples(g) > 300  # the view exists: the check is not vacuous
    problems = violations(g, vocabulary())
    assert problems == [], f"{len(problems)} violations:\n" + "\n".join(sorted(problems))


def test_articles_are_schema_news_articles(enriched: Dataset) -> None:
    g = union(enriched)
    q = "SELECT (COUNT(?a) AS ?n) WHERE { ?a a <https://schema.org/NewsArticle> }"
    assert int(next(iter(g.query(q)))[0]) == 3


def test_cast_follows_the_role_pattern(enriched: Dataset) -> None:
    """series schema:actor [ a schema:PerformanceRole ; schema:actor person ;
    schema:characterName "…" ], as schema.org documents for TV series."""
    g = union(enriched)
    q = """PREFIX schema: <https://schema.org/>
    SELECT ?actor ?character WHERE {
      ?series a schema:TVSeries ; schema:name "Ballard" ; schema:actor ?role .
      ?role a schema:PerformanceRole ; schema:actor/schema:name ?actor ;
            schema:characterName ?character .
    }"""
    rows = {(str(a), str(c)) for a, c in g.query(q)}
    assert ("Maggie Q", "Renée Ballard") in rows
    assert ("Hector Hugo", "capitaine Berchem") in rows
    assert len({a for a, _c in rows}) == 11  # the eleven actors of 001's cast list


def test_critic_score_and_money_follow_schema_org(enriched: Dataset) -> None:
    g = union(enriched)
    q = """PREFIX schema: <https://schema.org/>
    ASK {
      ?series schema:name "Ballard" ; schema:aggregateRating ?r .
      ?r a schema:AggregateRating ; schema:ratingValue 100 ; schema:bestRating 100 .
      ?grant a schema:MonetaryGrant ; schema:fundedItem ?series ; schema:amount ?amount .
      ?amount a schema:MonetaryAmount ; schema:value ?v ; schema:currency "USD" .
      FILTER (?v = 14840000)
      ?offer a schema:Offer ; schema:price 6.99 ; schema:priceCurrency "EUR" .
    }"""
    assert g.query(q).askAnswer


def test_fiction_is_not_reality_in_the_schema_view(enriched: Dataset) -> None:
    g = union(enriched)
    for name in ("Renée Ballard", "Harry Bosch", "LAPD cold case division"):
        q = f"""PREFIX schema: <https://schema.org/>
        ASK {{ ?x schema:name ?n . FILTER (STR(?n) = "{name}")
               {{ ?x a schema:Person }} UNION {{ ?x a schema:Organization }} }}"""
        assert not g.query(q).askAnswer, name


# --- the checker itself can fail ---------------------------------------------------------

EX = "https://example.org/"


def _graph(turtle: str) -> Graph:
    return Graph().parse(
        data=f"@prefix schema: <{SCHEMA}> . @prefix ex: <{EX}> . "
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + turtle,
        format="turtle",
    )


@pytest.mark.parametrize(
    ("turtle", "fragment"),
    [
        ("ex:c a ex:Character ; schema:jobTitle 'detective' .", "subject has no schema.org type"),
        ("ex:c a schema:Thing ; schema:knows ex:d . ex:d a schema:Thing .", "not in domain"),
        ("ex:s a schema:TVSeries ; schema:character ex:c . ex:c a schema:Thing .", "not in range"),
        ("ex:g a schema:MonetaryGrant ; schema:priceCurrency 'USD' .", "not in domain"),
        ("ex:r a schema:AggregateRating ; schema:ratingValue true .", "literal not in range"),
        ("ex:s a schema:TVSeries ; schema:frobnicate 1 .", "unknown property"),
        ("ex:s a schema:TVSerial .", "unknown class"),
        (
            "ex:s a schema:TVSeries ; schema:actor ex:r . ex:r a schema:PerformanceRole ; "
            "schema:characterName 'X' .",
            "not in range",
        ),
    ],
)
def test_checker_reports_each_kind_of_violation(turtle: str, fragment: str) -> None:
    problems = violations(_graph(turtle), vocabulary())
    assert any(fragment in p for p in problems), problems


def test_checker_accepts_the_role_pattern() -> None:
    g = _graph(
        "ex:s a schema:TVSeries ; schema:actor ex:r . "
        "ex:r a schema:PerformanceRole ; schema:actor ex:p ; schema:characterName 'X' . "
        "ex:p a schema:Person ; schema:name 'P' ."
    )
    assert violations(g, vocabulary()) == []
