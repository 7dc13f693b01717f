"""The home page and the name search (built in a thread: on a large store they take a while,
and the event loop keeps serving other requests meanwhile)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .. import formats
from .conneg import negotiate
from .context import get_ctx
from .pages import home_page, search_json, search_page

router = APIRouter()


@router.api_route("/", methods=["GET", "HEAD"])
async def home(request: Request) -> Response:
    ctx = get_ctx(request)
    rdf_types = [mt for f in formats.RDF_FORMATS for mt in f.media_types]
    choice = negotiate(request.headers.get("accept"), [formats.HTML_TYPES[0], *rdf_types])
    if choice is not None and choice != formats.HTML_TYPES[0]:
        # a machine asking the root for data gets the dataset's description
        return RedirectResponse("/.well-known/void", status_code=303, headers={"Vary": "Accept"})
    return HTMLResponse(await asyncio.to_thread(home_page, ctx), headers={"Vary": "Accept"})


@router.api_route("/search", methods=["GET", "HEAD"])
async def search(request: Request, q: str = "", limit: int = 50) -> Response:
    ctx = get_ctx(request)
    hits = await asyncio.to_thread(ctx.index.search, q[:200], max(1, min(limit, 200)))
    choice = negotiate(request.headers.get("accept"), [formats.HTML_TYPES[0], formats.JSON])
    if choice == formats.JSON:
        return Response(search_json(ctx, hits), media_type=formats.JSON)
    return HTMLResponse(search_page(ctx, q, hits))
