"""Human-readable names for IRIs: schema:name, then rdfs:label, English first.

:func:`label` reads an rdflib graph (pyshacl reports, rdflib views); :func:`store_label` asks an
Oxigraph store directly, with one targeted lookup per label property.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rdflib import Literal
from rdflib.namespace import RDFS, SDO, SKOS
from rdflib.term import Node

_LABEL_PROPS = (SDO.name, RDFS.label, SKOS.prefLabel)
#: The label properties' IRIs, in order of preference.
LABEL_IRIS: tuple[str, ...] = tuple(str(p) for p in _LABEL_PROPS)


def local_name(iri: str) -> str:
    """The last segment of an IRI (after the last ``/`` or ``#``); the IRI when it has none."""
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


def best_label(
    values: Callable[[int], Iterable[tuple[str, str | None]]], lang: str = "en"
) -> str | None:
    """The best of ``values(i)`` — (text, language) of the i-th label property — or None:
    ``lang`` first, then untagged, then any; a later property is asked only when no earlier
    one had a value in ``lang``."""
    best: dict[int, str] = {}
    for i in range(len(LABEL_IRIS)):
        for text, language in values(i):
            rank = 0 if language == lang else 1 if not language else 2
            best.setdefault(rank, text)
        if 0 in best:
            break
    return best[min(best)] if best else None


def label(graph: Any, node: Node, lang: str = "en") -> str:
    """The best label of ``node`` in an rdflib ``graph``: ``lang`` first, then untagged, then
    any."""

    def values(i: int) -> Iterable[tuple[str, str | None]]:
        for value in graph.objects(node, _LABEL_PROPS[i]):
            if isinstance(value, Literal):
                yield str(value), value.language

    found = best_label(values, lang)
    return found if found is not None else local_name(str(node))


def store_label(
    store: Any,
    node: Any,
    lang: str = "en",
    keep: Callable[[Any], bool] | None = None,
    graph: Any = None,
) -> str:
    """The best label of the Oxigraph term ``node`` in an Oxigraph ``store`` (its default
    graph, or ``graph``). Values are taken in lexical order, so the answer does not depend on
    the store's index order; ``keep(quad)`` may refuse some (e.g. inferred-only ones)."""
    import pyoxigraph as ox

    if isinstance(node, ox.Literal):
        return node.value
    where = graph if graph is not None else ox.DefaultGraph()
    props = [ox.NamedNode(iri) for iri in LABEL_IRIS]

    def values(i: int) -> Iterable[tuple[str, str | None]]:
        found = [
            q.object
            for q in store.quads_for_pattern(node, props[i], None, where)
            if isinstance(q.object, ox.Literal) and (keep is None or keep(q))
        ]
        found.sort(key=lambda lit: (lit.value, lit.language or ""))
        return [(lit.value, lit.language) for lit in found]

    text = best_label(values, lang)
    return text if text is not None else local_name(node.value)
