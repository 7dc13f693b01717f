"""Read the store into plain data for pictures: entities, their kinds, and the drawn relations.

Nothing here draws. The drawing modules and the browser component consume these objects, so the
SVG, the DOT file and the interactive graph always agree on what is connected to what.

Everything is read from the Oxigraph store by targeted lookups (``quads_for_pattern`` with a
subject or an object given): a picture costs what it shows, not what the store holds.

- the **facts** are the asserted instance graphs: ``bgg:facts`` and ``bgg:provenance`` for
  bgraph's own data, else every graph but the ontology, the closure and the claim graphs;
- the **vocabulary** (labels, sub-classes, inverses) is the default graph (the union of all
  graphs) without what only the closure (``bgg:inferred``) says, so a picture is the same with
  or without inference, in RAM or from a built store.

Performances (actor x character x work) are n-ary nodes in the data; pictures show them as the
binary relations people read: work -cast member-> actor -plays-> character -character in-> work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..iris import (
    BASE,
    BG,
    CLAIM,
    CLOSURE_GRAPHS,
    FACTS_GRAPH,
    GRAPHS,
    INFERRED_GRAPH,
    NOT_DATA_GRAPHS,
    PROVENANCE_GRAPH,
    expand_name,
)
from ..labels import store_label
from ..store import oxigraph_store
from .style import GROUP_COLOURS

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def iri(text: Any) -> ox.NamedNode:
    """A NamedNode from an IRI's text (or an rdflib URIRef, or a NamedNode: returned as is)."""
    return text if isinstance(text, ox.NamedNode) else ox.NamedNode(str(text))


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = iri(_RDF + "type")
SUBCLASS_OF = iri(_RDFS + "subClassOf")
INVERSE_OF = iri(_OWL + "inverseOf")
SAME_AS = iri(_OWL + "sameAs")
PERFORMER, CHARACTER, IN_WORK = iri(BG.performer), iri(BG.character), iri(BG.inWork)
CAST_MEMBER, PLAYS, CHARACTER_IN = iri(BG.castMember), iri(BG.plays), iri(BG.characterIn)

#: Colour groups, most specific first: (group, class). A node takes the first group it is in.
GROUPS: tuple[tuple[str, ox.NamedNode], ...] = (
    ("series", iri(BG.TVSeries)),
    ("season", iri(BG.TVSeason)),
    ("novel", iri(BG.Novel)),
    ("work", iri(BG.Work)),
    ("franchise", iri(BG.Franchise)),
    ("person", iri(BG.Person)),
    ("character", iri(BG.FictionalCharacter)),
    ("organization", iri(BG.Organization)),
    ("place", iri(BG.Place)),
    ("concept", iri(BG.Concept)),
    ("event", iri(BG.Event)),
    ("measure", iri(BG.Measure)),
    ("source", iri(BG.NewsArticle)),
)

_NOT_ENTITIES = (str(BG), str(CLAIM), str(GRAPHS), _RDF, _RDFS, _OWL)
_NOT_EDGES = {RDF_TYPE, iri(BG.unit), SAME_AS}
#: Entries a view's caches keep before they start again (a server's view lives long).
CACHE_SIZE = 200_000

HrefFor = Callable[[str], str | None]


def default_href(iri: str) -> str | None:
    """The server path of an IRI bgraph mints (``https://w3id.org/bgraph/id/x`` -> ``/id/x``)."""
    return "/" + iri[len(BASE) :] if iri.startswith(BASE) else None


def _key(term: Any) -> str:
    return term.value


class _Cache(dict):
    def put(self, key: Any, value: Any) -> Any:
        if len(self) >= CACHE_SIZE:
            self.clear()
        self[key] = value
        return value


# --------------------------------------------------------------------------------------------
# Access to the store
# --------------------------------------------------------------------------------------------


