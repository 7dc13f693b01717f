"""The server's own documents: VoID + DCAT, data dumps, health, robots.txt, favicon."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from .. import __version__, formats
from ..errors import HttpError
from .conneg import choose
from .context import ServerContext, get_ctx
from .dumps import DumpJob, dump_name
from .lookups import PageJob
from .metadata import PREFIXES, void_description
from .pages import document_page, dumps_page
from .routing import Routes
from .writers import rdf_bytes

routes = Routes()

#: What the server's own documents (VoID, the service description) are offered in: RDF, then a
#: page for browsers (last: a bare ``*/*`` gets Turtle).
DOC_OFFERS = (*formats.DOCUMENT_FORMATS, formats.HTML_PAGE)
DUMP_TIMEOUT_FACTOR = 6  #: a dump may take this many query timeouts to write
VOID_TIMEOUT_FACTOR = 3  #: VoID's counts may take this many query timeouts (computed once)

Build = Callable[[ServerContext], Awaitable[list[Any]]]


async def _document_bytes(ctx: ServerContext, key: str, build: Build, fmt_name: str) -> bytes:
    cache_key = f"{key}.{fmt_name}"
    if cache_key not in ctx.cache:
        ctx.cache[cache_key] = rdf_bytes(await build(ctx), fmt_name, PREFIXES)
    return ctx.cache[cache_key]


async def rdf_document(
    request: Request, key: str, build: Build, chosen: tuple[formats.Format, str], title: str
) -> Response:
    """A small RDF document about the server in the format :func:`.conneg.choose` chose
    among :data:`DOC_OFFERS`: the HTML page shows its Turtle, with links to the others."""
    ctx = get_ctx(request)
    fmt, media_type = chosen
    html = fmt is formats.HTML_PAGE
    body = await _document_bytes(ctx, key, build, "turtle" if html else fmt.name)
    headers = {"Vary": "Accept"}
    if html:
        path = request.url.path
        alternates = [(f.media_type, f"{path}?format={f.name}") for f in formats.DOCUMENT_FORMATS]
        text = body.decode("utf-8")
        return HTMLResponse(document_page(title, text, alternates), headers=headers)
    return Response(body, media_type=formats.content_type(media_type), headers=headers)


async def _void(ctx: ServerContext) -> list[Any]:
    stats = await ctx.once("void-stats", PageJob("void"), "counting for VoID", VOID_TIMEOUT_FACTOR)
    return void_description(ctx, stats)


@routes.get("/.well-known/void")
async def void(request: Request) -> Response:
    given = request.query_params.getlist("format")
    chosen = choose(request.headers.get("accept"), DOC_OFFERS, given, "the VoID description")
    return await rdf_document(request, "void", _void, chosen, "VoID + DCAT description")


@routes.get("/dumps")
async def dumps_redirect(request: Request) -> Response:
    return RedirectResponse("/dumps/", status_code=301)


@routes.get("/dumps/")
async def dumps_index(request: Request) -> Response:
    ctx = get_ctx(request)
    items = []
    for fmt in formats.DOCUMENT_FORMATS:
        graphs = "named graphs kept" if fmt.quads else "union of the graphs"
        items.append((f"/dumps/{dump_name(fmt)}", f"{fmt.media_type}, {graphs}"))
    return HTMLResponse(dumps_page(ctx, items))


@routes.get("/dumps/{filename}")
async def dump(request: Request) -> Response:
    ctx = get_ctx(request)
    filename: str = request.path_params["filename"]
    by_name = {dump_name(f): f for f in formats.DOCUMENT_FORMATS}
    if filename not in by_name:
        raise HttpError(f"no dump called {filename!r}; see /dumps/", 404)
    fmt = by_name[filename]
    job = DumpJob(fmt.name, str(Path(ctx.dump_dir) / filename), ctx.served.default_only)
    path = await ctx.once(f"dump.{fmt.name}", job, f"writing {filename}", DUMP_TIMEOUT_FACTOR)
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "public, max-age=3600",
    }
    media_type = formats.content_type(fmt.media_type)
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
    return Response(text, media_type=formats.content_type(formats.TEXT))


@routes.get("/favicon.ico")
async def favicon(request: Request) -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)
