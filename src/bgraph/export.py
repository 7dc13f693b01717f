"""Serialise the served dataset (or a query's graph) in every RDF format, deterministically.

- Named-graph formats (TriG, N-Quads, JSON-LD) keep the graphs; triple formats merge them.
- Blank nodes get canonical labels (rdflib's canonicalisation, graph names included), so the
  same input gives byte-identical Turtle (``longturtle``), N-Triples and N-Quads (sorted lines),
  whatever the parse order or the hash seed.
- JSON-LD is compacted with pyld and bgraph's shipped context; its document loader never fetches.

- ``--entity``: one entity's schema.org description, framed with pyld as a nested tree.
"""

from __future__ import annotations

import difflib
import json
from collections import deque
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF, RDFS, SDO, XSD
from rdflib.term import Node

from .errors import BgraphError, UsageError
from .formats import RdfFormat
from .jsonld_context import CONTEXT_IRI, context, context_document
from .namespaces import ID, INFERRED_GRAPH, bind_prefixes

Quad = tuple[Node, Node, Node, Node | None]

_XSD_INTEGER = str(XSD.integer)
_XSD_BOOLEAN = str(XSD.boolean)


class OutputError(BgraphError):
    """The export cannot be written where asked."""


# --- canonical quads ---------------------------------------------------------------------------


def dataset_quads(ds: Dataset) -> list[Quad]:
    """Every quad of ``ds``; triples of the default graph get ``None`` as graph name."""
    default = ds.default_graph.identifier
    return [(s, p, o, None if g == default else g) for s, p, o, g in ds.quads((None, None, None))]


def graph_quads(graph: Graph) -> list[Quad]:
    return [(s, p, o, None) for s, p, o in graph]


def canonical_quads(quads: Iterable[Quad]) -> list[Quad]:
    """The quads with blank nodes relabelled canonically (``b0``, ``b1``…), sorted.

    rdflib canonicalises graphs, not datasets: each quad holding a blank node is encoded as a
    triple whose predicate carries the graph name, canonicalised, then decoded.
    """
    ground: set[Quad] = set()
    encoded = Graph()
    decode: dict[URIRef, tuple[Node, Node | None]] = {}
    for s, p, o, g in quads:
        if not (isinstance(s, BNode) or isinstance(o, BNode) or isinstance(g, BNode)):
            ground.add((s, p, o, g))
            continue
        key = URIRef(f"urn:bgraph:quad:{quote(str(p), safe='')}:{quote(str(g or ''), safe='')}")
        decode[key] = (p, g)
        encoded.add((s, key, o))
    if not decode:
        return sorted(ground, key=_quad_key)
    canonical = list(to_canonical_graph(encoded))
    labels = sorted({t for triple in canonical for t in triple if isinstance(t, BNode)})
    short = {label: BNode(f"b{n}") for n, label in enumerate(labels)}
    blank = {
        (short.get(s, s), decode[k][0], short.get(o, o), decode[k][1])  # type: ignore[index]
        for s, k, o in canonical
    }
    return sorted(ground | blank, key=_quad_key)


def _quad_key(quad: Quad) -> tuple[str, ...]:
    return tuple(t.n3() if t is not None else "" for t in (quad[3], *quad[:3]))


def build_dataset(quads: Iterable[Quad]) -> Dataset:
    """A Dataset holding ``quads`` in the given order (serialisers follow insertion order)."""
    ds = Dataset()
    bind_prefixes(ds)
    for s, p, o, g in quads:
        ds.add((s, p, o, g if g is not None else ds.default_graph.identifier))
    return ds


def merged_graph(quads: Iterable[Quad]) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    for s, p, o, _g in quads:
        graph.add((s, p, o))
    return graph


# --- serialisation -----------------------------------------------------------------------------


def serialize_dataset(ds: Dataset, fmt: RdfFormat) -> str:
    """``ds`` in ``fmt``: graphs kept by quad formats, merged by triple formats."""
    return serialize_quads(dataset_quads(ds), fmt)


def serialize_graph(graph: Graph, fmt: RdfFormat) -> str:
    """One graph (e.g. a CONSTRUCT result) in ``fmt``; JSON-LD with only the context it uses."""
    return serialize_quads(graph_quads(graph), fmt, prune_context=True)


def serialize_quads(quads: Iterable[Quad], fmt: RdfFormat, prune_context: bool = False) -> str:
    ordered = canonical_quads(quads)
    if not fmt.quads:
        ordered = sorted({(s, p, o, None) for s, p, o, _g in ordered}, key=_quad_key)
    if fmt.name == "jsonld":
        doc = jsonld_document(ordered, prune=prune_context)
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt.name == "nt":
        return sorted_lines(merged_graph(ordered).serialize(format="nt"))
    if fmt.name == "nquads":
        return sorted_lines(build_dataset(ordered).serialize(format="nquads"))
    if fmt.name == "trig":
        return _trig(build_dataset(ordered))
    target: Graph | Dataset = build_dataset(ordered) if fmt.quads else merged_graph(ordered)
    return target.serialize(format=fmt.serialiser or fmt.rdflib)


