"""The one store: Oxigraph, in RAM (the default) or built on disk; every command works on it.

Files are parsed by Oxigraph's parsers (:mod:`bgraph.graph`), closed by the fast reasoner
(:mod:`bgraph.fastreason`, inferences written to ``bgg:inferred``), and the distinct union of
all graphs is materialised in the default graph. :func:`open_dataset` is the one dispatcher:
``--store memory`` (default) does this in RAM at start; ``bgraph build -o DIR`` writes it to a
RocksDB directory that ``--store DIR`` opens read-only without re-parsing or re-reasoning.

A built store holds a manifest (``bgraph-store.json``): bgraph and pyoxigraph versions, the inputs
with their SHA-256, the reasoner, counts per graph and timings. :func:`open_store` refuses a
directory that is not one, and tells when the store is older than its inputs.

rdflib sees the same store through oxrdflib (:meth:`OpenStore.rdflib_dataset`), for pyshacl,
owlrl and Python users; nothing copies the dataset into rdflib.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import __version__
from .errors import BgraphError, UsageError
from .iris import (
    EXPLANATIONS_GRAPH,
    FACTS_GRAPH,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    PREFIXES,
    PROVENANCE_GRAPH,
    SCHEMA_INFERRED_GRAPH,
)
from .resources import resources

STORE_KINDS = ("memory",)
#: Where the closure goes: instance inferences, and the ontology's own (Closure.split's order).
CLOSURE_GRAPHS = (INFERRED_GRAPH, SCHEMA_INFERRED_GRAPH)
MANIFEST = "bgraph-store.json"
FORMAT_VERSION = 1

Progress = Callable[[str], None]


class StoreError(BgraphError):
    """A store directory that cannot be built or opened."""


@dataclass
class StoreInfo:
    """What a manifest says about a built store."""

    path: Path | None  #: None for an in-memory store
    bgraph: str
    pyoxigraph: str
    built: str
    reasoner: str
    inputs: list[dict[str, Any]]
    graphs: dict[str, int]
    quads: int  #: in the named graphs
    inferred: int
    union: int = 0  #: distinct triples of all graphs (the default graph)
    timings: dict[str, float] = field(default_factory=dict)
    note: str = ""
    builtin: bool = False  #: built from bgraph's own data (no input files given)
    #: triples stated in the default graph and in no named graph (None: not counted at build)
    default_only: int | None = None
    #: entities per class of the data's own graphs (the home page's "what is in it"), counted at
    #: build: at 1M triples the aggregate takes over a second (None: not counted)
    class_counts: dict[str, int] | None = None
    #: this run's closure (:class:`bgraph.reason.Closure`; not written to the manifest)
    closure: Any = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "bgraph": self.bgraph,
            "pyoxigraph": self.pyoxigraph,
            "built": self.built,
            "reasoner": self.reasoner,
            "inputs": self.inputs,
            "graphs": self.graphs,
            "quads": self.quads,
            "union": self.union,
            "inferred": self.inferred,
            "timings": self.timings,
            "note": self.note,
            "builtin": self.builtin,
            "default_only": self.default_only,
            "class_counts": self.class_counts,
        }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


# -- build ----------------------------------------------------------------------------------------


def build_store(
    out: Path,
    paths: Sequence[Path] | None = None,
    reasoner: str = "fast",
    force: bool = False,
    progress: Progress | None = None,
    explain: bool | None = None,
) -> StoreInfo:
    """Load ``paths`` (default: the built-in data), close them, write an Oxigraph store to ``out``
    with the closure's explanations in ``bgg:explanations`` (:mod:`bgraph.explain`) when
    ``explain`` is on, or is None (the default) and the input is small (:func:`explains`).

    Built in a sibling temporary directory and moved into place at the end, so an interrupted or
    failed build never leaves a half-written store behind (nor destroys the previous one).

    The dataset is loaded and closed in RAM, then written to disk by one bulk load of its
    N-Quads and of each graph's N-Triples (the union: the default graph, where the store keeps a
    triple once). Reading RocksDB back to reason and to unite, and bulk-loading it several
    times, cost more than all the rest (1M triples: dumps 35 s, loads 42 s). One load also
    keeps blank nodes one node each across graphs: its parser relabels them consistently.
    """
    import pyoxigraph as ox

    _check_reasoner(reasoner)
    _check_target(out, force)
    out = out.resolve()
    tmp = out.with_name(f".{out.name}.building")
    dump = out.with_name(f".{out.name}.nq")
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        memory = ox.Store()
        info = fill_store(
            memory,
            paths,
            reasoner=reasoner,
            progress=progress,
            union=False,
            keep_inferred=False,
            explain=explain,
        )
        t0 = time.perf_counter()
        if progress:
            progress("writing")
        nt, nq = ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS
        closure = info.closure
        with open(dump, "wb") as fh:
            memory.dump(fh, format=nq)
            for g in memory.named_graphs():
                memory.dump(fh, format=nt, from_graph=g)  # the union
            if closure is not None and closure.lines:  # the closure's graphs, and the union
                for iri, lines in zip(CLOSURE_GRAPHS, closure.split, strict=True):
                    if not lines:
                        continue
                    graph = f" <{iri}> ."
                    fh.write("".join(line[:-2] + graph + "\n" for line in lines).encode())
                    info.graphs = dict(sorted({**info.graphs, iri: len(lines)}.items()))
                fh.write(closure.nt())
                info.quads += closure.count
            if closure is not None and closure.derivations is not None:  # kept out of the union
                info.graphs = dict(
                    sorted({**info.graphs, **_write_explanations(fh, closure)}.items())
                )
                info.quads = sum(info.graphs.values())
        del memory
        store = ox.Store(str(tmp))
        store.bulk_load(path=str(dump), format=nq)
        dump.unlink()
        # no optimize(): after a bulk load it took 5 s at 1M triples and left a larger store
        # (824 against 536 MB) that answered as fast (bench/results: pages at 1M)
        store.flush()
        info.timings["index"] = round(info.timings["index"] + time.perf_counter() - t0, 3)
        t0 = time.perf_counter()
        from concurrent.futures import ThreadPoolExecutor

        from .server.overview import class_counts
        from .visual.summary import write_summary  # the home page's pictures, read once here

        # three read-only passes over the store at once (Oxigraph evaluates without the GIL)
        with ThreadPoolExecutor(3) as pool:
            union = pool.submit(_count, store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
            counts = pool.submit(class_counts, store)
            pool.submit(write_summary, store, tmp).result()
            info.union, info.class_counts = union.result(), counts.result()
        info.timings["pictures"] = round(time.perf_counter() - t0, 3)
        info.path = out
        del store
        (tmp / MANIFEST).write_text(json.dumps(info.as_dict(), indent=2) + "\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
        return info
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        dump.unlink(missing_ok=True)
        raise


def load_store(
    paths: Sequence[Path] | None = None,
    named: Sequence[tuple[str, Path]] = (),
    inference: bool = True,
    reasoner: str = "fast",
    progress: Progress | None = None,
    *,
    union: bool = True,
    cluster: bool = True,
    use_cache: bool = False,
    keep_inferred: bool = True,
    explain: bool | None = None,
) -> OpenStore:
    """What :func:`build_store` writes, in an in-memory Oxigraph store (``--store memory``).

    Files are parsed by Oxigraph and closed by the fast reasoner, as ``bgraph build`` does; a
    ``named`` pair (IRI, file) loads the file into that graph, as ``serve --graph`` does.
    ``cluster`` reorders the quads for faster queries (worth it for a server, not for one
    command: 4-5 s per 100k triples); ``union=False`` leaves the default graph as the files
    gave it (``bgraph reason`` needs no union); ``use_cache`` reads and writes the closure cache;
    ``keep_inferred=False`` leaves the inferences out of the store (in ``info.closure`` only:
    ``bgraph reason`` reports them and writes them to a file).
    """
    import pyoxigraph as ox

    _check_reasoner(reasoner)
    store = ox.Store()
    info = fill_store(
        store,
        paths,
        named,
        inference,
        reasoner,
        progress,
        union=union,
        use_cache=use_cache,
        keep_inferred=keep_inferred,
        explain=explain,
    )
    return OpenStore(memory=_clustered(store) if cluster else store, info=info)


def _clustered(store: Any) -> Any:
    """A copy of an in-memory store with its quads inserted subject by subject.

    Oxigraph's in-memory store answers faster when a subject's quads went in together (its
    data then sits together): 1.3-2x on most bench queries at 100k triples, measured against
    file + inference + union order. Costs about 1.5 s per 100k triples of input at start.
    """
    import pyoxigraph as ox

    quads = sorted(store.quads_for_pattern(None, None, None, None), key=_subject)
    copy = ox.Store()
    copy.bulk_extend(quads)
    return copy


def _subject(quad: Any) -> str:
    return quad.subject.value


def fill_store(
    store: Any,
    paths: Sequence[Path] | None = None,
    named: Sequence[tuple[str, Path]] = (),
    inference: bool = True,
    reasoner: str = "fast",
    progress: Progress | None = None,
    *,
    union: bool = True,
    use_cache: bool = False,
    keep_inferred: bool = True,
    explain: bool | None = None,
) -> StoreInfo:
    """Load, close and index into ``store``: the asserted graphs, ``bgg:inferred`` (unless
    ``inference`` or ``keep_inferred`` is off) and (unless ``union`` is off) the distinct union
    of all graphs in the default graph; and the closure's explanations in ``bgg:explanations``
    (written after the union: they are not facts) when ``explain`` is on, or is None and the
    input is small (:func:`explains`)."""
    step = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    user = bool(paths) or bool(named)
    t0 = time.perf_counter()
    step("loading")
    inputs = _load_inputs(store, paths, named)
    timings["load"] = time.perf_counter() - t0
    explain = inference and explains(explain, len(store))

    t1 = time.perf_counter()
    closure = None
    if inference:
        step("reasoning")
        sources = [Path(i["path"]) for i in inputs]
        if not user:  # the provenance graph is not reasoned over
            sources = [resources().ontology, resources().data]
        elif resources().ontology.resolve() not in sources:
            sources = [resources().ontology, *sources]
        closure = _reason_into(
            store, user, reasoner, sources, use_cache, keep_inferred, explain=explain
        )
    timings["reason"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    step("indexing")
    default_only = _count(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    if default_only:  # usually none: every input file is a graph of its own
        default_only = _count(store, DEFAULT_ONLY_COUNT)
    if union:
        graphs = {g: n for g, n in materialise_union(store).items() if n}
        union_size = _count(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    else:
        graphs = graph_sizes(store)
        union_size = graphs.pop("", 0)
    timings["index"] = time.perf_counter() - t2
    if keep_inferred and closure is not None and closure.derivations is not None:
        t3 = time.perf_counter()
        graphs = dict(sorted({**graphs, **_add_explanations(store, closure)}.items()))
        timings["explain"] = time.perf_counter() - t3
    from .reason import dist_version

    return StoreInfo(
        path=None,
        bgraph=__version__,
        pyoxigraph=dist_version("pyoxigraph"),
        built=datetime.now(UTC).isoformat(timespec="seconds"),
        reasoner=closure.reasoner if closure else "none",
        inputs=inputs,
        graphs=dict(sorted(graphs.items())),
        quads=sum(graphs.values()),
        union=union_size,
        inferred=closure.count if closure else 0,
        timings={k: round(v, 3) for k, v in timings.items()},
        note=closure.note if closure else "",
        builtin=not user,
        default_only=default_only,
        closure=closure,
    )


def _check_reasoner(reasoner: str) -> None:
    from .reason import REASONERS

    if reasoner not in REASONERS:
        raise UsageError(f"unknown reasoner {reasoner!r}; valid: {', '.join(REASONERS)}")


def _check_target(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MANIFEST).is_file():
            raise UsageError(
                f"{out}: exists, is not empty and is not a bgraph store; not touching it"
            )
        if not force:
            raise UsageError(f"{out}: a store is already there; --force replaces it")
    if not out.resolve().parent.is_dir():
        raise UsageError(f"{out.parent}: no such directory")


def _load_inputs(
    store: Any, paths: Sequence[Path] | None, named: Sequence[tuple[str, Path]] = ()
) -> list[dict[str, Any]]:
    """Each input file into its graph (see :mod:`bgraph.graph`); bgraph's own files into
    ``bgg:ontology``, ``bgg:facts`` and (TriG) the provenance graphs."""
    from .graph import load_into_oxigraph

    if not paths and not named:
        res = resources()
        load_into_oxigraph(store, res.ontology, str(ONTOLOGY_GRAPH))
        load_into_oxigraph(store, res.data, str(FACTS_GRAPH))
        load_into_oxigraph(store, res.provenance, str(PROVENANCE_GRAPH))
        files = [res.ontology, res.data, res.provenance]
    else:
        for path in paths or ():
            load_into_oxigraph(store, path)
        for iri, path in named:
            load_into_oxigraph(store, path, iri)
        files = [*(paths or ()), *(p for _iri, p in named)]
    return [
        {"path": str(p.resolve()), "sha256": _sha256(p), "bytes": p.stat().st_size} for p in files
    ]


def closure_inputs(store: Any, user_paths: bool) -> tuple[bytes, Callable[[], Iterable[bytes]]]:
    """What the reasoner reads: the TBox as N-Triples, and a function giving the ABox's parts
    (every graph but the ontology, the provenance, the closure and the explanations); with user
    files, the TBox is bgraph's ontology (read apart: the user's files are all ABox)."""
    import pyoxigraph as ox

    nt = ox.RdfFormat.N_TRIPLES
    if user_paths:
        tbox_store = ox.Store()
        from .graph import load_into_oxigraph

        load_into_oxigraph(tbox_store, resources().ontology, default_graph=True)
        tbox = tbox_store.dump(format=nt, from_graph=ox.DefaultGraph())
    else:
        tbox = store.dump(format=nt, from_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    excluded = {
        str(g) for g in (ONTOLOGY_GRAPH, INFERRED_GRAPH, SCHEMA_INFERRED_GRAPH, PROVENANCE_GRAPH)
    }
    excluded.add(EXPLANATIONS_GRAPH)

    def abox() -> Iterable[bytes]:
        yield store.dump(format=nt, from_graph=ox.DefaultGraph())
        for g in sorted(store.named_graphs(), key=str):  # one order: the same derivations
            if not (isinstance(g, ox.NamedNode) and g.value in excluded):
                yield store.dump(format=nt, from_graph=g)

    return tbox, abox


def _reason_into(
    store: Any,
    user_paths: bool,
    reasoner: str,
    sources: Sequence[Path],
    use_cache: bool,
    write: bool = True,
    explain: bool = False,
) -> Any:
    """Close the store's data with the ontology; write the inferences to ``bgg:inferred``
    (unless ``write`` is off: ``bgraph reason`` only reports and writes them out).

    The ABox is every graph but the ontology, the provenance and the inferred one; with user
    files, the TBox is bgraph's ontology (read apart: the user's files are all ABox). Graphs
    reach the reasoner as N-Triples written by Oxigraph (``Store.dump``): term strings, not a
    Python object per term."""
    import pyoxigraph as ox

    from .reason import compute_closure_nt

    tbox, abox = closure_inputs(store, user_paths)
    closure = compute_closure_nt(
        tbox, abox, reasoner, use_cache=use_cache, sources=sources, explain=explain
    )
    if write:
        for graph, lines in zip(CLOSURE_GRAPHS, closure.split, strict=True):
            data = "".join(line + "\n" for line in lines).encode("utf-8")
            add_triples(store, data, closure.blank_nodes, ox.NamedNode(str(graph)))
    return closure


# -- explanations (issue 14) ---------------------------------------------------------------------

#: Asserted quads up to which the closure's explanations are made unless asked otherwise: they
#: cost about 2.5x the closure's time and some ten quads per inference (bench/explain.py), so
#: bgraph's own data (2,548 quads) and small graphs have them, and big inputs only on request.
EXPLAIN_UP_TO = 10_000


def explains(explain: bool | None, asserted: int) -> bool:
    """Whether to record the closure's explanations: as asked (``--explain``/``--no-explain``),
    else (None) when the input holds at most :data:`EXPLAIN_UP_TO` quads."""
    return asserted <= EXPLAIN_UP_TO if explain is None else explain


def _explanation_chunks(closure: Any) -> Iterable[str]:
    if closure.derivations is None:  # owlrl computed it: no derivations to publish
        return ()
    from .explain import explanation_chunks

    return explanation_chunks(closure.derivations)


def _add_explanations(store: Any, closure: Any) -> dict[str, int]:
    """Write the closure's explanations into ``bgg:explanations``; its size."""
    import pyoxigraph as ox

    graph = ox.NamedNode(EXPLANATIONS_GRAPH)
    for chunk in _explanation_chunks(closure):
        data = chunk.encode("utf-8")
        add_triples(store, data, _may_have_blank_nodes(data), graph)
    n = _count(store, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{EXPLANATIONS_GRAPH}> {{ ?s ?p ?o }} }}")
    return {EXPLANATIONS_GRAPH: n} if n else {}


def _write_explanations(fh: Any, closure: Any) -> dict[str, int]:
    """Append the explanations to an N-Quads dump as ``bgg:explanations``; its size."""
    tail = f" <{EXPLANATIONS_GRAPH}> .\n"
    n = 0
    for chunk in _explanation_chunks(closure):
        n += chunk.count("\n")
        fh.write(chunk.replace(" .\n", tail).encode("utf-8"))
    return {EXPLANATIONS_GRAPH: n} if n else {}


def add_triples(store: Any, data: bytes, blank_nodes: bool, graph: Any = None) -> None:
    """Add an N-Triples document written by Oxigraph to ``graph`` (default: the default graph).

    Oxigraph's loader gives blank nodes fresh identities; a document with blank nodes of this
    store is parsed (labels kept) and its quads added instead."""
    import pyoxigraph as ox

    if not data:
        return
    if not blank_nodes:
        store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        return
    target = graph if graph is not None else ox.DefaultGraph()
    store.bulk_extend(
        ox.Quad(t.subject, t.predicate, t.object, target)
        for t in ox.parse(data, ox.RdfFormat.N_TRIPLES)
    )


# -- open -----------------------------------------------------------------------------------------


class OpenStore:
    """The one store every command works on: an Oxigraph store and what its manifest says.

    In RAM (``memory``: what :func:`load_store` fills) the store is one object, inherited
    copy-on-write by forked workers. A built store on disk (``path``) is opened read-only by each
    process that uses it, on first use: a RocksDB handle starts threads, and neither survives a
    ``fork``.
    """

    def __init__(
        self, memory: Any = None, path: Path | None = None, info: StoreInfo | None = None
    ) -> None:
        if (memory is None) == (path is None):
            raise ValueError("give an in-memory store or the path of a built one")
        self.memory = memory
        self.path = path
        self.info = info
        self._handle: Any = None
        self._pid = 0

    @property
    def on_disk(self) -> bool:
        return self.path is not None

    @property
    def label(self) -> str:
        """``memory`` or the built store's directory (for logs and /health)."""
        return "memory" if self.path is None else str(self.path)

    @property
    def store(self) -> Any:
        """This process's handle on the Oxigraph store."""
        if self.memory is not None:
            return self.memory
        if self._pid != os.getpid():
            import pyoxigraph as ox

            try:
                self._handle = ox.Store.read_only(str(self.path))
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot open the store ({exc})") from None
            self._pid = os.getpid()
        return self._handle

    def close(self) -> None:
        """Drop this process's handle on a built store (before a fork: RocksDB's threads do not
        survive one); the next use opens it again."""
        if self.path is not None:
            self._handle = None
            self._pid = 0

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def __len__(self) -> int:
        return len(self.store)

    def rdflib_dataset(self) -> Any:
        """An rdflib ``Dataset`` over this same store (oxrdflib: nothing is copied).

        Its default graph is bgraph's default graph: the distinct union of the named graphs.
        For libraries that speak rdflib (pyshacl, owlrl, pyld) and for Python users."""
        from oxrdflib import OxigraphStore
        from rdflib import Dataset

        from .namespaces import bind_prefixes

        ds = Dataset(store=OxigraphStore(store=self.store))
        bind_prefixes(ds)
        return ds


def oxigraph_store(source: Any) -> Any:
    """The Oxigraph store of ``source``: an :class:`OpenStore` (or what stands for one, such as
    ``serve --endpoint``'s remote store), an rdflib ``Dataset`` or ``Graph`` over oxrdflib (what
    :meth:`OpenStore.rdflib_dataset` and ``bgraph.dataset()`` give), or a store itself (anything
    with ``quads_for_pattern``)."""
    if hasattr(source, "graph_names") and hasattr(source, "store"):  # an OpenStore, or like one
        return source.store
    inner = getattr(getattr(source, "store", None), "_store", None)  # oxrdflib's OxigraphStore
    if inner is not None:
        return inner
    if hasattr(source, "quads_for_pattern"):
        return source
    raise TypeError(f"not an Oxigraph store, OpenStore or oxrdflib Dataset: {type(source)!r}")


def read_manifest(path: Path) -> StoreInfo:
    manifest = path / MANIFEST
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        # `bgraph build -o DIR` writes into a new or empty directory only (it never mixes a
        # store with other files): suggest DIR itself only where build would take it
        where = path if not any(path.iterdir()) else "NEW_DIR"
        raise StoreError(
            f"{path}: not a bgraph store (no {MANIFEST}); build one with `bgraph build -o {where}`"
        ) from None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{manifest}: unreadable manifest ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
        raise StoreError(
            f"{path}: store format {data.get('format')!r} is not {FORMAT_VERSION}; rebuild it"
        )
    fields = StoreInfo.__dataclass_fields__
    info = StoreInfo(path=path, **{k: v for k, v in data.items() if k in fields and k != "path"})
    if "builtin" not in data:  # written before the field existed: the built-in files' names
        res = resources()
        names = [Path(i.get("path", "")).name for i in info.inputs]
        info.builtin = names == [res.ontology.name, res.data.name, res.provenance.name]
    return info


def open_store(path: Path) -> OpenStore:
    """Open a built store read-only (milliseconds: nothing is parsed or reasoned)."""
    if not path.exists():
        raise StoreError(f"{path}: no such directory; build a store with `bgraph build -o {path}`")
    if not path.is_dir():
        raise StoreError(f"{path}: not a directory")
    opened = OpenStore(path=path.resolve(), info=read_manifest(path))
    opened.store  # noqa: B018 - opens it now: a store that cannot be opened fails here
    return opened


def open_dataset(
    paths: Sequence[Path] = (),
    named: Sequence[tuple[str, Path]] = (),
    store: str = "memory",
    inference: bool = True,
    reasoner: str = "fast",
    progress: Progress | None = None,
    *,
    union: bool = True,
    cluster: bool = True,
    use_cache: bool = False,
    keep_inferred: bool = True,
    explain: bool | None = None,
) -> OpenStore:
    """The one way every command gets its data.

    ``store="memory"`` (the default): the files (or bgraph's own data) parsed by Oxigraph and
    closed by the fast reasoner into an in-RAM Oxigraph store. Otherwise ``store`` is the
    directory of a store written by ``bgraph build``, opened read-only (nothing parsed or
    reasoned; it holds its inferences, so no paths and no ``inference=False``).
    ``union``, ``cluster``, ``use_cache`` and ``keep_inferred``: see :func:`load_store` (RAM
    only).
    """
    if store == "memory":
        return load_store(
            list(paths) or None,
            named,
            inference,
            reasoner,
            progress,
            union=union,
            cluster=cluster,
            use_cache=use_cache,
            keep_inferred=keep_inferred,
            explain=explain,
        )
    directory = Path(store)
    if paths or named:
        raise UsageError(
            f"--store {store}: a built store already holds its data; drop the PATHs and "
            "--graph (or build a store of those files: bgraph build PATH... -o DIR)"
        )
    if not inference:
        raise UsageError(
            f"--store {store}: a built store holds its inferences; query its asserted graphs "
            "by name instead of --no-inference"
        )
    return open_store(directory)


def resolve_store(value: str) -> str:
    """``memory`` or the directory of a built store (checked: a bgraph store).

    Raises UsageError (exit 2) for neither, StoreError (exit 1) for a directory that is not a
    bgraph store."""
    if value in STORE_KINDS:
        return value
    if value == "oxigraph" and not Path(value).exists():
        raise UsageError(
            "--store oxigraph is gone: Oxigraph is the engine of every store now; use "
            "--store memory (the default: the data loaded into RAM) or --store DIR"
        )
    path = Path(value)
    if not path.exists():
        raise UsageError(
            f"--store {value!r}: not memory nor an existing directory; "
            f"write a store there with `bgraph build -o {value}`"
        )
    if not path.is_dir():
        raise UsageError(f"--store {value!r}: not a directory (nor memory)")
    read_manifest(path)  # StoreError when it is not a bgraph store
    return value


STORE_HELP = (
    "Where the data is: memory (the files, or bgraph's own data, loaded and reasoned into an "
    "in-RAM Oxigraph store: the default), or the directory of a store written by `bgraph build`."
)


#: Triples of the default graph that no named graph holds (stated there, not the union's copy).
DEFAULT_ONLY = "SELECT ?s ?p ?o { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
DEFAULT_ONLY_COUNT = (
    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
)


def _count(store: Any, text: str) -> int:
    return int(next(iter(store.query(text)))["n"].value)


def graph_sizes(store: Any) -> dict[str, int]:
    """Quads per named graph, and ``""`` for the default graph (counted by Oxigraph, in Rust)."""
    sizes = {
        row["g"].value: int(row["n"].value)
        for row in store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    sizes[""] = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"].value)
    return sizes


def materialise_union(store: Any) -> dict[str, int]:
    """Write the distinct triples of all named graphs into the default graph; the size of each
    named graph (counted on the way).

    bgraph's default graph is the union of its graphs with set semantics (an RDF merge: a fact
    stated by three claims counts once). Oxigraph's ``use_default_graph_as_union`` repeats a
    triple once per graph that holds it, which changes COUNTs and duplicates rows; a
    materialised union gives the same answers as rdflib, and as any SPARQL server it is pushed to.

    Each graph is written out as N-Triples by Oxigraph and bulk-loaded into the default graph
    (the store keeps a triple once), in batches: at 1M triples about ten times faster than
    ``INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }``, which gathers every solution first.
    Blank nodes would get fresh identities from the loader: a store holding any is united by
    that ``INSERT`` instead.
    """
    import pyoxigraph as ox

    nt = ox.RdfFormat.N_TRIPLES
    sizes: dict[str, int] = {}
    batch: list[bytes] = []
    held = 0
    for g in store.named_graphs():
        data = store.dump(format=nt, from_graph=g)
        if isinstance(g, ox.BlankNode) or _may_have_blank_nodes(data):
            # what was loaded already holds no blank node: the INSERT adds the rest
            store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
            return {k: v for k, v in graph_sizes(store).items() if k}
        sizes[g.value] = data.count(b"\n")
        batch.append(data)
        held += len(data)
        if held >= _UNION_BATCH:
            _load_default(store, b"".join(batch))
            batch, held = [], 0
    _load_default(store, b"".join(batch))
    return sizes


_UNION_BATCH = 64 << 20  #: bytes of N-Triples per bulk load


def _load_default(store: Any, data: bytes) -> None:
    import pyoxigraph as ox

    if data:
        store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())


def _may_have_blank_nodes(data: bytes) -> bool:
    """False when no term of an N-Triples document is a blank node (True may be a literal's
    text: the caller then takes the slower way that is right either way)."""
    return data.startswith(b"_:") or b" _:" in data or b"\n_:" in data


# -- query ----------------------------------------------------------------------------------------


#: Stack for threads that run Oxigraph queries (virtual memory: only what is used is touched).
#: Oxigraph's parser and planner recurse; with it, the longest query the guard lets through
#: (:data:`bgraph.sparql.guard.MAX_TOKENS`) parses; on the 8 MiB main stack some would not.
QUERY_STACK = 256 * 1024 * 1024


def in_big_stack(fn: Callable[[], Any]) -> Any:
    """``fn()`` run in a thread with a :data:`QUERY_STACK` stack; its result or exception."""
    import threading

    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # handed to the caller
            out["error"] = exc

    previous = threading.stack_size(QUERY_STACK)
    try:
        thread = threading.Thread(target=target, name="bgraph-query", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


@dataclass
class Answer:
    """A query's answer in pyoxigraph terms, read to the end: what ``bgraph query`` renders."""

    form: str  #: SELECT, ASK, CONSTRUCT or DESCRIBE ("GRAPH" for either of the last two)
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)  #: terms or None, per variable
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)  #: ox.Triple

    @classmethod
    def of(cls, result: Any, text: str = "") -> Answer:
        """Read a pyoxigraph query result (solutions, boolean or triples) to the end; ``text``,
        the query, puts ``SELECT *``'s columns in the order it writes them."""
        import pyoxigraph as ox

        from .sparql.columns import column_order

        if isinstance(result, ox.QueryBoolean):
            return cls("ASK", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            names = column_order(text, [v.value for v in result.variables])
            rows = [tuple(solution[n] for n in names) for solution in result]
            return cls("SELECT", variables=names, rows=rows)
        return cls("GRAPH", triples=list(result))


def check_query_text(text: str, known_graphs: Sequence[str] | None) -> str:
    """The safety check every local query passes before Oxigraph sees it; the query form.

    :func:`bgraph.sparql.guard.check_query` with bgraph's prefixes: SERVICE, updates and a
    FROM naming a graph the store does not hold are refused; ``known_graphs=None`` skips the
    FROM check."""
    from .sparql.guard import check_query

    return check_query(text, known_graphs, prefixes=PREFIXES)


def query_store(
    opened: OpenStore, text: str, vet: bool = True, *, no_network: bool = False
) -> Answer:
    """Run a read-only query with Oxigraph's engine, bgraph's prefixes declared; the answer.

    The default graph is the union of all graphs (materialised, see :func:`materialise_union`).
    The query is vetted first (:func:`check_query_text`), then evaluated as the endpoint
    evaluates it (:func:`bgraph.sparql.evaluate.evaluate`: an unknown function leaves its value
    unbound, a LIMIT past 64 bits means all). With ``no_network``, the process
    loses the network for good right before evaluation (:func:`bgraph.sandbox.deny_network`:
    seccomp for every thread, or a network namespace): even a query the check let through could
    not reach anything. Only for a process that runs one query and exits (``bgraph query``).
    """
    from .sparql.evaluate import evaluate

    if vet:
        check_query_text(text, opened.graph_names())

    def run() -> Answer:
        if no_network:
            from .sandbox import deny_network

            deny_network()  # no network socket from here on, where the kernel allows
        return Answer.of(evaluate(opened.store, text, None, {}), text)

    try:
        return in_big_stack(run)
    except (OSError, RuntimeError) as exc:
        raise BgraphError(f"query failed: {exc}") from None
