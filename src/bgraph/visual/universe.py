"""The franchise as plain data: series and novels with their years, spin-offs, adaptations,
cast (actor -> character), and the companies and platforms behind each series."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import SDO

from ..namespaces import BG
from .model import View, performances, year_of


@dataclass(frozen=True)
class Ref:
    iri: str
    label: str


@dataclass
class WorkItem:
    iri: str
    label: str
    kind: str  #: "series" or "novel"
    start: int | None
    end: int | None
    ongoing: bool  #: a series with a start and no end

    @property
    def years(self) -> str:
        if self.start is None:
            return "year not in data"
        if self.ongoing:
            return f"{self.start}–"
        if self.end is None or self.end == self.start:
            return str(self.start)
        return f"{self.start}–{self.end}"


@dataclass(frozen=True)
class SpinOff:
    child: str
    parent: str
    order: int | None
    label: str  #: the relation's label, "spin-off of"


@dataclass(frozen=True)
class Adaptation:
    work: str  #: the series
    source: str  #: the novel (or other work) it is based on
    label: str


@dataclass(frozen=True)
class Role:
    actor: Ref
    character: Ref
    title: bool  #: the character is the series' title character


@dataclass(frozen=True)
class Affiliation:
    work: str
    org: Ref
    role: str  #: the property's label: "available on", "production company", "studio"
    kind: str  #: the organisation's class label


@dataclass
class Universe:
    title: str
    subtitle: str
    series: list[WorkItem]
    novels: list[WorkItem]
    spin_offs: list[SpinOff]
    adaptations: list[Adaptation]
    cast: dict[str, list[Role]] = field(default_factory=dict)
    affiliations: list[Affiliation] = field(default_factory=list)

    def work(self, iri: str) -> WorkItem:
        for w in (*self.series, *self.novels):
            if w.iri == iri:
                return w
        raise KeyError(iri)


#: (property, reading direction) for the organisations drawn for each series.
AFFILIATION_PROPS = (BG.availableOn, BG.productionCompany, BG.studio)


def _work(view: View, node: URIRef, kind: str) -> WorkItem:
    start = year_of(view.one(node, BG.startDate)) or year_of(view.one(node, BG.releaseDate))
    end = year_of(view.one(node, BG.endDate))
    if start is None:
        start = year_of(view.one(node, SDO.datePublished))
    ongoing = kind == "series" and start is not None and end is None
    return WorkItem(str(node), view.label(node), kind, start, end, ongoing)


def _sort_key(w: WorkItem) -> tuple:
    return (w.start if w.start is not None else 10**6, w.label.casefold(), w.iri)


def read_universe(view: View) -> Universe:
    """Everything the franchise diagram shows, read from the graph."""
    franchises = view.instances(BG.Franchise)
    series_nodes = view.instances(BG.TVSeries)
    series = sorted((_work(view, s, "series") for s in series_nodes), key=_sort_key)
    series_iris = {s.iri for s in series}

    spin_offs: list[SpinOff] = []
    pairs: set[tuple[str, str]] = set()
    for child in series_nodes:
        for parent in view.facts.objects(child, BG.spinOffOf):
            pairs.add((str(child), str(parent)))
    for parent in series_nodes:
        for child in view.facts.objects(parent, BG.hasSpinOff):
            pairs.add((str(child), str(parent)))
    spin_label = view.label(BG.spinOffOf)
    for child, parent in sorted(pairs):
        if child not in series_iris or parent not in series_iris:
            continue
        order_lit = view.one(URIRef(child), BG.spinOffOrder)
        order = (
            int(order_lit) if isinstance(order_lit, Literal) and str(order_lit).isdigit() else None
        )
        spin_offs.append(SpinOff(child, parent, order, spin_label))

    sources: set[tuple[str, str]] = set()
    for s in series_nodes:
        for src in view.facts.objects(s, BG.basedOn):
            sources.add((str(s), str(src)))
        for src in view.facts.subjects(BG.adaptedAs, s):
            sources.add((str(s), str(src)))
    novel_iris = {str(n) for n in view.instances(BG.Novel)}
    in_franchise = {str(w) for f in franchises for w in view.facts.subjects(BG.partOfFranchise, f)}
    wanted = {src for _s, src in sources} | (novel_iris & in_franchise)
    novels = sorted((_work(view, URIRef(n), "novel") for n in wanted), key=_sort_key)
    adapted_as = view.label(BG.adaptedAs)
    adaptations = [Adaptation(s, src, adapted_as) for s, src in sorted(sources)]

    cast: dict[str, list[Role]] = {}
    for _perf, performer, character, work in performances(view):
        if work is None or character is None or str(work) not in series_iris:
            continue
        title = (work, BG.titleCharacter, character) in view.facts
        cast.setdefault(str(work), []).append(
            Role(
                Ref(str(performer), view.label(performer)),
                Ref(str(character), view.label(character)),
                title,
            )
        )
    for roles in cast.values():
        roles.sort(key=lambda r: (not r.title, r.actor.label.casefold(), r.character.label))

    affiliations: list[Affiliation] = []
    for s in series_nodes:
        for prop in AFFILIATION_PROPS:
            for org in sorted(view.facts.objects(s, prop), key=str):
                if isinstance(org, URIRef):
                    affiliations.append(
                        Affiliation(
                            str(s), Ref(str(org), view.label(org)), view.label(prop), view.kind(org)
                        )
                    )

    if len(franchises) == 1:
        title = view.label(franchises[0])
        creators = [view.label(c) for c in sorted(view.facts.objects(franchises[0], SDO.creator))]
        subtitle = f"created by {', '.join(creators)}" if creators else "franchise"
    else:
        title, subtitle = "Television series", f"{len(series)} series"
    return Universe(title, subtitle, series, novels, spin_offs, adaptations, cast, affiliations)
