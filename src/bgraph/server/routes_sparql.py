"""``/sparql``: the SPARQL 1.1 Protocol (query operation), its service description and the UI."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response

from .. import formats
from ..errors import HttpError
from .conneg import choose
from .context import ServerContext, get_ctx
from .engine import QueryJob, Reply
from .metadata import service_description
from .pages import ui_page
from .protocol import FORMAT_PARAMS, build_job
from .routes_meta import DOC_OFFERS, rdf_document
from .routing import Routes
from .sending import ChunkedResponse
from .workers import CLIENT

routes = Routes()

#: A query's answers (of any form: the worker reads it), then the query UI for a browser.
ANSWERS = (*formats.SPARQL_RESULT_FORMATS, *formats.RDF_FORMATS, formats.HTML_PAGE)


def _wants_ui(accept: str | None) -> bool:
    """True when the client (a browser) prefers the query UI to any answer; accepting none of
    them, it gets the worker's 406."""
    return choose(accept, ANSWERS, fallback=ANSWERS[0])[0] is formats.HTML_PAGE


class ClientGone(Exception):
    """The client closed the connection while its query ran (the worker was killed)."""


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or a 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    too_big = HttpError(f"the request body is larger than {limit // 1024} KiB", 413)
    if declared is not None:
        if not declared.strip().isdigit():
            raise HttpError("invalid Content-Length")
        if int(declared) > limit:
            raise too_big
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
    except ClientDisconnect:  # an aborted upload: nobody to answer, nothing to log but a line
        raise ClientGone from None
    return b"".join(chunks)


#: Seconds a query runs before the server starts watching for its client going away (most
#: queries are done long before: they skip the watcher's cost).
WATCH_AFTER = 0.05


async def run_query(ctx: ServerContext, request: Request, job: QueryJob) -> Reply:
    """Run ``job`` in a worker; kill the worker if the client goes away first (ClientGone)."""
    task = asyncio.current_task()
    assert task is not None
    watcher: asyncio.Task[None] | None = None
    gone = False

    async def cancel_when_gone() -> None:
        nonlocal gone
        while (await request.receive())["type"] != "http.disconnect":
            pass
        gone = True
        task.cancel()  # pool.run is cancelled: the pool kills the worker

    def watch() -> None:
        nonlocal watcher
        watcher = asyncio.ensure_future(cancel_when_gone())

    later = asyncio.get_running_loop().call_later(WATCH_AFTER, watch)
    try:
        return await ctx.pool.run(job)
    except asyncio.CancelledError:
        if not gone:
            raise  # the server stops
        task.uncancel()
        raise ClientGone from None
    finally:
        later.cancel()
        if watcher is not None:
            watcher.cancel()


@routes.route("/sparql", ("GET", "POST"))
@routes.route("/sparql/", ("GET", "POST"))
async def sparql(request: Request) -> Response:
    ctx = get_ctx(request)
    method = "GET" if request.method == "HEAD" else request.method
    try:
        body = await read_body(request, ctx.config.max_body) if method == "POST" else b""
    except ClientGone:
        return Response(status_code=499)
    accept = request.headers.get("accept")
    job = build_job(
        method,
        request.scope.get("query_string", b""),
        request.headers.get("content-type"),
        body,
        accept,
        ctx.config.max_rows,
        ctx.endpoint,
        ctx.config.max_bytes,
    )
    if job is None:  # GET /sparql: the service description, or the query UI for a browser
        given = [v for k, v in request.query_params.multi_items() if k in FORMAT_PARAMS]
        chosen = choose(accept, DOC_OFFERS, given, "the service description")
        if chosen[0] is formats.HTML_PAGE:
            return HTMLResponse(await _ui(ctx))
        return await rdf_document(request, "sparql-sd", _sd, chosen, "Service description")
    if method == "GET" and not job.format and _wants_ui(accept):
        return HTMLResponse(await _ui(ctx))  # YASGUI reads ?query= from the URL
    budget = getattr(request.app.state, "sending", None)
    if budget is not None:
        budget.check(CLIENT.get())  # unsent results of this client: read them first
    try:
        reply = await run_query(ctx, request, job)
    except ClientGone:
        return Response(status_code=499)
    reply.raise_for_status()
    if budget is not None:  # no await since the reply came: no other result got in between
        budget.take(CLIENT.get(), len(reply.body))
    headers = {**reply.headers, "Vary": "Accept"}
    media_type = formats.content_type(reply.media_type)
    return ChunkedResponse(reply.body, budget, headers=headers, media_type=media_type)


async def _ui(ctx: ServerContext) -> str:
    """The query UI, made on the first visit (in a thread: reading its examples costs a few
    hundred milliseconds of imports, not paid at start)."""
    if "ui" not in ctx.cache:
        ctx.cache["ui"] = await asyncio.to_thread(ui_page, ctx)
    return ctx.cache["ui"]


async def _sd(ctx: ServerContext) -> list[Any]:
    return service_description(ctx)


@routes.route("/sparql", ("OPTIONS",))
@routes.route("/sparql/", ("OPTIONS",))
async def sparql_options(request: Request) -> Response:
    return Response(status_code=204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