@dataclass
class View:
    """Targeted lookups on a store for pictures: facts, vocabulary, labels, kinds."""

    source: Any  #: an OpenStore (its per-process handle is asked for at each use) or a Store
    facts_graphs: list[ox.NamedNode]
    lang: str = "en"
    inferred: bool = False  #: the store holds a closure graph (its triples are left out)
    _supers: _Cache = field(default_factory=_Cache)
    _labels: _Cache = field(default_factory=_Cache)
    _perf: _Cache = field(default_factory=_Cache)
    _inverse: _Cache = field(default_factory=_Cache)
    _incident: _Cache = field(default_factory=_Cache)
    memo: dict[str, Any] = field(default_factory=dict)  #: summaries computed once (home page)

    @classmethod
    def of(cls, source: Any, lang: str = "en") -> View:
        """A view of an OpenStore (or a ``pyoxigraph.Store``, or a view: returned as is)."""
        if isinstance(source, View):
            return source
        store = oxigraph_store(source)
        info = getattr(source, "info", None)  # an OpenStore's manifest lists its graphs
        if info is not None and info.graphs:
            names = set(info.graphs) - {""}
        else:  # (listing them costs 0.1-0.4 s at a million triples: one per claim)
            names = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
        facts_graph = iri(FACTS_GRAPH)
        if str(FACTS_GRAPH) in names and _any(
            store.quads_for_pattern(None, None, None, facts_graph)
        ):
            facts = [g for g in (str(FACTS_GRAPH), str(PROVENANCE_GRAPH)) if g in names]
        else:  # user files: every data graph but the claim graphs
            facts = sorted(
                n for n in names if n not in NOT_DATA_GRAPHS and not n.startswith(str(CLAIM))
            )
        return cls(source, [iri(g) for g in facts], lang, str(INFERRED_GRAPH) in names)

    @property
    def store(self) -> Any:
        return oxigraph_store(self.source)

    # -- facts ---------------------------------------------------------------------------------

    def facts(self, s: Any = None, p: Any = None, o: Any = None) -> Iterator[ox.Quad]:
        """The asserted facts matching a pattern (a triple in two fact graphs comes twice).

        With a subject or an object given, one lookup in all graphs (each costs tens of
        microseconds on a built store); else one per fact graph."""
        if len(self.facts_graphs) == 1 or (s is None and o is None):
            for g in self.facts_graphs:
                yield from self.store.quads_for_pattern(s, p, o, g)
            return
        wanted = set(self.facts_graphs)
        for q in self.store.quads_for_pattern(s, p, o, None):
            if q.graph_name in wanted:
                yield q

    def objects(self, s: Any, p: Any) -> list[Term]:
        return sorted({q.object for q in self.facts(s, p, None)}, key=_key)

    def subjects(self, p: Any, o: Any) -> list[Term]:
        return sorted({q.subject for q in self.facts(None, p, o)}, key=_key)

    def has(self, s: Any = None, p: Any = None, o: Any = None) -> bool:
        return any(_any(self.store.quads_for_pattern(s, p, o, g)) for g in self.facts_graphs)

    def one(self, s: Any, p: Any) -> Term | None:
        values = self.objects(s, p)
        return values[0] if values else None

    # -- vocabulary ----------------------------------------------------------------------------

    def asserted(self, quad: ox.Quad) -> bool:
        """A quad of the default graph that some graph other than the closure states."""
        if not self.inferred:
            return True
        graphs = {
            q.graph_name
            for q in self.store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
        }
        graphs.discard(ox.DefaultGraph())
        return not graphs or not {g.value for g in graphs} <= CLOSURE_GRAPHS

    def vocab_objects(self, s: Any, p: Any) -> list[Term]:
        found = self.store.quads_for_pattern(s, p, None, ox.DefaultGraph())
        return sorted({q.object for q in found if self.asserted(q)}, key=_key)

    def vocab_subjects(self, p: Any, o: Any) -> list[Term]:
        found = self.store.quads_for_pattern(None, p, o, ox.DefaultGraph())
        return sorted({q.subject for q in found if self.asserted(q)}, key=_key)

    def label(self, node: Any) -> str:
        found = self._labels.get(node)
        if found is None:
            hidden = iri(INFERRED_GRAPH) if self.inferred else None
            found = self._labels.put(node, store_label(self.store, node, self.lang, hidden))
        return found

    def superclasses(self, cls: Any) -> set[Term]:
        found = self._supers.get(cls)
        if found is None:
            seen: set[Term] = {cls}
            todo = [cls]
            while todo:
                for sup in self.vocab_objects(todo.pop(), SUBCLASS_OF):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            found = self._supers.put(cls, seen)
        return found

    def subclasses(self, cls: Any) -> set[Term]:
        seen: set[Term] = {cls}
        todo = [cls]
        while todo:
            for sub in self.vocab_subjects(SUBCLASS_OF, todo.pop()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        return seen

    def types(self, node: Any) -> set[Term]:
        out: set[Term] = set()
        for t in self.objects(node, RDF_TYPE):
            out |= self.superclasses(t)
        return out

    def is_a(self, node: Any, cls: Any) -> bool:
        return iri(cls) in self.types(node)

    def group(self, node: Any) -> str:
        types = self.types(node)
        for name, cls in GROUPS:
            if cls in types:
                return name
        return "other"

    def kind(self, node: Any) -> str:
        """The label of the node's most specific asserted class (e.g. 'television series')."""
        best = None
        for t in self.objects(node, RDF_TYPE):
            if best is None or best in self.superclasses(t):
                best = t
        return self.label(best) if best is not None else ""

    def instances(self, cls: Any, by_label: bool = True) -> list[ox.NamedNode]:
        """The IRIs typed with ``cls`` or a sub-class of it, by label (or by IRI)."""
        found = {
            q.subject
            for c in self.subclasses(iri(cls))
            for q in self.facts(None, RDF_TYPE, c)
            if isinstance(q.subject, ox.NamedNode)
        }
        if not by_label:
            return sorted(found, key=_key)
        return sorted(found, key=lambda n: (self.label(n).casefold(), n.value))

    def inverse(self, prop: Any) -> ox.NamedNode | None:
        if prop in self._inverse:
            return self._inverse[prop]
        found = None
        for other in self.vocab_objects(prop, INVERSE_OF):
            if isinstance(other, ox.NamedNode):
                found = other
                break
        else:
            for other in self.vocab_subjects(INVERSE_OF, prop):
                if isinstance(other, ox.NamedNode):
                    found = other
                    break
        return self._inverse.put(prop, found)


def _any(quads: Iterable[Any]) -> bool:
    return next(iter(quads), None) is not None


def year_of(value: Any) -> int | None:
    """The year of an xsd:gYear / date / dateTime / gYearMonth literal."""
    if not isinstance(value, ox.Literal):
        return None
    text = value.value.strip()
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("-")[:4]
    return sign * int(digits) if len(digits) == 4 and digits.isdigit() else None


# --------------------------------------------------------------------------------------------
# Entity relations (performances folded into binary relations)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    source: ox.NamedNode
    predicate: ox.NamedNode
    target: ox.NamedNode

    def key(self) -> tuple[str, str, str]:
        return (self.source.value, self.predicate.value, self.target.value)


def is_entity(node: Any) -> bool:
    return isinstance(node, ox.NamedNode) and not node.value.startswith(_NOT_ENTITIES)


Performance = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | None, ox.NamedNode | None]


