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
- JSON-LD is compacted with pyld (:mod:`bgraph.jsonld_compact`) and bgraph's shipped context; its
  document loader never fetches.
- ``--entity``: see :mod:`bgraph.entity` (one entity as schema.org markup).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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


Reader = Callable[[], Iterable[Quad]]


def published_graphs(
    store: Any, inference: bool = True, default_only: bool = True
) -> list[tuple[Any, Reader]]:
    """What ``bgraph export``, the server's dumps and ``bgraph push`` carry, graph by graph,
    each with a function reading its quads (afresh at each call): every named graph that
    :func:`bgraph.iris.is_published` keeps, in name order, then, with ``default_only``, the
    default graph's own triples (no named graph holds them; the rest of the default graph is
    the materialised union)."""
    import pyoxigraph as ox

    def named(graph: Any) -> Reader:
        return lambda: store.quads_for_pattern(None, None, None, graph)

    def stated() -> Iterable[Quad]:
        from .store import DEFAULT_ONLY

        default = ox.DefaultGraph()
        return (ox.Quad(r["s"], r["p"], r["o"], default) for r in store.query(DEFAULT_ONLY))

    graphs: list[tuple[Any, Reader]] = [
        (g, named(g))
        for g in sorted(store.named_graphs(), key=lambda g: g.value)
        if is_published(g.value, inference)
    ]
    if default_only:
        graphs.append((ox.DefaultGraph(), stated))
    return graphs


def states_default(opened: Any) -> bool:
    """Whether the default graph of an :class:`bgraph.store.OpenStore` may hold triples of its
    own: its summary says so, or does not say."""
    info = opened.info
    return info is None or info.default_only is None or bool(info.default_only)


def store_quads(opened: Any, inference: bool = True) -> list[Quad]:
    """The dataset of an :class:`bgraph.store.OpenStore`, as :func:`published_graphs` walks it
    (``bgg:inferred`` left out unless ``inference``)."""
    graphs = published_graphs(opened.store, inference, states_default(opened))
    return [q for _name, read in graphs for q in read()]


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


def serialize_quads(
    quads: Iterable[Any], fmt: RdfFormat, prune_context: bool = False, compact: bool = True
) -> str:
    """``quads`` in ``fmt``: graphs kept by quad formats, merged by triple formats. JSON-LD is
    compacted with bgraph's context (pyld), or with ``compact=False`` written expanded by
    Oxigraph (in the same order; linear in time and memory, for the server's dumps)."""
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
        import pyoxigraph as ox

        items = _reparse(union_default(groups))
        if not compact:
            return ox.serialize(items, format=ox.RdfFormat.JSON_LD).decode("utf-8")
        doc = jsonld_document(items, prune=prune_context)
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    ordered = _reparse(groups)
    items = ordered if fmt.quads else [q.triple for q in ordered]
    return prefixed_rdf(items, fmt).decode("utf-8")


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


def prefixed_rdf(
    statements: Sequence[Any], fmt: RdfFormat, extra: Mapping[str, str] | None = None
) -> bytes:
    """Triples or quads (in the order given) in Turtle, TriG or RDF/XML, written by Oxigraph
    with the prefixes they use (:func:`used_prefixes`), declared in name order."""
    import pyoxigraph as ox

    prefixes = used_prefixes(statements, extra)
    return _sorted_prefixes(ox.serialize(statements, format=fmt.oxigraph, prefixes=prefixes))


