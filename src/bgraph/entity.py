"""One entity as schema.org markup: the JSON-LD a web page embeds (``export --entity``).

The entity's schema.org view is its schema.org properties (most of them inferred from the
ontology's alignment) and, for each node, the schema.org classes nearest above its own
(``bg:TVSeries`` gives ``TVSeries``), ``depth`` links deep. pyld frames it as a nested tree;
each node is described once, where it is nearest the root; values are plain JSON, as
schema.org markup is written.

Everything is read from the Oxigraph store by targeted lookups: one ``quads_for_pattern`` per
node described (its own quads, in every graph), the class links once per store (two lookups
on the predicate index: the ontology's size, not the store's), and an entity name resolved by
direct existence checks. Markup costs what it shows, not what the store holds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from .errors import UsageError
from .export import canonical_quads, expanded_jsonld, graph_quads, jsonld_options, readable_order
from .iris import (
    CLOSURE_GRAPHS,
    ID,
    ONTOLOGY_GRAPH,
    OWL,
    RDF_TYPE,
    RDFS,
    SDO,
    XSD,
    expand_name,
)
from .store import oxigraph_store

#: The context of an entity's markup: schema.org terms only, entity IRIs in full.
ENTITY_CONTEXT: dict[str, Any] = {"@vocab": SDO}

Term = ox.NamedNode | ox.BlankNode | ox.Literal
_TYPE = ox.NamedNode(RDF_TYPE)
_SUBCLASS_OF = ox.NamedNode(RDFS + "subClassOf")
_EQUIVALENT_CLASS = ox.NamedNode(OWL + "equivalentClass")
_CLOSURE = frozenset(ox.NamedNode(g) for g in CLOSURE_GRAPHS)
_ONTOLOGY = ox.NamedNode(ONTOLOGY_GRAPH)
_DEFAULT = ox.DefaultGraph()
#: Characters of the entity names bgraph mints (for the one-typo "did you mean" lookups).
_SLUG_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-"


def _exists(store: Any, node: ox.NamedNode) -> bool:
    return next(iter(store.quads_for_pattern(node, None, None, None)), None) is not None


def resolve_entity(source: Any, name: str) -> ox.NamedNode:
    """The IRI of the entity ``name`` (``ballard``, ``id:ballard``, a CURIE with one of
    bgraph's prefixes, or a full IRI): a direct lookup of the IRI as a subject.

    An unknown name gets a "did you mean" from direct lookups too: the name normalised
    (lower case, ``_`` and spaces as ``-``) and every name one typo away from it."""
    store = oxigraph_store(source)
    try:
        text = expand_name(name)
    except ValueError:
        raise UsageError(f"unknown prefix in entity {name!r}") from None
    try:
        iri = ox.NamedNode(text)
    except ValueError:
        raise UsageError(f"entity {name!r} is not an IRI, a CURIE or a name") from None
    if _exists(store, iri):
        return iri
    close = _close_names(store, text)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise UsageError(f"no entity {name!r} in the dataset{hint} (try `bgraph query` to list them)")


def _close_names(store: Any, text: str, limit: int = 5) -> list[str]:
    """Entities near the IRI ``text`` (its last segment changed) that the store holds as
    subjects, named as ``id:`` names where they are: the normalised form first, then those one
    edit away (about 75 lookups per character, microseconds each); never a listing."""
    head, _, word = text.rpartition("/")
    head = head + "/" if head else ID
    normal = "-".join(word.lower().replace("_", " ").split())
    candidates = dict.fromkeys([normal, *_one_edit(normal)])
    candidates.pop(word, None)
    found: list[str] = []
    for candidate in candidates:
        try:
            node = ox.NamedNode(head + candidate)
        except ValueError:
            continue
        if candidate and _exists(store, node):
            name = node.value
            found.append(name[len(ID) :] if name.startswith(ID) else name)
            if len(found) >= limit:
                break
    return found


def _one_edit(word: str) -> Iterable[str]:
    """The words one deletion, transposition, substitution or insertion from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    yield from (a + b[1:] for a, b in splits if b)
    yield from (a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    yield from (a + c + b[1:] for a, b in splits if b for c in _SLUG_CHARS if c != b[0])
    yield from (a + c + b for a, b in splits for c in _SLUG_CHARS)


class ClassTree:
    """Sub-class and equivalent-class links between classes, as asserted (the inferred
    transitive shortcuts would make ``CreativeWork`` look as close as ``TVSeries``).

    Read once per store (:func:`class_tree`) from the predicate index: the links that a graph
    other than the closure states. A store of user files holds no ontology (the closure was
    computed with bgraph's): that ontology's links are read from its file then."""

    def __init__(self, links: dict[Term, set[Term]]) -> None:
        self.links = links

    @classmethod
    def of_store(cls, store: Any) -> ClassTree:
        links: dict[Term, set[Term]] = {}
        triples = set(_asserted_class_links(store))
        if not _has_graph(store, _ONTOLOGY):
            triples |= _bgraph_ontology_links()
        if not triples:  # nothing asserted: what the closure says
            triples = {
                (q.subject, q.predicate, q.object)
                for p in (_SUBCLASS_OF, _EQUIVALENT_CLASS)
                for q in store.quads_for_pattern(None, p, None, None)
            }
        for s, p, o in triples:
            if isinstance(o, ox.NamedNode) and s != o:
                links.setdefault(s, set()).add(o)
                if p == _EQUIVALENT_CLASS:
                    links.setdefault(o, set()).add(s)
        return cls(links)

    def ancestors(self, cls: Term) -> set[Term]:
        seen: set[Term] = set()
        todo = [cls]
        while todo:
            for parent in self.links.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        seen.discard(cls)
        return seen

    def most_specific(self, classes: set[Term]) -> set[Term]:
        return {c for c in classes if not any(c in self.ancestors(d) for d in classes - {c})}

    def closest_schema(self, cls: Term) -> set[Term]:
        """The schema.org classes declared on ``cls``; else on its nearest ancestors."""
        level, seen = {cls}, {cls}
        while level:
            hits = {p for c in level for p in self.links.get(c, ()) if _is_schema(p)}
            if hits:
                return hits
            level = {p for c in level for p in self.links.get(c, ())} - seen
            seen |= level
        return set()


def _has_graph(store: Any, graph: ox.NamedNode) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, graph)), None) is not None


