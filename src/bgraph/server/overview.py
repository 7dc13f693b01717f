"""Summaries of the whole store for the home page and VoID, by SPARQL queries on the store
(aggregates Oxigraph computes in Rust). They run in a query worker under a deadline, once per
server; the results are small (a row per series, class or property)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..iris import (
    BG,
    CLAIM,
    ID,
    NOT_DATA_GRAPHS,
    OWL,
    PREFIXES,
    RDF,
    RDF_TYPE,
    RDFS,
    SDO,
)
from .describe import Lookups

SERIES = f"""SELECT ?s (MIN(?start) AS ?from) (MIN(?end) AS ?to) {{
  ?s a <{BG}TVSeries> FILTER isIRI(?s)
  OPTIONAL {{ ?s <{BG}startDate> ?start }} OPTIONAL {{ ?s <{BG}endDate> ?end }}
}} GROUP BY ?s"""
#: Entities per class as the data states them: the data's own graphs, not the ontology, the
#: closure, the provenance nor the claims (which repeat the facts).
_NOT_DATA = ", ".join(f"<{g}>" for g in sorted(NOT_DATA_GRAPHS))
CLASS_COUNTS = f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) {{
  GRAPH ?g {{ ?s a ?c }} FILTER(?g NOT IN ({_NOT_DATA}) && !STRSTARTS(STR(?g), "{CLAIM}"))
}} GROUP BY ?c"""
#: Classes of the modelling itself, not of the universe described.
BOOKKEEPING = (str(OWL), str(RDFS), str(RDF), "http://www.w3.org/ns/shacl#")
HOME_CLASSES = 24
HOME_SERIES = 50
HOME_PEOPLE = 60
_PERSON_CLASSES = (ox.NamedNode(BG + "Person"), ox.NamedNode(SDO + "Person"))
_NOVEL = ox.NamedNode(BG + "Novel")
_AUTHOR = ox.NamedNode(BG + "author")
_PERFORMER = ox.NamedNode(BG + "performer")
_CHARACTER = ox.NamedNode(BG + "character")
_TYPE = ox.NamedNode(RDF_TYPE)
#: Example resources of the Ballard dataset, for VoID.
BUILTIN_EXAMPLES = ("ballard", "renee-ballard", "bosch", "maggie-q", "michael-connelly")


@dataclass
class Home:
    series: list[tuple[Any, str]] = field(default_factory=list)  #: (IRI, years), the first ones
    more_series: int = 0  #: series not listed
    classes: list[tuple[Any, int]] = field(default_factory=list)  #: the most used classes
    labels: dict[Any, str] = field(default_factory=dict)
    novels: list[tuple[Any, list[Any]]] = field(default_factory=list)  #: (novel, authors)
    people: list[tuple[Any, list[Any]]] = field(default_factory=list)  #: (person, characters)
    more_people: int = 0


@dataclass
class VoidStats:
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: list[tuple[Any, int]]  #: class -> entities of that class
    properties: list[tuple[Any, int]]  #: property -> triples
    examples: list[Any]


def _rows(store: Any, text: str) -> list[Any]:
    return list(store.query(text, prefixes=PREFIXES))


def _count(store: Any, text: str) -> int:
    return int(_rows(store, text)[0]["n"].value)


def class_counts(store: Any) -> dict[str, int]:
    """Entities per class as the data states them (:data:`CLASS_COUNTS`), by class IRI."""
    return {
        row["c"].value: int(row["n"].value)
        for row in _rows(store, CLASS_COUNTS)
        if isinstance(row["c"], ox.NamedNode)
    }


def home(look: Lookups, counted: dict[str, int] | None = None) -> Home:
    """The home page's summary; ``counted``: the class counts a built store's manifest holds
    (else they are counted here)."""
    out = Home()
    series = []
    for row in _rows(look.store, SERIES):
        start, end = row["from"], row["to"]
        years = f" ({start.value[:4]}–{end.value[:4] if end else ''})" if start else ""
        key = (start.value if start else "9999", look.label(row["s"]))
        series.append((key, row["s"], years))
    ordered = [(s, years) for _key, s, years in sorted(series, key=lambda x: x[0])]
    out.series, out.more_series = ordered[:HOME_SERIES], max(0, len(ordered) - HOME_SERIES)
    if counted is None:
        counted = class_counts(look.store)
    counts = [(ox.NamedNode(c), n) for c, n in counted.items() if not c.startswith(BOOKKEEPING)]
    counts.sort(key=lambda cn: (-cn[1], look.label(cn[0]), cn[0].value))
    out.classes = counts[:HOME_CLASSES]
    novels = itertools.islice(dict.fromkeys(q.subject for q in look.quads(None, _TYPE, _NOVEL)), 50)
    out.novels = [(n, [q.object for q in look.quads(n, _AUTHOR)]) for n in novels]
    people: dict[Any, None] = {}
    for cls in _PERSON_CLASSES:
        for q in itertools.islice(look.quads(None, _TYPE, cls, None), 10 * HOME_PEOPLE):
            people[q.subject] = None
    listed = sorted(people, key=lambda p: look.label(p).casefold())
    out.more_people = max(0, len(listed) - HOME_PEOPLE)
    for person in listed[:HOME_PEOPLE]:
        roles = [q.subject for q in itertools.islice(look.quads(None, _PERFORMER, person), 20)]
        characters = [c for r in roles for c in (q.object for q in look.quads(r, _CHARACTER))]
        out.people.append((person, list(dict.fromkeys(characters))))
    shown = [s for s, _ in out.series] + [c for c, _ in out.classes]
    shown += [x for n, authors in out.novels for x in (n, *authors)]
    shown += [x for p, chars in out.people for x in (p, *chars)]
    out.labels = look.labels(shown)
    return out


def void_stats(look: Lookups, builtin: bool) -> VoidStats:
    """What VoID counts. Entities are the IRI subjects (under the entity IRI space for bgraph's
    own data); classes count their entities; properties count their triples."""
    in_space = f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}"))' if builtin else "FILTER isIRI(?s)"
    store = look.store
    entities = _count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s ?p ?o {in_space} }}")
    classes = [
        (row["c"], int(row["n"].value))
        for row in _rows(
            store,
            f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) {{ ?s <{RDF_TYPE}> ?c {in_space} "
            "FILTER isIRI(?c) } GROUP BY ?c",
        )
    ]
    properties = [
        (row["p"], int(row["n"].value))
        for row in _rows(store, "SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p")
    ]
    if builtin:
        examples = [ox.NamedNode(ID + x) for x in BUILTIN_EXAMPLES]
        examples = [e for e in examples if look.knows(e)]
    else:
        examples = [
            row["s"]
            for row in _rows(
                store, f"SELECT DISTINCT ?s {{ ?s ?p ?o {in_space} }} ORDER BY STR(?s) LIMIT 3"
            )
        ]
    return VoidStats(
        entities=entities,
        distinct_subjects=_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"),
        distinct_objects=_count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }"),
        classes=sorted(classes, key=lambda cn: cn[0].value),
        properties=sorted(properties, key=lambda pn: pn[0].value),
        examples=examples,
    )
