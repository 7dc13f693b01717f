"""bgraph for Python users: an rdflib ``Dataset`` over bgraph's Oxigraph store.

>>> import bgraph
>>> ds = bgraph.dataset()  # the Ballard knowledge graph, reasoned, in RAM
>>> ds.query("ASK { ?s a <https://schema.org/TVSeries> }").askAnswer
True

The Dataset is oxrdflib's view of the very store the CLI and the server use: nothing is
copied, ``ds.query`` runs on Oxigraph's engine, and ``triples`` patterns are Oxigraph look-ups.
Its default graph is the distinct union of the named graphs (``bgg:facts``, ``bgg:inferred``,
one graph per claim...).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def dataset(
    *paths: str | Path, store: str = "memory", inference: bool = True
) -> Any:  # rdflib.Dataset
    """bgraph's data (or the RDF files ``paths``, reasoned with bgraph's ontology) as an rdflib
    ``Dataset`` backed by Oxigraph. ``store`` may name a directory written by ``bgraph build``."""
    from .store import open_dataset

    files: Sequence[Path] = [Path(p) for p in paths]
    return open_dataset(files, store=store, inference=inference).rdflib_dataset()
