"""bgraph's JSON-LD context, shipped in the package: never fetched, at export or at parse.

``context.jsonld`` is generated from the ontology by :func:`build_context` and committed; a test
keeps the two in sync. Regenerate it with ``python -m bgraph.jsonld_context > context.jsonld``.

Key rules, so that exports read like the schema.org JSON-LD a web page embeds:

- schema.org terms are bare keys (``"@vocab": "https://schema.org/"``): ``name``, ``actor``;
- bgraph terms are bare keys too (``spinOffOf``, ``castMember``), object properties coerced to
  ``@id`` so their values are plain strings (``"id:bosch"``);
- except where schema.org has a term of the same name (``genre``, ``author``…): that key is
  schema.org's, and the bgraph term keeps its prefix (``bg:genre``), never a full IRI;
- entity IRIs are short through prefixes (``id:ballard``, ``claim:…``, ``bgg:facts``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources as importlib_resources
from typing import TYPE_CHECKING, Any

from .iris import BG, OWL, PREFIXES, RDF, SDO

if TYPE_CHECKING:
    from rdflib import Graph

#: The IRI documents may use to name bgraph's context; bgraph resolves it locally.
CONTEXT_IRI = "https://w3id.org/bgraph/context.jsonld"

#: schema.org terms that bgraph's ontology does not mention but that share a name with a bgraph
#: term: those bgraph terms keep their ``bg:`` prefix so that no key means two things.
SCHEMA_ORG_HOMONYMS = frozenset({"currency", "performer", "recipient", "releaseDate", "Claim"})


@cache
def _context_text() -> str:
    return importlib_resources.files("bgraph").joinpath("context.jsonld").read_text("utf-8")


def context_document() -> dict[str, Any]:
    """A fresh copy of the context document ``{"@context": {...}}``."""
    return json.loads(_context_text())


def context() -> dict[str, Any]:
    """A fresh copy of the context itself (the value of ``@context``)."""
    return context_document()["@context"]


def schema_names(tbox: Graph) -> set[str]:
    """Local names of the schema.org terms the ontology mentions, plus known homonyms."""
    from rdflib import URIRef

    names = set(SCHEMA_ORG_HOMONYMS)
    for triple in tbox:
        for term in triple:
            if isinstance(term, URIRef) and str(term).startswith(str(SDO)):
                names.add(str(term)[len(str(SDO)) :])
    return names


def build_context(tbox: Graph) -> dict[str, Any]:
    """The context document for the ontology ``tbox`` (see the module's key rules)."""
    from rdflib import URIRef

    ctx: dict[str, Any] = {"@vocab": str(SDO)}
    for prefix, ns in PREFIXES.items():
        ctx[prefix] = str(ns)
    taken = schema_names(tbox)
    rdf_type = URIRef(RDF.type)
    object_props = set(tbox.subjects(rdf_type, URIRef(OWL.ObjectProperty)))
    terms: dict[str, Any] = {}
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in tbox.subjects(rdf_type, URIRef(kind)):
            if not isinstance(term, URIRef) or not str(term).startswith(str(BG)):
                continue
            local = str(term)[len(str(BG)) :]
            curie = f"bg:{local}"
            if local in taken or local in ctx or not local.isidentifier():
                if term in object_props:  # keeps its prefix; values still plain IRI strings
                    terms[curie] = {"@type": "@id"}
                continue
            terms[local] = {"@id": curie, "@type": "@id"} if term in object_props else curie
    for key in sorted(terms, key=lambda k: (k.startswith("bg:"), k[0].islower(), k)):
        ctx[key] = terms[key]
    return {"@context": ctx}


def main() -> None:  # pragma: no cover - developer tool
    from rdflib import Graph

    from .graph import parse_into
    from .resources import resources

    tbox = Graph()
    parse_into(tbox, resources().ontology)
    print(json.dumps(build_context(tbox), indent=2, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()