Triple = tuple[Term, ox.NamedNode, Term]


def _asserted_class_links(store: Any) -> Iterable[Triple]:
    """The class links some graph other than the closure states (a link of the default graph
    alone counts: stated there, not the union's copy)."""
    graphs: dict[Triple, set[Any]] = {}
    for p in (_SUBCLASS_OF, _EQUIVALENT_CLASS):
        for q in store.quads_for_pattern(None, p, None, None):
            graphs.setdefault((q.subject, q.predicate, q.object), set()).add(q.graph_name)
    for triple, where in graphs.items():
        named = where - {_DEFAULT}
        if not named or not named <= _CLOSURE:
            yield triple


_ONTOLOGY_LINKS: set[Triple] = set()


def _bgraph_ontology_links() -> set[Triple]:
    """bgraph's ontology's class links (parsed from its file once per process)."""
    if not _ONTOLOGY_LINKS:
        from .resources import resources

        wanted = (_SUBCLASS_OF, _EQUIVALENT_CLASS)
        path = resources().ontology
        with open(path, "rb") as fh:
            quads = ox.parse(fh, ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
            _ONTOLOGY_LINKS.update(
                (q.subject, q.predicate, q.object) for q in quads if q.predicate in wanted
            )
    return _ONTOLOGY_LINKS


#: Class trees of the stores seen (a few: a process works on one or two stores).
_TREES: dict[int, tuple[Any, ClassTree]] = {}


def class_tree(source: Any) -> ClassTree:
    """The :class:`ClassTree` of a store (read once per store handle, then cached)."""
    store = oxigraph_store(source)
    found = _TREES.get(id(store))
    if found is None or found[0] is not store:
        if len(_TREES) >= 8:
            _TREES.clear()
        found = _TREES[id(store)] = (store, ClassTree.of_store(store))
    return found[1]


def _own(store: Any, node: Term) -> list[tuple[ox.NamedNode, Term]]:
    """The node's distinct (predicate, object) pairs, in every graph: one lookup."""
    return sorted(
        {(q.predicate, q.object) for q in store.quads_for_pattern(node, None, None, None)},
        key=lambda po: (po[0].value, str(po[1])),
    )


def nearest_schema_types(
    source: Any, node: Term, tree: ClassTree | None = None, own: Any = None
) -> set[Term]:
    """The schema.org classes closest above the node's most specific classes.

    ``bg:TVSeries ⊑ bg:Work, schema:TVSeries`` gives ``TVSeries`` (not also ``CreativeWork``,
    which only ``bg:Work`` reaches); ``bg:ProductionCompany ⊑ bg:Organization ≡
    schema:Organization`` gives ``Organization``. ``own``: the node's (predicate, object)
    pairs when already read."""
    tree = tree or class_tree(source)
    if own is None:
        own = _own(oxigraph_store(source), node)
    types: set[Term] = {o for p, o in own if p == _TYPE and isinstance(o, ox.NamedNode)}
    found: set[Term] = set()
    for cls in tree.most_specific({t for t in types if not _is_schema(t)}):
        found |= tree.closest_schema(cls)
    return found or tree.most_specific({t for t in types if _is_schema(t)})


def _is_schema(term: Any) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(SDO)


def entity_view(source: Any, iri: Any, depth: int = 2, lang: str | None = None) -> list[ox.Triple]:
    """The schema.org description of ``iri``: its schema.org properties and nearest schema.org
    types, and those of the nodes it links to, ``depth`` links deep (farther nodes stay links).
    With ``lang``, a property keeps only its values in ``lang`` (or untagged) when it has any.

    ``source``: an OpenStore, an Oxigraph store or oxrdflib's ``Dataset`` of one. One lookup
    per node described; the triples come sorted (N-Triples order of their terms)."""
    store = oxigraph_store(source)
    tree = class_tree(store)
    root = iri if isinstance(iri, ox.NamedNode) else ox.NamedNode(str(iri))
    view: set[ox.Triple] = set()
    level: list[Term] = [root]
    seen: set[Term] = {root}
    for distance in range(depth + 1):
        nxt: list[Term] = []
        for node in level:
            own = _own(store, node)
            for cls in nearest_schema_types(store, node, tree, own):
                view.add(ox.Triple(node, _TYPE, cls))
            for p, o in own:
                if not _is_schema(p) or (
                    isinstance(o, ox.Literal) and not _wanted(own, p, o, lang)
                ):
                    continue
                view.add(ox.Triple(node, p, o))
                if not isinstance(o, ox.Literal) and o not in seen and distance < depth:
                    seen.add(o)
                    nxt.append(o)
        level = nxt
    return sorted(view, key=str)


def _wanted(
    own: list[tuple[ox.NamedNode, Term]], prop: ox.NamedNode, value: ox.Literal, lang: str | None
) -> bool:
    if lang is None or value.language is None or value.language == lang:
        return True
    others = (o for p, o in own if p == prop and isinstance(o, ox.Literal))
    return not any(o.language in (None, lang) for o in others)


def entity_jsonld(source: Any, iri: Any, depth: int = 2, lang: str | None = None) -> dict[str, Any]:
    """One entity framed as a nested tree of schema.org JSON-LD, as a web page embeds it:
    plain JSON values (dates and durations as strings, numbers as numbers); values in ``lang``
    as plain strings. pyld never fetches anything (:func:`bgraph.export.jsonld_options`)."""
    from pyld import jsonld

    view = entity_view(source, iri, depth, lang)
    expanded = expanded_jsonld(canonical_quads(graph_quads(view)))
    frame = {"@context": ENTITY_CONTEXT, "@id": getattr(iri, "value", str(iri))}
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
        if isinstance(value, str) and str(node.get("@type", "")) in _JSON_NUMBERS:
            return _json_number(value)
        return value
    return {k: _plain_values(v, lang) for k, v in node.items()}


_JSON_NUMBERS = {XSD + "decimal", XSD + "double", XSD + "float", XSD + "integer"}


def _json_number(text: str) -> int | float | str:
    """A number's lexical form as a JSON number (whole numbers as integers); the text itself
    when it is not a finite number."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    return int(number) if number == int(number) else float(number)
