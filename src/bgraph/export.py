"""Serialise the served dataset (or a query's graph) in every RDF format, deterministically.

- Named-graph formats (TriG, N-Quads, JSON-LD) keep the graphs; triple formats merge them.
- Blank nodes get canonical labels (rdflib's canonicalisation, graph names included), so the
  same input gives byte-identical Turtle (``longturtle``), N-Triples and N-Quads (sorted lines),
  whatever the parse order or the hash seed.
- JSON-LD is compacted with pyld and bgraph's shipped context; its document loader never fetches.
- ``--entity``: see :mod:`bgraph.entity` (one entity as schema.org markup).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import XSD
from rdflib.term import Node

from .errors import BgraphError
from .formats import RdfFormat
from .jsonld_context import CONTEXT_IRI, context, context_document
from .namespaces import bind_prefixes

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
    return readable_order(compacted)


_FIRST_KEYS = ("@context", "@id", "@type", "@value", "@language", "name", "alternateName")


def readable_order(node: Any) -> Any:
    """Keys in reading order: identity and type, then the name, then the rest as they come
    (pyld's order), ``@graph`` last. Key order carries no meaning in JSON-LD."""
    if isinstance(node, list):
        return [readable_order(item) for item in node]
    if not isinstance(node, dict):
        return node
    first = [k for k in _FIRST_KEYS if k in node]
    rest = [k for k in node if k not in _FIRST_KEYS and k != "@graph"]
    last = ["@graph"] if "@graph" in node else []
    return {k: readable_order(node[k]) for k in (*first, *rest, *last)}


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
