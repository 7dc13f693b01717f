"""The home page and the name search. Their lookups run in a query worker under the query
deadline (:meth:`.context.ServerContext.lookup`); the home page's summary is computed once."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .. import formats
from .conneg import choose
from .context import get_ctx
from .lookups import PageJob
from .pages import home_page, search_json, search_page
from .responses import wants_json
from .routing import Routes, query_int

routes = Routes()

#: The home page's summary may take this many query timeouts (it is computed once).
HOME_TIMEOUT_FACTOR = 3


@routes.get("/")
async def home(request: Request) -> Response:
    ctx = get_ctx(request)
    page = formats.HTML_PAGE
    if choose(request.headers.get("accept"), formats.PAGE_OR_DATA, fallback=page)[0] is not page:
        # a machine asking the root for data gets the dataset's description
        return RedirectResponse("/.well-known/void", status_code=303, headers={"Vary": "Accept"})
    await asyncio.gather(
        ctx.once("home", PageJob("home"), "the home page's summary", HOME_TIMEOUT_FACTOR),
        ctx.once("pictures", PageJob("pictures"), "the home page's pictures", HOME_TIMEOUT_FACTOR),
    )
    # written in a thread, as an entity page is: the event loop keeps answering meanwhile
    return HTMLResponse(await asyncio.to_thread(home_page, ctx), headers={"Vary": "Accept"})


@routes.get("/search")
async def search(request: Request) -> Response:
    ctx = get_ctx(request)
    q = request.query_params.get("q", "")
    limit = query_int(request.query_params, "limit", 50)
    job = PageJob("search", text=q[:200], limit=max(1, min(limit, 200)))
    hits = await ctx.lookup(job, "the search") if q.strip() else []
    if wants_json(request):
        return Response(search_json(ctx, hits), media_type=formats.JSON)
    return HTMLResponse(await asyncio.to_thread(search_page, ctx, q, hits))
