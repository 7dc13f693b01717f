"""The dataset a server serves: loaded once (before the query workers fork), then frozen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from ..namespaces import INFERRED_GRAPH, bind_prefixes
from .safety import ReadOnlyMemory


@dataclass
class Served:
    """The frozen dataset and what the server says about it."""

    dataset: Dataset
    builtin: bool  #: the Ballard knowledge graph (no paths given)
    inference: bool  #: the OWL 2 RL closure is in the inferred graph
    sources: list[str] = field(default_factory=list)  #: files, for the home page and VoID
    graph_sizes: dict[URIRef, int] = field(default_factory=dict)
    triples: int = 0  #: distinct triples of the default (union) graph

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
) -> Served:
    """Load the Ballard dataset, or the given files, and freeze it.

    ``paths`` are read as :func:`bgraph.graph.parse_files` does (each triples file is a graph
    named by its file IRI; quads files keep their graphs); ``named`` pairs load a file into the
    graph of the given IRI, as Fuseki's and Oxigraph's ``--graph`` do.
    """
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
