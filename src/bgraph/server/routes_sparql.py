"""``/sparql``: the SPARQL 1.1 Protocol (query operation), its service description and the UI."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .. import formats
from ..errors import HttpError
from .conneg import choose
from .context import ServerContext
from .engine import QueryJob, Reply
from .metadata import service_description
from .pages import ui_page
from .protocol import FORMAT_PARAMS, build_job
from .routes_meta import DOC_OFFERS, rdf_document
from .routing import Routes
from .sending import SendBudget, send_in_chunks
from .workers import CLIENT

routes = Routes()

#: A query's answers (of any form: the worker reads it), then the query UI for a browser.
ANSWERS = (*formats.SPARQL_RESULT_FORMATS, *formats.RDF_FORMATS, formats.HTML_PAGE)


def _wants_ui(accept: str | None) -> bool:
    """True when the client (a browser) prefers the query UI to any answer; accepting none of
    them, it gets the worker's 406."""
    return choose(accept, ANSWERS, fallback=ANSWERS[0])[0] is formats.HTML_PAGE


class ClientGone(Exception):
    """The client closed the connection while it sent its query, or while its query ran (the
    worker was killed)."""


Scope = dict[str, Any]
#: The request headers the query operation reads (ASGI gives their names in lower case).
_READ = (b"accept", b"content-type", b"content-length")


def _headers(scope: Scope) -> dict[bytes, str]:
    """The request headers the query operation reads, each its first value (as Starlette's
    ``Headers.get`` gives it), decoded as Latin-1."""
    found: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        if name in _READ and name not in found:
            found[name] = value.decode("latin-1")
    return found


async def read_body(receive: Any, declared: str | None, limit: int) -> bytes:
    """The request body, or a 413 as soon as it passes ``limit`` bytes; ClientGone if the client
    leaves while sending it (an aborted upload)."""
    too_big = HttpError(f"the request body is larger than {limit // 1024} KiB", 413)
    if declared is not None:
        if not declared.strip().isdigit():
            raise HttpError("invalid Content-Length")
        if int(declared) > limit:
            raise too_big
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


#: Seconds a query runs before the server starts watching for its client going away (most
#: queries are done long before: they skip the watcher's cost).
WATCH_AFTER = 0.05


async def run_query(ctx: ServerContext, receive: Any, job: QueryJob) -> Reply:
    """Run ``job`` in a worker; kill the worker if the client goes away first (ClientGone)."""
    task = asyncio.current_task()
    assert task is not None
    watcher: asyncio.Task[None] | None = None
    gone = False

    async def cancel_when_gone() -> None:
        nonlocal gone
        while (await receive())["type"] != "http.disconnect":
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


class SparqlEndpoint:
    """``/sparql`` as a plain ASGI app under Starlette's router and middleware (its errors go to
    the app's handlers, as everywhere). The query operation is the server's busiest path: it
    reads the scope and writes the response's messages itself, without Starlette's Request and
    Response objects and their wrappers (23 µs of the server's Python per query on the seed
    graph's ASK: ``bench/app_layers.py``). A request for the service description or the query
    UI is answered as an ordinary Starlette request."""

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        app = scope["app"]
        ctx: ServerContext = app.state.ctx
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        headers = _headers(scope)
        try:
            body = b""
            if method == "POST":
                declared = headers.get(b"content-length")
                body = await read_body(receive, declared, ctx.config.max_body)
        except ClientGone:  # an aborted upload: nobody to answer, nothing to log but a line
            await _send_empty(send, 499)
            return
        accept = headers.get(b"accept")
        job = build_job(
            method,
            scope.get("query_string", b""),
            headers.get(b"content-type"),
            body,
            accept,
            ctx.config.max_rows,
            ctx.endpoint,
            ctx.config.max_bytes,
        )
        if job is None or (method == "GET" and not job.format and _wants_ui(accept)):
            response = await _page(Request(scope, receive), ctx, job is None, accept)
            await response(scope, receive, send)
            return
        budget: SendBudget | None = getattr(app.state, "sending", None)
        client = CLIENT.get()
        if budget is not None:
            budget.check(client)  # unsent results of this client: read them first
        try:
            reply = await run_query(ctx, receive, job)
        except ClientGone:
            await _send_empty(send, 499)
            return
        reply.raise_for_status()
        if budget is not None:  # no await since the reply came: no other result got in between
            budget.take(client, len(reply.body))
        raw = [
            (b"content-length", str(len(reply.body)).encode("latin-1")),
            (b"content-type", formats.content_type(reply.media_type).encode("latin-1")),
            (b"vary", b"Accept"),
            *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers.items()),
        ]
        head = scope["method"] == "HEAD"
        await send_in_chunks(send, 200, raw, reply.body, head, budget, client)


async def _send_empty(send: Any, status: int) -> None:
    headers = [(b"content-length", b"0")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _page(
    request: Request, ctx: ServerContext, describe: bool, accept: str | None
) -> Response:
    """GET /sparql without a query: the service description, or the query UI for a browser;
    with a query, the UI for a browser (YASGUI reads ?query= from the URL)."""
    if describe:
        given = [v for k, v in request.query_params.multi_items() if k in FORMAT_PARAMS]
        chosen = choose(accept, DOC_OFFERS, given, "the service description")
        if chosen[0] is not formats.HTML_PAGE:
            return await rdf_document(request, "sparql-sd", _sd, chosen, "Service description")
    return HTMLResponse(await _ui(ctx))


async def _ui(ctx: ServerContext) -> str:
    """The query UI, made on the first visit (in a thread: reading its examples costs a few
    hundred milliseconds of imports, not paid at start)."""
    if "ui" not in ctx.cache:
        ctx.cache["ui"] = await asyncio.to_thread(ui_page, ctx)
    return ctx.cache["ui"]


async def _sd(ctx: ServerContext) -> list[Any]:
    return service_description(ctx)


_endpoint = SparqlEndpoint()
routes.append(Route("/sparql", _endpoint, methods=["GET", "POST"]))
routes.append(Route("/sparql/", _endpoint, methods=["GET", "POST"]))


@routes.route("/sparql", ("OPTIONS",))
@routes.route("/sparql/", ("OPTIONS",))
async def sparql_options(request: Request) -> Response:
    return Response(status_code=204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