def performance(view: View, perf: Any) -> Performance | None:
    """(performance, performer, character, work) when ``perf`` is a performance with a
    performer (an IRI); the first value of each part, in lexical order."""
    if not isinstance(perf, ox.NamedNode):
        return None
    found = view._perf.get(perf, False)
    if found is False:
        performer = view.one(perf, PERFORMER)
        if not isinstance(performer, ox.NamedNode):
            found = None
        else:
            character = view.one(perf, CHARACTER)
            work = view.one(perf, IN_WORK)
            found = (
                perf,
                performer,
                character if isinstance(character, ox.NamedNode) else None,
                work if isinstance(work, ox.NamedNode) else None,
            )
        view._perf.put(perf, found)
    return found


def _folded(perf: Performance) -> list[Relation]:
    _p, performer, character, work = perf
    out = []
    if work is not None:
        out.append(Relation(work, CAST_MEMBER, performer))
    if character is not None:
        out.append(Relation(performer, PLAYS, character))
        if work is not None:
            out.append(Relation(character, CHARACTER_IN, work))
    return out


def _plain(view: View, quad: ox.Quad) -> Relation | None:
    s, p, o = quad.subject, quad.predicate, quad.object
    if p in _NOT_EDGES or not (is_entity(s) and is_entity(o)) or s == o:
        return None
    if performance(view, s) is not None or performance(view, o) is not None:
        return None
    return Relation(s, p, o)


