"""The IRIs bgraph mints, in one place, as rdflib terms (``Namespace``, ``URIRef``).

rdflib is imported on the first use of a term, not with this module: ``BASE`` and
:func:`bind_prefixes` cost nothing, so code that only needs IRIs as strings (the server's path to
its first answer) pays nothing for rdflib. That code takes them from :mod:`bgraph.iris`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .iris import BASE

if TYPE_CHECKING:  # the rdflib terms, built by __getattr__ below
    from rdflib import Namespace, URIRef

    #: Ontology terms (classes and properties), e.g. ``bg:TVSeries``.
    BG: Namespace
    #: The ontology itself.
    ONTOLOGY: URIRef
    #: Entities, e.g. ``id:ballard``.
    ID: Namespace
    #: Claims: one named graph per (article, quote).
    CLAIM: Namespace
    #: The fixed named graphs of the served dataset.
    GRAPHS: Namespace
    ONTOLOGY_GRAPH: URIRef
    FACTS_GRAPH: URIRef
    PROVENANCE_GRAPH: URIRef
    INFERRED_GRAPH: URIRef
    SCHEMA_INFERRED_GRAPH: URIRef
    WD: Namespace
    #: Prefixes bound on every graph bgraph builds or serialises.
    PREFIXES: dict[str, Namespace | str]


def _terms() -> dict[str, Any]:
    """The IRIs of :mod:`bgraph.iris` (the one list) as rdflib terms."""
    from rdflib import Namespace, URIRef

    from . import iris

    graphs = ("ONTOLOGY_GRAPH", "FACTS_GRAPH", "PROVENANCE_GRAPH", "INFERRED_GRAPH")
    return {
        **{name: Namespace(getattr(iris, name)) for name in ("BG", "ID", "CLAIM", "GRAPHS", "WD")},
        **{name: URIRef(getattr(iris, name)) for name in (*graphs, "SCHEMA_INFERRED_GRAPH")},
        "ONTOLOGY": URIRef(BASE + "ontology"),
        "PREFIXES": {prefix: Namespace(ns) for prefix, ns in iris.PREFIXES.items()},
    }


_NAMES = frozenset(
    (
        "BG ONTOLOGY ID CLAIM GRAPHS ONTOLOGY_GRAPH FACTS_GRAPH PROVENANCE_GRAPH INFERRED_GRAPH "
        "SCHEMA_INFERRED_GRAPH WD PREFIXES"
    ).split()
)


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        found = globals()
        if name not in found:
            found.update(_terms())  # built once: later lookups find them in the module
        return found[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_NAMES})


def bind_prefixes(graph: Any) -> None:
    """Bind bgraph's prefixes, replacing rdflib's defaults for the same namespaces."""
    for prefix, ns in __getattr__("PREFIXES").items():
        graph.bind(prefix, ns, override=True, replace=True)
