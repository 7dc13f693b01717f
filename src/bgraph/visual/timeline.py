"""The universe's dated facts in order: series start and end, releases, rankings, awards.

Read with one query per call on the properties that may hold dates (:data:`DATED`, and the
vocabulary's datatype properties with a date range or none): Oxigraph finds them through its
predicate index and sorts them, so a page that shows the first events of a big graph does not
read all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..iris import BG, SDO, XSD
from .model import RDF_TYPE, HrefFor, View, default_href, iri

_DATE_TYPES = (XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth)
#: How a dated property reads after the entity's name; others use the property's label.
_PHRASES = {
    iri(BG.startDate): "starts",
    iri(BG.endDate): "ends",
    iri(BG.releaseDate): "released",
    iri(BG.dateAwarded): "awarded",
}
#: The properties whose date values the timeline shows (and those with a date rdfs:range).
DATED = (
    *(p.value for p in _PHRASES),
    str(BG.periodStart),
    str(SDO.datePublished),
    str(SDO.dateCreated),
    str(SDO.startDate),
    str(SDO.endDate),
    str(SDO.birthDate),
    str(SDO.deathDate),
    str(SDO.foundingDate),
    str(SDO.dissolutionDate),
)
#: Groups whose name already says what happened ("Release of Ballard on Prime Video").
_SELF_DESCRIBED = {"event", "measure"}
#: Dated properties left off the timeline (the start of a period is enough).
_SKIP = {str(BG.periodEnd)}
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass(frozen=True)
class Event:
    date: str  #: ISO lexical form: 2014, 2025-08, 2025-07-09
    display: str  #: 2014, Aug 2025, 9 Jul 2025
    entity: str
    label: str
    group: str
    href: str | None
    what: tuple[str, ...]  #: "starts", "released", ...

    def as_dict(self) -> dict:
        return {
            "date": self.date,
            "display": self.display,
            "entity": self.entity,
            "label": self.label,
            "group": self.group,
            "href": self.href,
            "what": list(self.what),
        }


def _parts(text: str) -> tuple[int, int, int] | None:
    bits = text[:10].split("-")
    try:
        nums = [int(b) for b in bits if b][:3]
    except ValueError:
        return None
    if not nums:
        return None
    return (nums[0], nums[1] if len(nums) > 1 else 0, nums[2] if len(nums) > 2 else 0)


def _display(parts: tuple[int, int, int]) -> tuple[str, str]:
    y, m, d = parts
    if m and d:
        return f"{y:04d}-{m:02d}-{d:02d}", f"{d} {_MONTHS[m - 1]} {y}"
    if m:
        return f"{y:04d}-{m:02d}", f"{_MONTHS[m - 1]} {y}"
    return f"{y:04d}", str(y)


def dated_properties(view: View) -> list[str]:
    """The properties that may hold dates (once per view): :data:`DATED`, and the vocabulary's
    datatype properties whose range is a date type or is not declared."""
    if "dated" not in view.memo:
        dates = {str(t) for t in _DATE_TYPES}
        found = set(DATED)
        declared = view.vocab_subjects(RDF_TYPE, iri(_DATATYPE_PROPERTY))
        for prop in declared:
            if not isinstance(prop, ox.NamedNode):
                continue
            ranges = {r.value for r in view.vocab_objects(prop, iri(_RANGE))}
            if not ranges or ranges & dates:
                found.add(prop.value)
        view.memo["dated"] = sorted(found - _SKIP)
    return view.memo["dated"]


_DATATYPE_PROPERTY = "http://www.w3.org/2002/07/owl#DatatypeProperty"
_RANGE = "http://www.w3.org/2000/01/rdf-schema#range"


def _dated_rows(view: View, limit: int | None) -> list[tuple[ox.NamedNode, ox.NamedNode, str]]:
    """(entity, property, lexical date) of the facts, oldest first when ``limit`` is given.

    One branch per (graph, property): Oxigraph reads each from its predicate index (a
    ``VALUES ?g``/``VALUES ?p`` join was 20-30 times slower on a built store)."""
    types = ", ".join(f"<{t}>" for t in _DATE_TYPES)
    branches = " UNION ".join(
        f"{{ GRAPH <{g.value}> {{ ?s <{p}> ?o }} BIND(<{p}> AS ?p) }}"
        for g in view.facts_graphs
        for p in dated_properties(view)
    )
    if not branches:
        return []
    text = (
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ {branches} "
        f"FILTER(isIRI(?s) && isLiteral(?o) && DATATYPE(?o) IN ({types})) }}"
    )
    if limit is not None:
        text += f" ORDER BY STR(?o) LIMIT {int(limit)}"
    return [(row["s"], row["p"], row["o"].value) for row in view.store.query(text)]


def read_timeline(
    view: View, href_for: HrefFor = default_href, limit: int | None = None
) -> list[Event]:
    """Dated facts about the universe's entities (not its sources), oldest first; the first
    ``limit`` events (all by default)."""
    fetch = None if limit is None else max(2 * limit, 128)
    while True:
        rows = _dated_rows(view, fetch)
        complete = fetch is None or len(rows) < fetch
        dated = sorted(
            ((parts, s, p) for s, p, value in rows if (parts := _parts(value)) is not None),
            key=lambda r: (r[0], r[1].value),
        )
        if not complete:  # rows stop inside some date: keep the dates read to the end
            last = _parts(rows[-1][2])
            dated = [r for r in dated if last is None or r[0] < last]
        if limit is not None:
            dated = _first_events(view, dated, limit)
        if complete or limit is None or len({(d, s) for d, s, _p in dated}) >= limit:
            events = _events(view, dated, href_for)
            return events if limit is None else events[:limit]
        fetch *= 4  # type: ignore[operator]


def _first_events(
    view: View, dated: list[tuple[tuple[int, int, int], ox.NamedNode, ox.NamedNode]], limit: int
) -> list[tuple[tuple[int, int, int], ox.NamedNode, ox.NamedNode]]:
    """The rows of the first ``limit`` events (and of every event on the last one's date)."""
    keys: set[tuple[tuple[int, int, int], ox.NamedNode]] = set()
    out = []
    for parts, s, p in dated:
        if len(keys) >= limit and (parts, s) not in keys and parts != out[-1][0]:
            break
        if view.group(s) == "source":
            continue
        keys.add((parts, s))
        out.append((parts, s, p))
    return out


def _events(
    view: View,
    dated: list[tuple[tuple[int, int, int], ox.NamedNode, ox.NamedNode]],
    href_for: HrefFor,
) -> list[Event]:
    grouped: dict[tuple[tuple[int, int, int], ox.NamedNode], list[str]] = {}
    for parts, s, p in dated:
        group = view.group(s)
        if group == "source":
            continue
        what = "" if group in _SELF_DESCRIBED else _PHRASES.get(p) or view.label(p)
        items = grouped.setdefault((parts, s), [])
        if what and what not in items:
            items.append(what)
    events = []
    for (parts, s), what in grouped.items():
        iso, shown = _display(parts)
        events.append(
            Event(
                iso,
                shown,
                s.value,
                view.label(s),
                view.group(s),
                href_for(s.value),
                tuple(sorted(what)),
            )
        )
    order = {"series": 0, "season": 1, "event": 2}
    events.sort(key=lambda e: (e.date, order.get(e.group, 3), e.label.casefold(), e.entity))
    return events
