"""bgraph's IRIs and prefixes as plain strings, for code that must not import rdflib (the
server's path to its first answer). :mod:`bgraph.namespaces` gives the same IRIs as rdflib
terms."""

from __future__ import annotations

BASE = "https://w3id.org/bgraph/"
BG = BASE + "ontology/"
ID = BASE + "id/"
CLAIM = BASE + "claim/"
GRAPHS = BASE + "graph/"
ONTOLOGY_GRAPH = GRAPHS + "ontology"
FACTS_GRAPH = GRAPHS + "facts"
PROVENANCE_GRAPH = GRAPHS + "provenance"
INFERRED_GRAPH = GRAPHS + "inferred"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SDO = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
WD = "http://www.wikidata.org/entity/"

RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"

#: The prefixes bgraph declares (same as :data:`bgraph.namespaces.PREFIXES`).
PREFIXES: dict[str, str] = {
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
