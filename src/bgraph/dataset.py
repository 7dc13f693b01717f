"""The dataset every consumer (query, export, serve) gets: asserted + cleaned inferred graphs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import Dataset, Graph

from .graph import load_asserted, parse_files, parse_into
from .namespaces import FACTS_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH
from .reason import Closure, compute_closure
from .resources import resources


def _tbox_abox(ds: Dataset, builtin: bool) -> tuple[Graph, Graph]:
    if builtin:
        return ds.graph(ONTOLOGY_GRAPH), ds.graph(FACTS_GRAPH)
    tbox = Graph()
    parse_into(tbox, resources().ontology)
    abox = Graph()
    for g in ds.graphs():
        if g.identifier not in (ONTOLOGY_GRAPH, INFERRED_GRAPH, PROVENANCE_GRAPH):
            for t in g:
                abox.add(t)
    return tbox, abox


def load_dataset(
    paths: Sequence[Path] | None = None,
    inference: bool = True,
    reasoner: str = "fast",
    use_cache: bool = True,
) -> Dataset:
    """The built-in Ballard dataset, or the given RDF files, enriched with the closure.

    With ``paths``, each triples file becomes a named graph (named by its file IRI) and quads
    files keep their graphs; the closure is computed with bgraph's ontology.
    """
    ds, _closure = load_with_closure(paths, inference, reasoner, use_cache)
    return ds


def load_with_closure(
    paths: Sequence[Path] | None = None,
    inference: bool = True,
    reasoner: str = "fast",
    use_cache: bool = True,
) -> tuple[Dataset, Closure | None]:
    builtin = not paths
    ds = load_asserted() if builtin else parse_files(paths or ())
    if not inference:
        return ds, None
    tbox, abox = _tbox_abox(ds, builtin)
    res = resources()
    sources = (res.ontology, res.data) if builtin else (res.ontology, *(paths or ()))
    closure = compute_closure(tbox, abox, reasoner, use_cache, sources=sources)
    target = ds.graph(INFERRED_GRAPH)
    for t in closure.inferred:
        target.add(t)
    return ds, closure
