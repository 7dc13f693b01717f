"""The server's own documents: VoID + DCAT, data dumps, health, robots.txt, favicon."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from rdflib import Graph

from .. import __version__, formats
from .conneg import negotiate
from .context import ServerContext, get_ctx
from .engine import QueryError
from .metadata import DUMP_FORMATS, dump_name, void_description
from .pages import document_page, dumps_page
from .responses import content_type, rdf_response, serialise_dataset

router = APIRouter()

DOC_FORMATS = ("turtle", "jsonld", "nt", "xml")
DUMP_TIMEOUT_FACTOR = 6  #: a dump may take this many query timeouts to serialise


def serialise_document(graph: Graph, fmt_name: str) -> bytes:
    """A small metadata graph with its own prefixes (sd:, void:, dcat: ...) kept."""
    fmt = formats.rdf_format(fmt_name)
    if fmt.name == "jsonld":
        context = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
        return graph.serialize(format="json-ld", context=context, auto_compact=True).encode()
    return graph.serialize(format=fmt.serialiser or fmt.rdflib, encoding="utf-8")


async def rdf_document(
    request: Request,
    key: str,
    build: Callable[[ServerContext], Graph],
    names: Sequence[str],
    html: bool = True,
    title: str = "",
) -> Response:
    """A small RDF document about the server, negotiated among ``names`` (+ HTML)."""
    ctx = get_ctx(request)
    offers = [(mt, n) for n in names for mt in formats.rdf_format(n).media_types]
    types = [mt for mt, _ in offers]
    if html:
        types.append(formats.HTML_TYPES[0])
    choice = negotiate(request.headers.get("accept"), types)
    if choice is None:
        raise QueryError(
            "none of the accepted media types is available; available: " + ", ".join(types), 406
        )
    fmt_name = dict(offers).get(choice, "turtle")
    cache_key = f"{key}.{fmt_name}"
    if cache_key not in ctx.cache:
        # computed once, in a thread: counting a large dataset must not stall the event loop
        ctx.cache[cache_key] = await asyncio.to_thread(
            lambda: serialise_document(build(ctx), fmt_name)
        )
    headers = {"Vary": "Accept"}
    if choice == formats.HTML_TYPES[0]:
        alternates = [
            (formats.rdf_format(n).media_type, f"{request.url.path}?format={n}") for n in names
        ]
        text = ctx.cache[cache_key].decode("utf-8")
        return HTMLResponse(document_page(title or key, text, alternates), headers=headers)
    return Response(ctx.cache[cache_key], media_type=content_type(choice), headers=headers)


@router.api_route("/.well-known/void", methods=["GET", "HEAD"])
async def void(request: Request, format: str | None = None) -> Response:
    if format:
        return await _forced(request, "void", void_description, format)
    return await rdf_document(
        request, "void", void_description, DOC_FORMATS, title="VoID + DCAT description"
    )


async def _forced(
    request: Request, key: str, build: Callable[[ServerContext], Graph], name: str
) -> Response:
    ctx = get_ctx(request)
    try:
        fmt = formats.rdf_format(name)
    except formats.UnknownFormatError as exc:
        raise QueryError(str(exc)) from None
    cache_key = f"{key}.{fmt.name}"
    if cache_key not in ctx.cache:
        ctx.cache[cache_key] = await asyncio.to_thread(
            lambda: serialise_document(build(ctx), fmt.name)
        )
    return Response(ctx.cache[cache_key], media_type=content_type(fmt.media_type))


@dataclass(frozen=True)
class DumpJob:
    """Serialise the whole dataset (in a worker: it can be large)."""

    format: str


def dump_handler(ds: object, job: DumpJob) -> bytes:
    return serialise_dataset(ds, job.format)  # type: ignore[arg-type]


@router.api_route("/dumps", methods=["GET", "HEAD"], include_in_schema=False)
async def dumps_redirect() -> Response:
    return RedirectResponse("/dumps/", status_code=301)


@router.api_route("/dumps/", methods=["GET", "HEAD"])
async def dumps_index(request: Request) -> Response:
    ctx = get_ctx(request)
    items = []
    for name in DUMP_FORMATS:
        fmt = formats.rdf_format(name)
        graphs = "named graphs kept" if fmt.quads else "union of the graphs"
        items.append((f"/dumps/{dump_name(name)}", f"{fmt.media_type}, {graphs}"))
    return HTMLResponse(dumps_page(ctx, items))


@router.api_route("/dumps/{filename}", methods=["GET", "HEAD"])
async def dump(request: Request, filename: str) -> Response:
    ctx = get_ctx(request)
    by_name = {dump_name(n): n for n in DUMP_FORMATS}
    if filename not in by_name:
        raise QueryError(f"no dump called {filename!r}; see /dumps/", 404)
    fmt_name = by_name[filename]
    key = f"dump.{fmt_name}"
    if key not in ctx.cache:
        timeout = ctx.config.timeout * DUMP_TIMEOUT_FACTOR
        ctx.cache[key] = await ctx.pool.run(DumpJob(fmt_name), timeout=timeout)
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "public, max-age=3600",
    }
    return rdf_response(ctx.cache[key], fmt_name, headers)


@router.get("/health")
async def health(request: Request) -> Response:
    ctx = get_ctx(request)
    pool = ctx.pool
    body = {
        "status": "ok" if pool.alive else "degraded",
        "version": __version__,
        "uptime_s": round(time.time() - ctx.started, 1),
        "triples": ctx.served.triples,
        "store": ctx.served.store_label,
        "engine": ctx.served.engine,
        "workers": {
            "size": pool.size,
            "alive": pool.alive,
            "idle": pool.idle,
            "busy": pool.busy,
            "waiting": pool.waiting,
            "killed": pool.killed,
        },
        "limits": {
            "timeout_s": ctx.config.timeout,
            "max_rows": ctx.config.max_rows,
            "max_body_bytes": ctx.config.max_body,
            "queue": ctx.config.queue,
        },
    }
    return Response(json.dumps(body), media_type=formats.JSON, status_code=200)


@router.get("/robots.txt", include_in_schema=False)
async def robots() -> Response:
    text = "User-agent: *\nDisallow: /sparql\nDisallow: /search\nAllow: /\n"
    return Response(text, media_type=content_type(formats.TEXT))


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)
