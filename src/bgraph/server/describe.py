"""What the server knows about one IRI: its facts both ways, asserted or inferred, with sources.

Built once in the main process (:class:`Index`), after the dataset is frozen. Pages
(:mod:`bgraph.server.pages`) render a :class:`ResourceView`; the linked-data routes serialise
:meth:`Index.description_dataset`.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SDO, SKOS
from rdflib.term import Node

from ..labels import label as best_label
from ..namespaces import BG, INFERRED_GRAPH, bind_prefixes
from .served import Served

#: Properties whose literal values are searched from the home page.
SEARCH_PROPS = (SDO.name, RDFS.label, SKOS.prefLabel, SDO.alternateName, SKOS.altLabel)
MAX_FACTS = 500  #: facts listed per direction on a page (the rest: via SPARQL)

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Source:
    """A claim supporting a fact: its article and the verbatim quote."""

    claim: URIRef
    article: Node | None
    article_label: str
    quote: str
    quote_lang: str | None


@dataclass
class Fact:
    subject: Node
    predicate: URIRef
    object: Node
    asserted: bool  #: in at least one graph other than the inferred one
    inferred: bool  #: in the inferred graph
    graphs: list[URIRef] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


@dataclass
class ResourceView:
    iri: URIRef
    label: str
    types: list[Fact]
    outgoing: list[Fact]
    incoming: list[Fact]
    more_outgoing: int = 0
    more_incoming: int = 0
    graph_size: int = 0  #: triples in the named graph of this IRI (claims, bgraph's graphs)
    graph_facts: list[Fact] = field(default_factory=list)
    claim_of: list[Source] = field(default_factory=list)  #: when the IRI is a claim


@dataclass(frozen=True)
class SearchHit:
    node: URIRef
    label: str
    matched: str
    types: tuple[str, ...]


def fold(text: str) -> str:
    """Case- and accent-insensitive form for search ("Renée" ~ "renee")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Index:
    """Look-ups the pages need, computed once from the frozen dataset."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.ds: Dataset = served.dataset
        self.inferred = served.graph(INFERRED_GRAPH)
        self.graph_names = set(served.graph_names)
        self._label = lru_cache(maxsize=50_000)(self._label_uncached)
        self._sources: dict[URIRef, Source] = {}
        self._by_triple: dict[Triple, list[URIRef]] = defaultdict(list)
        self._build_claims()
        self._search: list[tuple[str, str, URIRef]] | None = None  # built on first search
        self._search_lock = threading.Lock()

    # claims and sources

    def _build_claims(self) -> None:
        for name in self.served.graph_names:
            article = self.ds.value(name, PROV.wasDerivedFrom)
            if article is None:
                continue
            quote = self.ds.value(name, BG.quote)
            self._sources[name] = Source(
                claim=name,
                article=article,
                article_label=self.label(article),
                quote=str(quote) if quote is not None else "",
                quote_lang=quote.language if isinstance(quote, Literal) else None,
            )
            for triple in self.served.graph(name):
                self._by_triple[triple].append(name)

    def sources_of(self, triple: Triple) -> list[Source]:
        return [self._sources[c] for c in self._by_triple.get(triple, ())]

    def source(self, claim: URIRef) -> Source | None:
        return self._sources.get(claim)

    # labels

    def label(self, node: Node) -> str:
        return self._label(node)

    def _label_uncached(self, node: Node) -> str:
        if isinstance(node, Literal):
            return str(node)
        return best_label(self.ds, node)

    # search

    def _search_index(self) -> list[tuple[str, str, URIRef]]:
        """(folded label, label, IRI) of every name, built once, on the first search (not at
        start-up: on a large store it takes seconds)."""
        with self._search_lock:
            if self._search is None:
                entries: list[tuple[str, str, URIRef]] = []
                seen: set[tuple[str, URIRef]] = set()
                for prop in SEARCH_PROPS:
                    for s, o in self.ds.subject_objects(prop):
                        if isinstance(s, URIRef) and isinstance(o, Literal):
                            key = (str(o), s)
                            if key not in seen:
                                seen.add(key)
                                entries.append((fold(str(o)), str(o), s))
                self._search = entries
            return self._search

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        q = fold(query.strip())
        if not q:
            return []
        ranked: dict[URIRef, tuple[int, str]] = {}
        for folded, text, node in self._search_index():
            if folded == q:
                rank = 0
            elif folded.startswith(q):
                rank = 1
            elif any(w.startswith(q) for w in folded.split()):
                rank = 2
            elif q in folded:
                rank = 3
            else:
                continue
            if node not in ranked or rank < ranked[node][0]:
                ranked[node] = (rank, text)
        order = sorted(ranked.items(), key=lambda kv: (kv[1][0], fold(self.label(kv[0]))))
        return [
            SearchHit(node, self.label(node), text, tuple(self.label(t) for t in self.types(node)))
            for node, (_rank, text) in order[:limit]
        ]

    def types(self, node: Node) -> list[Node]:
        return sorted(set(self.ds.objects(node, RDF.type)), key=str)

    # facts

    def _fact(self, s: Node, p: Node, o: Node) -> Fact:
        names = {_name(ctx) for *_t, ctx in self.ds.quads((s, p, o))}  # type: ignore[arg-type]
        graphs = sorted(names & self.graph_names, key=str)
        inferred = INFERRED_GRAPH in graphs
        asserted = any(g != INFERRED_GRAPH for g in graphs)
        return Fact(s, p, o, asserted, inferred, graphs, self.sources_of((s, p, o)))  # type: ignore[arg-type]

    def knows(self, iri: URIRef) -> bool:
        """True when the dataset mentions ``iri`` (as subject, object, predicate or graph)."""
        if iri in self.graph_names:
            return True
        for pattern in ((iri, None, None), (None, None, iri), (None, iri, None)):
            for _ in self.ds.triples(pattern):
                return True
        return False

    def view(self, iri: URIRef) -> ResourceView | None:
        if not self.knows(iri):
            return None
        out = sorted(set(self.ds.predicate_objects(iri)), key=self._sort_key)
        inc = sorted(set(self.ds.subject_predicates(iri)), key=self._sort_key)
        types = [self._fact(iri, RDF.type, o) for p, o in out if p == RDF.type]
        outgoing = [self._fact(iri, p, o) for p, o in out if p != RDF.type][:MAX_FACTS]
        incoming = [self._fact(s, p, iri) for s, p in inc][:MAX_FACTS]
        n_out = sum(1 for p, _ in out if p != RDF.type)
        view = ResourceView(
            iri=iri,
            label=self.label(iri),
            types=types,
            outgoing=outgoing,
            incoming=incoming,
            more_outgoing=max(0, n_out - MAX_FACTS),
            more_incoming=max(0, len(inc) - MAX_FACTS),
        )
        if iri in self.graph_names:
            graph = self.served.graph(iri)
            view.graph_size = len(graph)
            view.graph_facts = [
                self._fact(s, p, o) for s, p, o in sorted(graph, key=self._triple_key)
            ][:MAX_FACTS]
        if (src := self.source(iri)) is not None:
            view.claim_of = [src]
        return view

    def _sort_key(self, pair: tuple[Node, Node]) -> tuple[str, str]:
        a, b = pair
        return (self.label(a).casefold(), self.label(b).casefold())

    def _triple_key(self, t: Triple) -> tuple[str, str, str]:
        return tuple(self.label(x).casefold() for x in t)  # type: ignore[return-value]

    # RDF for machines

    def description_dataset(self, iri: URIRef) -> Dataset:
        """The facts about ``iri`` (both directions), each in the graphs that hold it; plus the
        content of the graph named ``iri`` when there is one."""
        out = Dataset()
        bind_prefixes(out)
        for pattern in ((iri, None, None), (None, None, iri)):
            for s, p, o, ctx in self.ds.quads(pattern):  # type: ignore[arg-type]
                name = _name(ctx)
                if name in self.graph_names:
                    out.graph(name).add((s, p, o))
        if iri in self.graph_names:
            target = out.graph(iri)
            for triple in self.served.graph(iri):
                target.add(triple)
        return out


def _name(ctx: object) -> object:
    return ctx.identifier if isinstance(ctx, Graph) else ctx
