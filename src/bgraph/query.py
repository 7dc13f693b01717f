"""Named competency queries, running SPARQL safely, and formatting results.

A named query is ``queries/NN-slug.rq`` whose header comment gives ``# title:`` and
``# description:``; its expected result sits beside it (``.srj`` or ``.ttl``) and
``queries/manifest.ttl`` lists them W3C-style, with the entailment each one needs.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Node

from .errors import BgraphError, UsageError
from .formats import RDF_FORMATS, RESULT_FORMATS, RdfFormat, ResultFormat, rdf_format
from .resources import resources
from .sparql_guard import check_query, install, no_network

_HEADER = re.compile(r"^#\s*(title|description)\s*:\s*(.*?)\s*$", re.I)
_NAME = re.compile(r"^(\d+)-([a-z0-9-]+)$")
_KIND = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)


class UnknownQueryError(UsageError):
    """A query name that is not in queries/ (and not a file nor SPARQL)."""


@dataclass(frozen=True)
class NamedQuery:
    """One competency question of ``queries/``."""

    path: Path
    number: int
    slug: str
    title: str
    description: str
    needs_inference: bool = False

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def text(self) -> str:
        return self.path.read_text("utf-8")

    @property
    def kind(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE (the first query form after the header)."""
        body = "\n".join(line.split("#", 1)[0] for line in self.text.splitlines())
        found = _KIND.search(body)
        return found.group(1).upper() if found else "?"

    @property
    def expected_path(self) -> Path:
        suffix = ".ttl" if self.kind in ("CONSTRUCT", "DESCRIBE") else ".srj"
        return self.path.with_suffix(suffix)


def read_header(path: Path) -> dict[str, str]:
    """``title`` and ``description`` from the leading comment block of a .rq file."""
    fields: dict[str, str] = {}
    key = None
    for line in path.read_text("utf-8").splitlines():
        if not line.startswith("#"):
            break
        if match := _HEADER.match(line):
            key = match.group(1).lower()
            fields[key] = match.group(2)
        elif key and line.lstrip("#").strip():
            fields[key] += " " + line.lstrip("#").strip()
        else:
            key = None
    return fields


def queries_dir() -> Path:
    return resources().queries


@cache
def _named_queries(directory: Path) -> tuple[NamedQuery, ...]:
    inference = _inference_flags(directory / "manifest.ttl")
    found = []
    for path in sorted(directory.glob("*.rq")):
        match = _NAME.match(path.stem)
        if not match:
            continue
        header = read_header(path)
        found.append(
            NamedQuery(
                path=path,
                number=int(match.group(1)),
                slug=match.group(2),
                title=header.get("title", match.group(2).replace("-", " ")),
                description=header.get("description", ""),
                needs_inference=inference.get(path.name, False),
            )
        )
    return tuple(found)


def named_queries(directory: Path | None = None) -> tuple[NamedQuery, ...]:
    """The competency questions, in number order."""
    return _named_queries(directory or queries_dir())


def _inference_flags(manifest: Path) -> dict[str, bool]:
    """query file name -> whether the manifest gives it an entailment regime other than
    simple entailment (bgraph's tests use OWL 2 RL: ``ent:OWL-RDF-Based`` with the RL profile)."""
    if not manifest.is_file():
        return {}
    from .graph import parse_into

    graph = Graph()
    parse_into(graph, manifest)
    rows = graph.query(
        """
        PREFIX mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#>
        PREFIX qt: <http://www.w3.org/2001/sw/DataAccess/tests/test-query#>
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX ent: <http://www.w3.org/ns/entailment/>
        SELECT ?query ?regime WHERE {
          ?test mf:action ?action . ?action qt:query ?query .
          OPTIONAL { ?test sd:entailmentRegime ?regime }
        }"""
    )
    simple = URIRef("http://www.w3.org/ns/entailment/Simple")
    return {
        str(row.query).rsplit("/", 1)[-1]: row.regime not in (None, simple)  # type: ignore[union-attr]
        for row in rows
    }


def find_named(name: str, directory: Path | None = None) -> NamedQuery | None:
    """A named query by number (``1``, ``01``), slug (``cast``), full name or unique prefix."""
    queries = named_queries(directory)
    key = name.strip().lower().removesuffix(".rq")
    for query in queries:
        if key in (query.name, query.slug) or (key.isdigit() and int(key) == query.number):
            return query
    prefixed = [q for q in queries if q.slug.startswith(key) or q.name.startswith(key)]
    return prefixed[0] if len(prefixed) == 1 else None


@dataclass(frozen=True)
class QuerySource:
    text: str
    label: str  #: where it came from, for messages
    named: NamedQuery | None = None


