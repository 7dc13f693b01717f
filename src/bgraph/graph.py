"""The only module that reads RDF files: Oxigraph's parsers, straight into an Oxigraph store.

Dataset layout (named graphs; bgraph's default graph is their distinct union, see
:func:`bgraph.store.materialise_union`):

- ``bgg:ontology``   the TBox (ontology/bgraph.ttl)
- ``bgg:facts``      every asserted fact (data/ballard.ttl)
- ``bgg:provenance`` the source articles and, for each claim, its article and quote
- ``claim:*``        one graph per claim: the facts one quote of one article supports
- ``bgg:inferred``   the closure (:mod:`bgraph.reason`)

A triples file goes to the graph it is given (default: the graph named by the file's IRI); a
quads file keeps its graphs. Every failure is an :class:`~bgraph.errors.InputError` reading
``FILE:LINE: message``. JSON-LD never fetches anything: Oxigraph's JSON-LD parser has no
document loader (remote ``@context``, ``@import`` and scoped contexts are refused), and
bgraph's own context IRI is replaced by the context shipped in the package before parsing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .errors import InputError
from .formats import RdfFormat, rdf_format_for_path
from .jsonld_context import CONTEXT_IRI, context_document

_POSITION = re.compile(
    r"^Parser error (at|between) line \d+ (column \d+|between columns \d+ and \d+)"
    r"( and line \d+ column \d+)?: "
)


def load_into_oxigraph(
    store: Any, path: Path, graph_iri: str | None = None, *, default_graph: bool = False
) -> None:
    """Bulk-load ``path`` into a pyoxigraph ``Store`` (millions of triples a minute).

    A triples file goes to the graph ``graph_iri`` (default: the file's IRI; the default graph
    with ``default_graph=True``); a quads file keeps its named graphs, and its default graph
    goes to ``graph_iri`` when given. Relative IRIs resolve against the file's IRI.
    """
    import pyoxigraph as ox

    fmt = rdf_format_for_path(path)
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a directory, not an RDF file")
    base = path.resolve().as_uri()
    if graph_iri is not None:
        target: Any = ox.NamedNode(graph_iri)
    elif default_graph or fmt.quads:
        target = None
    else:
        target = ox.NamedNode(base)
    source: dict[str, Any] = {"path": str(path)}
    lines_are_the_files = True
    if fmt.name == "xml":  # DTD entities bounded before Oxigraph expands them
        from .xml_entities import check_entities

        check_entities(path)
    if fmt.name == "jsonld":
        text = _local_contexts(path)
        if text is not None:
            source, lines_are_the_files = {"input": text.encode("utf-8")}, False
    try:
        store.bulk_load(**source, format=fmt.oxigraph, base_iri=base, to_graph=target)
    except SyntaxError as exc:
        raise _syntax_error(path, fmt, exc, lines_are_the_files) from None
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None


def parse_quads(path: Path, graph_iri: str | None = None) -> list[Any]:
    """The quads of a (small) file, laid out as :func:`load_into_oxigraph` does; triples files
    go to the default graph unless ``graph_iri`` is given."""
    import pyoxigraph as ox

    store = ox.Store()
    load_into_oxigraph(store, path, graph_iri, default_graph=True)
    return list(store)


def parse_into(target: Any, path: Path, fmt: RdfFormat | None = None) -> None:
    """Add the triples (or quads, for a Dataset) of ``path`` to an rdflib ``target``.

    For code that needs an rdflib graph of a small file (the TBox, the shapes); parsed by
    Oxigraph like every other file."""
    from oxrdflib._converter import from_ox

    if fmt is not None and fmt != rdf_format_for_path(path):
        raise InputError(path, f"expected a {fmt.name} file")
    quads = parse_quads(path)
    named = hasattr(target, "graph") and hasattr(target, "default_graph")
    for q in quads:
        triple = (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
        if named and not isinstance(q.graph_name, _default_graph_type()):
            target.graph(from_ox(q.graph_name)).add(triple)
        else:
            target.add(triple)


def rdflib_graph(path: Path) -> Any:
    """An rdflib ``Graph`` of a file's triples, backed by an Oxigraph store (oxrdflib)."""
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from .namespaces import bind_prefixes

    store = ox.Store()
    load_into_oxigraph(store, path, default_graph=True)
    graph = Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)
    bind_prefixes(graph)
    return graph


def _default_graph_type() -> type:
    import pyoxigraph as ox

    return ox.DefaultGraph


def _syntax_error(path: Path, fmt: RdfFormat, exc: SyntaxError, real_lines: bool) -> InputError:
    message = str(exc.msg if getattr(exc, "msg", None) else exc).strip()
    message = _POSITION.sub("", message.splitlines()[0] if message else "invalid input")
    line = exc.lineno if real_lines else None
    if fmt.name == "jsonld" and "LoadDocumentCallback" in message:
        message = "a remote JSON-LD context is not fetched (bgraph never goes online); inline it"
    if line is None and fmt.name == "xml" and real_lines:
        line = _xml_error_line(path)
    return InputError(path, message or "invalid input", line)


def _xml_error_line(path: Path) -> int | None:
    """The line of the first XML well-formedness error (Oxigraph's RDF/XML errors have none)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    try:
        with open(path, "rb") as fh:
            parser.ParseFile(fh)
    except expat.ExpatError as exc:
        return exc.lineno
    except OSError:
        return None
    return None


# --- JSON-LD: no remote contexts, ever ----------------------------------------------------------


def _local_contexts(path: Path) -> str | None:
    """Check a JSON-LD file's contexts: bgraph's own context IRI is inlined (the new text is
    returned), any other IRI (``@context``, ``@import``, scoped contexts; http, https, file)
    is refused with the IRI named. None when the file can be parsed as it is."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
    try:
        doc = json.loads(raw)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            path, f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno
        ) from None
    changed = [False]

    def refuse(iri: str) -> None:
        raise InputError(
            path,
            f"remote JSON-LD context {iri!r} is not fetched (bgraph never goes online); inline it",
        )

    def own(iri: Any) -> bool:
        return isinstance(iri, str) and iri.rstrip("/") == CONTEXT_IRI.rstrip("/")

    def fix_ctx(ctx: Any) -> Any:
        if isinstance(ctx, list):
            return [fix_ctx(c) for c in ctx]
        if isinstance(ctx, str):
            if own(ctx):
                changed[0] = True
                return context_document()["@context"]
            refuse(ctx)
        if isinstance(ctx, dict):
            out = {}
            for key, value in ctx.items():
                if key == "@import":
                    if not own(value):
                        refuse(str(value))
                    changed[0] = True
                    continue
                if isinstance(value, dict) and "@context" in value:  # scoped context
                    value = {**value, "@context": fix_ctx(value["@context"])}
                out[key] = value
            if "@import" in ctx:  # imported terms first, the importing context's over them
                return [context_document()["@context"], out]
            return out
        return ctx

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (fix_ctx(v) if k == "@context" else fix(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node

    fixed = fix(doc)
    return json.dumps(fixed, ensure_ascii=False) if changed[0] else None
