"""``bgraph serve --endpoint URL``: bgraph's pages, query UI, linked data and ``/sparql`` in
front of another SPARQL server (Virtuoso, ``oxigraph serve``) instead of the local store.

The rest of the server does not know: it gets the same three things as with a local store,

- :class:`RemoteStore`, which answers what the pages ask a ``pyoxigraph.Store``
  (``quads_for_pattern``, ``query``, ``named_graphs``) with SPARQL queries to the upstream,
  each cut at the page's deadline; answers are cached (the store is read-only while served),
  and a pattern whose complete answer is cached answers its refinements without asking again;
- :class:`RemoteLookups`, the entity page's lookups in a handful of queries (the facts of an
  IRI both ways with their graphs, the sources of its claims, the labels and types of every
  IRI shown: a few round trips, not one per fact);
- :class:`RemotePool` in place of the query workers: the same ``run(job, timeout)``, the same
  limits (at most ``--workers`` upstream requests at once, ``--queue`` waiting, 503 past
  that). A query is vetted (:func:`bgraph.upstream.vet_remote`: the guard, then Virtuoso's SQL
  functions and undeclared prefixes) **before anything is sent upstream**; the upstream
  request is cancelled at the deadline (504); the answer is read up to a byte cap (502 past
  it), cut to ``--max-rows`` and written in the negotiated format by bgraph's own writers.

Where the network is used: there are no query workers in this mode (no local engine runs a
query), and the one server process makes the upstream requests itself (httpx, async for
``/sparql``, in threads for the pages), so it is **not** put under the seccomp network ban of
:mod:`bgraph.sandbox` (it needs the upstream). It still refuses to start subprocesses (the audit
hook of :mod:`.safety`), and nothing reaches the upstream without passing the guard.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import logging
import math
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox

from ..errors import BgraphError
from ..iris import FACTS_GRAPH, INFERRED_GRAPH
from ..upstream import (
    NTRIPLES,
    SELECT_JSON,
    UNION_GRAPH,
    Dataset,
    RemoteError,
    RemoteTimeout,
    auth_for,
    check_response,
    post_query,
    probe_dataset,
    read_results,
    read_select,
    read_triples,
    vet_remote,
)
from .config import ServerConfig
from .describe import DERIVED_FROM, LABEL_PROPS, MAX_COUNT, MAX_FACTS, QUOTE, TYPE, Lookups
from .engine import QueryJob, Reply, Solutions, choose_format, failure_reply, write_reply
from .links import Links
from .served import Served
from .workers import Overloaded

log = logging.getLogger("bgraph.server")

DEFAULT = ox.DefaultGraph()
#: Rows one pattern lookup reads at most (a page shows at most MAX_FACTS per direction).
PATTERN_LIMIT = 5_000
#: Cached pattern answers kept (then the cache starts again).
CACHE_ENTRIES = 100_000
#: Bytes of an upstream answer read at most (502 past it).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: IRIs per VALUES block of a batched lookup.
CHUNK = 200
_RDFS, _OWL = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2002/07/owl#"
#: Properties of the vocabulary, read whole at start (a few thousand quads at most).
VOCABULARY = (
    _RDFS + "subClassOf",
    _RDFS + "subPropertyOf",
    _RDFS + "domain",
    _RDFS + "range",
    _OWL + "inverseOf",
    _OWL + "equivalentClass",
    _OWL + "equivalentProperty",
)
#: IRIs of a page query's answer whose labels and types are fetched with it, at most.
PREFETCH_MAX = 20_000

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "bgraph_remote_deadline", default=None
)


@dataclass(frozen=True)
class RemoteConfig:
    url: str
    user: str | None = None
    password: str | None = None
    auth: str = "auto"
    max_bytes: int = DEFAULT_MAX_BYTES


# -- the store the pages read -----------------------------------------------------------------


def _n3(term: Any) -> str:
    return str(term)


class RemoteStore:
    """What the pages ask a ``pyoxigraph.Store``, answered by SPARQL queries upstream."""

    def __init__(
        self,
        config: RemoteConfig,
        dataset: Dataset,
        graphs: list[str],
        timeout: float,
    ) -> None:
        self.config = config
        self.url = config.url
        self.dataset = dataset
        self.graphs = set(graphs)
        self.timeout = timeout
        self.client = httpx.Client(
            auth=auth_for(config.user, config.password, config.auth),
            timeout=timeout,
            follow_redirects=False,
        )
        self._cache: dict[tuple[Any, ...], list[Any]] = {}
        self._answers: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        self._lock = threading.Lock()
        self.requests = 0

    # the wire

    def _timeout(self) -> float:
        deadline = _DEADLINE.get()
        if deadline is None:
            return self.timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise RemoteTimeout(f"{self.url}: the page's time limit was reached")
        return min(self.timeout, left)

    def select(self, text: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Variables and rows of a SELECT that bgraph wrote (never a client's text)."""
        self.requests += 1
        text, params = self.dataset.text(text), self.dataset.params()
        resp = post_query(self.client, self.url, text, SELECT_JSON, params, self._timeout())
        return read_select(resp.content)

    # the Store interface

    def named_graphs(self) -> Iterator[Any]:
        return iter(ox.NamedNode(g) for g in sorted(self.graphs))

    def query(self, text: str, prefixes: Any = None, base_iri: Any = None, **_: Any) -> Any:
        """A SELECT's solutions (rows indexable by variable name), as the pages use them
        (kept: the pages ask their summaries' queries again)."""
        found = self._answers.get(text)
        if found is None:
            found = self.select(text)
            with self._lock:
                if len(self._answers) >= 256:
                    self._answers.clear()
                self._answers[text] = found
            # what a page asks next is the labels and types of the IRIs in the answer: in
            # batches now, rather than one lookup each later (the pictures ask thousands)
            nodes = {t for row in found[1] for t in row if isinstance(t, ox.NamedNode)}
            self.prefetch(itertools.islice(nodes, PREFETCH_MAX), (*LABEL_PROPS, TYPE))
        return _Solutions(*found)

    def quads_for_pattern(self, s: Any = None, p: Any = None, o: Any = None, g: Any = None):
        """The quads matching a pattern (``g``: a graph, DefaultGraph, or None for every named
        graph), at most PATTERN_LIMIT of them."""
        key = (s, p, o, g)
        found = self._cached(key)
        if found is not None:
            return iter(found)
        if isinstance(s, ox.NamedNode) and not isinstance(g, ox.DefaultGraph):
            self.prefetch_out([s])  # one lookup for everything about s, not one per property
            found = self._cached(key)
            if found is not None:
                return iter(found)
        quads, complete = self._fetch(s, p, o, g)
        if complete:
            self._keep(key, quads)
        # the pages label what they find: the found IRIs' labels and types in a batch now
        found_nodes = {
            t
            for q in quads
            for t in (q.subject if s is None else None, q.object if o is None else None)
            if isinstance(t, ox.NamedNode)
        }
        if len(found_nodes) > 1:
            self.prefetch(itertools.islice(found_nodes, PREFETCH_MAX), (*LABEL_PROPS, TYPE))
        return iter(quads)

    # the cache

    def _keep(self, key: tuple[Any, ...], quads: list[Any]) -> None:
        with self._lock:
            if len(self._cache) >= CACHE_ENTRIES:
                self._cache.clear()
            self._cache[key] = quads

    def _cached(self, key: tuple[Any, ...]) -> list[Any] | None:
        """The answer to ``key`` from a cached complete answer of ``key`` or of a pattern it
        refines (fewer terms bound; the default graph from every named graph's)."""
        s, p, o, g = key
        graphs = [g] if g is None else [g, None]  # the default graph: the named graphs' union
        for gg in graphs:
            for ss, pp, oo in itertools.product(
                *[(t, None) if t is not None else (None,) for t in (s, p, o)]
            ):
                rows = self._cache.get((ss, pp, oo, gg))
                if rows is None:
                    continue
                out = [q for q in rows if _matches(q, s, p, o, g)]
                if isinstance(g, ox.DefaultGraph):  # the union of the named graphs
                    triples = dict.fromkeys((q.subject, q.predicate, q.object) for q in out)
                    return [ox.Quad(*t, DEFAULT) for t in triples]
                return out
        return None

    def _fetch(self, s: Any, p: Any, o: Any, g: Any) -> tuple[list[Any], bool]:
        given = tuple(zip((s, p, o), "spo", strict=True))
        terms = [(_n3(t) if t is not None else f"?{v}") for t, v in given]
        pattern = " ".join(terms)
        wanted = [v for t, v in given if t is None]
        if isinstance(g, ox.DefaultGraph):
            where = f"{{ {pattern} }}"
        elif g is None:
            where = f"{{ GRAPH ?g {{ {pattern} }} }}"
            wanted.append("g")
        else:
            where = f"{{ GRAPH {_n3(g)} {{ {pattern} }} }}"
        if not wanted:  # every term given: is the quad there?
            _names, rows = self.select(f"SELECT (1 AS ?x) WHERE {where} LIMIT 1")
            return ([ox.Quad(s, p, o, g if g is not None else DEFAULT)] if rows else []), True
        head = " ".join(f"?{v}" for v in wanted)
        names, rows = self.select(f"SELECT {head} WHERE {where} LIMIT {PATTERN_LIMIT + 1}")
        complete = len(rows) <= PATTERN_LIMIT
        quads = []
        for row in rows[:PATTERN_LIMIT]:
            value = dict(zip(names, row, strict=False))
            graph = g if g is not None else value.get("g")
            if g is None and (graph is None or graph.value not in self.graphs):
                continue  # the union graph, Virtuoso's own graphs
            try:
                quads.append(
                    ox.Quad(
                        s if s is not None else value["s"],
                        p if p is not None else value["p"],
                        o if o is not None else value["o"],
                        graph,
                    )
                )
            except (TypeError, KeyError, ValueError):
                continue  # a literal subject, say: nothing a page shows
        return quads, complete

    # batched lookups, to fill the cache in a few round trips

    def prefetch(self, nodes: Iterable[Any], props: Iterable[Any], limit: int = 20_000) -> None:
        """Every named-graph quad of (node, prop, ?o) for these nodes and properties, cached
        as complete answers of (node, prop, None, None) and (node, prop, None, g)."""
        todo = sorted({n for n in nodes if isinstance(n, ox.NamedNode)}, key=lambda n: n.value)
        todo = [n for n in todo if any(self._cached((n, pr, None, None)) is None for pr in props)]
        props = list(props)
        values_p = " ".join(_n3(pr) for pr in props)
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start : start + CHUNK]
            values_s = " ".join(_n3(n) for n in chunk)
            _names, rows = self.select(
                f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values_s} }} "
                f"VALUES ?p {{ {values_p} }} GRAPH ?g {{ ?s ?p ?o }} }} LIMIT {limit + 1}"
            )
            if len(rows) > limit:
                continue  # too many: left to the lookups one by one
            found: dict[tuple[Any, Any], list[Any]] = {(n, pr): [] for n in chunk for pr in props}
            for srow, prow, orow, grow in rows:
                if grow is None or grow.value not in self.graphs:
                    continue
                found.setdefault((srow, prow), []).append(ox.Quad(srow, prow, orow, grow))
            for (node, prop), quads in found.items():
                self._keep((node, prop, None, None), quads)

    def prefetch_out(self, nodes: Iterable[Any], per_chunk: int = 20_000) -> None:
        """Every named-graph quad about each of ``nodes`` (as subject), in batches, cached as
        the complete answer of (node, None, None, None): every later lookup of a property of
        a node is answered here. A batch with too many is left to those lookups."""
        todo = [
            n
            for n in dict.fromkeys(nodes)
            if isinstance(n, ox.NamedNode) and (n, None, None, None) not in self._cache
        ]
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start : start + CHUNK]
            values = " ".join(_n3(n) for n in chunk)
            _names, rows = self.select(
                f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                f"LIMIT {per_chunk + 1}"
            )
            if len(rows) > per_chunk:
                self.prefetch(chunk, (*LABEL_PROPS, TYPE))
                continue
            found: dict[Any, list[Any]] = {n: [] for n in chunk}
            for srow, prow, orow, grow in rows:
                if grow is None or grow.value not in self.graphs or srow not in found:
                    continue
                found[srow].append(ox.Quad(srow, prow, orow, grow))
            for node, quads in found.items():
                self._keep((node, None, None, None), quads)

    def preload_vocabulary(self, ontology: str | None) -> None:
        """What the ontology reference and the labels read, fetched at start in a few queries:
        the vocabulary's properties (sub-classes, inverses, domains...) and everything about
        the terms of the ontology graph (when it is small)."""
        for prop in VOCABULARY:
            self.quads_for_pattern(None, ox.NamedNode(prop), None, None)
        if ontology is not None:
            _names, rows = self.select(
                f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                f"FILTER(sameTerm(?g, <{ontology}>) && isIRI(?s)) }} LIMIT {PATTERN_LIMIT}"
            )
            self.prefetch_out(row[0] for row in rows)

    def around(self, iri: Any, limit: int) -> tuple[bool, bool]:
        """The named-graph quads of ``iri`` both ways, cached when complete; for each way,
        whether there were more than ``limit``."""
        cut = []
        for way in ("out", "in"):
            pattern = f"{_n3(iri)} ?p ?x" if way == "out" else f"?x ?p {_n3(iri)}"
            _names, rows = self.select(
                f"SELECT ?p ?x ?g WHERE {{ GRAPH ?g {{ {pattern} }} }} LIMIT {limit + 1}"
            )
            more = len(rows) > limit
            cut.append(more)
            if more:
                continue
            quads = []
            for prow, xrow, grow in rows:
                if grow is None or grow.value not in self.graphs:
                    continue
                try:
                    if way == "out":
                        quads.append(ox.Quad(iri, prow, xrow, grow))
                    else:
                        quads.append(ox.Quad(xrow, prow, iri, grow))
                except (TypeError, ValueError):
                    continue
            key = (iri, None, None, None) if way == "out" else (None, None, iri, None)
            self._keep(key, quads)
        return cut[0], cut[1]

    def graph_facts(self, graph: Any, limit: int) -> list[Any]:
        """The first ``limit`` triples of the named graph ``graph``, each cached with every
        named graph that holds it (the graph's page lists them with their graphs)."""
        _names, rows = self.select(
            f"SELECT ?s ?p ?o ?g WHERE {{ {{ SELECT ?s ?p ?o WHERE {{ GRAPH {_n3(graph)} "
            f"{{ ?s ?p ?o }} }} LIMIT {limit} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        found: dict[tuple[Any, Any, Any], list[Any]] = {}
        for srow, prow, orow, grow in rows:
            found.setdefault((srow, prow, orow), [])
            if grow is not None and grow.value in self.graphs:
                found[(srow, prow, orow)].append(ox.Quad(srow, prow, orow, grow))
        for (srow, prow, orow), quads in found.items():
            self._keep((srow, prow, orow, None), quads)
        return [ox.Triple(*key) for key in found]

    def count(self, pattern: str, cap: int) -> int:
        """Distinct solutions of a default-graph pattern, counted up to ``cap`` + 1."""
        _names, rows = self.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT * WHERE {{ {pattern} }} "
            f"LIMIT {cap + 1} }}"
        )
        return int(rows[0][0].value) if rows and rows[0][0] is not None else 0

    def close(self) -> None:
        self.client.close()


