"""Start-up order of ``bgraph serve``, each step before the next for a reason:

1. open the store (:func:`bgraph.store.open_dataset`): in RAM, the files are parsed and closed
   here and the workers inherit the store; a built store (``--store DIR``) is opened to check it
   and closed again (a RocksDB handle must not cross a fork);
2. bind the listening socket (a clear error if the port is taken);
3. install the network audit hook (after the bind: binding may look the host name up);
4. fork the worker zygote (before uvicorn starts its event loop or any thread); each worker
   opens a built store itself. Queries, page lookups and dumps all run in the workers, under
   a deadline; the main process never touches the store;
5. run uvicorn on the bound socket, with bgraph's HTTP protocol (:mod:`.http`: read and send
   deadlines, a cap on connections per client) and the pool's supervisor as a task on its
   event loop (dead workers and a dead zygote are replaced); on exit, kill the workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import socket
import sys
import tempfile
import time
from typing import Any

import uvicorn

from ..errors import BgraphError
from .app import create_app
from .config import ServerConfig
from .context import ServerContext
from .dumps import DumpJob, write_dump
from .engine import QueryJob, run
from .http import Limits, uvicorn_config
from .links import Links
from .lookups import PageJob, PageWork
from .safety import install_network_guard
from .sending import SendBudget
from .served import Served, load_served
from .workers import WorkerPool

#: Stack of the thread that answers queries in a worker (see bgraph.store.QUERY_STACK).
WORKER_STACK_MB = 256


class ListenError(BgraphError):
    pass


def make_handler(served: Served, links: Links):
    """The function a worker applies to each job (it runs in the forked worker)."""
    names = served.graph_names
    pages = PageWork(served, links)

    def handle(job: Any) -> Any:
        if isinstance(job, QueryJob):
            return run(served.store, job, names)
        if isinstance(job, PageJob):
            return pages(job)
        if isinstance(job, DumpJob):
            return write_dump(served.store, job)
        raise TypeError(f"unknown job {type(job).__name__}")

    return handle


def make_init(served: Served):
    """What a new worker does first: open a built store (its own handle, after the fork)."""
    if not served.on_disk:
        return None
    return lambda: served.store


def bind(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def public_url(sock: socket.socket, host: str, base_url: str | None) -> str:
    if base_url:
        return base_url if base_url.endswith("/") else base_url + "/"
    address = sock.getsockname()
    shown = address[0]
    if shown in ("0.0.0.0", "::"):
        shown = "127.0.0.1"
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{address[1]}/"


class _Server(uvicorn.Server):
    """uvicorn, saying where it listens once it does (and supervising the pool's workers)."""

    announce: str = ""
    pool: Any = None
    #: work to start once listening (the home page's summary), so the first visitor finds it done
    warm_up: Any = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.pool is not None and hasattr(self.pool, "start_supervising"):
            self.pool.start_supervising()
        if self.started and self.announce:
            print(self.announce, flush=True)
        if self.started and self.warm_up is not None:
            self._warming = asyncio.ensure_future(self.warm_up())
            # a failure is not kept: the first visit computes it again, and reports its error
            self._warming.add_done_callback(lambda t: t.cancelled() or t.exception())


def _raise_open_files() -> None:
    """As many open descriptors as the hard limit allows (up to 65536): each connection is one,
    and a soft limit of 1024 would refuse clients long before the per-client caps matter."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


#: Triples from which the query workers are threads of one process rather than processes
#: (bench/worker_memory.py): a process copies the pages of Oxigraph's in-memory store it reads
#: (its reads write: locks, reference counts), about 1.1 KB per triple, so past this size one
#: shared copy is worth more than the throughput processes gain on small graphs (the GIL is
#: held outside Oxigraph's evaluation: about 6 % fewer queries/s on the seed graph).
THREADS_FROM = 20_000


def worker_threads(triples: int, capacity: int, processes: int | None = None) -> int:
    """Query slots per worker process: ``capacity`` slots over ``processes`` processes when
    given; else all of them in one process for a big store, one per process for a small one."""
    if processes is not None:
        return -(-capacity // processes)
    return capacity if triples >= THREADS_FROM else 1


def serve(config: ServerConfig) -> None:
    started = time.perf_counter()
    _raise_open_files()
    _configure_logging()
    served = load_served(
        config.paths, config.named, config.inference, config.store, explain=config.explain
    )
    if served.on_disk:
        served.opened.close()  # opened to check it; each process opens its own after the fork
    sock = bind(config.host, config.port)
    url = public_url(sock, config.host, config.base_url)
    install_network_guard()
    pool = WorkerPool(
        make_handler(served, Links(config.base_iri)),
        size=config.workers,
        max_waiting=config.queue,
        timeout=config.timeout,
        memory_mb=config.worker_memory_mb,
        init=make_init(served),
        stack_mb=WORKER_STACK_MB,
        reserve=config.reserve,
        threads=worker_threads(
            served.triples, config.workers + config.reserve, config.worker_processes
        ),
    )
    pool.start(close_in_children=[sock.fileno()])
    dump_dir = tempfile.mkdtemp(prefix="bgraph-dumps-")
    try:
        ctx = ServerContext(config, served, pool, url, dump_dir=dump_dir)
        app = create_app(ctx)
        server = _Server(http_config(app, config))
        server.warm_up = lambda: warm_home(ctx)
        server.pool = pool
        listening = sock.getsockname()
        store = "" if served.store_label == "memory" else f", store {served.store_label}"
        server.announce = (
            f"bgraph: serving {served.triples} triples ({len(served.graph_sizes)} graphs"
            f"{', with inferences' if served.inference else ''}{store}) on "
            f"http://{_show_host(listening[0])}:{listening[1]}/ -- SPARQL endpoint {ctx.endpoint}"
            f", query UI {url}sparql -- loaded in {time.perf_counter() - started:.1f} s "
            "(Ctrl-C to stop)"
        )
        if pool.sandbox == "none":  # the kernel offers neither seccomp nor a network namespace
            print(
                "bgraph: warning: the kernel keeps no query worker off the network here (no "
                "seccomp, no network namespace); the SPARQL guard is the only barrier to "
                "SERVICE",
                file=sys.stderr,
                flush=True,
            )
        server.run(sockets=[sock])
    finally:
        pool.close()
        sock.close()
        shutil.rmtree(dump_dir, ignore_errors=True)


async def warm_home(ctx: ServerContext) -> None:
    """The home page's summary, computed once in a worker as the server starts (at 1M triples
    its aggregates take about a second: the first visitor should not wait for them)."""
    from .lookups import PageJob
    from .routes_pages import HOME_TIMEOUT_FACTOR

    await ctx.once("home", PageJob("home"), "the home page's summary", HOME_TIMEOUT_FACTOR)


def http_config(app: Any, config: ServerConfig) -> Any:
    """The one HTTP layer of every ``bgraph serve`` (local store or ``--endpoint``): uvicorn's
    httptools protocol with bgraph's read and send deadlines and per-client caps
    (:mod:`.http`), and the budget of results waiting for slow readers."""
    # results waiting for slow readers: two full results per client, 16 in all
    app.state.sending = SendBudget(16 * config.max_bytes, 2 * config.max_bytes)
    limits = Limits(
        read_timeout=config.read_timeout,
        send_timeout=config.send_timeout,
        per_client=config.connections_per_client,
        # a GET query may be as long as a POST body, and no longer
        max_head=config.max_body + 64 * 1024,
    )
    uv_config = uvicorn_config(app, limits)
    app.state.http = uv_config.http
    return uv_config


def _show_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _configure_logging() -> None:
    """The server's errors on stderr, in the access log's shape (time, then the message); the
    access log itself is written by :class:`.middleware.EdgeMiddleware`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    logger = logging.getLogger("bgraph.server")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
