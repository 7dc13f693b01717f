"""Human-readable names for IRIs, one policy for all of bgraph: schema:name, then rdfs:label,
then skos:prefLabel; a value in the asked language (English unless told) first, then an
untagged one, then any, lexical order among equals.

:func:`best_label` is the policy; each reader feeds it the values it has at hand:
:func:`label` an rdflib graph (pyshacl reports, rdflib views), :func:`store_label` an Oxigraph
store (one targeted lookup per label property). The server's lookups
(:meth:`bgraph.server.describe.Lookups.label`), the ``bgraph stats`` and ``bgraph reason`` tables
and the proofs of ``bgraph why`` do the same over their own reads.
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
    """The best of ``values(i)`` — (text, language) of the i-th label property, in the order of
    :data:`LABEL_IRIS` — or None: ``lang`` first, then untagged, then any; among equals the
    earlier property, then the lexically first text (whatever order the values come in). A later
    property is asked only when no earlier one had a value in ``lang``."""
    best: tuple[int, int, str] | None = None
    for i in range(len(LABEL_IRIS)):
        for text, language in values(i):
            rank = 0 if language == lang else 1 if not language else 2
            if best is None or (rank, i, text) < best:
                best = (rank, i, text)
        if best is not None and best[0] == 0:
            break
    return best[2] if best is not None else None


def label(graph: Any, node: Any, lang: str = "en") -> str:
    """The best label of the rdflib term ``node`` in an rdflib ``graph`` (its local name when it
    has none)."""
    from rdflib import Literal, URIRef

    def values(i: int) -> Iterable[tuple[str, str | None]]:
        for value in graph.objects(node, URIRef(LABEL_IRIS[i])):
            if isinstance(value, Literal):
                yield str(value), value.language

    found = best_label(values, lang)
    return found if found is not None else local_name(str(node))


_PROPS: list[Any] = []  #: LABEL_IRIS as Oxigraph terms, made on first use


def store_label(store: Any, node: Any, lang: str = "en", hidden: Any = None) -> str:
    """The best label of the Oxigraph term ``node`` in an Oxigraph ``store``, in every graph
    (its local name when it has none): one lookup per label property asked. A value that only
    the graph ``hidden`` (e.g. the closure) states is left out."""
    import pyoxigraph as ox

    if isinstance(node, ox.Literal):
        return node.value
    if not _PROPS:
        _PROPS.extend(ox.NamedNode(iri) for iri in LABEL_IRIS)

    def values(i: int) -> Iterable[tuple[str, str | None]]:
        graphs: dict[Any, set[Any]] = {}
        for q in store.quads_for_pattern(node, _PROPS[i], None, None):
            if isinstance(q.object, ox.Literal):
                graphs.setdefault(q.object, set()).add(q.graph_name)
        for value, where in graphs.items():
            named = where - {ox.DefaultGraph()}
            if not named or named != {hidden}:
                yield value.value, value.language

    text = best_label(values, lang)
    return text if text is not None else local_name(node.value)