def _one_way(view: View, rels: Iterable[Relation]) -> list[Relation]:
    """Sorted, and a fact asserted in both directions (p and its inverse) drawn once.

    Whether a relation is kept depends only on the relations between the same two entities,
    so this gives, on any set that holds all of them, what it gives on the whole graph."""
    kept: list[Relation] = []
    seen: set[Relation] = set()
    for rel in sorted(set(rels), key=Relation.key):
        inv = view.inverse(rel.predicate)
        if inv is not None and Relation(rel.target, inv, rel.source) in seen:
            continue
        seen.add(rel)
        kept.append(rel)
    return kept


def incident(view: View, node: ox.NamedNode) -> list[Relation]:
    """Every entity-to-entity relation of the facts that has ``node`` at one end, sorted."""
    found = view._incident.get(node)
    if found is not None:
        return found
    rels: set[Relation] = set()
    for prop in (PERFORMER, CHARACTER, IN_WORK):
        for q in view.facts(None, prop, node):
            perf = performance(view, q.subject)
            if perf is not None:
                rels.update(r for r in _folded(perf) if node in (r.source, r.target))
    for q in view.facts(node, None, None):
        rel = _plain(view, q)
        if rel is not None:
            rels.add(rel)
    for q in view.facts(None, None, node):
        rel = _plain(view, q)
        if rel is not None:
            rels.add(rel)
    return view._incident.put(node, _one_way(view, rels))


def _owned(view: View, node: ox.NamedNode) -> set[Relation]:
    """The relations that ``node`` is responsible for listing: its outgoing facts, and the
    performance relations it holds as performer (cast member, plays) or character (character
    in). Every relation has exactly one owner, and owners list only their own: bounded by the
    node's outgoing facts and performances, not by how often others point at it."""
    rels: set[Relation] = set()
    for q in view.facts(node, None, None):
        rel = _plain(view, q)
        if rel is not None:
            rels.add(rel)
    for prop in (PERFORMER, CHARACTER):
        for q in view.facts(None, prop, node):
            perf = performance(view, q.subject)
            if perf is None:
                continue
            for r in _folded(perf):
                owner = r.target if r.predicate == CAST_MEMBER else r.source
                if owner == node and (r.predicate != CHARACTER_IN or prop == CHARACTER):
                    rels.add(r)
    return rels


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
        """The JSON the interactive graph reads (with the colours of its groups)."""
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
            "colours": GROUP_COLOURS,
        }


def known_entity(view: View, node: ox.NamedNode) -> bool:
    return view.has(node, None, None) or view.has(None, None, node)


