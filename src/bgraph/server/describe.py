"""What the server knows about one IRI, from targeted lookups on the store (Oxigraph terms):
its facts both ways, asserted or inferred, with the claims and quotes that support them; its
RDF description; and the name search.

These functions run in the query workers (see :mod:`.lookups`), under the same deadline as a
query; each reads a bounded number of quads whatever the size of the store.
"""

from __future__ import annotations

import itertools
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from ..iris import BG, CLOSURE_GRAPHS, OWL, PROV, RDF_TYPE, RDFS, SDO, SKOS
from ..labels import LABEL_IRIS, best_label, local_name
from .writers import term_text

LABEL_PROPS = tuple(ox.NamedNode(p) for p in LABEL_IRIS)
#: Properties whose literal values are searched from the home page.
SEARCH_PROPS = (*LABEL_PROPS, ox.NamedNode(SDO + "alternateName"), ox.NamedNode(SKOS + "altLabel"))
MAX_FACTS = 500  #: facts listed per direction on a page (the rest: via SPARQL)
MAX_COUNT = 100_000  #: links counted per direction; past it a page says "more than"
TYPE = ox.NamedNode(RDF_TYPE)
DERIVED_FROM = ox.NamedNode(PROV + "wasDerivedFrom")
QUOTE = ox.NamedNode(BG + "quote")
DEFAULT = ox.DefaultGraph()
HEADLINE = ox.NamedNode(SDO + "headline")
IDENTIFIER = ox.NamedNode(SDO + "identifier")
DATE_PUBLISHED = ox.NamedNode(SDO + "datePublished")
#: The Role pattern (schema:PerformanceRole): a performance links a performer, a character (or a
#: character's name) and a work.
PERFORMER = ox.NamedNode(BG + "performer")
CHARACTER = ox.NamedNode(BG + "character")
IN_WORK = ox.NamedNode(BG + "inWork")
HAS_PERFORMANCE = ox.NamedNode(BG + "hasPerformance")
CHARACTER_NAME = ox.NamedNode(SDO + "characterName")
SUB_PROPERTY = ox.NamedNode(RDFS + "subPropertyOf")
EQUIVALENT_PROPERTY = ox.NamedNode(OWL + "equivalentProperty")
INVERSE_OF = ox.NamedNode(OWL + "inverseOf")
MAX_ROLES = 200  #: roles listed on a page
ARTICLE_CLASSES = frozenset(ox.NamedNode(c) for c in (SDO + "NewsArticle", BG + "NewsArticle"))


@dataclass(frozen=True)
class Source:
    """A claim supporting a fact: its article and the verbatim quote."""

    claim: Any
    article: Any
    article_label: str
    quote: str
    quote_lang: str | None


@dataclass
class Fact:
    subject: Any
    predicate: Any
    object: Any
    asserted: bool  #: in at least one graph other than the inferred one
    inferred: bool  #: in the inferred graph
    graphs: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


@dataclass(frozen=True)
class Role:
    """One performance: who plays whom in which work (any of them may be unknown)."""

    role: Any
    performer: Any | None
    character: Any | None
    character_name: str
    work: Any | None


@dataclass
class ResourceView:
    iri: str
    label: str
    types: list[Fact]
    outgoing: list[Fact]
    incoming: list[Fact]
    more_outgoing: int = 0
    more_incoming: int = 0
    at_least: bool = False  #: the counts stopped at MAX_COUNT: there are more
    graph_size: int = 0  #: triples in the named graph of this IRI (claims, bgraph's graphs)
    graph_facts: list[Fact] = field(default_factory=list)
    claim_of: list[Source] = field(default_factory=list)  #: when the IRI is a claim
    labels: dict[Any, str] = field(default_factory=dict)  #: a label for every IRI shown
    roles: list[Role] = field(default_factory=list)  #: performances of, by or as this IRI
    #: each predicate shown -> its super-properties (rdfs:subPropertyOf, owl:equivalentProperty)
    supers: dict[Any, frozenset[Any]] = field(default_factory=dict)
    #: each predicate shown -> its inverses (owl:inverseOf, either way)
    inverses: dict[Any, frozenset[Any]] = field(default_factory=dict)
    jsonld: str = ""  #: the entity's schema.org markup (JSON-LD), for the page's <script>
    pictures: str = ""  #: its neighbourhood graph, as HTML (:mod:`.pictures`)


