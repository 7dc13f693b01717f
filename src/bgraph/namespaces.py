"""The IRIs bgraph mints, in one place, as rdflib terms (``Namespace``, ``URIRef``).

rdflib is imported on the first use of a term, not with this module: ``BASE`` and
:func:`bind_prefixes` cost nothing, so code that only needs IRIs as strings (the server's path to
its first answer) pays nothing for rdflib. That code takes them from :mod:`bgraph.iris`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

BASE = "https://w3id.org/bgraph/"

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
    from rdflib import Namespace, URIRef
    from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

    bg = Namespace(BASE + "ontology/")
    ids = Namespace(BASE + "id/")
    claim = Namespace(BASE + "claim/")
    graphs = Namespace(BASE + "graph/")
    wd = Namespace("http://www.wikidata.org/entity/")
    return {
        "BG": bg,
        "ONTOLOGY": URIRef(BASE + "ontology"),
        "ID": ids,
        "CLAIM": claim,
        "GRAPHS": graphs,
        "ONTOLOGY_GRAPH": graphs["ontology"],
        "FACTS_GRAPH": graphs["facts"],
        "PROVENANCE_GRAPH": graphs["provenance"],
        "INFERRED_GRAPH": graphs["inferred"],
        "SCHEMA_INFERRED_GRAPH": graphs["ontology-inferred"],
        "WD": wd,
        "PREFIXES": {
            "bg": bg,
            "id": ids,
            "claim": claim,
            "bgg": graphs,
            "schema": SDO,
            "owl": OWL,
            "rdf": RDF,
            "rdfs": RDFS,
            "xsd": XSD,
            "skos": SKOS,
            "dcterms": DCTERMS,
            "prov": PROV,
            "wd": wd,
        },
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