def _trig(ds: Dataset) -> str:
    """TriG with its graphs in name order (rdflib's follows the store's set of contexts)."""
    import io

    from rdflib.plugins.serializers.trig import TrigSerializer

    serializer = TrigSerializer(ds)
    serializer.contexts.sort(key=lambda graph: graph.identifier.n3())
    buffer = io.BytesIO()
    serializer.serialize(buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def sorted_lines(text: str) -> str:
    """Line-based RDF with its lines sorted and deduplicated: a canonical byte form."""
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "".join(line + "\n" for line in lines)


def to_nquads(quads: Iterable[Quad]) -> str:
    return sorted_lines(build_dataset(quads).serialize(format="nquads"))


# --- JSON-LD -----------------------------------------------------------------------------------


def no_fetch_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader: bgraph's own context from the package; anything else refused."""
    from pyld.jsonld import JsonLdError

    if url.rstrip("/") == CONTEXT_IRI.rstrip("/"):
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": context_document(),
        }
    raise JsonLdError(
        f"bgraph never fetches remote JSON-LD documents ({url}); inline the context",
        "jsonld.LoadDocumentError",
        {"url": url},
        code="loading document failed",
    )


def jsonld_options(**extra: Any) -> dict[str, Any]:
    return {"documentLoader": no_fetch_loader, **extra}


def expanded_jsonld(quads: Iterable[Quad]) -> list[dict[str, Any]]:
    """Expanded JSON-LD of ``quads`` (already canonical and sorted), with native integers and
    booleans where their lexical form is canonical (so the round trip is exact)."""
    from pyld import jsonld

    nquads = to_nquads(quads)
    expanded = jsonld.from_rdf(nquads, jsonld_options(format="application/n-quads"))
    return _native_values(expanded)


def jsonld_document(
    quads: Iterable[Quad], ctx: dict[str, Any] | None = None, prune: bool = False
) -> dict[str, Any]:
    """Compacted JSON-LD with bgraph's context, inline (nothing to fetch to read it). With
    ``prune``, the context keeps only the terms and prefixes the document uses."""
    from pyld import jsonld

    ctx = ctx if ctx is not None else context()
    expanded = expanded_jsonld(quads)
    try:
        compacted = jsonld.compact(expanded, {"@context": ctx}, jsonld_options())
        if prune:
            used = _used_context(compacted, ctx)
            compacted = jsonld.compact(expanded, {"@context": used}, jsonld_options())
    except jsonld.JsonLdError as exc:  # pragma: no cover - our own input is well-formed
        raise BgraphError(f"JSON-LD compaction failed: {exc}") from None
    return compacted


def _used_context(doc: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
    """The part of ``ctx`` that ``doc`` (compacted with it) uses."""
    words: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    continue
                words.add(key)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str):
            words.add(node)

    walk(doc)
    prefixes = {w.split(":", 1)[0] for w in words if ":" in w}
    used = {k: v for k, v in ctx.items() if k.startswith("@") or k in words or k in prefixes}
    for value in list(used.values()):  # terms defined through a prefix need that prefix
        target = value.get("@id", "") if isinstance(value, dict) else value
        if isinstance(target, str) and ":" in target:
            prefix = target.split(":", 1)[0]
            if prefix in ctx:
                used[prefix] = ctx[prefix]
    return {k: ctx[k] for k in ctx if k in used}


def _native_values(node: Any) -> Any:
    if isinstance(node, list):
        return [_native_values(v) for v in node]
    if not isinstance(node, dict):
        return node
    if "@value" in node and set(node) <= {"@value", "@type"}:
        value, datatype = node["@value"], node.get("@type")
        if datatype == _XSD_INTEGER and isinstance(value, str):
            literal = Literal(value, datatype=XSD.integer)
            if literal.value is not None and str(literal.value) == value:
                return {"@value": int(value)}
        if datatype == _XSD_BOOLEAN and value in ("true", "false"):
            return {"@value": value == "true"}
        return node
    return {k: _native_values(v) for k, v in node.items()}


# --- output ------------------------------------------------------------------------------------


def write_output(text: str, output: Path | None) -> None:
    """Write ``text`` to ``output`` (atomically), or to stdout when ``output`` is None/``-``."""
    import os
    import sys
    import tempfile

    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(output)
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a directory (give a file name)")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write {path}: no such directory {parent}")
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _file_mode(path: Path) -> int:
    """The mode a plain ``open(path, "w")`` would give (mkstemp's files are private)."""
    import os

    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


# --- one entity as schema.org markup -----------------------------------------------------------

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
    return {"@context": ENTITY_CONTEXT, **_plain_values(_shallowest_embeds(framed), lang)}


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
