"""The server's own documents: VoID + DCAT, data dumps, health, robots.txt, favicon."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from .. import __version__, formats
from .conneg import negotiate, rdf_offers
from .context import ServerContext, get_ctx
from .dumps import DUMP_FORMATS, DumpJob, dump_name
from .engine import QueryError
from .lookups import PageJob
from .metadata import PREFIXES, void_description
from .pages import document_page, dumps_page
from .responses import content_type
from .routing import Routes
from .writers import rdf_bytes

routes = Routes()

DOC_FORMATS = ("turtle", "jsonld", "nt", "xml")
DUMP_TIMEOUT_FACTOR = 6  #: a dump may take this many query timeouts to write
VOID_TIMEOUT_FACTOR = 3  #: VoID's counts may take this many query timeouts (computed once)

Build = Callable[[ServerContext], Awaitable[list[Any]]]


async def _document_bytes(ctx: ServerContext, key: str, build: Build, fmt_name: str) -> bytes:
    cache_key = f"{key}.{fmt_name}"
    if cache_key not in ctx.cache:
        ctx.cache[cache_key] = rdf_bytes(await build(ctx), fmt_name, PREFIXES)
    return ctx.cache[cache_key]


async def rdf_document(
    request: Request,
    key: str,
    build: Build,
    names: Sequence[str],
    html: bool = True,
    title: str = "",
) -> Response:
    """A small RDF document about the server, negotiated among ``names`` (+ HTML)."""
    ctx = get_ctx(request)
    offers = rdf_offers(names)
    types = [mt for mt, _ in offers]
    if html:
        types.append(formats.HTML_TYPES[0])
    choice = negotiate(request.headers.get("accept"), types)
    if choice is None:
        raise QueryError(
            "none of the accepted media types is available; available: " + ", ".join(types), 406
        )
    fmt_name = dict(offers).get(choice, "turtle")
    body = await _document_bytes(ctx, key, build, fmt_name)
    headers = {"Vary": "Accept"}
    if choice == formats.HTML_TYPES[0]:
        alternates = [
            (formats.rdf_format(n).media_type, f"{request.url.path}?format={n}") for n in names
        ]
        text = body.decode("utf-8")
        return HTMLResponse(document_page(title or key, text, alternates), headers=headers)
    return Response(body, media_type=content_type(choice), headers=headers)


async def _void(ctx: ServerContext) -> list[Any]:
    stats = await ctx.once("void-stats", PageJob("void"), "counting for VoID", VOID_TIMEOUT_FACTOR)
    return void_description(ctx, stats)


@routes.get("/.well-known/void")
async def void(request: Request) -> Response:
    format = request.query_params.get("format")
    if not format:
        return await rdf_document(
            request, "void", _void, DOC_FORMATS, title="VoID + DCAT description"
        )
    ctx = get_ctx(request)
    try:
        fmt = formats.rdf_format(format)
    except formats.UnknownFormatError as exc:
        raise QueryError(str(exc)) from None
    body = await _document_bytes(ctx, "void", _void, fmt.name)
    return Response(body, media_type=content_type(fmt.media_type))


@routes.get("/dumps")
async def dumps_redirect(request: Request) -> Response:
    return RedirectResponse("/dumps/", status_code=301)


@routes.get("/dumps/")
async def dumps_index(request: Request) -> Response:
    ctx = get_ctx(request)
    items = []
    for name in DUMP_FORMATS:
        fmt = formats.rdf_format(name)
        graphs = "named graphs kept" if fmt.quads else "union of the graphs"
        items.append((f"/dumps/{dump_name(name)}", f"{fmt.media_type}, {graphs}"))
    return HTMLResponse(dumps_page(ctx, items))


@routes.get("/dumps/{filename}")
async def dump(request: Request) -> Response:
    ctx = get_ctx(request)
    filename: str = request.path_params["filename"]
    by_name = {dump_name(n): n for n in DUMP_FORMATS}
    if filename not in by_name:
        raise QueryError(f"no dump called {filename!r}; see /dumps/", 404)
    fmt_name = by_name[filename]
    job = DumpJob(fmt_name, str(Path(ctx.dump_dir) / filename), ctx.served.default_only)
    path = await ctx.once(f"dump.{fmt_name}", job, f"writing {filename}", DUMP_TIMEOUT_FACTOR)
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "public, max-age=3600",
    }
    media_type = content_type(formats.rdf_format(fmt_name).media_type)
    return FileResponse(path, media_type=media_type, headers=headers)


@routes.get("/health")
async def health(request: Request) -> Response:
    ctx = get_ctx(request)
    pool = ctx.pool
    healthy = pool.healthy() if hasattr(pool, "healthy") else bool(pool.alive)
    body = {
        # "ok" only with every worker (and the zygote that replaces them) alive
        "status": "ok" if healthy else "degraded",
        "version": __version__,
        "uptime_s": round(time.time() - ctx.started, 1),
        "triples": ctx.served.triples,
        "store": ctx.served.store_label,
        "engine": "oxigraph",
        # how the kernel keeps query workers off the network: seccomp, netns or none
        "network_ban": getattr(pool, "sandbox", "none"),
        "workers": {
            "size": pool.size,
            "alive": pool.alive,
            # worker processes: the slots are threads of one process for a big store
            "processes": getattr(pool, "processes", 0),
            "idle": pool.idle,
            "busy": pool.busy,
            "waiting": pool.waiting,
            "killed": pool.killed,
            "reserve": getattr(pool, "reserve", 0),
            "respawned": getattr(pool, "respawned", 0),
            "clients": pool.clients() if hasattr(pool, "clients") else 0,
        },
        "limits": {
            "timeout_s": ctx.config.timeout,
            "max_rows": ctx.config.max_rows,
            "max_body_bytes": ctx.config.max_body,
            "queue": ctx.config.queue,
            "max_result_bytes": ctx.config.max_bytes,
            "client_timeout_s": ctx.config.read_timeout,
            "connections_per_client": ctx.config.connections_per_client,
        },
    }
    http = getattr(request.app.state, "http", None)
    if http is not None and hasattr(http, "status"):
        body["connections"] = http.status()
    return Response(json.dumps(body), media_type=formats.JSON, status_code=200)


@routes.get("/robots.txt")
async def robots(request: Request) -> Response:
    text = "User-agent: *\nDisallow: /sparql\nDisallow: /search\nAllow: /\n"
    return Response(text, media_type=content_type(formats.TEXT))


@routes.get("/favicon.ico")
async def favicon(request: Request) -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)
