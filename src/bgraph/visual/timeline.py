"""The universe's dated facts in order: series start and end, releases, rankings, awards."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ..namespaces import BG
from .model import HrefFor, View, default_href

_DATE_TYPES = {XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth}
#: How a dated property reads after the entity's name; others use the property's label.
_PHRASES = {
    BG.startDate: "starts",
    BG.endDate: "ends",
    BG.releaseDate: "released",
    BG.dateAwarded: "awarded",
}
#: Dated properties left off the timeline (the start of a period is enough).
_SKIP = {BG.periodEnd}
#: Groups whose name already says what happened ("Release of Ballard on Prime Video").
_SELF_DESCRIBED = {"event", "measure"}
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


def read_timeline(view: View, href_for: HrefFor = default_href) -> list[Event]:
    """Dated facts about the universe's entities (not its sources), oldest first."""
    grouped: dict[tuple[tuple[int, int, int], URIRef], list[str]] = {}
    for s, p, o in view.facts:
        if not isinstance(o, Literal) or o.datatype not in _DATE_TYPES or p in _SKIP:
            continue
        if not isinstance(s, URIRef) or view.group(s) == "source":
            continue
        parts = _parts(str(o))
        if parts is None:
            continue
        what = "" if view.group(s) in _SELF_DESCRIBED else _PHRASES.get(p) or view.label(p)
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
                str(s),
                view.label(s),
                view.group(s),
                href_for(str(s)),
                tuple(sorted(what)),
            )
        )
    order = {"series": 0, "season": 1, "event": 2}
    events.sort(key=lambda e: (e.date, order.get(e.group, 3), e.label.casefold(), e.entity))
    return events