def _matches(q: Any, s: Any, p: Any, o: Any, g: Any) -> bool:
    if s is not None and q.subject != s:
        return False
    if p is not None and q.predicate != p:
        return False
    if o is not None and q.object != o:
        return False
    return g is None or isinstance(g, ox.DefaultGraph) or q.graph_name == g


class _Row:
    __slots__ = ("_at", "_row")

    def __init__(self, at: dict[str, int], row: tuple[Any, ...]) -> None:
        self._at, self._row = at, row

    def __getitem__(self, name: Any) -> Any:
        key = name.value if isinstance(name, ox.Variable) else str(name)
        i = self._at.get(key)
        return None if i is None else self._row[i]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._row)


class _Solutions:
    def __init__(self, names: list[str], rows: list[tuple[Any, ...]]) -> None:
        self.variables = [ox.Variable(n) for n in names]
        at = {n: i for i, n in enumerate(names)}
        self._rows = [_Row(at, r) for r in rows]

    def __iter__(self) -> Iterator[_Row]:
        return iter(self._rows)


# -- the entity page in a few queries ---------------------------------------------------------


class RemoteLookups(Lookups):
    """:class:`~.describe.Lookups` over a :class:`RemoteStore`: the same answers, with the
    data a page shows fetched in batches first."""

    store: RemoteStore

    def __init__(self, store: RemoteStore, graph_sizes: dict[str, int]) -> None:
        super().__init__(store, graph_sizes)
        self._local = threading.local()  #: the link counts of the page being built
        self._known: dict[Any, bool] = {}

    def knows(self, iri: Any) -> bool:
        if iri.value in self.graph_sizes:
            return True
        if iri in self._known:
            return self._known[iri]
        _names, rows = self.store.select(
            f"SELECT (1 AS ?x) WHERE {{ {{ {_n3(iri)} ?p ?o }} UNION {{ ?s ?p {_n3(iri)} }} "
            f"UNION {{ ?s {_n3(iri)} ?o }} }} LIMIT 1"
        )
        if len(self._known) > 100_000:
            self._known.clear()
        self._known[iri] = bool(rows)
        return bool(rows)

    def view(self, iri: Any) -> Any:
        if not self.knows(iri):
            return None
        store = self.store
        limit = MAX_FACTS + 64
        more_out, more_in = store.around(iri, limit)
        self._local.counts = [
            self._count(f"{_n3(iri)} ?p ?o", more_out),
            self._count(f"?s ?p {_n3(iri)}", more_in),
        ]
        quads = [
            *store.quads_for_pattern(iri, None, None, None),
            *store.quads_for_pattern(None, None, iri, None),
        ]
        if iri.value in self.graph_sizes:
            for t in store.graph_facts(iri, MAX_FACTS):
                quads += store._cached((t.subject, t.predicate, t.object, None)) or []
        shown = {iri} | {term for q in quads for term in (q.subject, q.predicate, q.object)}
        skip = (FACTS_GRAPH, INFERRED_GRAPH)
        claims = {q.graph_name for q in quads if q.graph_name.value not in skip}
        store.prefetch([*claims, iri], (DERIVED_FROM, QUOTE))
        articles = {
            q.object for c in claims for q in store.quads_for_pattern(c, DERIVED_FROM, None, None)
        }
        store.prefetch([*shown, *claims, *articles], (*LABEL_PROPS, TYPE))
        return super().view(iri)

    def _count(self, pattern: str, more: bool) -> int | None:
        return self.store.count(pattern, MAX_COUNT + MAX_FACTS) if more else None

    def _first(self, pairs: Iterator[tuple[Any, Any]]) -> tuple[list, int, bool]:
        kept = list(itertools.islice(pairs, MAX_FACTS + 64))
        pending = getattr(self._local, "counts", None)
        counted = pending.pop(0) if pending else None
        if counted is None:  # every link was read
            counted = len(kept) + sum(1 for _ in pairs)
        return kept, min(counted, MAX_COUNT + len(kept)), counted >= MAX_COUNT + len(kept)

    def _candidates(self, folded_query: str) -> list[tuple[str, str, Any]]:
        from .describe import SEARCH_PROPS, fold

        props = " ".join(_n3(p) for p in SEARCH_PROPS)
        _names, rows = self.store.select(
            f"SELECT DISTINCT ?s ?l WHERE {{ VALUES ?p {{ {props} }} ?s ?p ?l "
            f'FILTER(isIRI(?s) && CONTAINS(LCASE(STR(?l)), "{_needle(folded_query)}")) }} '
            "LIMIT 5000"
        )
        return [
            (fold(lit.value), lit.value, node)
            for node, lit in rows
            if node is not None and lit is not None
        ]

    def _will_label(self, nodes: list[Any]) -> None:
        self.store.prefetch(nodes, (*LABEL_PROPS, TYPE))
        types = {
            q.object for node in nodes for q in self.store._cached((node, TYPE, None, None)) or ()
        }
        self.store.prefetch(list(types), LABEL_PROPS)

    def description(self, iri: Any, limit: int) -> tuple[list[Any], bool]:
        self.store.around(iri, limit)
        return super().description(iri, limit)


