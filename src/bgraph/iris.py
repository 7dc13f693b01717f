"""bgraph's IRIs and prefixes as plain strings, for code that must not import rdflib (the
server's path to its first answer). :mod:`bgraph.namespaces` gives the same IRIs as rdflib
terms.

Namespaces are :class:`Namespace` strings: ``BG.TVSeries`` and ``BG["TVSeries"]`` spell a term's
IRI as a plain ``str`` (rdflib's ``Namespace`` gives a ``URIRef``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache


class Namespace(str):
    """A namespace IRI whose attributes and items are its terms' IRIs, as plain strings.

    Attributes of ``str`` win (``XSD.title`` is still the method, as for rdflib's Namespace but
    for ``title``, which is the term here too); names starting with ``_`` are not terms."""

    __slots__ = ()

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return str(self) + name

    def __getitem__(self, name: object) -> str:  # type: ignore[override]
        return str(self) + str(name)

    @property
    def title(self) -> str:  # type: ignore[override]
        return str(self) + "title"


BASE = "https://w3id.org/bgraph/"
BG = Namespace(BASE + "ontology/")
ID = Namespace(BASE + "id/")
CLAIM = Namespace(BASE + "claim/")
GRAPHS = Namespace(BASE + "graph/")
ONTOLOGY_GRAPH = GRAPHS + "ontology"
FACTS_GRAPH = GRAPHS + "facts"
PROVENANCE_GRAPH = GRAPHS + "provenance"
INFERRED_GRAPH = GRAPHS + "inferred"
#: The ontology's own entailments (sub-class closure, equivalences), apart from instance facts.
SCHEMA_INFERRED_GRAPH = GRAPHS + "ontology-inferred"
#: The graphs the reasoner writes: a fact held only there is inferred, not stated.
CLOSURE_GRAPHS = frozenset((str(INFERRED_GRAPH), str(SCHEMA_INFERRED_GRAPH)))
#: How the closure's inferences were derived (issue 14): about the facts, not facts.
EXPLANATIONS_GRAPH = GRAPHS + "explanations"
#: Graphs about the data rather than of it: the ontology, where the facts come from, what the
#: reasoner inferred and how. Every other graph holds data (claim graphs repeat the facts').
NOT_DATA_GRAPHS = frozenset(
    (str(ONTOLOGY_GRAPH), str(PROVENANCE_GRAPH), *CLOSURE_GRAPHS, str(EXPLANATIONS_GRAPH))
)
#: Where ``bgraph push`` writes the union of the graphs on a server without a default graph of
#: its own (Virtuoso); ``bgraph serve --endpoint`` and ``bgraph query --endpoint`` read it as
#: the default graph when it is there.
UNION_GRAPH = str(GRAPHS) + "union"


def is_published(graph: str, inference: bool = True) -> bool:
    """Whether ``bgraph export`` and ``bgraph push`` carry a named graph: every one but the
    explanations (SPARQL, ``/why`` and ``bgraph why`` read them in place), and but the
    closure's graphs without ``inference``."""
    return graph != EXPLANATIONS_GRAPH and (inference or graph not in CLOSURE_GRAPHS)


RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SDO = Namespace("https://schema.org/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
WD = Namespace("http://www.wikidata.org/entity/")

RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"

#: The prefixes bgraph declares (:data:`bgraph.namespaces.PREFIXES` is built from them).
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


@cache
def _pn_local() -> re.Pattern[str]:
    """SPARQL 1.1 and Turtle's PN_LOCAL, with the name classes the guard reads queries with
    (:mod:`bgraph.sparql.guard`), without backslash escapes (they would change how the name
    reads). Compiled on first use (a few milliseconds, kept off the server's start)."""
    from .sparql.guard import _NON_ASCII_BASE, _NON_ASCII_CHARS

    u = "A-Za-z_" + _NON_ASCII_BASE  # PN_CHARS_U
    chars = u + "\\-0-9" + _NON_ASCII_CHARS  # PN_CHARS
    plx = "%[0-9A-Fa-f]{2}"
    first, mid, last = f"[{u}:0-9]", f"[{chars}.:]", f"[{chars}:]"
    return re.compile(f"(?:{first}|{plx})(?:(?:{mid}|{plx})*(?:{last}|{plx}))?")


def curie(iri: str, prefixes: Mapping[str, str] = PREFIXES, angle: bool = False) -> str:
    """The prefixed name of an IRI (``id:ballard``, ``schema:Book``): the longest namespace of
    ``prefixes`` (bgraph's by default) that leaves a valid, non-empty local name, so the name
    can be pasted into SPARQL or Turtle. With none, the IRI itself, or ``<IRI>`` with
    ``angle``."""
    if prefixes is PREFIXES and len(iri) <= 1024:  # bgraph's own: found once per process
        return _bgraph_curie(str(iri), angle)
    return _curie(iri, prefixes, angle)


@lru_cache(maxsize=16384)  # IRIs of up to 1 KiB: 32 MiB at most, far less in practice
def _bgraph_curie(iri: str, angle: bool) -> str:
    return _curie(iri, PREFIXES, angle)


def _curie(iri: str, prefixes: Mapping[str, str], angle: bool) -> str:
    best, best_ns = "", ""
    for prefix, ns in prefixes.items():
        if len(ns) > len(best_ns) and iri.startswith(ns) and _pn_local().fullmatch(iri, len(ns)):
            best, best_ns = prefix, ns
    if best_ns:
        return f"{best}:{iri[len(best_ns) :]}"
    return f"<{iri}>" if angle else str(iri)  # a str, also for an rdflib URIRef


def expand_name(name: str) -> str:
    """The IRI a user names an entity by: a full IRI (``https://…``) as it is, a CURIE with one
    of bgraph's prefixes (``id:ballard``, ``claim:…``) expanded, else a name under ``id:``
    (``ballard``). ValueError for a CURIE whose prefix bgraph does not know."""
    name = name.strip()
    if "://" in name:
        return name
    if ":" in name:
        prefix, local = name.split(":", 1)
        if prefix not in PREFIXES:
            raise ValueError(f"unknown prefix {prefix!r}")
        return PREFIXES[prefix] + local
    return ID + name
