"""One entity as schema.org markup: the JSON-LD a web page embeds (``export --entity``).

The entity's schema.org view is its schema.org properties (most of them inferred from the
ontology's alignment) and, for each node, the schema.org classes nearest above its own
(``bg:TVSeries`` gives ``TVSeries``), ``depth`` links deep. pyld frames it as a nested tree;
each node is described once, where it is nearest the root; values are plain JSON, as
schema.org markup is written.
"""

from __future__ import annotations

import difflib
from collections import deque
from decimal import Decimal
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SDO, XSD
from rdflib.term import Node

from .errors import UsageError
from .export import (
    canonical_quads,
    expanded_jsonld,
    graph_quads,
    jsonld_options,
    readable_order,
)
from .namespaces import ID, INFERRED_GRAPH

#: The context of an entity's markup: schema.org terms only, entity IRIs in full.
ENTITY_CONTEXT: dict[str, Any] = {"@vocab": str(SDO)}
_CLASS_LINKS = (RDFS.subClassOf, OWL.equivalentClass)


def resolve_entity(ds: Dataset, name: str) -> URIRef:
    """The IRI of the entity ``name`` (``ballard``, ``id:ballard`` or a full IRI)."""
    if "://" in name:
        iri = URIRef(name)
    elif ":" in name:
        try:
            iri = ds.namespace_manager.expand_curie(name)
        except ValueError:
            raise UsageError(f"unknown prefix in entity {name!r}") from None
    else:
        iri = ID[name]
    if (iri, None, None) in ds:
        return iri
    known = sorted(
        str(s)[len(str(ID)) :]
        for s in set(ds.subjects())
        if isinstance(s, URIRef) and str(s).startswith(str(ID))
    )
    close = difflib.get_close_matches(str(iri).rsplit("/", 1)[-1], known, n=5)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise UsageError(f"no entity {name!r} in the dataset{hint} (try `bgraph query` to list them)")


class ClassTree:
    """Sub-class and equivalent-class links between classes, as asserted (the inferred
    transitive shortcuts would make ``CreativeWork`` look as close as ``TVSeries``)."""

    def __init__(self, ds: Dataset) -> None:
        graphs = [g for g in ds.graphs() if g.identifier != INFERRED_GRAPH]
        self.links: dict[Node, set[Node]] = {}
        for source in (graphs, list(ds.graphs())):
            for graph in source:
                for s, p, o in graph.triples((None, None, None)):
                    if p in _CLASS_LINKS and isinstance(o, URIRef) and s != o:
                        self.links.setdefault(s, set()).add(o)
                        if p == OWL.equivalentClass:
                            self.links.setdefault(o, set()).add(s)
            if self.links:
                break

    def ancestors(self, cls: Node) -> set[Node]:
        seen: set[Node] = set()
        todo = [cls]
        while todo:
            for parent in self.links.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        seen.discard(cls)
        return seen

    def most_specific(self, classes: set[Node]) -> set[Node]:
        return {c for c in classes if not any(c in self.ancestors(d) for d in classes - {c})}

    def closest_schema(self, cls: Node) -> set[Node]:
        """The schema.org classes declared on ``cls``; else on its nearest ancestors."""
        level, seen = {cls}, {cls}
        while level:
            hits = {p for c in level for p in self.links.get(c, ()) if _is_schema(p)}
            if hits:
                return hits
            level = {p for c in level for p in self.links.get(c, ())} - seen
            seen |= level
        return set()


def nearest_schema_types(ds: Dataset, node: Node, tree: ClassTree | None = None) -> set[Node]:
    """The schema.org classes closest above the node's most specific classes.

    ``bg:TVSeries ⊑ bg:Work, schema:TVSeries`` gives ``TVSeries`` (not also ``CreativeWork``,
    which only ``bg:Work`` reaches); ``bg:ProductionCompany ⊑ bg:Organization ≡
    schema:Organization`` gives ``Organization``.
    """
    tree = tree or ClassTree(ds)
    types: set[Node] = {t for t in ds.objects(node, RDF.type) if isinstance(t, URIRef)}
    found: set[Node] = set()
    for cls in tree.most_specific({t for t in types if not _is_schema(t)}):
        found |= tree.closest_schema(cls)
    return found or tree.most_specific({t for t in types if _is_schema(t)})