def _needle(folded: str) -> str:
    """What the upstream is asked to find in the names (then ranked here as bgraph ranks them,
    accents folded): the search text's first three characters, as a SPARQL string body.
    (Virtuoso 7's REGEX reads bytes and finds no accented letter, so "renee" cannot ask for
    "Renée" there; "ren" finds it.)"""
    head = folded[:3]
    return "".join(c if c.isalnum() or c == " " else "" for c in head) or " "


# -- the opened store, as the server sees it --------------------------------------------------


@dataclass
class _Info:
    graphs: dict[str, int]
    union: int
    builtin: bool
    reasoner: str = "remote"
    default_only: int = 0
    inputs: list[Any] = field(default_factory=list)


class RemoteOpened:
    """Stands for :class:`bgraph.store.OpenStore` (what :class:`.served.Served` holds)."""

    on_disk = False
    path = None

    def __init__(self, store: RemoteStore, info: _Info) -> None:
        self.store = store
        self.info = info
        self.label = f"remote {store.url}"

    def graph_names(self) -> list[str]:
        return sorted(self.store.graphs)

    def close(self) -> None:
        self.store.close()


def without_pictures(opened: RemoteOpened) -> None:
    """No pictures over a remote store: the franchise diagram, the timeline and the
    neighbourhoods read thousands of single facts (measured at 100k triples on Virtuoso: 40 s
    for the home page's pictures, 7 ms per lookup), which a remote store answers one request
    each. Their view of this store has no fact graphs and an empty home section; the ontology
    reference (the vocabulary, not the facts) still works."""
    from ..visual.web import _VIEWS, View

    view = View(opened, [], inferred=INFERRED_GRAPH in opened.store.graphs)
    view.memo["home"] = ""
    _VIEWS[id(opened)] = (opened, view)


