"""Data dumps: the whole store, once per format, written in a query worker (under a longer
deadline) to a file that the main process streams.

A dump holds the bytes ``bgraph export --format X`` writes for the same data: the graphs
:func:`bgraph.export.published_graphs` walks, serialised by :func:`bgraph.export.serialize_quads`
(canonical blank nodes, sorted, the same prefixes), so a store built on disk and the same files
loaded in RAM give the same bytes. JSON-LD is the exception: the dump is expanded JSON-LD written
by Oxigraph (the same dataset, in the same order), because compacting it with bgraph's context
takes pyld 51 s and 1.1 GB at 100k triples, past a dump's deadline and a worker's memory. Quad
formats keep the named graphs; triple formats merge them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import formats
from ..export import atomic_file, published_graphs, serialize_quads

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


def write_dump(store: Any, job: DumpJob) -> str:
    """Write the dump (atomically: a half-written file is never served); its path."""
    graphs = published_graphs(store, default_only=job.default_only)
    quads = [q for _name, read in graphs for q in read()]
    # JSON-LD expanded, as Oxigraph writes it: compaction (pyld) takes 51 s and 1.1 GB at 100k
    text = serialize_quads(quads, formats.rdf_format(job.format), compact=False)
    with atomic_file(Path(job.path)) as fh:
        fh.write(text.encode("utf-8"))
    return job.path