def _is_schema(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(SDO))


def entity_view(ds: Dataset, iri: URIRef, depth: int = 2, lang: str | None = None) -> Graph:
    """The schema.org description of ``iri``: its schema.org properties and nearest schema.org
    types, and those of the nodes it links to, ``depth`` links deep (farther nodes stay links).
    With ``lang``, a property keeps only its values in ``lang`` (or untagged) when it has any."""
    view = Graph()
    view.bind("schema", SDO)
    tree = ClassTree(ds)
    level, seen = [iri], {iri}
    for distance in range(depth + 1):
        nxt: list[Node] = []
        for node in level:
            for cls in sorted(nearest_schema_types(ds, node, tree)):
                view.add((node, RDF.type, cls))
            for p, o in sorted(set(ds.predicate_objects(node))):
                if not _is_schema(p) or (
                    isinstance(o, Literal) and not _wanted(ds, node, p, o, lang)
                ):
                    continue
                view.add((node, p, o))
                if not isinstance(o, Literal) and o not in seen and distance < depth:
                    seen.add(o)
                    nxt.append(o)
        level = nxt
    return view


def _wanted(ds: Dataset, node: Node, prop: Node, value: Literal, lang: str | None) -> bool:
    if lang is None or value.language is None or value.language == lang:
        return True
    others = (o for o in ds.objects(node, prop) if isinstance(o, Literal))
    return not any(o.language in (None, lang) for o in others)


def entity_jsonld(
    ds: Dataset, iri: URIRef, depth: int = 2, lang: str | None = None
) -> dict[str, Any]:
    """One entity framed as a nested tree of schema.org JSON-LD, as a web page embeds it:
    plain JSON values (dates and durations as strings, numbers as numbers); values in ``lang``
    as plain strings."""
    from pyld import jsonld

    view = entity_view(ds, iri, depth, lang)
    expanded = expanded_jsonld(canonical_quads(graph_quads(view)))
    frame = {"@context": ENTITY_CONTEXT, "@id": str(iri)}
    framed = jsonld.frame(
        expanded,
        frame,
        jsonld_options(embed="@always", omitGraph=True, pruneBlankNodeIdentifiers=True),
    )
    framed.pop("@context", None)
    tree = _plain_values(_shallowest_embeds(framed), lang)
    return readable_order({"@context": ENTITY_CONTEXT, **tree})


def _shallowest_embeds(root: dict[str, Any]) -> dict[str, Any]:
    """Keep each node's description where it is nearest the root (breadth first); elsewhere a
    reference ``{"@id": …}``. Framing with ``@always`` describes a node at every mention."""
    seen = {root.get("@id")}
    queue: deque[dict[str, Any]] = deque([root])
    while queue:
        node = queue.popleft()
        for key, value in node.items():
            if key.startswith("@"):
                continue
            items = value if isinstance(value, list) else [value]
            kept = []
            for item in items:
                if isinstance(item, dict) and "@id" in item:
                    if item["@id"] in seen:
                        item = {"@id": item["@id"]}
                    else:
                        seen.add(item["@id"])
                        queue.append(item)
                kept.append(item)
            node[key] = kept if isinstance(value, list) else kept[0]
    return root


def _plain_values(node: Any, lang: str | None) -> Any:
    if isinstance(node, list):
        return [_plain_values(v, lang) for v in node]
    if not isinstance(node, dict):
        return node
    if "@value" in node:
        value = node["@value"]
        if "@language" in node:
            return value if node["@language"] == lang else node
        datatype = str(node.get("@type", ""))
        if isinstance(value, str) and datatype in _JSON_NUMBERS:
            number = Literal(value, datatype=URIRef(datatype)).toPython()
            if isinstance(number, int | float | Decimal):
                return int(number) if number == int(number) else float(number)
        return value
    return {k: _plain_values(v, lang) for k, v in node.items()}


_JSON_NUMBERS = {str(XSD.decimal), str(XSD.double), str(XSD.float), str(XSD.integer)}