def neighbourhood(
    view: View,
    focus: Any,
    depth: int,
    limit: int = 1000,
    href_for: HrefFor = default_href,
) -> Neighbourhood:
    """The entities within ``depth`` hops of ``focus`` (either direction), at most ``limit``.

    Breadth first, from the focus's own relations outwards (:func:`incident`); the links drawn
    between the entities found are listed by their owners (:func:`_owned`)."""
    focus = iri(focus) if not isinstance(focus, ox.NamedNode) else focus
    extra: list[Relation] = []  # a performance as focus: show its three parts
    if performance(view, focus) is not None:
        for prop in (PERFORMER, CHARACTER, IN_WORK):
            extra += [
                Relation(focus, prop, v)
                for v in view.objects(focus, prop)
                if isinstance(v, ox.NamedNode)
            ]

    def adjacent(node: ox.NamedNode) -> list[tuple[Relation, ox.NamedNode]]:
        out = []
        for rel in [*incident(view, node), *(r for r in extra if node in (r.source, r.target))]:
            if rel.source == node:
                out.append((rel, rel.target))
            if rel.target == node:
                out.append((rel, rel.source))
        return out

    def lab(n: ox.NamedNode) -> str:
        return view.label(n)

    dist: dict[ox.NamedNode, int] = {focus: 0}
    parent: dict[ox.NamedNode, tuple[Relation, ox.NamedNode]] = {}
    order = [focus]
    frontier = [focus]
    truncated = False
    for d in range(1, depth + 1):
        nxt: list[ox.NamedNode] = []
        for node in frontier:
            neigh = sorted(
                adjacent(node),
                key=lambda rn: (rn[0].predicate.value, lab(rn[1]).casefold(), rn[1].value),
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
            id=n.value,
            label=lab(n),
            kind=view.kind(n),
            group=view.group(n),
            depth=dist[n],
            href=href_for(n.value),
            parent=parent[n][1].value if n in parent else None,
        )
        for n in order
    ]
    tree = {parent[n][0] for n in parent}
    between: set[Relation] = set()
    for n in order:
        between.update(r for r in _owned(view, n) if r.source in keep and r.target in keep)
    pred_labels: dict[ox.NamedNode, tuple[str, str | None]] = {}
    edges: list[GEdge] = []
    for rel in [*_one_way(view, between), *(r for r in extra if r.target in keep)]:
        if rel.predicate not in pred_labels:
            inv = view.inverse(rel.predicate)
            pred_labels[rel.predicate] = (
                view.label(rel.predicate),
                view.label(inv) if inv is not None else None,
            )
        text, inv_text = pred_labels[rel.predicate]
        edges.append(
            GEdge(
                rel.source.value,
                rel.target.value,
                rel.predicate.value,
                text,
                inv_text,
                rel in tree,
            )
        )
    return Neighbourhood(focus.value, depth, nodes, edges, truncated)


def resolve(view: View, ident: str) -> ox.NamedNode | None:
    """An entity from a full IRI, a CURIE (``id:x``) or ``x`` (:func:`bgraph.iris.expand_name`);
    None when the graph does not know it."""
    try:
        node = ox.NamedNode(expand_name(ident))
    except ValueError:  # an unknown prefix, or no IRI
        return None
    return node if known_entity(view, node) else None


#: Entities (typed IRIs of the facts) and their names that "did you mean" compares, at most.
SUGGEST_LIMIT = 50_000


def entity_names(view: View, limit: int = SUGGEST_LIMIT) -> dict[str, str]:
    """Local names and case-folded labels of the facts' typed entities, each to its local
    name (for "did you mean"); one query, at most ``limit`` entities."""
    graphs = " ".join(f"<{g.value}>" for g in view.facts_graphs)
    rows = view.store.query(
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s a ?t }} "
        f"FILTER(isIRI(?s)) }} LIMIT {int(limit)}"
    )
    names: dict[str, str] = {}
    for row in rows:
        node = row["s"]
        if not is_entity(node):
            continue
        local = node.value.rsplit("/", 1)[-1]
        names.setdefault(local, local)
        names.setdefault(view.label(node).casefold(), local)
    return names
