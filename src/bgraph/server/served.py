"""What a server serves: the one store (:func:`bgraph.store.open_dataset`) and what the pages
say about it, summarised once at load from the store's manifest (nothing is counted here).

In RAM (``--store memory``, the default) the store is filled before the query workers fork and
they share it copy-on-write; a built store (``--store DIR``) is opened read-only by each process
that uses it (:attr:`bgraph.store.OpenStore.store`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..iris import EXPLANATIONS_GRAPH
from ..store import OpenStore, open_dataset

BUILTIN = "the bgraph knowledge graph (ontology, facts, provenance)"


@dataclass
class Served:
    """The open store and its summary (graph sizes and the union's size, from StoreInfo)."""

    opened: OpenStore
    builtin: bool  #: bgraph's own knowledge graph (no paths given)
    inference: bool  #: the OWL 2 RL closure is in the inferred graph
    sources: list[str] = field(default_factory=list)  #: files, for the home page and VoID
    graph_sizes: dict[str, int] = field(default_factory=dict)  #: named graph IRI -> triples
    triples: int = 0  #: distinct triples of the default (union) graph
    default_only: bool = False  #: the default graph also holds triples no named graph has

    @property
    def store(self) -> Any:
        """This process's ``pyoxigraph.Store`` handle."""
        return self.opened.store

    @property
    def on_disk(self) -> bool:
        return self.opened.on_disk

    @property
    def store_label(self) -> str:
        return self.opened.label

    @property
    def explained(self) -> bool:
        """The store holds the closure's explanations (``bgg:explanations``): pages link each
        inferred fact to its ``/why`` page."""
        return EXPLANATIONS_GRAPH in self.graph_sizes

    @property
    def graph_names(self) -> list[str]:
        return list(self.graph_sizes)


def load_served(
    paths: Sequence[Path] = (),
    named: Sequence[tuple[str, Path]] = (),
    inference: bool = True,
    store: str = "memory",
    explain: bool | None = None,
) -> Served:
    """The files (or bgraph's own data) loaded and closed in RAM, or a built store opened.

    ``paths`` are read as :func:`bgraph.store.open_dataset` does (each triples file is a graph
    named by its file IRI; quads files keep their graphs); ``named`` pairs load a file into the
    graph of the given IRI, as Fuseki's and Oxigraph's ``--graph`` do.
    """
    if store == "oxigraph" and not Path(store).exists():
        raise UsageError(
            "--store oxigraph is gone: Oxigraph is the engine of every store now; use "
            "--store memory (the default: the data loaded into RAM) or --store DIR"
        )
    if explain is not None and store != "memory":
        raise UsageError(
            "--explain/--no-explain: a built store serves the explanations `bgraph build` "
            "made (or not); build it again with --explain or --no-explain"
        )
    if explain and not inference:
        raise UsageError("--explain explains inferences: not with --no-inference")
    opened = open_dataset(paths, named, store=store, inference=inference, explain=explain)
    info = opened.info
    assert info is not None, "open_dataset gives a store with its summary"
    _settle_before_fork(info)
    if opened.on_disk:
        files = [str(i.get("path", "?")) for i in info.inputs]
        sources = [BUILTIN] if info.builtin else files
        sources = [f"{s} (built {info.built} into {store})" for s in sources]
    elif not paths and not named:
        sources = [BUILTIN]
    else:
        sources = [str(p) for p in paths] + [f"{p} as <{iri}>" for iri, p in named]
    return Served(
        opened,
        builtin=info.builtin,
        inference=info.reasoner != "none",
        sources=sources,
        graph_sizes={g: n for g, n in sorted(info.graphs.items()) if n},
        triples=info.union,
        default_only=bool(info.default_only),
    )


def _settle_before_fork(info: Any) -> None:
    """Leave the workers a heap they will not copy.

    Loading leaves most of its memory freed but still held by malloc (at 100k triples about
    200 MB of the main process's 390 MB RSS). Forked workers inherit those pages shared, then
    reuse the free chunks for their own allocations, and every page they write is copied:
    measured, the server and its workers went from 380 MB PSS to 570 MB after the first home
    page. So, before the fork: the closure's N-Triples lines (kept on the summary for ``bgraph
    build``) are dropped, the objects left are moved out of the cyclic collector's reach
    (``gc.freeze``: a collection would write every inherited object's header), and glibc
    gives the free memory back to the kernel (``malloc_trim``; elsewhere nothing happens)."""
    import ctypes
    import gc

    info.closure = None
    gc.collect()
    gc.freeze()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass
