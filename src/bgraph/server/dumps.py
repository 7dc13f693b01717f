"""Data dumps: the whole store written by Oxigraph's serialisers to a file, in a query worker
(under a longer deadline), once per format; the main process streams the file.

Deterministic: blank nodes get canonical labels (RDFC-1.0) and quads are sorted (graph,
subject, predicate, object), so a store built on disk and the same files loaded in RAM give
the same bytes. Quad formats keep the named graphs that ``bgraph export`` writes (all but the
explanations: :func:`bgraph.iris.is_published`) and triples stated in the default graph only;
triple formats give the default graph, the distinct union of all graphs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .. import formats
from ..iris import is_published
from ..store import DEFAULT_ONLY
from .writers import used_prefixes

#: The dump files are ``bgraph.ttl``, ``bgraph.nq``...: one per document format
#: (:data:`bgraph.formats.DOCUMENT_FORMATS`).
DUMP_STEM = "bgraph"


def dump_name(fmt: formats.RdfFormat) -> str:
    return DUMP_STEM + fmt.suffix


@dataclass(frozen=True)
class DumpJob:
    """Write the store in ``format`` to ``path`` (in a worker: it can be large)."""

    format: str
    path: str
    default_only: bool = False  #: the default graph holds triples of its own


def _quads(store: Any, quads_format: bool, default_only: bool) -> list[Any]:
    default = ox.DefaultGraph()
    if not quads_format:
        return list(store.quads_for_pattern(None, None, None, default))
    out = [
        q
        for g in store.named_graphs()
        if is_published(g.value)
        for q in store.quads_for_pattern(None, None, None, g)
    ]
    if default_only:
        rows = store.query(DEFAULT_ONLY)
        out += [ox.Quad(r["s"], r["p"], r["o"], default) for r in rows]
    return out


def _key(quad: Any) -> tuple[str, str, str, str]:
    g = quad.graph_name
    return ("" if isinstance(g, ox.DefaultGraph) else str(g), str(quad.subject),
            str(quad.predicate), str(quad.object))  # fmt: skip


def write_dump(store: Any, job: DumpJob) -> str:
    """Write the dump (atomically: a half-written file is never served); its path."""
    fmt = formats.rdf_format(job.format)
    dataset = ox.Dataset(_quads(store, fmt.quads, job.default_only))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    quads = sorted(dataset, key=_key)
    statements: list[Any] = quads if fmt.quads else [q.triple for q in quads]
    target = Path(job.path)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    kwargs: dict[str, Any] = {}
    if fmt.name in ("turtle", "trig"):
        terms = (t for s in statements for t in (s.subject, s.predicate, s.object))
        kwargs["prefixes"] = used_prefixes(terms)
    ox.serialize(statements, str(partial), format=fmt.oxigraph, **kwargs)
    partial.replace(target)
    return str(target)
