"""Read the graph into plain data for pictures: entities, their kinds, and the drawn relations.

Nothing here draws. The drawing modules and the browser component consume these objects, so the
SVG, the DOT file and the interactive graph always agree on what is connected to what.

Performances (actor x character x work) are n-ary nodes in the data; pictures show them as the
binary relations people read: work -cast member-> actor -plays-> character -character in-> work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from ..labels import label
from ..namespaces import (
    BASE,
    BG,
    CLAIM,
    FACTS_GRAPH,
    GRAPHS,
    ID,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    PROVENANCE_GRAPH,
)

#: Colour groups, most specific first: (group, class). A node takes the first group it is in.
GROUPS: tuple[tuple[str, URIRef], ...] = (
    ("series", BG.TVSeries),
    ("season", BG.TVSeason),
    ("novel", BG.Novel),
    ("work", BG.Work),
    ("franchise", BG.Franchise),
    ("person", BG.Person),
    ("character", BG.FictionalCharacter),
    ("organization", BG.Organization),
    ("place", BG.Place),
    ("concept", BG.Concept),
    ("event", BG.Event),
    ("measure", BG.Measure),
    ("source", BG.NewsArticle),
)

_NOT_ENTITIES = (str(BG), str(CLAIM), str(GRAPHS), str(RDF), str(RDFS), str(OWL))
_NOT_EDGES = {RDF.type, BG.unit, OWL.sameAs}

HrefFor = Callable[[str], str | None]


def default_href(iri: str) -> str | None:
    """The server path of an IRI bgraph mints (``https://w3id.org/bgraph/id/x`` -> ``/id/x``)."""
    return "/" + iri[len(BASE) :] if iri.startswith(BASE) else None


# --------------------------------------------------------------------------------------------
# Access to the parts of a dataset
# --------------------------------------------------------------------------------------------


@dataclass
class View:
    """The graphs a picture reads: ``facts`` (asserted ABox, plus sources) and ``vocab`` (all)."""

    facts: Graph
    vocab: Graph
    lang: str = "en"
    _supers: dict[Node, set[Node]] = field(default_factory=dict)

    @classmethod
    def of(cls, graph: Graph | Dataset, lang: str = "en") -> View:
        if isinstance(graph, Dataset):
            names = {g.identifier for g in graph.graphs()}
            facts = Graph()

            def named(gid: URIRef) -> Graph:  # read-only: Dataset.graph() would add the graph
                return Graph(store=graph.store, identifier=gid)

            if FACTS_GRAPH in names and len(named(FACTS_GRAPH)):
                for gid in (FACTS_GRAPH, PROVENANCE_GRAPH):
                    for t in named(gid):
                        facts.add(t)
            else:  # user files: every graph but the ontology, closure and claim graphs
                skip = {ONTOLOGY_GRAPH, INFERRED_GRAPH}
                for g in graph.graphs():
                    if g.identifier in skip or str(g.identifier).startswith(str(CLAIM)):
                        continue
                    for t in g:
                        facts.add(t)
            return cls(facts, graph, lang)
        return cls(graph, graph, lang)

    def label(self, node: Node) -> str:
        return label(self.vocab, node, self.lang)

    def one(self, s: Node, p: URIRef) -> Node | None:
        values = sorted(self.facts.objects(s, p), key=str)
        return values[0] if values else None

    def superclasses(self, cls: Node) -> set[Node]:
        if cls not in self._supers:
            seen: set[Node] = {cls}
            todo = [cls]
            while todo:
                for sup in self.vocab.objects(todo.pop(), RDFS.subClassOf):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            self._supers[cls] = seen
        return self._supers[cls]

    def types(self, node: Node) -> set[Node]:
        out: set[Node] = set()
        for t in self.facts.objects(node, RDF.type):
            out |= self.superclasses(t)
        return out

    def is_a(self, node: Node, cls: URIRef) -> bool:
        return cls in self.types(node)

    def group(self, node: Node) -> str:
        types = self.types(node)
        for name, cls in GROUPS:
            if cls in types:
                return name
        return "other"

    def kind(self, node: Node) -> str:
        """The label of the node's most specific asserted class (e.g. 'television series')."""
        asserted = sorted(self.facts.objects(node, RDF.type), key=str)
        best = None
        for t in asserted:
            if best is None or best in self.superclasses(t):
                best = t
        return self.label(best) if best is not None else ""

    def instances(self, cls: URIRef) -> list[URIRef]:
        found = {
            s
            for s, _p, t in self.facts.triples((None, RDF.type, None))
            if isinstance(s, URIRef) and cls in self.superclasses(t)
        }
        return sorted(found, key=lambda n: (self.label(n).casefold(), str(n)))

    def inverse(self, prop: URIRef) -> URIRef | None:
        for other in self.vocab.objects(prop, OWL.inverseOf):
            if isinstance(other, URIRef):
                return other
        for other in self.vocab.subjects(OWL.inverseOf, prop):
            if isinstance(other, URIRef):
                return other
        return None


def year_of(value: Node | None) -> int | None:
    """The year of an xsd:gYear / date / dateTime / gYearMonth literal."""
    if not isinstance(value, Literal):
        return None
    text = str(value).strip()
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("-")[:4]
    return sign * int(digits) if len(digits) == 4 and digits.isdigit() else None


# --------------------------------------------------------------------------------------------
# Entity relations (performances folded into binary relations)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    source: URIRef
    predicate: URIRef
    target: URIRef


def is_entity(node: Node) -> bool:
    return isinstance(node, URIRef) and not str(node).startswith(_NOT_ENTITIES)


def performances(view: View) -> Iterator[tuple[URIRef, URIRef | None, URIRef | None, URIRef]]:
    """(performance, performer, character, work) for every performance with a performer."""
    for perf in sorted(set(view.facts.subjects(BG.performer, None)), key=str):
        performer = view.one(perf, BG.performer)
        if not isinstance(perf, URIRef) or not isinstance(performer, URIRef):
            continue
        character = view.one(perf, BG.character)
        work = view.one(perf, BG.inWork)
        yield (
            perf,
            performer,
            character if isinstance(character, URIRef) else None,
            work if isinstance(work, URIRef) else None,
        )


def relations(view: View) -> list[Relation]:
    """Every entity-to-entity relation of the facts, one direction per fact, sorted."""
    perf_nodes: set[Node] = set()
    out: set[Relation] = set()
    for perf, performer, character, work in performances(view):
        perf_nodes.add(perf)
        if work is not None:
            out.add(Relation(work, BG.castMember, performer))
        if character is not None:
            out.add(Relation(performer, BG.plays, character))
            if work is not None:
                out.add(Relation(character, BG.characterIn, work))
    for s, p, o in view.facts:
        if p in _NOT_EDGES or not isinstance(p, URIRef) or s in perf_nodes or o in perf_nodes:
            continue
        if is_entity(s) and is_entity(o) and s != o:
            out.add(Relation(s, p, o))  # type: ignore[arg-type]
    # A fact asserted in both directions (p and its inverse) is drawn once.
    kept: list[Relation] = []
    seen: set[Relation] = set()
    for rel in sorted(out, key=lambda r: (str(r.source), str(r.predicate), str(r.target))):
        inv = view.inverse(rel.predicate)
        if inv is not None and Relation(rel.target, inv, rel.source) in seen:
            continue
        seen.add(rel)
        kept.append(rel)
    return kept


# --------------------------------------------------------------------------------------------
# Neighbourhood of one entity
# --------------------------------------------------------------------------------------------


@dataclass
class GNode:
    id: str
    label: str
    kind: str
    group: str
    depth: int
    href: str | None
    parent: str | None = None  #: the node it was reached from (breadth-first tree)


@dataclass
class GEdge:
    source: str
    target: str
    predicate: str
    label: str
    inverse_label: str | None
    tree: bool  #: the edge by which the breadth-first search reached a node


@dataclass
class Neighbourhood:
    focus: str
    depth: int
    nodes: list[GNode]
    edges: list[GEdge]
    truncated: bool = False  #: True when ``limit`` stopped the search

    def as_payload(self) -> dict:
        """The JSON the interactive graph reads."""
        return {
            "focus": self.focus,
            "depth": self.depth,
            "truncated": self.truncated,
            "nodes": [
                {
                    "id": n.id,
                    "label": n.label,
                    "kind": n.kind,
                    "group": n.group,
                    "depth": n.depth,
                    "href": n.href,
                }
                for n in self.nodes
            ],
            "edges": [
                {"source": e.source, "target": e.target, "label": e.label, "predicate": e.predicate}
                for e in self.edges
            ],
        }


def known_entity(view: View, iri: URIRef) -> bool:
    return any(True for _ in view.facts.triples((iri, None, None))) or any(
        True for _ in view.facts.triples((None, None, iri))
    )


def neighbourhood(
    view: View,
    focus: URIRef,
    depth: int,
    limit: int = 1000,
    href_for: HrefFor = default_href,
    rels: Iterable[Relation] | None = None,
) -> Neighbourhood:
    """The entities within ``depth`` hops of ``focus`` (either direction), at most ``limit``."""
    adjacency: dict[URIRef, list[tuple[Relation, URIRef]]] = {}
    all_rels = list(rels) if rels is not None else relations(view)
    if (focus, BG.performer, None) in view.facts:  # a performance: show its three parts
        for prop in (BG.performer, BG.character, BG.inWork):
            for value in view.facts.objects(focus, prop):
                if isinstance(value, URIRef):
                    all_rels.append(Relation(focus, prop, value))
    for rel in all_rels:
        adjacency.setdefault(rel.source, []).append((rel, rel.target))
        adjacency.setdefault(rel.target, []).append((rel, rel.source))
    labels: dict[URIRef, str] = {}

    def lab(n: URIRef) -> str:
        if n not in labels:
            labels[n] = view.label(n)
        return labels[n]

    dist: dict[URIRef, int] = {focus: 0}
    parent: dict[URIRef, tuple[Relation, URIRef]] = {}
    order = [focus]
    frontier = [focus]
    truncated = False
    for d in range(1, depth + 1):
        nxt: list[URIRef] = []
        for node in frontier:
            neigh = sorted(
                adjacency.get(node, []),
                key=lambda rn: (str(rn[0].predicate), lab(rn[1]).casefold(), str(rn[1])),
            )
            for rel, other in neigh:
                if other in dist:
                    continue
                if len(order) >= limit:
                    truncated = True
                    break
                dist[other] = d
                parent[other] = (rel, node)
                order.append(other)
                nxt.append(other)
        frontier = nxt
        if truncated or not frontier:
            break
    keep = set(order)
    nodes = [
        GNode(
            id=str(n),
            label=lab(n),
            kind=view.kind(n),
            group=view.group(n),
            depth=dist[n],
            href=href_for(str(n)),
            parent=str(parent[n][1]) if n in parent else None,
        )
        for n in order
    ]
    tree = {parent[n][0] for n in parent}
    pred_labels: dict[URIRef, tuple[str, str | None]] = {}
    edges: list[GEdge] = []
    for rel in all_rels:
        if rel.source not in keep or rel.target not in keep:
            continue
        if rel.predicate not in pred_labels:
            inv = view.inverse(rel.predicate)
            pred_labels[rel.predicate] = (
                view.label(rel.predicate),
                view.label(inv) if inv is not None else None,
            )
        text, inv_text = pred_labels[rel.predicate]
        edges.append(
            GEdge(str(rel.source), str(rel.target), str(rel.predicate), text, inv_text, rel in tree)
        )
    return Neighbourhood(str(focus), depth, nodes, edges, truncated)


def resolve(view: View, ident: str) -> URIRef | None:
    """An entity from a full IRI, ``id:x`` or ``x``; None when the graph does not know it."""
    ident = ident.strip()
    if ident.startswith(("http://", "https://")):
        candidates = [URIRef(ident)]
    elif ident.startswith("id:"):
        candidates = [ID[ident[3:]]]
    else:
        candidates = [ID[ident]]
    for c in candidates:
        if known_entity(view, c):
            return c
    return None
