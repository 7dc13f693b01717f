"""The IRIs bgraph mints, in one place."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

BASE = "https://w3id.org/bgraph/"

#: Ontology terms (classes and properties), e.g. ``bg:TVSeries``.
BG = Namespace(BASE + "ontology/")
#: The ontology itself.
ONTOLOGY = URIRef(BASE + "ontology")
#: Entities, e.g. ``id:ballard``.
ID = Namespace(BASE + "id/")
#: Claims: one named graph per (article, quote).
CLAIM = Namespace(BASE + "claim/")
#: The fixed named graphs of the served dataset.
GRAPHS = Namespace(BASE + "graph/")
ONTOLOGY_GRAPH = GRAPHS["ontology"]
FACTS_GRAPH = GRAPHS["facts"]
PROVENANCE_GRAPH = GRAPHS["provenance"]
INFERRED_GRAPH = GRAPHS["inferred"]

WD = Namespace("http://www.wikidata.org/entity/")

#: Prefixes bound on every graph bgraph builds or serialises.
PREFIXES: dict[str, Namespace | str] = {
    "bg": BG,
    "id": ID,
    "claim": CLAIM,
    "bgg": GRAPHS,
    "schema": SDO,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "wd": WD,
}


def bind_prefixes(graph) -> None:
    """Bind bgraph's prefixes, replacing rdflib's defaults for the same namespaces."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