@dataclass(frozen=True)
class SearchHit:
    node: Any
    label: str
    matched: str
    types: tuple[str, ...]


def first_literal(store: Any, node: Any, prop: Any) -> str:
    """The node's value of ``prop`` (English first, then in lexical order), or ""."""
    if not isinstance(node, ox.NamedNode):
        return ""
    values = sorted(
        (q.object.language != "en", q.object.value)
        for q in store.quads_for_pattern(node, prop, None, None)
        if isinstance(q.object, ox.Literal)
    )
    return values[0][1] if values else ""


def article_title(store: Any, article: Any) -> str:
    """An article as a reader names it: its headline; else, for one with none but a file name
    (schema:identifier), its number and date ("Article 000, untitled (2025-08)"), never the
    file's hash; "" when it is neither."""
    headline = first_literal(store, article, HEADLINE)
    if headline:
        return headline
    ident = first_literal(store, article, IDENTIFIER)
    if not ident:
        return ""
    number = ident.split("_", 1)[0].rsplit(".", 1)[0]
    date = first_literal(store, article, DATE_PUBLISHED)
    return f"Article {number}, untitled" + (f" ({date})" if date else "")


def fold(text: str) -> str:
    """Case- and accent-insensitive form for search ("Renée" ~ "renee")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Lookups:
    """Targeted lookups on one store (this process's handle), with small caches: the store is
    read-only while it is served."""

    def __init__(self, store: Any, graph_sizes: dict[str, int]) -> None:
        self.store = store
        self.graph_sizes = graph_sizes
        self.label = lru_cache(maxsize=100_000)(self._label)
        self.source = lru_cache(maxsize=10_000)(self._source)
        self._search: list[tuple[str, str, Any]] | None = None
        self._search_lock = threading.Lock()

    def quads(self, s: Any = None, p: Any = None, o: Any = None, g: Any = DEFAULT) -> Iterator:
        return iter(self.store.quads_for_pattern(s, p, o, g))

    # labels

    def _label(self, node: Any, lang: str = "en") -> str:
        """The label of :mod:`bgraph.labels` (the default graph's, through :meth:`quads`, which
        a remote store's lookups prefetch); a blank node or triple term as written."""
        if isinstance(node, ox.Literal):
            return node.value
        if isinstance(node, ox.BlankNode):
            return f"_:{node.value}"
        if not isinstance(node, ox.NamedNode):
            return term_text(node)  # an RDF 1.2 triple term: <<( s p o )>>

        def values(i: int) -> Iterator[tuple[str, str | None]]:
            for q in self.quads(node, LABEL_PROPS[i]):
                if isinstance(q.object, ox.Literal):
                    yield q.object.value, q.object.language

        found = best_label(values, lang)
        return found if found is not None else local_name(node.value)

    def labels(self, terms: Iterable[Any]) -> dict[Any, str]:
        return {t: self.label(t) for t in terms if isinstance(t, ox.NamedNode)}

    # claims and sources

    def _source(self, claim: Any) -> Source | None:
        article = next((q.object for q in self.quads(claim, DERIVED_FROM)), None)
        if article is None:
            return None
        quote = next((q.object for q in self.quads(claim, QUOTE)), None)
        return Source(
            claim=claim,
            article=article,
            article_label=self.title(article),
            quote=quote.value if quote is not None else "",
            quote_lang=quote.language if isinstance(quote, ox.Literal) else None,
        )

    def title(self, article: Any) -> str:
        """An article as a reader names it (:func:`article_title`)."""
        return article_title(self.store, article) or self.label(article)

    def _literal(self, node: Any, prop: Any) -> str:
        return first_literal(self.store, node, prop)

    def roles(self, iri: Any) -> list[Role]:
        """The performances in which ``iri`` is the work, the performer or the character."""
        nodes: dict[Any, None] = {}
        for pattern in ((None, IN_WORK, iri), (None, PERFORMER, iri), (None, CHARACTER, iri)):
            for q in itertools.islice(self.quads(*pattern), MAX_ROLES):
                nodes[q.subject] = None
        for q in itertools.islice(self.quads(iri, HAS_PERFORMANCE), MAX_ROLES):
            nodes[q.object] = None
        out = []
        for node in itertools.islice(nodes, MAX_ROLES):
            name = self._literal(node, CHARACTER_NAME)
            out.append(
                Role(
                    node,
                    self._object(node, PERFORMER),
                    self._object(node, CHARACTER),
                    name,
                    self._object(node, IN_WORK),
                )
            )
        return sorted(out, key=lambda r: tuple(self._sort_label(x) for x in (r.work, r.performer)))

    def _object(self, node: Any, prop: Any) -> Any | None:
        return next((q.object for q in self.quads(node, prop)), None)

    def _sort_label(self, node: Any | None) -> str:
        return self.label(node).casefold() if node is not None else ""

    def super_properties(self, predicates: Iterable[Any]) -> dict[Any, frozenset[Any]]:
        """Each predicate's super-properties (sub-property links and equivalences, any graph)."""
        out = {}
        for p in dict.fromkeys(predicates):
            ups = {q.object for q in self.quads(p, SUB_PROPERTY, None, None)}
            ups |= {q.object for q in self.quads(p, EQUIVALENT_PROPERTY, None, None)}
            ups |= {q.subject for q in self.quads(None, EQUIVALENT_PROPERTY, p, None)}
            out[p] = frozenset(u for u in ups if u != p)
        return out

    def inverse_properties(self, predicates: Iterable[Any]) -> dict[Any, frozenset[Any]]:
        """Each predicate's inverses (owl:inverseOf stated either way, any graph)."""
        out = {}
        for p in dict.fromkeys(predicates):
            inv = {q.object for q in self.quads(p, INVERSE_OF, None, None)}
            inv |= {q.subject for q in self.quads(None, INVERSE_OF, p, None)}
            out[p] = frozenset(inv)
        return out

    def fact(self, s: Any, p: Any, o: Any) -> Fact:
        graphs = (q.graph_name for q in self.quads(s, p, o, None))
        names = sorted(
            {g.value for g in graphs if isinstance(g, ox.NamedNode)} & set(self.graph_sizes)
        )
        inferred = bool(CLOSURE_GRAPHS.intersection(names))
        asserted = any(g not in CLOSURE_GRAPHS for g in names)
        sources = [
            src
            for g in names
            if g not in CLOSURE_GRAPHS and (src := self.source(ox.NamedNode(g))) is not None
        ]
        return Fact(s, p, o, asserted, inferred, names, sources)

    # the page of one IRI

    def knows(self, iri: Any) -> bool:
        """True when the store mentions ``iri`` (as subject, object, predicate or graph)."""
        if iri.value in self.graph_sizes:
            return True
        patterns = ((iri, None, None), (None, None, iri), (None, iri, None))
        return any(next(self.quads(*pattern), None) is not None for pattern in patterns)

    def view(self, iri: Any) -> ResourceView | None:
        if not self.knows(iri):
            return None
        types = [self.fact(iri, TYPE, q.object) for q in self.quads(iri, TYPE)]
        types.sort(key=lambda f: self.label(f.object).casefold())
        out, n_out, more_out = self._first((q.predicate, q.object) for q in self.quads(iri))
        out = [pair for pair in out if pair[0] != TYPE]
        n_out -= len(types)
        inc, n_inc, more_inc = self._first((q.subject, q.predicate) for q in self.quads(o=iri))
        outgoing = [self.fact(iri, p, o) for p, o in sorted(out, key=self._pair_key)]
        incoming = [self.fact(s, p, iri) for s, p in sorted(inc, key=self._pair_key)]
        view = ResourceView(
            iri=iri.value,
            label=self.label(iri),
            types=types,
            outgoing=outgoing[:MAX_FACTS],
            incoming=incoming[:MAX_FACTS],
            more_outgoing=max(0, n_out - MAX_FACTS),
            more_incoming=max(0, n_inc - MAX_FACTS),
            at_least=more_out or more_inc,
        )
        if iri.value in self.graph_sizes:
            view.graph_size = self.graph_sizes[iri.value]
            triples = [q.triple for q in itertools.islice(self.quads(g=iri), MAX_FACTS)]
            view.graph_facts = [
                self.fact(t.subject, t.predicate, t.object)
                for t in sorted(triples, key=self._triple_key)
            ]
        if (src := self.source(iri)) is not None:
            view.claim_of = [src]
        view.roles = self.roles(iri)
        shown_predicates = [f.predicate for f in (*view.outgoing, *view.incoming)]
        view.supers = self.super_properties(shown_predicates)
        view.inverses = self.inverse_properties(shown_predicates)
        shown = [iri, *(src.article for src in view.claim_of)]
        for f in (*view.types, *view.outgoing, *view.incoming, *view.graph_facts):
            shown += [f.subject, f.predicate, f.object, *(s.article for s in f.sources)]
            shown += [s.claim for s in f.sources]
        for r in view.roles:
            shown += [x for x in (r.role, r.performer, r.character, r.work) if x is not None]
        for p, ups in view.supers.items():
            shown += [p, *ups]
        view.labels = self.labels(shown)
        for node in list(view.labels):  # articles by their titles
            if self._is_article(node):
                view.labels[node] = self.title(node)
        if self._is_article(iri):
            view.label = self.title(iri)
        return view

    def _is_article(self, node: Any) -> bool:
        return isinstance(node, ox.NamedNode) and any(
            q.object in ARTICLE_CLASSES for q in self.quads(node, TYPE)
        )

    def _first(self, pairs: Iterator[tuple[Any, Any]]) -> tuple[list, int, bool]:
        """The first MAX_FACTS + types pairs, how many there are (counted up to MAX_COUNT), and
        whether the count stopped there."""
        kept = list(itertools.islice(pairs, MAX_FACTS + 64))
        counted = len(kept) + sum(1 for _ in itertools.islice(pairs, MAX_COUNT))
        return kept, counted, counted >= MAX_COUNT + len(kept)

    def _pair_key(self, pair: tuple[Any, Any]) -> tuple[str, str]:
        return (self.label(pair[0]).casefold(), self.label(pair[1]).casefold())

    def _triple_key(self, t: Any) -> tuple[str, str, str]:
        return tuple(self.label(x).casefold() for x in (t.subject, t.predicate, t.object))  # type: ignore[return-value]

    # RDF for machines

    def description(self, iri: Any, limit: int) -> tuple[list[Any], bool]:
        """The facts about ``iri`` (both directions), each in the named graphs that hold it, and
        the content of the graph named ``iri``; at most ``limit`` quads of each (True: cut)."""
        names = {ox.NamedNode(g) for g in self.graph_sizes}
        quads: list[Any] = []
        cut = False
        for pattern in ((iri, None, None, None), (None, None, iri, None), (None, None, None, iri)):
            if pattern[3] is not None and iri not in names:
                continue
            part = [q for q in self.store.quads_for_pattern(*pattern) if q.graph_name in names]
            cut = cut or len(part) > limit
            quads += part[:limit]
        return sorted(set(quads), key=str), cut

    # search

    def _search_index(self) -> list[tuple[str, str, Any]]:
        """(folded label, label, IRI) of every name, built on the first search in this process
        (its cost grows with the number of names, not of triples)."""
        with self._search_lock:
            if self._search is None:
                seen: dict[tuple[str, Any], None] = {}
                for prop in SEARCH_PROPS:
                    for q in self.quads(p=prop):
                        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
                            seen[(q.object.value, q.subject)] = None
                self._search = [(fold(text), text, node) for text, node in seen]
            return self._search

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """The names that contain ``query`` (case and accents folded): whole name first, then
        its start, a word's start, anywhere; then by label and IRI."""
        q = fold(query.strip())
        if not q:
            return []
        ranked: dict[Any, tuple[int, str]] = {}
        for folded, text, node in self._candidates(q):
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
            if node not in ranked or (rank, text) < ranked[node]:
                ranked[node] = (rank, text)
        self._will_label(list(ranked))
        order = sorted(
            ranked.items(), key=lambda kv: (kv[1][0], fold(self.label(kv[0])), kv[0].value)
        )
        return [
            SearchHit(node, self.label(node), text, tuple(self.types_labels(node)))
            for node, (_rank, text) in order[:limit]
        ]

    def _candidates(self, folded_query: str) -> list[tuple[str, str, Any]]:
        """(folded name, name, IRI) of the names a search may find (here: every name)."""
        return self._search_index()

    def _will_label(self, nodes: list[Any]) -> None:
        """Called before ``nodes`` and their types are labelled (a store that answers over the
        network fetches those labels in batches here)."""

    def types_labels(self, node: Any) -> list[str]:
        """The labels of the node's types, in IRI order."""
        types = sorted((q.object for q in self.quads(node, TYPE)), key=lambda t: t.value)
        return [self.label(t) for t in types]
