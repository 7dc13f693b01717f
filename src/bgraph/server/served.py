"""The dataset a server serves: loaded once (before the query workers fork), then frozen.

Three stores (``--store``): ``memory``, an rdflib Dataset frozen read-only (queries by rdflib's
engine); ``oxigraph``, the same files loaded into an in-memory Oxigraph store (queries by
Oxigraph's engine); a directory written by ``bgraph build``, opened read-only where it is used
(nothing parsed or reasoned at start). With Oxigraph, :attr:`Served.dataset` is a read-only
rdflib view of the store (:mod:`bgraph.oxview`), so pages, dumps and metadata read it as they
read the rdflib one, and :attr:`Served.oxigraph` gives each process its own store handle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from ..errors import UsageError
from ..namespaces import INFERRED_GRAPH, bind_prefixes
from ..oxview import OxigraphSource
from .safety import ReadOnlyMemory

if TYPE_CHECKING:
    from ..store import StoreInfo


@dataclass
class Served:
    """The frozen dataset and what the server says about it."""

    dataset: Dataset
    builtin: bool  #: the Ballard knowledge graph (no paths given)
    inference: bool  #: the OWL 2 RL closure is in the inferred graph
    sources: list[str] = field(default_factory=list)  #: files, for the home page and VoID
    graph_sizes: dict[URIRef, int] = field(default_factory=dict)
    triples: int = 0  #: distinct triples of the default (union) graph
    oxigraph: OxigraphSource | None = None  #: the Oxigraph store, when queries run there
    store_label: str = "memory"  #: memory, oxigraph or the store's directory (for the logs)

    @property
    def engine(self) -> str:
        return "rdflib" if self.oxigraph is None else "oxigraph"

    @property
    def graph_names(self) -> list[URIRef]:
        return list(self.graph_sizes)

    def graph(self, name: URIRef) -> Graph:
        """A read-only view of one named graph (empty if there is none of that name)."""
        return Graph(store=self.dataset.store, identifier=name)

    @property
    def asserted_graph_names(self) -> list[URIRef]:
        return [g for g in self.graph_sizes if g != INFERRED_GRAPH]


def freeze(source: Dataset) -> Dataset:
    """A copy of ``source`` in a store that raises on any write (the served store)."""
    store = ReadOnlyMemory()
    ds = Dataset(store=store, default_union=True)
    bind_prefixes(ds)
    for prefix, ns in source.namespaces():
        if prefix not in dict(ds.namespaces()):
            ds.bind(prefix, ns)
    for graph in source.graphs():
        if len(graph) == 0:
            continue
        target = ds.graph(graph.identifier)
        store.addN((s, p, o, target) for s, p, o in graph)
    store.freeze()
    return ds


def load_served(
    paths: Sequence[Path] = (),
    named: Sequence[tuple[str, Path]] = (),
    inference: bool = True,
    store: str = "memory",
) -> Served:
    """Load the Ballard dataset, or the given files, and freeze it.

    ``paths`` are read as :func:`bgraph.graph.parse_files` does (each triples file is a graph
    named by its file IRI; quads files keep their graphs); ``named`` pairs load a file into the
    graph of the given IRI, as Fuseki's and Oxigraph's ``--graph`` do. ``store``: memory,
    oxigraph, or the directory of a built store (then no paths: it holds its data).
    """
    if store == "oxigraph":
        return _load_oxigraph(paths, named, inference)
    if store != "memory":
        return _open_built(Path(store), paths, named, inference)
    from ..dataset import load_dataset

    builtin = not paths and not named
    if builtin:
        source = load_dataset(inference=inference)
        sources: list[str] = ["the bgraph knowledge graph (ontology, facts, provenance)"]
    elif not named:
        source = load_dataset(list(paths), inference=inference)
        sources = [str(p) for p in paths]
    else:
        source = _load_named(paths, named, inference)
        sources = [str(p) for p in paths] + [f"{p} as <{iri}>" for iri, p in named]
    ds = freeze(source)
    sizes = {
        g.identifier: len(g)
        for g in ds.graphs()
        if len(g) and g.identifier != DATASET_DEFAULT_GRAPH_ID  # not a named graph
    }
    sizes = dict(sorted(sizes.items(), key=lambda kv: str(kv[0])))
    triples = len(set(ds.triples((None, None, None))))
    return Served(ds, builtin, inference, sources, sizes, triples)  # type: ignore[arg-type]


def _load_named(
    paths: Sequence[Path], named: Sequence[tuple[str, Path]], inference: bool
) -> Dataset:
    from ..graph import parse_files, parse_into
    from ..reason import compute_closure
    from ..resources import resources

    ds = parse_files(paths)
    for iri, path in named:
        parse_into(ds.graph(URIRef(iri)), path)
    if inference:
        tbox = Graph()
        parse_into(tbox, resources().ontology)
        abox = Graph()
        for g in ds.graphs():
            for t in g:
                abox.add(t)
        sources = (resources().ontology, *paths, *(p for _iri, p in named))
        closure = compute_closure(tbox, abox, sources=sources)
        target = ds.graph(INFERRED_GRAPH)
        for t in closure.inferred:
            target.add(t)
    return ds


def _sources(paths: Sequence[Path], named: Sequence[tuple[str, Path]]) -> list[str]:
    if not paths and not named:
        return ["the bgraph knowledge graph (ontology, facts, provenance)"]
    return [str(p) for p in paths] + [f"{p} as <{iri}>" for iri, p in named]


def _served_oxigraph(source: OxigraphSource, info: StoreInfo, **kwargs: object) -> Served:
    from ..namespaces import PREFIXES
    from ..oxview import view_dataset

    prefixes = ((k, str(v)) for k, v in PREFIXES.items())
    ds = view_dataset(source, prefixes, info.default_only)
    sizes = {URIRef(g): n for g, n in sorted(info.graphs.items()) if n}
    return Served(ds, graph_sizes=sizes, triples=info.union, oxigraph=source, **kwargs)  # type: ignore[arg-type]


def _load_oxigraph(
    paths: Sequence[Path], named: Sequence[tuple[str, Path]], inference: bool
) -> Served:
    """The files (or the Ballard dataset) parsed and closed into an in-memory Oxigraph store,
    as ``bgraph build`` does on disk."""
    from ..store import load_store

    opened = load_store(list(paths) or None, named, inference)
    info = opened.info
    assert info is not None
    return _served_oxigraph(
        OxigraphSource(memory=opened.store),
        info,
        builtin=not paths and not named,
        inference=inference,
        sources=_sources(paths, named),
        store_label="oxigraph",
    )


def _open_built(
    directory: Path, paths: Sequence[Path], named: Sequence[tuple[str, Path]], inference: bool
) -> Served:
    """A store written by ``bgraph build``: its manifest is read here; the store itself is opened
    by each process that uses it (a RocksDB handle must not cross a fork)."""
    from ..store import StoreError, read_manifest

    if paths or named:
        raise UsageError(
            f"--store {directory}: a built store already holds its data; drop the PATHs and "
            "--graph (or build a store of those files: bgraph build PATH... -o DIR)"
        )
    if not inference:
        raise UsageError(
            f"--store {directory}: a built store holds its inferences; --no-inference applies "
            "to --store memory and oxigraph (or query the asserted graphs by name)"
        )
    if not directory.exists():
        raise StoreError(
            f"--store {directory}: no such directory; build a store there with "
            f"`bgraph build -o {directory}`"
        )
    if not directory.is_dir():
        raise StoreError(f"--store {directory}: not a directory (nor memory or oxigraph)")
    info = read_manifest(directory)
    sources = _sources((), ()) if info.builtin else [str(i.get("path", "?")) for i in info.inputs]
    return _served_oxigraph(
        OxigraphSource(path=directory.resolve()),
        info,
        builtin=info.builtin,
        inference=info.reasoner != "none",
        sources=[f"{s} (built {info.built} into {directory})" for s in sources],
        store_label=str(directory),
    )