def connect(config: RemoteConfig, timeout: float) -> Served:
    """Ask the upstream which graphs it holds (and how to name bgraph's dataset there); the
    :class:`.served.Served` the pages read."""
    probe_timeout = max(timeout * 6, 30.0)
    with httpx.Client(
        auth=auth_for(config.user, config.password, config.auth), timeout=probe_timeout
    ) as client:
        dataset, sizes = probe_dataset(client, config.url)
        union_text = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{UNION_GRAPH}> {{ ?s ?p ?o }} }}"
            if dataset.default_graph
            else "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        )
        resp = post_query(client, config.url, dataset.text(union_text), SELECT_JSON)
        _names, rows = read_select(resp.content)
        union = int(rows[0][0].value) if rows and rows[0][0] is not None else 0
    store = RemoteStore(config, dataset, list(sizes), timeout)
    # the manifest's graph list is what bgraph.visual's views take as the fact graphs: none, so
    # that the ontology reference (which builds its own view) does not count and sample every
    # term's uses one request each (160 s at 100k triples on Virtuoso, measured)
    info = _Info(graphs={"": 0}, union=union, builtin=FACTS_GRAPH in sizes)
    opened = RemoteOpened(store, info)
    without_pictures(opened)
    from ..iris import ONTOLOGY_GRAPH

    small = sizes.get(str(ONTOLOGY_GRAPH), PATTERN_LIMIT + 1) <= PATTERN_LIMIT
    store.preload_vocabulary(str(ONTOLOGY_GRAPH) if small else None)
    where = urlsplit(config.url)
    return Served(
        opened,  # type: ignore[arg-type]
        builtin=info.builtin,
        inference=INFERRED_GRAPH in sizes,
        sources=[f"the SPARQL endpoint {where.scheme}://{where.netloc}{where.path}"],
        graph_sizes={g: n for g, n in sorted(sizes.items()) if n},
        triples=union,
    )


