"""The only module that reads RDF files. It builds the asserted dataset.

Dataset layout (named graphs; the default graph of SPARQL is their union):

- ``bgg:ontology``   the TBox (ontology/bgraph.ttl)
- ``bgg:facts``      every asserted fact (data/ballard.ttl)
- ``bgg:provenance`` the source articles and, for each claim, its article and quote
- ``claim:*``        one graph per claim: the facts one quote of one article supports
- ``bgg:inferred``   added by :mod:`bgraph.reason`
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import BgraphError, InputError
from .formats import RdfFormat, rdf_format, rdf_format_for_path
from .jsonld_context import CONTEXT_IRI, context_document
from .namespaces import FACTS_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH, bind_prefixes
from .resources import resources

_WHY = re.compile(r"Bad syntax \((.*?)\) at \^", re.S)


def read_text(path: Path) -> str:
    """A file's text as UTF-8, or an InputError naming the file (and the line of a bad byte)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not an RDF file") from None
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line) from None


def parse_into(target: Graph | Dataset, path: Path, fmt: RdfFormat | None = None) -> None:
    """Parse ``path`` into ``target``; any failure becomes an InputError with file and line."""
    fmt = fmt or rdf_format_for_path(path)
    text = read_text(path)
    if fmt.name == "jsonld":
        text = _local_contexts(path, text)
    if fmt.quads and not isinstance(target, Dataset):
        raise BgraphError(f"{path}: {fmt.name} holds named graphs; parse it into a Dataset")
    try:
        target.parse(data=text, format=fmt.rdflib, publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        why = _WHY.search(str(exc))
        # rdflib's own line counter drifts (it counts some newlines twice): use the offset
        offset = getattr(exc, "_i", None)
        line = text[:offset].count("\n") + 1 if isinstance(offset, int) else exc.lines + 1
        raise InputError(path, why.group(1) if why else str(exc), line) from None
    except ParserError as exc:
        raise InputError(path, str(exc).split("\n")[0], _first_bad_line(text, fmt)) from None
    except Exception as exc:  # rdflib's parsers raise many types, IndexError at EOF included
        line = getattr(exc, "getLineNumber", lambda: None)()
        if isinstance(exc, IndexError):
            msg, line = "unexpected end of file", text.count("\n") + 1
        else:
            msg = str(exc).split("\n")[0] or type(exc).__name__
        raise InputError(path, msg, line) from None


def _first_bad_line(text: str, fmt: RdfFormat) -> int | None:
    """For line-based formats, find the first line that fails on its own."""
    if fmt.name not in ("nt", "nquads"):
        return None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            Dataset().parse(data=line + "\n", format=fmt.rdflib)
        except Exception:
            return number
    return None


def _local_contexts(path: Path, text: str) -> str:
    """Refuse remote JSON-LD contexts (bgraph never fetches), except its own, inlined."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            path, f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno
        ) from None

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (fix_ctx(v) if k == "@context" else fix(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node

    def fix_ctx(ctx: Any) -> Any:
        if isinstance(ctx, list):
            return [fix_ctx(c) for c in ctx]
        if isinstance(ctx, str):
            if ctx.rstrip("/") == CONTEXT_IRI.rstrip("/"):
                return context_document()["@context"]
            raise InputError(
                path,
                f"remote JSON-LD context {ctx!r} is not fetched (bgraph never goes online); "
                "inline it",
            )
        return ctx

    return json.dumps(fix(doc))


def parse_files(paths: Iterable[Path]) -> Dataset:
    """Parse files into one Dataset: triples files each into a graph named by the file's IRI."""
    ds = new_dataset()
    for path in paths:
        fmt = rdf_format_for_path(path)
        if fmt.quads:
            parse_into(ds, path, fmt)
        else:
            parse_into(ds.graph(URIRef(path.resolve().as_uri())), path, fmt)
    return ds


def new_dataset() -> Dataset:
    ds = Dataset(default_union=True)
    bind_prefixes(ds)
    return ds


def load_asserted() -> Dataset:
    """The asserted dataset: ontology, facts and provenance, each in its named graph."""
    res = resources()
    ds = new_dataset()
    parse_into(ds.graph(ONTOLOGY_GRAPH), res.ontology, rdf_format("turtle"))
    parse_into(ds.graph(FACTS_GRAPH), res.data, rdf_format("turtle"))
    prov = Dataset()
    parse_into(prov, res.provenance, rdf_format("trig"))
    for graph in prov.graphs():
        if graph.identifier == prov.default_graph.identifier:
            target = ds.graph(PROVENANCE_GRAPH)
        else:
            target = ds.graph(graph.identifier)
        for triple in graph:
            target.add(triple)
    return ds


# --- the fast reader, for big inputs ------------------------------------------------------------


def load_into_oxigraph(store: Any, path: Path, graph_iri: str | None = None) -> None:
    """Bulk-load ``path`` into a pyoxigraph ``Store`` (Rust parser: millions of triples a minute).

    The layout is :func:`parse_files`': a triples file goes to the graph named ``graph_iri``
    (default: the file's IRI), a quads file keeps its graphs (its default graph goes to
    ``graph_iri`` when given). Relative IRIs resolve against the file's IRI. JSON-LD goes
    through :func:`parse_into`, which refuses remote contexts. Errors are InputErrors with
    file and line, as everywhere else.
    """
    import pyoxigraph as ox

    fmt = rdf_format_for_path(path)
    base = path.resolve().as_uri()
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a directory, not an RDF file")
    target = ox.NamedNode(graph_iri) if graph_iri else None
    if fmt.name == "jsonld":
        from .oxterms import to_oxigraph

        ds = Dataset()
        parse_into(ds, path, fmt)
        # its default graph stays the default graph, as parse_files keeps it (and TriG's)
        default = ox.NamedNode(graph_iri) if graph_iri else ox.DefaultGraph()
        own = ds.default_graph.identifier
        store.extend(
            ox.Quad(
                to_oxigraph(s),
                to_oxigraph(p),
                to_oxigraph(o),
                default if g is None or g == own else to_oxigraph(g),
            )
            for s, p, o, g in ds.quads()
        )
        return
    ox_format = {
        "turtle": ox.RdfFormat.TURTLE,
        "trig": ox.RdfFormat.TRIG,
        "nt": ox.RdfFormat.N_TRIPLES,
        "nquads": ox.RdfFormat.N_QUADS,
        "xml": ox.RdfFormat.RDF_XML,
    }[fmt.name]
    if not fmt.quads and target is None:
        target = ox.NamedNode(base)
    try:
        store.bulk_load(path=str(path), format=ox_format, base_iri=base, to_graph=target)
    except SyntaxError as exc:
        message = str(exc.msg if hasattr(exc, "msg") else exc)
        message = re.sub(
            r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ",
            "",
            message,
        )
        message = re.sub(r" \([^()]*, line \d+\)$", "", message)
        raise InputError(path, message, exc.lineno) from None
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
