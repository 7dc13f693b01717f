"""The home page and the name search. Their lookups run in a query worker under the query
deadline (:meth:`.context.ServerContext.lookup`); the home page's summary is computed once."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .. import formats
from .conneg import negotiate
from .context import get_ctx
from .lookups import PageJob
from .pages import home_page, search_json, search_page
from .routing import Routes, query_int

routes = Routes()

#: The home page's summary may take this many query timeouts (it is computed once).
HOME_TIMEOUT_FACTOR = 3


@routes.get("/")
async def home(request: Request) -> Response:
    ctx = get_ctx(request)
    rdf_types = [mt for f in formats.RDF_FORMATS for mt in f.media_types]
    choice = negotiate(request.headers.get("accept"), [formats.HTML_TYPES[0], *rdf_types])
    if choice is not None and choice != formats.HTML_TYPES[0]:
        # a machine asking the root for data gets the dataset's description
        return RedirectResponse("/.well-known/void", status_code=303, headers={"Vary": "Accept"})
    await asyncio.gather(
        ctx.once("home", PageJob("home"), "the home page's summary", HOME_TIMEOUT_FACTOR),
        ctx.once("pictures", PageJob("pictures"), "the home page's pictures", HOME_TIMEOUT_FACTOR),
    )
    return HTMLResponse(home_page(ctx), headers={"Vary": "Accept"})


@routes.get("/search")
async def search(request: Request) -> Response:
    ctx = get_ctx(request)
    q = request.query_params.get("q", "")
    limit = query_int(request, "limit", 50)
    job = PageJob("search", text=q[:200], limit=max(1, min(limit, 200)))
    hits = await ctx.lookup(job, "the search") if q.strip() else []
    choice = negotiate(request.headers.get("accept"), [formats.HTML_TYPES[0], formats.JSON])
    if choice == formats.JSON:
        return Response(search_json(ctx, hits), media_type=formats.JSON)
    return HTMLResponse(search_page(ctx, q, hits))
