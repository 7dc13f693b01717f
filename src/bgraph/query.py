"""Named competency queries, running SPARQL safely, and formatting results.

A named query is ``queries/NN-slug.rq`` whose header comment gives ``# title:`` and
``# description:``; its expected result sits beside it (``.srj`` or ``.ttl``) and
``queries/manifest.ttl`` lists them W3C-style, with the entailment each one needs.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import BgraphError, UsageError
from .formats import (
    RDF_FORMATS,
    RESULT_FORMATS,
    RdfFormat,
    ResultFormat,
    rdf_format,
    result_format,
)
from .iris import curie
from .resources import resources

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
    import pyoxigraph as ox

    from .graph import load_into_oxigraph

    store = ox.Store()
    load_into_oxigraph(store, manifest, default_graph=True)
    rows = store.query(
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
    simple = "http://www.w3.org/ns/entailment/Simple"
    return {
        row["query"].value.rsplit("/", 1)[-1]: row["regime"] is not None
        and row["regime"].value != simple
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


# --- formatting --------------------------------------------------------------------------------
# Answers are :class:`bgraph.store.Answer`: pyoxigraph terms, rendered here without rdflib.


def choose_format(kind: str, name: str | None, tty: bool) -> ResultFormat | RdfFormat:
    """The output format for a query of ``kind``: the one asked for, checked, or the default
    (table on a terminal, SPARQL JSON otherwise; Turtle for CONSTRUCT/DESCRIBE)."""
    graph_result = kind in ("CONSTRUCT", "DESCRIBE")
    if name is None:
        return rdf_format("turtle") if graph_result else result_format("table" if tty else "json")
    try:
        return rdf_format(name) if graph_result else result_format(name)
    except BgraphError:
        pass
    results = ", ".join(f.name for f in RESULT_FORMATS)
    graphs = ", ".join(f.name for f in RDF_FORMATS)
    try:
        result_format(name) if graph_result else rdf_format(name)
    except BgraphError:
        raise UsageError(
            f"unknown format {name!r}; for SELECT/ASK: {results}; for CONSTRUCT/DESCRIBE: {graphs}"
        ) from None
    what = f"{kind} results (an RDF graph)" if graph_result else f"{kind} results"
    raise UsageError(
        f"format {name!r} does not apply to {what}; "
        f"valid formats: {graphs if graph_result else results}"
    )


def format_results(answer: Any, fmt: ResultFormat | RdfFormat) -> str:
    """The answer as text in ``fmt`` (not ``table``: see :func:`render_table`), written as the
    endpoint writes it (:mod:`bgraph.server.writers`); JSON indented for a reader."""
    if isinstance(fmt, RdfFormat):
        from .export import serialize_triples

        return serialize_triples(answer.triples, fmt, prune_context=True)
    from .server.writers import boolean_bytes, select_bytes

    if answer.form == "ASK":
        body = boolean_bytes(bool(answer.boolean), fmt.name)
    else:
        body = select_bytes(answer.variables, answer.rows, fmt.name)
    if fmt.name == "json":
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False) + "\n"
    text = body.decode("utf-8")
    return text if text.endswith("\n") else text + "\n"


def short(term: Any) -> str:
    """A term as a person reads it: ``id:ballard``, ``Renée Ballard`` (language tags and
    datatypes are in the json, tsv and xml formats)."""
    import pyoxigraph as ox

    from .server.writers import term_text

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return term_text(term)  # a blank node (_:b0) or a triple term (<<( s p o )>>)


def table_rows(answer: Any) -> tuple[list[str], list[list[str]]]:
    if answer.form == "ASK":
        return ["answer"], [["yes" if answer.boolean else "no"]]
    return list(answer.variables), [[short(t) for t in row] for row in answer.rows]


def render_table(
    answer: Any,
    title: str | None = None,
    file: Any = None,
    width: int | None = None,
) -> None:
    """A readable terminal table (rich), with the row count."""
    from rich.console import Console
    from rich.table import Table

    columns, rows = table_rows(answer)
    table = Table(show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    if answer.form != "ASK":
        table.caption = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
        table.caption_justify = "left"
    stream = file or sys.stdout
    console = Console(file=stream, width=width, highlight=False, soft_wrap=False)
    if title:  # above the table, not as its title: a narrow table would wrap it
        console.print(title, style="bold", markup=False)
    console.print(table)
