"""Input files named on the command line: one check, one error, one exit code everywhere.

A missing or unreadable input file is an input error (exit 1, the README's table), whether the
command is ``query``, ``build`` or ``serve``; the loader (:mod:`bgraph.graph`) reports a file
that does not parse the same way, with its line.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError


def require_files(paths: Iterable[Path | str], what: str = "") -> None:
    """Raise :class:`~bgraph.errors.InputError` for the first path that is not a readable file.
    ``what`` names the option it came with (``--graph IRI``)."""
    for path in paths:
        file = Path(path)
        name = f"{what} {path}" if what else str(path)
        if not file.exists():
            raise InputError(name, "no such file")
        if file.is_dir():
            raise InputError(name, "is a directory, not a file")


def as_bgraph_layout(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, Path]]]:
    """Users' files laid out as bgraph's own data is, for the commands that read bgraph's fixed
    graphs (``validate``, ``stats``): triples files (Turtle, N-Triples, RDF/XML) are the facts
    graph; quads files (TriG, N-Quads, JSON-LD) keep their named graphs (the claims) and their
    default graph is the provenance graph, as ``data/provenance.trig``'s is; bgraph's ontology
    is the ontology graph. Returns files and (graph IRI, file) pairs as
    :func:`bgraph.store.open_dataset` takes them."""
    from ..formats import rdf_format_for_path
    from ..iris import FACTS_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH
    from ..resources import resources

    ontology = resources().ontology.resolve()
    quads: list[Path] = []
    named: list[tuple[str, Path]] = [(ONTOLOGY_GRAPH, ontology)]
    for path in paths:
        if Path(path).resolve() == ontology:
            continue
        if rdf_format_for_path(path).quads:  # its default graph: the claims' metadata
            named.append((PROVENANCE_GRAPH, Path(path)))
        else:
            named.append((FACTS_GRAPH, Path(path)))
    return quads, named