# -- /sparql and the page jobs: the pool's interface ------------------------------------------


class RemotePool:
    """The query workers' interface (:class:`.workers.WorkerPool`) over the upstream."""

    sandbox = "none (remote mode: this process connects to the upstream endpoint)"
    killed = 0

    def __init__(
        self,
        served: Served,
        config: RemoteConfig,
        size: int,
        max_waiting: int,
        timeout: float,
        links: Links,
    ) -> None:
        from .lookups import PageWork

        self.served = served
        self.config = config
        self.store: RemoteStore = served.store
        self.size = size
        self.max_waiting = max_waiting
        self.timeout = timeout
        self.busy = 0
        self._waiting = 0
        self._slots: asyncio.Semaphore | None = None
        self.pages = PageWork(served, links)
        self.pages._lookups = RemoteLookups(self.store, served.graph_sizes)
        self._client: httpx.AsyncClient | None = None

    # status, as /health reads it

    @property
    def alive(self) -> int:
        return self.size

    @property
    def idle(self) -> int:
        return self.size - self.busy

    @property
    def waiting(self) -> int:
        return self._waiting

    def retry_after(self) -> int:
        return max(1, math.ceil(self.timeout / 2))  # as WorkerPool.retry_after

    def close(self) -> None:
        self.store.close()

    # running a job

    async def run(self, job: Any, timeout: float | None = None) -> Any:
        from .dumps import DumpJob
        from .lookups import PageJob

        timeout = self.timeout if timeout is None else timeout
        if isinstance(job, DumpJob):
            raise RemoteError(
                "no dumps when fronting a remote endpoint: export from the upstream server",
            )
        async with self._slot():
            if isinstance(job, QueryJob):
                return await self._query(job, timeout)
            if isinstance(job, PageJob):
                return await self._page(job, timeout)
        raise TypeError(f"unknown job {type(job).__name__}")

    def _slot(self) -> Any:
        pool = self

        class _Slot:
            async def __aenter__(self) -> None:
                if pool._slots is None:
                    pool._slots = asyncio.Semaphore(pool.size)
                if pool._slots.locked():
                    if pool._waiting >= pool.max_waiting:
                        raise Overloaded(
                            f"the server is busy: {pool.size} upstream requests are running and "
                            f"{pool._waiting} are waiting; retry later",
                            pool.retry_after(),
                        )
                pool._waiting += 1
                try:
                    await asyncio.wait_for(pool._slots.acquire(), pool.timeout)
                except TimeoutError:
                    raise Overloaded(
                        f"the server is busy: no upstream slot freed up within {pool.timeout:g} s",
                        pool.retry_after(),
                    ) from None
                finally:
                    pool._waiting -= 1
                pool.busy += 1

            async def __aexit__(self, *exc: Any) -> None:
                pool.busy -= 1
                assert pool._slots is not None
                pool._slots.release()

        return _Slot()

    async def _page(self, job: Any, timeout: float) -> Any:
        deadline = time.monotonic() + timeout

        def work() -> Any:
            _DEADLINE.set(deadline)
            if job.kind == "home":  # the labels of every series and class, in a few queries
                from .overview import CLASS_COUNTS, SERIES

                nodes = [row["s"] for row in self.store.query(SERIES)]
                nodes += [row["c"] for row in self.store.query(CLASS_COUNTS)]
                self.store.prefetch(nodes, LABEL_PROPS)
            return self.pages(job)

        try:
            async with asyncio.timeout(timeout + 0.5):
                return await asyncio.to_thread(contextvars.copy_context().run, work)
        except TimeoutError:
            raise RemoteTimeout(
                f"the upstream endpoint did not give this page's data within {timeout:g} s"
            ) from None

    def _async_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                auth=auth_for(self.config.user, self.config.password, self.config.auth),
                follow_redirects=False,
                timeout=self.timeout,
            )
        return self._client

    async def _query(self, job: QueryJob, timeout: float) -> Reply:
        """Vet, send, read (bounded), cap, write: never raises (a Reply says what failed)."""
        form = ""
        started = time.monotonic()
        try:
            protocol_dataset = bool(job.default_graphs or job.named_graphs)
            known = None if protocol_dataset else sorted(self.store.graphs | {UNION_GRAPH})
            form, tokens = await asyncio.to_thread(vet_remote, job.text, known, job.base)
            fmt_name, media_type = choose_format(form, job.accept, job.format)
            dataset = self.store.dataset
            params = dataset.params(job.default_graphs, job.named_graphs)
            left = timeout - (time.monotonic() - started)
            if dataset.virtuoso:  # Virtuoso stops the query itself at its deadline too
                params.append(("timeout", str(max(1, int(left * 1000)))))
            graph_form = form in ("CONSTRUCT", "DESCRIBE")
            body = await self._send(
                dataset.text(job.text, job.base),
                params,
                NTRIPLES if graph_form else SELECT_JSON,
                left,
            )
            kind, answer = await asyncio.to_thread(_answer, body, form)
            reply = await asyncio.to_thread(write_reply, answer, kind, fmt_name, job, tokens)
            reply.media_type = media_type
            reply.form = form
            return reply
        except Exception as exc:
            return failure_reply(exc, form)

    async def _send(
        self, text: str, params: list[tuple[str, str]], accept: str, timeout: float
    ) -> bytes:
        client = self._async_client()
        url = self.config.url
        try:
            async with asyncio.timeout(max(timeout, 0.001)):
                request = client.build_request(
                    "POST",
                    url,
                    data={"query": text},
                    params=params or None,
                    headers={"Accept": accept},
                )
                resp = await client.send(request, stream=True)
                try:
                    if resp.status_code >= 300 or resp.headers.get("x-sql-state"):
                        await resp.aread()
                        check_response(resp, url)
                    chunks, size = [], 0
                    async for chunk in resp.aiter_bytes():
                        size += len(chunk)
                        if size > self.config.max_bytes:
                            raise RemoteError(
                                f"the upstream answer is larger than "
                                f"{self.config.max_bytes // (1024 * 1024)} MiB; ask for less "
                                "(LIMIT, fewer variables)"
                            )
                        chunks.append(chunk)
                finally:
                    await resp.aclose()
        except TimeoutError:
            raise RemoteTimeout(
                f"the upstream endpoint did not answer within {timeout:.3g} s; the request was "
                "cancelled (make the query more selective)"
            ) from None
        except httpx.HTTPError as exc:
            raise RemoteError(f"cannot reach the upstream endpoint {url}: {exc}") from None
        return b"".join(chunks)


