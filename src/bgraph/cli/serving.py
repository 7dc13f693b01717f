"""``bgraph serve``: the SPARQL endpoint and linked-data server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..iris import BASE
from ..server import config as defaults
from ..store import STORE_HELP
from . import main

if TYPE_CHECKING:
    from ..server.config import ServerConfig


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port, printed at start).",
)
@click.option(
    "--timeout",
    default=defaults.DEFAULT_TIMEOUT,
    show_default=True,
    type=click.FloatRange(min=0.1, max=3600),
    help="Seconds a query may run; past it the query is killed and the client gets a 503.",
)
@click.option(
    "--no-inference", is_flag=True, help="Serve the asserted facts only (no OWL 2 RL closure)."
)
@click.option(
    "--explain/--no-explain",
    default=None,
    help="Serve one explanation per inferred triple (graph bgg:explanations; the /why pages "
    "entity pages link to). Default: for inputs of up to 10,000 quads (bgraph's own data has "
    "them). A built store has them if `bgraph build` made them.",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Public URL of this server, where the base IRI is served (default: http://HOST:PORT/). "
    "Used in the service description, VoID and links.",
)
@click.option(
    "--base-iri",
    default=BASE,
    show_default=True,
    metavar="IRI",
    help="The IRI this server's root path stands for: <IRI>id/x dereferences at /id/x.",
)
@click.option(
    "--graph",
    "named",
    nargs=2,
    multiple=True,
    metavar="IRI PATH",
    help="Load the RDF file PATH into the named graph IRI (repeatable).",
)
@click.option(
    "--workers",
    default=defaults.DEFAULT_WORKERS,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Query workers: queries that run at once.",
)
@click.option(
    "--worker-processes",
    default=None,
    type=click.IntRange(1, 64),
    help="Processes the workers run in (at most one each) [default: one per worker below "
    "20,000 triples, else one: the in-RAM store is copied into each process that reads it].",
)
@click.option(
    "--queue",
    default=defaults.DEFAULT_QUEUE,
    show_default=True,
    type=click.IntRange(0, 10_000),
    help="Queries that may wait for a worker; past that: 503 with Retry-After.",
)
@click.option(
    "--max-rows",
    default=defaults.DEFAULT_MAX_ROWS,
    show_default=True,
    type=click.IntRange(1),
    help="Result rows (or triples) sent at most; a header says when results were cut.",
)
@click.option(
    "--worker-memory",
    default=defaults.DEFAULT_WORKER_MEMORY_MB,
    show_default=True,
    type=click.IntRange(0),
    help="Megabytes a worker may add while answering one query (0: no limit).",
)
@click.option(
    "--max-bytes",
    default=defaults.DEFAULT_MAX_BYTES,
    show_default=True,
    type=click.IntRange(1024),
    help="Result bytes sent at most; a header says when results were cut.",
)
@click.option(
    "--reserve",
    default=defaults.DEFAULT_RESERVE,
    show_default=True,
    type=click.IntRange(0, 16),
    help="Extra workers kept for clients with nothing running and little recent use "
    "(cheap queries stay fast while others' slow queries fill --workers).",
)
@click.option(
    "--client-timeout",
    default=defaults.DEFAULT_READ_TIMEOUT,
    show_default=True,
    type=click.FloatRange(min=0.1, max=3600),
    help="Seconds a client has to send a request's headers, then its body, and to read each "
    "piece of a response; past it the connection is closed.",
)
@click.option(
    "--connections-per-client",
    default=defaults.DEFAULT_CONNECTIONS_PER_CLIENT,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Connections one IP address may hold open (its oldest idle one is closed for a new one).",
)
@click.option("--store", default="memory", show_default=True, metavar="memory|DIR", help=STORE_HELP)
@click.option(
    "--endpoint",
    default=None,
    metavar="URL",
    help="Front this remote SPARQL endpoint instead of serving local data (tested: Virtuoso 7, "
    "oxigraph serve): the pages, UI and /sparql read it; queries are vetted before they are sent.",
)
@click.option("--endpoint-user", default=None, metavar="USER", help="User for --endpoint.")
@click.option(
    "--endpoint-password-env",
    default=None,
    metavar="VAR",
    help="Environment variable holding the --endpoint-user's password.",
)
@click.option("--quiet", is_flag=True, help="No access log (one line per request otherwise).")
def serve(
    paths: tuple[Path, ...],
    host: str,
    port: int,
    timeout: float,
    no_inference: bool,
    explain: bool | None,
    base_url: str | None,
    base_iri: str,
    named: tuple[tuple[str, str], ...],
    workers: int,
    worker_processes: int | None,
    queue: int,
    max_rows: int,
    worker_memory: int,
    max_bytes: int,
    reserve: int,
    client_timeout: float,
    connections_per_client: int,
    store: str,
    endpoint: str | None,
    endpoint_user: str | None,
    endpoint_password_env: str | None,
    quiet: bool,
) -> None:
    """Serve the knowledge graph: SPARQL 1.1 endpoint, query UI and linked data.

    With no PATH, serves the Ballard knowledge graph with its inferences. With PATHs (Turtle,
    TriG, N-Quads, JSON-LD, N-Triples, RDF/XML), serves those files instead: each triples file
    in a graph named by its file IRI, quads files with their graphs; the default graph is the
    union. Read-only; never connects to other hosts.

    Queries run on Oxigraph: by default the data is loaded into RAM at start (--store
    memory); --store DIR serves a store written by `bgraph build` without parsing or
    reasoning anything (it starts at once, whatever its size).

    \b
    Open http://127.0.0.1:8000/ (home), /sparql (query UI and endpoint), /id/ballard (a page).
    \b
    Example:
        bgraph serve
        bgraph serve big.nt --explain
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s a bg:TVSeries }' \\
            http://127.0.0.1:8000/sparql
        bgraph build -o ballard.store && bgraph serve --store ballard.store
        bgraph serve --endpoint http://127.0.0.1:8890/sparql
    """
    from ..errors import UsageError
    from ..server.config import ServerConfig
    from ..server.run import serve as run_server
    from ..store import resolve_store
    from ._files import require_files

    require_files(paths)
    graphs = []
    for iri, path in named:
        file = Path(path)
        require_files([file], f"--graph {iri}")
        if ":" not in iri or any(c in iri for c in ' <>"{}|^`\\'):
            raise UsageError(f"--graph {iri!r}: not an absolute IRI")
        graphs.append((iri, file))
    if base_url and not base_url.startswith(("http://", "https://")):
        raise UsageError(f"--base-url {base_url!r}: give an http:// or https:// URL")
    store = resolve_store(store)
    config = ServerConfig(
        host=host,
        port=port,
        timeout=timeout,
        workers=workers,
        worker_processes=worker_processes,
        queue=queue,
        max_rows=max_rows,
        worker_memory_mb=worker_memory,
        max_bytes=max_bytes,
        reserve=reserve,
        read_timeout=client_timeout,
        send_timeout=client_timeout,
        connections_per_client=connections_per_client,
        inference=not no_inference,
        explain=explain,
        paths=paths,
        named=tuple(graphs),
        base_iri=base_iri,
        base_url=base_url,
        access_log=not quiet,
        store=store,
    )
    if endpoint is not None:
        _serve_remote(config, endpoint, endpoint_user, endpoint_password_env, paths, named)
        return
    run_server(config)


def _serve_remote(
    config: ServerConfig,
    url: str,
    user: str | None,
    password_env: str | None,
    paths: tuple[Path, ...],
    named: tuple[tuple[str, str], ...],
) -> None:
    """``--endpoint``: the pages and /sparql in front of a remote SPARQL endpoint."""
    import os

    from ..errors import UsageError
    from ..push import check_url
    from ..server.remote import RemoteConfig, serve_remote

    check_url(url)
    if paths or named or config.store != "memory":
        raise UsageError("--endpoint serves the remote server's data: drop PATHs, --graph, --store")
    if config.worker_processes is not None:
        raise UsageError(
            "--endpoint has no query workers (it sends the queries on): drop --worker-processes"
        )
    password = None
    if password_env:
        if password_env not in os.environ:
            raise UsageError(f"--endpoint-password-env {password_env}: no such variable")
        password = os.environ[password_env]
    serve_remote(config, RemoteConfig(url, user=user, password=password))
