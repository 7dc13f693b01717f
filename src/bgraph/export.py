"""Serialise the store (or a query's graph) in every RDF format, deterministically, with
Oxigraph's serialisers.

- Named-graph formats (TriG, N-Quads, JSON-LD) keep the graphs; triple formats merge them.
  JSON-LD's default graph is their union (what a triples-only reader reads), its named graphs
  follow.
- Blank nodes get canonical labels (RDFC-1.0, :meth:`pyoxigraph.Dataset.canonicalize`, graph
  names included) and quads are written in a fixed order (N-Triples and N-Quads lines sorted),
  so the same data gives the same bytes, whatever the parse order, the process or the hash seed.
- Numbers and dates are spelled as Oxigraph stores them, by value (``"1.50"^^xsd:decimal`` is
  written ``"1.5"``): every path reads them from the store, so every output spells them alike.
- JSON-LD is compacted with pyld and bgraph's shipped context; its document loader never fetches.
- ``--entity``: see :mod:`bgraph.entity` (one entity as schema.org markup).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import BgraphError, FormatCannotCarryError
from .formats import RdfFormat
from .iris import PREFIXES, XSD, is_published
from .jsonld_context import CONTEXT_IRI, context, context_document

Quad = Any  #: pyoxigraph.Quad

_XSD_INTEGER = XSD + "integer"
_XSD_BOOLEAN = XSD + "boolean"
_CANONICAL_INTEGER = re.compile(r"^(?:0|-?[1-9][0-9]*)$")


class OutputError(BgraphError):
    """The export cannot be written where asked."""


# --- quads -------------------------------------------------------------------------------------


def store_quads(opened: Any, inference: bool = True) -> list[Quad]:
    """The dataset of an :class:`bgraph.store.OpenStore`: every named graph (``bgg:inferred``
    left out unless ``inference``), and the triples stated in the default graph only (the rest
    of the default graph is the materialised union)."""
    import pyoxigraph as ox

    store = opened.store
    quads: list[Quad] = []
    for graph in sorted(store.named_graphs(), key=lambda g: g.value):
        if not is_published(graph.value, inference):
            continue
        quads.extend(store.quads_for_pattern(None, None, None, graph))
    info = opened.info
    if info is None or info.default_only is None or info.default_only:
        from .store import DEFAULT_ONLY

        default = ox.DefaultGraph()
        for row in store.query(DEFAULT_ONLY):
            quads.append(ox.Quad(row["s"], row["p"], row["o"], default))
    return quads


def as_quads(items: Iterable[Any]) -> list[Quad]:
    """pyoxigraph quads from quads, triples (``ox.Triple`` or 3-tuples), or rdflib
    (s, p, o[, g|None]) tuples (rdflib terms are converted with oxrdflib's converter)."""
    import pyoxigraph as ox

    items = items if isinstance(items, list) else list(items)
    if not items:
        return []
    first = items[0]
    if isinstance(first, ox.Quad):
        return items
    if isinstance(first, ox.Triple):
        return [ox.Quad(t.subject, t.predicate, t.object) for t in items]
    convert = _converter(first[0])
    if convert is None:  # tuples of pyoxigraph terms (e.g. a closure)
        if len(first) == 3:
            return [ox.Quad(s, p, o) for s, p, o in items]
        convert = _same
    out: list[Quad] = []
    default = ox.DefaultGraph()
    for item in items:
        s, p, o = (convert(t) for t in item[:3])
        g = item[3] if len(item) > 3 else None
        out.append(ox.Quad(s, p, o, default if g is None or _is_default(g) else convert(g)))
    return out


def _same(term: Any) -> Any:
    return term


def _converter(term: Any) -> Any:
    """None for pyoxigraph terms, else oxrdflib's rdflib-to-Oxigraph converter."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return None
    from oxrdflib._converter import to_ox

    return to_ox


def _is_default(graph: Any) -> bool:
    import pyoxigraph as ox

    if isinstance(graph, ox.DefaultGraph):
        return True
    return str(graph) == "urn:x-rdflib:default"


def graph_quads(graph: Iterable[Any]) -> list[Quad]:
    """The triples of a graph (an rdflib ``Graph``, or pyoxigraph triples) in the default graph."""
    return as_quads(list(graph))


def _canonical(quads: list[Quad]) -> list[Quad]:
    """Blank nodes relabelled canonically (RDFC-1.0) when there are any; quads unordered."""
    import pyoxigraph as ox

    blank = ox.BlankNode
    if not any(
        isinstance(q.subject, blank)
        or isinstance(q.object, blank)
        or isinstance(q.graph_name, blank)
        for q in quads
    ):
        return quads
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return list(dataset)


Groups = list[tuple[Any, list[str]]]


def _sorted_graphs(quads: list[Quad], merge: bool) -> Groups:
    """(graph name, its sorted distinct N-Triples lines), graphs in name order (the default
    graph first). ``merge`` puts every triple in the default graph. Sorting is on Oxigraph's
    N-Triples text: fixed bytes for fixed data."""
    import pyoxigraph as ox

    by_graph: dict[Any, list[Any]] = {}
    default = ox.DefaultGraph()
    for q in quads:
        by_graph.setdefault(default if merge else q.graph_name, []).append(q.triple)
    names = sorted(by_graph, key=lambda g: "" if _is_default(g) else str(g))
    out = []
    for name in names:
        text = ox.serialize(by_graph[name], format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        out.append((name, sorted(set(text.splitlines()) - {""})))
    return out


def union_default(groups: Groups) -> Groups:
    """JSON-LD's graphs: the default graph holds the union of all the graphs (what a reader of
    triples, such as ``rdflib.Graph().parse(format="json-ld")``, reads: the triples the Turtle
    export holds); every named graph follows, as TriG has it (provenance for quad readers)."""
    import pyoxigraph as ox

    if all(_is_default(name) for name, _ in groups):
        return groups
    union = sorted({line for _, lines in groups for line in lines})
    return [(ox.DefaultGraph(), union), *((n, ls) for n, ls in groups if not _is_default(n))]


def _reparse(groups: Groups) -> list[Quad]:
    """The quads of sorted N-Triples groups, in that order (read back by Oxigraph's parser)."""
    import pyoxigraph as ox

    out: list[Quad] = []
    for name, lines in groups:
        out.extend(
            ox.Quad(q.subject, q.predicate, q.object, name)
            for q in ox.parse("\n".join(lines), ox.RdfFormat.N_TRIPLES)
        )
    return out


def canonical_quads(quads: Iterable[Any]) -> list[Quad]:
    """The distinct quads, blank nodes relabelled canonically (RDFC-1.0), in a fixed order
    (graphs by name, then the N-Triples order of their triples)."""
    return _reparse(_sorted_graphs(_canonical(as_quads(quads)), merge=False))


# --- serialisation -----------------------------------------------------------------------------


def serialize_quads(quads: Iterable[Any], fmt: RdfFormat, prune_context: bool = False) -> str:
    """``quads`` in ``fmt``: graphs kept by quad formats, merged by triple formats."""
    import pyoxigraph as ox

    groups = _sorted_graphs(_canonical(as_quads(quads)), merge=not fmt.quads)
    if fmt.name in ("nt", "nquads"):  # N-Quads: each line "s p o ." gets its graph before "."
        return sorted_lines(
            "\n".join(
                line if _is_default(name) else f"{line[:-1]}{name} ."
                for name, lines in groups
                for line in lines
            )
        )
    if fmt.name == "jsonld":
        doc = jsonld_document(_reparse(union_default(groups)), prune=prune_context)
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    ordered = _reparse(groups)
    items = ordered if fmt.quads else [q.triple for q in ordered]
    text = ox.serialize(items, format=fmt.oxigraph, prefixes=_used_prefixes(ordered))
    return _sorted_prefixes(text.decode("utf-8"))


_ROOT = re.compile(r"<rdf:RDF( [^>]*)>")
_XMLNS = re.compile(r' (xmlns:[\w.-]+="[^"]*")')


def serialize_triples(triples: Iterable[Any], fmt: RdfFormat, prune_context: bool = False) -> str:
    """One graph (e.g. a CONSTRUCT result, pyoxigraph triples) in ``fmt``; JSON-LD with only
    the context it uses when ``prune_context``."""
    return serialize_quads(graph_quads(triples), fmt, prune_context)


def serialize_graph(graph: Iterable[Any], fmt: RdfFormat) -> str:
    """One graph (pyoxigraph triples, or an rdflib ``Graph``) in ``fmt``; JSON-LD with only the
    context it uses."""
    return serialize_quads(graph_quads(graph), fmt, prune_context=True)


def serialize_store(opened: Any, fmt: RdfFormat, inference: bool = True) -> str:
    """The dataset of an open store in ``fmt`` (what ``bgraph export`` writes)."""
    return serialize_quads(store_quads(opened, inference), fmt)


def _used_prefixes(quads: list[Quad]) -> dict[str, str]:
    """bgraph's prefixes that some IRI of ``quads`` starts with (Turtle, TriG, RDF/XML)."""
    import pyoxigraph as ox

    namespaces = set(PREFIXES.values())
    used: set[str] = set()
    for q in quads:
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            if isinstance(term, ox.Literal):
                term = term.datatype
            if isinstance(term, ox.NamedNode):
                value = term.value
                used.update(ns for ns in namespaces if value.startswith(ns))
        if len(used) == len(namespaces):
            break
    return {p: ns for p, ns in sorted(PREFIXES.items()) if ns in used}


def _sorted_prefixes(text: str) -> str:
    """Turtle/TriG with its leading ``@prefix`` lines, RDF/XML with its root's ``xmlns``
    attributes, in name order (Oxigraph writes them in its hash map's order, which is not the
    same in every process)."""
    root = _ROOT.search(text[:4096])
    if root:
        names = sorted(_XMLNS.findall(root.group(1)))
        rest = _XMLNS.sub("", root.group(1))
        attrs = "".join(f" {n}" for n in names) + rest
        return text[: root.start(1)] + attrs + text[root.end(1) :]
    lines = text.split("\n")
    n = 0
    while n < len(lines) and lines[n].startswith("@prefix "):
        n += 1
    return "\n".join([*sorted(lines[:n]), *lines[n:]])


def sorted_lines(text: str) -> str:
    """Line-based RDF with its lines sorted and deduplicated: a canonical byte form."""
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "".join(line + "\n" for line in lines)


def to_nquads(quads: Iterable[Any]) -> str:
    import pyoxigraph as ox

    return sorted_lines(ox.serialize(as_quads(quads), format=ox.RdfFormat.N_QUADS).decode())


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
    try:
        expanded = jsonld.from_rdf(nquads, jsonld_options(format="application/n-quads"))
    except jsonld.JsonLdError:  # Oxigraph wrote it: RDF 1.2 terms, which pyld does not read
        raise FormatCannotCarryError("JSON-LD") from None
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
            if _CANONICAL_INTEGER.match(value):
                return {"@value": int(value)}
        if datatype == _XSD_BOOLEAN and value in ("true", "false"):
            return {"@value": value == "true"}
        return node
    return {k: _native_values(v) for k, v in node.items()}


# --- output ------------------------------------------------------------------------------------


def write_output(text: str | bytes, output: Path | None) -> None:
    """Write ``text`` (UTF-8 text, or bytes as they are) to ``output`` (atomically), or to
    stdout when ``output`` is None/``-``."""
    import os
    import sys
    import tempfile

    if output is None or str(output) == "-":
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
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
        with os.fdopen(fd, "wb") as fh:
            fh.write(text if isinstance(text, bytes) else text.encode("utf-8"))
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
