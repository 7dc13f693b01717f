"""An rdflib view of an Oxigraph store, read-only: the server's pages, its dumps and
``bgraph export`` run unchanged over ``--store oxigraph`` and ``--store DIR``.

rdflib's Dataset API (``triples``, ``quads``, ``graphs``, ``value``, ``subjects``, ``len`` ...)
is answered by Oxigraph's pattern look-ups, term by term, nothing copied. A bgraph store's
default graph holds the distinct union of its named graphs (:func:`bgraph.store.materialise_union`),
so, as in bgraph's rdflib Dataset (``default_union=True``):

- a pattern on the union (no graph given) reads Oxigraph's default graph: each triple once;
- a triple's graphs are the named graphs that hold it, or the default graph when none does
  (then it was stated there, e.g. the top level of a JSON-LD file);
- the default graph itself (``Graph(identifier=DATASET_DEFAULT_GRAPH_ID)``) holds those triples.

Any write raises :class:`ReadOnlyStoreError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.store import Store
from rdflib.term import Node

from .errors import BgraphError
from .oxterms import from_oxigraph, to_oxigraph


class ReadOnlyStoreError(BgraphError):
    """A write to a served or exported Oxigraph store: 403."""

    http_status = 403


class OxigraphSource:
    """Where the Oxigraph store lives, and a handle on it for the calling process.

    An in-memory store is one object, inherited copy-on-write by forked processes (it holds no
    thread and no file). A built store on disk is opened read-only by each process that uses it,
    on first use: a RocksDB handle starts threads, and neither a handle nor threads survive a
    ``fork``.
    """

    def __init__(self, memory: Any = None, path: Path | None = None) -> None:
        if (memory is None) == (path is None):
            raise ValueError("give an in-memory store or the path of a built one")
        self.memory = memory
        self.path = path
        self._handle: Any = None
        self._pid = 0

    @property
    def on_disk(self) -> bool:
        return self.path is not None

    def store(self) -> Any:
        if self.memory is not None:
            return self.memory
        if self._pid != os.getpid():
            import pyoxigraph as ox

            from .store import StoreError

            try:
                self._handle = ox.Store.read_only(str(self.path))
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot open the store ({exc})") from None
            self._pid = os.getpid()
        return self._handle


def _ox(term: Node | None) -> Any:
    """The Oxigraph term for a pattern term; None stays None (a wildcard)."""
    return None if term is None else to_oxigraph(term)


class OxigraphView(Store):
    """A read-only rdflib ``Store`` over an :class:`OxigraphSource`."""

    context_aware = True
    formula_aware = False
    transaction_aware = False
    graph_aware = True

    def __init__(self, source: OxigraphSource, default_only: int | None = None) -> None:
        """``default_only``: how many triples only the default graph holds, when known (a
        built store's manifest says); then a default graph known to be empty costs nothing."""
        super().__init__()
        self.source = source
        self.default_only = default_only
        self._graphs: dict[Node, Graph] = {}
        self._names: frozenset[URIRef] | None = None
        self._lengths: dict[Node | None, int] = {}
        self._namespace: dict[str, URIRef] = {}
        self._prefix: dict[URIRef, str] = {}

    # -- reading --------------------------------------------------------------------------------

    def named_graphs(self) -> frozenset[URIRef]:
        if self._names is None:
            self._names = frozenset(
                from_oxigraph(g)  # type: ignore[misc]
                for g in self.source.store().named_graphs()
            )
        return self._names

    def _graph(self, identifier: Node) -> Graph:
        graph = self._graphs.get(identifier)
        if graph is None:
            graph = self._graphs[identifier] = Graph(store=self, identifier=identifier)  # type: ignore[arg-type]
        return graph

    def triples(  # type: ignore[override]
        self, triple_pattern: tuple[Any, Any, Any], context: Any = None
    ) -> Iterator[tuple[tuple[Node, Node, Node], Iterator[Graph]]]:
        import pyoxigraph as ox

        gid = getattr(context, "identifier", context)
        if gid == DATASET_DEFAULT_GRAPH_ID:
            yield from self._default_only(triple_pattern)
            return
        try:
            s, p, o = (_ox(t) for t in triple_pattern)
            graph = ox.DefaultGraph() if gid is None else to_oxigraph(gid)
            quads = self.source.store().quads_for_pattern(s, p, o, graph)
        except (TypeError, ValueError):
            return  # a term Oxigraph cannot hold (a literal subject, an invalid IRI): no match
        store = self.source.store()
        for q in quads:
            triple = (from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object))
            if gid is None:
                yield triple, self._contexts_of(store, q)
            else:
                yield triple, iter((self._graph(gid),))

    def _default_only(
        self, triple_pattern: tuple[Any, Any, Any]
    ) -> Iterator[tuple[tuple[Node, Node, Node], Iterator[Graph]]]:
        """The default graph proper: triples stated there, which no named graph holds."""
        import pyoxigraph as ox

        from .store import DEFAULT_ONLY

        if self.default_only == 0:
            return
        try:
            bound = {
                ox.Variable(name): to_oxigraph(term)
                for name, term in zip("spo", triple_pattern, strict=True)
                if term is not None
            }
        except (TypeError, ValueError):
            return
        for row in self.source.store().query(DEFAULT_ONLY, substitutions=bound):
            triple = tuple(
                from_oxigraph(row[n]) if row[n] is not None else t
                for n, t in zip("spo", triple_pattern, strict=True)
            )
            yield triple, iter((self._graph(DATASET_DEFAULT_GRAPH_ID),))  # type: ignore[misc]

    def _contexts_of(self, store: Any, q: Any) -> Iterator[Graph]:
        import pyoxigraph as ox

        found = False
        for other in store.quads_for_pattern(q.subject, q.predicate, q.object, None):
            if isinstance(other.graph_name, ox.DefaultGraph):
                continue
            found = True
            yield self._graph(from_oxigraph(other.graph_name))
        if not found:
            yield self._graph(DATASET_DEFAULT_GRAPH_ID)

    def __len__(self, context: Any = None) -> int:  # type: ignore[override]
        gid = getattr(context, "identifier", context)
        if gid not in self._lengths:
            self._lengths[gid] = self._count(gid)
        return self._lengths[gid]

    def _count(self, gid: Node | None) -> int:
        store = self.source.store()
        if gid is None:
            text = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
        elif gid == DATASET_DEFAULT_GRAPH_ID:
            text = (
                "SELECT (COUNT(*) AS ?n) { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
            )
        else:
            try:
                text = f"SELECT (COUNT(*) AS ?n) {{ GRAPH {to_oxigraph(gid)} {{ ?s ?p ?o }} }}"
            except (TypeError, ValueError):
                return 0
        return int(next(iter(store.query(text)))["n"].value)

    def contexts(self, triple: Any = None) -> Iterator[Graph]:  # type: ignore[override]
        if triple is None:
            for name in sorted(self.named_graphs(), key=str):
                yield self._graph(name)
            return
        for _triple, graphs in self.triples(triple):
            yield from graphs
            return

    # -- namespaces (kept here: the store is read-only, its prefixes are not) ---------------------

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        if not override and (prefix in self._namespace or namespace in self._prefix):
            return
        old = self._namespace.pop(prefix, None)
        if old is not None:
            self._prefix.pop(old, None)
        self._prefix.pop(namespace, None)
        self._namespace = {k: v for k, v in self._namespace.items() if v != namespace}
        self._namespace[prefix] = namespace
        self._prefix[namespace] = prefix

    def namespace(self, prefix: str) -> URIRef | None:
        return self._namespace.get(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return self._prefix.get(namespace)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from self._namespace.items()

    # -- writing: refused --------------------------------------------------------------------------

    def _refuse(self, *_args: Any, **_kwargs: Any) -> None:
        raise ReadOnlyStoreError("the served dataset is read-only")

    add = addN = remove = remove_graph = update = _refuse  # type: ignore[assignment]

    def add_graph(self, graph: Graph) -> None:
        if graph.identifier == DATASET_DEFAULT_GRAPH_ID or graph.identifier in self.named_graphs():
            return  # rdflib "adds" graphs it only reads (Dataset.graphs()): not a write
        self._refuse()


def view_dataset(
    source: OxigraphSource,
    prefixes: Iterable[tuple[str, str]] = (),
    default_only: int | None = None,
) -> Dataset:
    """A read-only rdflib Dataset over ``source`` (default graph = union of the graphs)."""
    from .namespaces import bind_prefixes

    ds = Dataset(store=OxigraphView(source, default_only), default_union=True)
    bind_prefixes(ds)
    for prefix, ns in prefixes:
        ds.bind(prefix, ns)
    return ds
