"""The franchise as plain data: series and novels with their years, spin-offs, adaptations,
cast (actor -> character), and the companies and platforms behind each series."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..iris import BG, SDO
from .model import IN_WORK, View, iri, performance, year_of


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
AFFILIATION_PROPS = (iri(BG.availableOn), iri(BG.productionCompany), iri(BG.studio))
START, END, RELEASE = iri(BG.startDate), iri(BG.endDate), iri(BG.releaseDate)
PUBLISHED = iri(SDO.datePublished)
SPIN_OFF_OF, HAS_SPIN_OFF, SPIN_OFF_ORDER = (
    iri(BG.spinOffOf),
    iri(BG.hasSpinOff),
    iri(BG.spinOffOrder),
)
BASED_ON, ADAPTED_AS, PART_OF_FRANCHISE = (
    iri(BG.basedOn),
    iri(BG.adaptedAs),
    iri(BG.partOfFranchise),
)
TITLE_CHARACTER, CREATOR = iri(BG.titleCharacter), iri(SDO.creator)


def _work(view: View, node: ox.NamedNode, kind: str) -> WorkItem:
    start = year_of(view.one(node, START)) or year_of(view.one(node, RELEASE))
    end = year_of(view.one(node, END))
    if start is None:
        start = year_of(view.one(node, PUBLISHED))
    ongoing = kind == "series" and start is not None and end is None
    return WorkItem(node.value, view.label(node), kind, start, end, ongoing)


def _earliest(view: View, nodes: list[ox.NamedNode], n: int) -> list[ox.NamedNode]:
    """The series that can be among the ``n`` first by start year: one query gives every
    series' start year (as :func:`_work` reads it), in Rust; only the ties on the last year
    drawn are left for names to decide."""
    graphs = " ".join(f"<{g.value}>" for g in view.facts_graphs)
    props = {"a": START, "b": RELEASE, "c": PUBLISHED}
    optional = " ".join(
        f"OPTIONAL {{ SELECT ?s (MIN(STR(?{k}v)) AS ?{k}) WHERE {{ VALUES ?g {{ {graphs} }} "
        f"GRAPH ?g {{ ?s <{p.value}> ?{k}v }} }} GROUP BY ?s }}"
        for k, p in props.items()
    )
    text = f"SELECT ?s ?a ?b ?c WHERE {{ ?s a <{BG.TVSeries}> {optional} }}"
    wanted = set(nodes)
    years: dict[ox.NamedNode, int] = {}
    for row in view.store.query(text):
        node = row["s"]
        if node not in wanted:
            continue
        year = None
        for k in ("a", "b", "c"):
            if year is None and row[k] is not None:
                year = year_of(ox.Literal(row[k].value)) or None
        years[node] = year if year is not None else 10**6
    for node in nodes:  # typed by a sub-class only, or in no fact graph the query saw
        if node not in years:  # (not setdefault: that would read every series' dates)
            years[node] = _sort_key(_work(view, node, "series"))[0]
    ranked = sorted(years.values())
    cut = ranked[n - 1] if len(ranked) >= n else 10**6
    return [node for node in nodes if years[node] <= cut]


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return term.value


def _sort_key(w: WorkItem) -> tuple:
    return (w.start if w.start is not None else 10**6, w.label.casefold(), w.iri)


def read_universe(view: View, max_series: int | None = None) -> Universe:
    """Everything the franchise diagram shows, read from the store by targeted lookups.

    ``max_series`` draws only the first series (by start year, then name): a page of a big
    graph shows the beginning of the story, not thousands of bars; the subtitle says so."""
    franchises = view.instances(BG.Franchise, by_label=False)  # named only when there is one
    every_series = view.instances(BG.TVSeries, by_label=False)
    total = len(every_series)
    candidates = every_series
    if max_series is not None and total > max_series:
        candidates = _earliest(view, every_series, max_series)
    series_nodes = sorted(candidates, key=lambda n: (view.label(n).casefold(), n.value))
    series = sorted((_work(view, s, "series") for s in series_nodes), key=_sort_key)
    if max_series is not None and len(series) > max_series:
        series = series[:max_series]
        drawn = {s.iri for s in series}
        series_nodes = [n for n in series_nodes if n.value in drawn]
    series_iris = {s.iri for s in series}

    spin_offs: list[SpinOff] = []
    pairs: set[tuple[str, str]] = set()
    for child in series_nodes:
        for parent in view.objects(child, SPIN_OFF_OF):
            pairs.add((child.value, parent.value))
    for parent in series_nodes:
        for child in view.objects(parent, HAS_SPIN_OFF):
            pairs.add((child.value, parent.value))
    spin_label = view.label(SPIN_OFF_OF)
    for child, parent in sorted(pairs):
        if child not in series_iris or parent not in series_iris:
            continue
        order_lit = view.one(iri(child), SPIN_OFF_ORDER)
        order = (
            int(order_lit.value)
            if isinstance(order_lit, ox.Literal) and order_lit.value.isdigit()
            else None
        )
        spin_offs.append(SpinOff(child, parent, order, spin_label))

    sources: set[tuple[str, str]] = set()
    for s in series_nodes:
        for src in view.objects(s, BASED_ON):
            sources.add((s.value, src.value))
        for src in view.subjects(ADAPTED_AS, s):
            sources.add((s.value, src.value))
    novel = iri(BG.Novel)
    of_novels = franchises
    if len(series) < total:  # the novels of the drawn series' franchises
        of_novels = sorted(
            {f for s in series_nodes for f in view.objects(s, PART_OF_FRANCHISE)}, key=_value
        )
    in_franchise = {
        w
        for f in of_novels
        for w in view.subjects(PART_OF_FRANCHISE, f)
        if isinstance(w, ox.NamedNode)
    }
    wanted = {src for _s, src in sources} | {w.value for w in in_franchise if view.is_a(w, novel)}
    novels = sorted((_work(view, iri(n), "novel") for n in wanted), key=_sort_key)
    adapted_as = view.label(ADAPTED_AS)
    adaptations = [Adaptation(s, src, adapted_as) for s, src in sorted(sources)]

    cast: dict[str, list[Role]] = {}
    for work in series_nodes:
        for perf_node in view.subjects(IN_WORK, work):
            perf = performance(view, perf_node)
            if perf is None or perf[3] != work or perf[2] is None:
                continue
            _p, performer, character, _w = perf
            title = view.has(work, TITLE_CHARACTER, character)
            cast.setdefault(work.value, []).append(
                Role(
                    Ref(performer.value, view.label(performer)),
                    Ref(character.value, view.label(character)),
                    title,
                )
            )
    for roles in cast.values():
        roles.sort(key=lambda r: (not r.title, r.actor.label.casefold(), r.character.label))

    affiliations: list[Affiliation] = []
    for s in series_nodes:
        for prop in AFFILIATION_PROPS:
            for org in view.objects(s, prop):
                if isinstance(org, ox.NamedNode):
                    affiliations.append(
                        Affiliation(
                            s.value,
                            Ref(org.value, view.label(org)),
                            view.label(prop),
                            view.kind(org),
                        )
                    )

    if len(franchises) == 1:
        title = view.label(franchises[0])
        creators = [view.label(c) for c in view.objects(franchises[0], CREATOR)]
        subtitle = f"created by {', '.join(creators)}" if creators else "franchise"
    else:
        title, subtitle = "Television series", f"{total} series"
        if len(series) < total:
            subtitle += f", the first {len(series)} drawn"
    return Universe(title, subtitle, series, novels, spin_offs, adaptations, cast, affiliations)