def resolve_query(arg: str, stdin: Any = None) -> QuerySource:
    """QUERY as the CLI takes it: ``-`` (stdin), a file, a named query, or inline SPARQL."""
    if arg == "-":
        stream = stdin if stdin is not None else sys.stdin
        return QuerySource(stream.read(), "<stdin>")
    looks_like_sparql = any(c.isspace() or c in "{}?" for c in arg.strip())
    if not looks_like_sparql:
        path = Path(arg)
        if path.is_file():
            return QuerySource(_read(path), str(path))
        if named := find_named(arg):
            return QuerySource(named.text, named.name, named)
        if path.suffix == ".rq" or "/" in arg:
            raise UsageError(f"no such query file: {arg}")
        available = ", ".join(f"{q.name}" for q in named_queries())
        raise UnknownQueryError(
            f"unknown query {arg!r}; named queries: {available} "
            "(or give a .rq file, inline SPARQL, or - for stdin)"
        )
    return QuerySource(arg, "<inline>")


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not valid UTF-8") from None
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None


# --- running -----------------------------------------------------------------------------------


def run_query(ds: Dataset, text: str, label: str = "<query>") -> Result:
    """Vet ``text`` (no SERVICE, no remote FROM, no update) and evaluate it on ``ds``, with
    bgraph's prefixes predeclared and the network fenced off."""
    install()
    init_ns = {prefix: str(ns) for prefix, ns in ds.namespaces()}
    known = [g.identifier for g in ds.graphs()]
    try:
        query = check_query(text, init_ns=init_ns, known_graphs=known)
    except BgraphError as exc:
        if label not in ("<inline>", "<query>"):
            exc.args = (f"{label}: {exc}",)
        raise
    try:
        with no_network():
            result = ds.query(query)
            if result.type == "SELECT":
                result.bindings  # noqa: B018 - evaluate now, inside the fence
    except BgraphError:
        raise
    except RecursionError:
        raise BgraphError(f"{label}: query too deeply nested to evaluate") from None
    except Exception as exc:
        raise BgraphError(f"{label}: query failed: {exc}") from None
    return result


# --- formatting --------------------------------------------------------------------------------


def result_format_names() -> list[str]:
    return [f.name for f in RESULT_FORMATS]


def graph_format_names() -> list[str]:
    return [f.name for f in RDF_FORMATS]


def choose_format(kind: str, name: str | None, tty: bool) -> ResultFormat | RdfFormat:
    """The output format for a query of ``kind``: the one asked for, checked, or the default
    (table on a terminal, SPARQL JSON otherwise; Turtle for CONSTRUCT/DESCRIBE)."""
    graph_result = kind in ("CONSTRUCT", "DESCRIBE")
    if name is None:
        return rdf_format("turtle") if graph_result else _result_format("table" if tty else "json")
    if graph_result:
        try:
            return rdf_format(name)
        except BgraphError:
            raise UsageError(
                f"format {name!r} does not apply to {kind} results (an RDF graph); "
                f"valid formats: {', '.join(graph_format_names())}"
            ) from None
    try:
        return _result_format(name)
    except BgraphError:
        raise UsageError(
            f"format {name!r} does not apply to {kind} results; "
            f"valid formats: {', '.join(result_format_names())}"
        ) from None


def _result_format(name: str) -> ResultFormat:
    for f in RESULT_FORMATS:
        if f.name == name.lower():
            return f
    raise UsageError(name)


def check_format_name(name: str | None) -> None:
    """Fail fast (before loading anything) on a format no query can use."""
    if name is None:
        return
    known = {*result_format_names(), *graph_format_names()}
    try:
        rdf_format(name)
        return
    except BgraphError:
        pass
    if name.lower() not in known:
        raise UsageError(
            f"unknown format {name!r}; for SELECT/ASK: {', '.join(result_format_names())}; "
            f"for CONSTRUCT/DESCRIBE: {', '.join(graph_format_names())}"
        )