def used_prefixes(
    statements: Iterable[Any], extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """bgraph's prefixes (and ``extra`` ones) that the IRIs, datatypes and graph names of
    ``statements`` (triples or quads) use, each IRI counted under its longest namespace; in
    name order."""
    import pyoxigraph as ox

    table = sorted({**PREFIXES, **(extra or {})}.items(), key=lambda kv: -len(kv[1]))
    used: dict[str, str] = {}
    for statement in statements:
        terms = [statement.subject, statement.predicate, statement.object]
        if isinstance(statement, ox.Quad):
            terms.append(statement.graph_name)
        for term in terms:
            if isinstance(term, ox.Literal):
                term = term.datatype
            if isinstance(term, ox.NamedNode):
                iri = term.value
                for prefix, ns in table:
                    if iri.startswith(ns):
                        used[prefix] = ns
                        break
        if len(used) == len(table):
            break
    return dict(sorted(used.items()))


_ROOT = re.compile(rb"<rdf:RDF( [^>]*)>")
_XMLNS = re.compile(rb' (xmlns:[\w.-]+="[^"]*")')


def _sorted_prefixes(data: bytes) -> bytes:
    """Turtle/TriG with its leading ``@prefix`` lines, RDF/XML with its root's ``xmlns``
    attributes, in name order (Oxigraph writes them in its hash map's order, which is not the
    same in every process)."""
    root = _ROOT.search(data[:4096])
    if root:
        names = sorted(_XMLNS.findall(root.group(1)))
        rest = _XMLNS.sub(b"", root.group(1))
        attrs = b"".join(b" " + n for n in names) + rest
        return data[: root.start(1)] + attrs + data[root.end(1) :]
    end = 0
    while data.startswith(b"@prefix ", end):
        newline = data.find(b"\n", end)
        end = len(data) if newline < 0 else newline + 1
    head = data[:end]
    if head.endswith(b"\n"):
        return b"\n".join(sorted(head[:-1].split(b"\n"))) + b"\n" + data[end:]
    return b"\n".join(sorted(head.split(b"\n"))) + data[end:]


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

    expanded = jsonld.from_rdf(_pyld_dataset(to_nquads(quads)), jsonld_options())
    return _native_values(expanded)


_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _pyld_dataset(nquads: str) -> dict[str, list[dict[str, Any]]]:
    """pyld's RDF dataset of an N-Quads document, in the document's order: what
    ``jsonld.from_rdf`` would parse from the text, in linear time (pyld's own parser compares
    each triple with every other of its graph: 110 s for 10k triples). FormatCannotCarryError
    for RDF 1.2's triple terms and base directions, which JSON-LD 1.1 does not carry."""
    import pyoxigraph as ox

    dataset: dict[str, list[dict[str, Any]]] = {}
    seen: set[Any] = set()
    for quad in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        if quad in seen:
            continue
        seen.add(quad)
        graph = quad.graph_name
        name = "@default" if isinstance(graph, ox.DefaultGraph) else _pyld_term(graph)["value"]
        dataset.setdefault(name, []).append(
            {
                "subject": _pyld_term(quad.subject),
                "predicate": {"type": "IRI", "value": quad.predicate.value},
                "object": _pyld_term(quad.object),
            }
        )
    return dataset


def _pyld_term(term: Any) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "IRI", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "blank node", "value": "_:" + term.value}
    if isinstance(term, ox.Literal) and term.direction is None:
        if term.language:
            return {
                "type": "literal",
                "value": term.value,
                "datatype": _RDF_LANGSTRING,
                "language": term.language,
            }
        return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    raise FormatCannotCarryError("JSON-LD")


def jsonld_document(
    quads: Iterable[Quad], ctx: dict[str, Any] | None = None, prune: bool = False
) -> dict[str, Any]:
    """Compacted JSON-LD with bgraph's context, inline (nothing to fetch to read it). With
    ``prune``, the context keeps only the terms and prefixes the document uses."""
    from pyld import jsonld

    from .jsonld_compact import compact

    ctx = ctx if ctx is not None else context()
    expanded = expanded_jsonld(quads)
    try:
        compacted = compact(expanded, ctx, jsonld_options())
        if prune:
            compacted = compact(expanded, _used_context(compacted, ctx), jsonld_options())
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
    """Write ``text`` (UTF-8 text, or bytes as they are) to ``output`` (atomically:
    :func:`atomic_file`), or to stdout when ``output`` is None/``-``."""
    import sys

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
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: no such directory {path.parent}")
    try:
        with atomic_file(path) as fh:
            fh.write(text if isinstance(text, bytes) else text.encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


@contextmanager
def atomic_file(path: Path, text: bool = False) -> Iterator[Any]:
    """A file (binary, or UTF-8 text with ``\\n`` line ends) that replaces ``path`` when the
    block ends: written beside it and renamed over it, so a reader never sees half a file, with
    the mode a plain ``open(path, "w")`` would leave; removed if the block raises. OSError
    propagates."""
    import os
    import tempfile

    how: dict[str, Any] = {"encoding": "utf-8", "newline": "\n"} if text else {}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w" if text else "wb", **how) as fh:
            yield fh
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _file_mode(path: Path) -> int:
    """The mode a plain ``open(path, "w")`` would give (mkstemp's files are private)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read from /proc (Linux 4.7+) without changing it: ``os.umask`` can
    only read it by setting it, which would let a file another thread creates meanwhile be
    world-writable."""
    import os

    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o077)  # elsewhere: set it (briefly) to the strictest, then back
    os.umask(umask)
    return umask
