"""``bgraph query`` and ``bgraph queries``: ask the knowledge graph questions in SPARQL."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import click

from ..errors import BgraphError, UsageError
from ..store import STORE_HELP
from . import main

ENDPOINT_HELP = "Run the query on this remote SPARQL endpoint instead (e.g. after `bgraph push`)."

_FORMAT_HELP = (
    "SELECT/ASK: table, json (SPARQL 1.1 Results JSON), csv, tsv, xml. "
    "CONSTRUCT/DESCRIBE: turtle, jsonld, nt (or trig, nquads, xml). "
    "Default: table on a terminal, json when piped; turtle for graphs."
)


@main.command()
@click.argument("query_arg", metavar="QUERY")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option("-f", "--format", "format_name", metavar="FORMAT", help=_FORMAT_HELP)
@click.option(
    "--no-inference", is_flag=True, help="Answer from the asserted facts only (no OWL-RL closure)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the result to this file instead of stdout.",
)
@click.option("--store", default="memory", show_default=True, metavar="memory|DIR", help=STORE_HELP)
@click.option("--endpoint", default=None, metavar="URL", help=ENDPOINT_HELP)
def query(
    query_arg: str,
    paths: tuple[Path, ...],
    format_name: str | None,
    no_inference: bool,
    output: Path | None,
    store: str,
    endpoint: str | None,
) -> None:
    """Run a SPARQL query against the knowledge graph.

    QUERY is the name of a competency question (`01`, `cast`, `01-cast`; see
    `bgraph queries`), a .rq file, inline SPARQL, or - to read it from stdin.
    bgraph's prefixes (bg:, id:, schema:, rdfs:, …) are predeclared. With PATHs,
    the query runs over those RDF files (closed with bgraph's ontology) instead of
    the built-in Ballard graph.

    SERVICE, FROM/FROM NAMED of graphs outside the dataset and SPARQL Update are
    refused: bgraph never goes online and never changes its data.

    \b
    Examples:
        bgraph query cast
        bgraph query 05 --format csv
        bgraph query 'SELECT ?name WHERE { id:ballard schema:actor/schema:name ?name }'
        echo 'ASK { id:bosch bg:hasSpinOff id:ballard }' | bgraph query - --no-inference
        bgraph query cast --store universe.store
        bgraph query cast --endpoint http://127.0.0.1:7878/query
    """
    from ..export import write_output
    from ..query import choose_format, format_results, render_table, resolve_query
    from ..store import check_query_text, resolve_store

    source = resolve_query(query_arg, stdin=sys.stdin)
    store = resolve_store(store)
    # Safety and the query form first, before paying for loading and reasoning.
    kind = _labelled(source.label, lambda: check_query_text(source.text, None))
    to_terminal = output is None and sys.stdout.isatty()
    fmt = choose_format(kind, format_name, to_terminal)
    if no_inference and source.named and source.named.needs_inference:
        click.echo(
            f"Note: {source.named.name} needs inference; without it the answer is incomplete.",
            err=True,
        )
    result = _answer(source.text, source.label, paths, not no_inference, store, endpoint)
    if fmt.name == "table":
        title = source.named.title if source.named else None
        if output is None:  # rendered for this terminal, then written: a closed pipe ends quietly
            buffer = io.StringIO()
            width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
            render_table(result, title=title, file=buffer, width=width)
            click.echo(buffer.getvalue(), nl=False)
            return
        buffer = io.StringIO()
        render_table(result, title=title, file=buffer, width=200)
        write_output(buffer.getvalue(), output)
        return
    write_output(format_results(result, fmt), output)


def _answer(
    text: str,
    label: str,
    paths: tuple[Path, ...],
    inference: bool,
    store: str,
    endpoint: str | None,
):
    """The answer (:class:`bgraph.store.Answer`): from the one store, or a remote endpoint."""
    if endpoint is not None:
        if store != "memory":
            raise UsageError("give --store or --endpoint, not both")
        if paths:
            raise UsageError("--endpoint queries the remote server's data: drop the PATHs")
        from ..push import query_endpoint

        return _labelled(label, lambda: query_endpoint(endpoint, text))
    from ..store import open_dataset, query_store
    from . import SANDBOX_QUERIES

    opened = open_dataset(list(paths), store=store, inference=inference, cluster=False)
    return _labelled(label, lambda: query_store(opened, text, no_network=SANDBOX_QUERIES))


def _labelled(label: str, run):
    """``run()``, its errors prefixed with where the query came from (a file, a name)."""
    try:
        return run()
    except BgraphError as exc:
        if label not in ("<inline>", "<query>"):
            exc.args = (f"{label}: {exc}",)
        raise


@main.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="List the queries as JSON.")
def queries(name: str | None, as_json: bool) -> None:
    """List the competency questions in queries/, or print one.

    Each is a SPARQL file with its expected result beside it; `inference` says
    whether it is answered correctly only with the OWL-RL closure.

    \b
    Examples:
        bgraph queries
        bgraph queries 05
    """
    from ..query import find_named, named_queries

    if name is not None:
        named = find_named(name)
        if named is None:
            available = ", ".join(q.name for q in named_queries())
            raise UsageError(f"unknown query {name!r}; named queries: {available}")
        click.echo(named.text, nl=False)
        return
    listed = named_queries()
    if as_json:
        rows = [
            {
                "name": q.name,
                "number": q.number,
                "slug": q.slug,
                "title": q.title,
                "description": q.description,
                "form": q.kind,
                "needs_inference": q.needs_inference,
                "file": q.path.name,
                "expected": q.expected_path.name,
            }
            for q in listed
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    from ._console import console

    table = Table(title="Competency questions (bgraph query NAME)", title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("title")
    table.add_column("form")
    table.add_column("inference")
    for q in listed:
        table.add_row(q.name, q.title, q.kind, "needed" if q.needs_inference else "-")
    console(file=sys.stdout, highlight=False).print(table)
