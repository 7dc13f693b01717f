"""``bgraph build`` (an on-disk Oxigraph store) and ``bgraph push`` (to any SPARQL server)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from ..errors import UsageError
from . import main
from ._files import require_files


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory of the store to write.",
)
@click.option(
    "--reasoner",
    type=click.Choice(["fast", "owlrl"]),
    default="fast",
    show_default=True,
    help="Reasoner for the closure (owlrl is the slow reference).",
)
@click.option("--force", is_flag=True, help="Replace an existing store in the directory.")
@click.option(
    "--explain/--no-explain",
    default=None,
    help="Write one explanation per inferred triple to the graph bgg:explanations (about 12 "
    "triples each; `bgraph why --store DIR`, the server's /why pages). Default: for inputs of "
    "up to 10,000 quads (bgraph's own data has them).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the store's manifest as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary.")
def build(
    paths: tuple[Path, ...],
    out: Path,
    reasoner: str,
    force: bool,
    explain: bool | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Write the enriched dataset to an on-disk Oxigraph store, once.

    Loads PATHS (default: the built-in Ballard data) with bgraph's ontology, computes the closure
    and writes every graph, the inferred one included, to DIR. `bgraph serve --store DIR` and
    `bgraph query --store DIR` then open it read-only in milliseconds: nothing is parsed or
    reasoned again. A million triples build in well under a minute.

    \b
    Example:
        bgraph synth --triples 1000000 -o universe.nt
        bgraph build universe.nt -o universe.store
        bgraph query --store universe.store 'SELECT (COUNT(*) AS ?n) { ?s ?p ?o }'
    """
    from ..store import build_store

    require_files(paths)
    if quiet or as_json:
        info = build_store(out, list(paths) or None, reasoner, force, explain=explain)
    else:
        from ._progress import progress

        with progress() as bar:
            task = bar.add_task("building", total=None)
            info = build_store(
                out,
                list(paths) or None,
                reasoner,
                force,
                progress=lambda msg: bar.update(task, description=msg),
                explain=explain,
            )
    if as_json:
        click.echo(json.dumps(info.as_dict(), indent=2))
        return
    if not quiet:
        if info.note:
            click.secho(f"Note: {info.note}", fg="yellow", err=True)
        t = info.timings
        click.echo(
            f"Built {out}: {info.quads:,} quads in {len(info.graphs)} graphs "
            f"({info.inferred:,} inferred by {info.reasoner}); "
            f"load {t.get('load', 0):.2f} s, reason {t.get('reason', 0):.2f} s, "
            f"index {t.get('index', 0):.2f} s.",
            err=True,
        )


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--endpoint",
    required=True,
    help="Graph Store Protocol URL of the server (oxigraph serve: http://HOST:7878/store; "
    "Virtuoso: http://HOST:8890/sparql-graph-crud-auth).",
)
@click.option(
    "--query-endpoint",
    default=None,
    help="SPARQL query URL for the count check (default: guessed from --endpoint: "
    "Oxigraph /store -> /query, Virtuoso /sparql-graph-crud[-auth] -> /sparql).",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Push a store written by `bgraph build` instead of loading PATHS.",
)
@click.option(
    "--graph",
    "only_graph",
    default=None,
    help="Push only this named graph (an IRI); by default every graph is pushed.",
)
@click.option(
    "--default-graph",
    "default_graph",
    type=click.Choice(["union", "none"]),
    default="union",
    show_default=True,
    help="Also write the distinct triples of all graphs to the server's default graph, so "
    "queries there see what bgraph's default graph shows (Virtuoso: to the named graph "
    "https://w3id.org/bgraph/graph/union, see --union-graph).",
)
@click.option(
    "--union-graph",
    default=None,
    metavar="IRI",
    help="Write the union to this named graph instead of the server's default graph "
    "(automatic for Virtuoso, whose default graph is every graph).",
)
@click.option("--replace/--append", default=True, show_default=True, help="PUT or POST.")
@click.option("--batch", type=int, default=50_000, show_default=True, help="Quads per request.")
@click.option("--retries", type=int, default=3, show_default=True, help="Retries per request.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds/request.")
@click.option("--user", default=None, help="User for HTTP authentication.")
@click.option(
    "--auth",
    "auth_kind",
    type=click.Choice(["auto", "basic", "digest"]),
    default="auto",
    show_default=True,
    help="HTTP authentication scheme; auto: digest when the server asks for it (Virtuoso).",
)
@click.option(
    "--password-env",
    default=None,
    metavar="VAR",
    help="Environment variable holding the password (never on the command line).",
)
@click.option("--no-inference", is_flag=True, help="Push the asserted graphs only.")
@click.option(
    "--resume",
    is_flag=True,
    help="Continue a push that failed, from the batch where it stopped (same data and options).",
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The file that records a push's progress (default: .bgraph-push-HASH.json here; "
    "removed when the push succeeds).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
def push(
    paths: tuple[Path, ...],
    endpoint: str,
    query_endpoint: str | None,
    store_dir: Path | None,
    only_graph: str | None,
    default_graph: str,
    union_graph: str | None,
    replace: bool,
    batch: int,
    retries: int,
    timeout: float,
    user: str | None,
    auth_kind: str,
    password_env: str | None,
    no_inference: bool,
    resume: bool,
    state_file: Path | None,
    quiet: bool,
) -> None:
    """Load the enriched dataset into a SPARQL 1.1 Graph Store Protocol server.

    Tested against Oxigraph server (`oxigraph serve`) and Virtuoso 7 (Debian's
    virtuoso-opensource, digest authentication); other Graph Store servers are not tested.
    Every named graph (the inferred one included) goes to the server in batches of N-Triples
    requests, with retries; a push that fails can be continued with --resume; the triple count
    of each graph is checked at the end through the server's SPARQL endpoint.

    \b
    Examples:
        oxigraph serve --location data.oxigraph --bind 127.0.0.1:7878 &
        bgraph push --endpoint http://127.0.0.1:7878/store
        bgraph query --endpoint http://127.0.0.1:7878/query cast
        VIRTUOSO_PASSWORD=dba bgraph push --user dba --password-env VIRTUOSO_PASSWORD \\
            --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth
    """
    from ..push import PushOptions, push_dataset

    password = None
    if password_env:
        if password_env not in os.environ:
            raise UsageError(f"--password-env {password_env}: no such environment variable")
        password = os.environ[password_env]
        if user is None:
            raise UsageError("--password-env needs --user")
    if store_dir is not None and paths:
        raise UsageError("give PATHS or --store, not both")
    options = PushOptions(
        endpoint=endpoint,
        only_graph=only_graph,
        default_graph=default_graph,
        replace=replace,
        batch=batch,
        retries=retries,
        timeout=timeout,
        user=user,
        password=password,
        query_endpoint=query_endpoint,
        auth=auth_kind,
        union_graph=union_graph,
        resume=resume,
        state=state_file,
    )
    quads = _quads_source(paths, store_dir, not no_inference)
    if quiet:
        report = push_dataset(quads, options)
    else:
        from ._progress import progress

        with progress() as bar:
            task = bar.add_task("pushing", total=None)

            def advance(done: int, total: int | None, what: str) -> None:
                bar.update(task, completed=done, total=total, description=what)

            report = push_dataset(quads, options, progress=advance)
    if not quiet:
        resumed = f", {report.skipped} batches already there" if report.skipped else ""
        union = f"; the union is the graph <{report.union_graph}>" if report.union_graph else ""
        click.echo(
            f"Pushed {report.triples:,} triples in {len(report.graphs)} graphs to {endpoint} "
            f"({report.requests} requests, {report.retried} retried{resumed}, "
            f"{report.seconds:.1f} s); counts checked{union}.",
            err=True,
        )


def _quads_source(paths: tuple[Path, ...], store_dir: Path | None, inference: bool):
    from ..push import quads_from_store
    from ..store import open_dataset

    require_files(paths)
    if store_dir is not None:  # a built store holds its inferences: left out, not unmade
        return quads_from_store(open_dataset(store=str(store_dir)), inference)
    opened = open_dataset(list(paths), inference=inference, cluster=False)
    return quads_from_store(opened, inference)
