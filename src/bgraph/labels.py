"""Human-readable names for IRIs: schema:name, then rdfs:label, English first."""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import RDFS, SDO, SKOS
from rdflib.term import Node

_LABEL_PROPS = (SDO.name, RDFS.label, SKOS.prefLabel)


def label(graph, node: Node, lang: str = "en") -> str:
    """The best label of ``node`` in ``graph``: ``lang`` first, then untagged, then any."""
    best: dict[int, str] = {}
    for prop in _LABEL_PROPS:
        for value in graph.objects(node, prop):
            if not isinstance(value, Literal):
                continue
            rank = 0 if value.language == lang else 1 if value.language is None else 2
            best.setdefault(rank, str(value))
        if 0 in best:
            break
    if best:
        return best[min(best)]
    text = str(node)
    return text.rsplit("/", 1)[-1].rsplit("#", 1)[-1] or text