def _answer(body: bytes, form: str) -> tuple[str, Any]:
    """The upstream's answer as :func:`~.engine.write_reply` reads it, and its form."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        return form, read_triples(body)
    kind, names, rows, boolean = read_results(body, form)
    return kind, bool(boolean) if kind == "ASK" else Solutions(names, rows)


# -- start-up ---------------------------------------------------------------------------------


def serve_remote(config: ServerConfig, remote: RemoteConfig) -> None:
    """``bgraph serve --endpoint``: as :func:`.run.serve`, with the upstream in place of the
    store and of the workers."""
    from .app import create_app
    from .context import ServerContext
    from .run import _configure_logging, _Server, _show_host, bind, http_config, public_url
    from .safety import _audit

    started = time.perf_counter()
    _configure_logging()
    served = connect(remote, config.timeout)
    sock = bind(config.host, config.port)
    url = public_url(sock, config.host, config.base_url)
    sys.addaudithook(_audit)  # no subprocesses; the network stays (the upstream needs it)
    pool = RemotePool(
        served, remote, config.workers, config.queue, config.timeout, Links(config.base_iri)
    )
    dump_dir = tempfile.mkdtemp(prefix="bgraph-dumps-")
    try:
        ctx = ServerContext(config, served, pool, url, dump_dir=dump_dir)  # type: ignore[arg-type]
        app = create_app(ctx)
        server = _Server(http_config(app, config))  # the same HTTP limits as a local store
        listening = sock.getsockname()
        server.announce = (
            f"bgraph: fronting {remote.url} ({served.triples} triples, "
            f"{len(served.graph_sizes)} graphs) on "
            f"http://{_show_host(listening[0])}:{listening[1]}/ -- SPARQL endpoint {ctx.endpoint}"
            f", query UI {url}sparql -- ready in {time.perf_counter() - started:.1f} s "
            "(Ctrl-C to stop)"
        )
        server.run(sockets=[sock])
    finally:
        pool.close()
        sock.close()
        shutil.rmtree(dump_dir, ignore_errors=True)


__all__ = [
    "BgraphError",
    "RemoteConfig",
    "RemoteLookups",
    "RemotePool",
    "RemoteStore",
    "connect",
    "serve_remote",
]
