"""Human-readable names for IRIs: schema:name, then rdfs:label, English first.

:func:`label` reads an rdflib graph (pyshacl reports, rdflib views); :func:`store_label` asks an
Oxigraph store directly, with one targeted lookup per label property.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .iris import RDFS, SDO, SKOS

#: The label properties' IRIs, in order of preference.
LABEL_IRIS: tuple[str, ...] = (SDO.name, RDFS.label, SKOS.prefLabel)


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


def label(graph: Any, node: Any, lang: str = "en") -> str:
    """The best label of the rdflib term ``node`` in an rdflib ``graph``: ``lang`` first, then
    untagged, then any."""
    from rdflib import Literal, URIRef

    def values(i: int) -> Iterable[tuple[str, str | None]]:
        for value in graph.objects(node, URIRef(LABEL_IRIS[i])):
            if isinstance(value, Literal):
                yield str(value), value.language

    found = best_label(values, lang)
    return found if found is not None else local_name(str(node))


def _ox_props() -> list[Any]:
    import pyoxigraph as ox

    return [ox.NamedNode(iri) for iri in LABEL_IRIS]


_PROPS: list[Any] = []


def store_label(store: Any, node: Any, lang: str = "en", hidden: Any = None) -> str:
    """The best label of the Oxigraph term ``node`` in an Oxigraph ``store``: one lookup per
    label property asked, in every graph. Values are taken in lexical order, so the answer does
    not depend on the store's index order; a value that only the graph ``hidden`` (e.g. the
    closure) states is left out."""
    import pyoxigraph as ox

    if isinstance(node, ox.Literal):
        return node.value
    if not _PROPS:
        _PROPS.extend(_ox_props())

    def values(i: int) -> Iterable[tuple[str, str | None]]:
        graphs: dict[Any, set[Any]] = {}
        for q in store.quads_for_pattern(node, _PROPS[i], None, None):
            if isinstance(q.object, ox.Literal):
                graphs.setdefault(q.object, set()).add(q.graph_name)
        found = []
        for value, where in graphs.items():
            named = where - {ox.DefaultGraph()}
            if not named or named != {hidden}:
                found.append(value)
        found.sort(key=lambda lit: (lit.value, lit.language or ""))
        return [(lit.value, lit.language) for lit in found]

    text = best_label(values, lang)
    return text if text is not None else local_name(node.value)