def term_json(term: Node) -> dict[str, str]:
    """One RDF term in SPARQL 1.1 Query Results JSON."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None:
            out["datatype"] = str(term.datatype)
        return out
    raise TypeError(f"not an RDF term: {term!r}")


def results_json(result: Result) -> dict[str, Any]:
    """A SELECT or ASK result as SPARQL 1.1 Query Results JSON (a dict)."""
    if result.type == "ASK":
        return {"head": {}, "boolean": bool(result.askAnswer)}
    variables = list(result.vars or [])
    bindings = [
        {str(v): term_json(row[v]) for v in variables if row.get(v) is not None}
        for row in result.bindings
    ]
    return {"head": {"vars": [str(v) for v in variables]}, "results": {"bindings": bindings}}


def format_results(result: Result, fmt: ResultFormat | RdfFormat, ds: Dataset) -> str:
    """The result as text in ``fmt`` (not ``table``: see :func:`render_table`)."""
    if isinstance(fmt, RdfFormat):
        from .export import serialize_graph

        graph = result.graph
        assert graph is not None
        return serialize_graph(graph, fmt)
    if fmt.name == "json":
        return json.dumps(results_json(result), indent=2, ensure_ascii=False) + "\n"
    if fmt.name in ("csv", "tsv"):
        return _delimited(result, fmt.name)
    text = (result.serialize(format=fmt.rdflib or fmt.name, encoding="utf-8") or b"").decode()
    return text if text.endswith("\n") else text + "\n"


def _delimited(result: Result, name: str) -> str:
    """CSV as SPARQL 1.1 CSV (plain values); TSV as SPARQL 1.1 TSV (RDF terms)."""
    if result.type == "ASK":
        return f"{'true' if result.askAnswer else 'false'}\n"
    variables = list(result.vars or [])
    if name == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        for row in result.bindings:
            lines.append("\t".join(_tsv_term(row.get(v)) for v in variables))
        return "\n".join(lines) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(v) for v in variables])
    for row in result.bindings:
        writer.writerow([_csv_term(row.get(v)) for v in variables])
    return buffer.getvalue()


def _csv_term(term: Node | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    text = term.n3()
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def short(term: Node | None, ds: Dataset) -> str:
    """A term as a person reads it: ``id:ballard``, ``Renée Ballard`` (language tags and
    datatypes are in the json, tsv and xml formats)."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return ds.namespace_manager.normalizeUri(term).strip("<>")
        except Exception:  # pragma: no cover - rdflib is strict about odd IRIs
            return str(term)
    return str(term)


def table_rows(result: Result, ds: Dataset) -> tuple[list[str], list[list[str]]]:
    if result.type == "ASK":
        return ["answer"], [["yes" if result.askAnswer else "no"]]
    variables: Sequence[Variable] = list(result.vars or [])
    rows = [[short(row.get(v), ds) for v in variables] for row in result.bindings]
    return [str(v) for v in variables], rows


def render_table(
    result: Result,
    ds: Dataset,
    title: str | None = None,
    file: Any = None,
    width: int | None = None,
) -> None:
    """A readable terminal table (rich), with the row count."""
    from rich.console import Console
    from rich.table import Table

    columns, rows = table_rows(result, ds)
    table = Table(show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    if result.type != "ASK":
        table.caption = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
        table.caption_justify = "left"
    stream = file or sys.stdout
    console = Console(file=stream, width=width, highlight=False, soft_wrap=False)
    if title:  # above the table, not as its title: a narrow table would wrap it
        console.print(title, style="bold", markup=False)
    console.print(table)


def parse_expected(path: Path) -> Result | Graph:
    """An expected result file: SPARQL JSON (.srj) or Turtle (.ttl)."""
    if path.suffix == ".srj":
        with path.open("rb") as fh:
            return Result.parse(fh, format="json")
    graph = Graph()
    from .graph import parse_into

    parse_into(graph, path)
    return graph


def binding_rows(result: Result) -> list[dict[str, Node]]:
    return [{str(k): v for k, v in row.items() if v is not None} for row in result.bindings]


def same_bindings(
    actual: Iterable[dict[str, Node]], expected: Iterable[dict[str, Node]], ordered: bool
) -> bool:
    """SELECT results equal as lists (ordered) or multisets (unordered)."""
    a, e = list(actual), list(expected)
    if ordered:
        return a == e
    key = _row_key
    return sorted(map(key, a)) == sorted(map(key, e))


def _row_key(row: dict[str, Node]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v.n3()) for k, v in row.items()))


def is_ordered(text: str) -> bool:
    """Whether the query has a top-level ORDER BY (then row order is part of the answer)."""
    from rdflib.plugins.sparql import prepareQuery

    from .namespaces import PREFIXES

    query = prepareQuery(text, initNs={k: str(v) for k, v in PREFIXES.items()})
    node: Any = query.algebra
    while node is not None and hasattr(node, "name"):
        if node.name == "OrderBy":
            return True
        # CompValue.get returns the key itself when missing: read it as a plain dict
        node = dict.get(node, "p") if node.name in _PASS_THROUGH else None
    return False


_PASS_THROUGH = {
    "SelectQuery",
    "AskQuery",
    "ConstructQuery",
    "DescribeQuery",
    "Project",
    "Distinct",
    "Reduced",
    "Slice",
    "ToMultiSet",
}
