"""Linked data: every IRI under the base IRI dereferences under its path on this server.

Following "Cool URIs for the Semantic Web" (303 for slash IRIs): ``GET /id/ballard`` answers
``303 See Other`` to a document chosen by ``Accept`` -- ``/id/ballard.html`` for a browser,
``/id/ballard.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.trig`` or ``.nq`` for a machine. The
documents are served directly. IRIs elsewhere (schema.org, Wikidata...) that the data mentions
are shown at ``/resource?iri=...``.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .. import formats
from ..errors import HttpError
from .conneg import choose
from .context import ServerContext, get_ctx
from .engine import TRUNCATED_HEADER
from .lookups import PageJob
from .pages import not_found_page, resource_page
from .responses import rdf_response
from .routing import Routes

routes = Routes()

OFFERED = formats.PAGE_OR_DATA
#: Document suffix -> its format (the canonical suffixes: ``.html``, ``.ttl``, ``.nq``...).
SUFFIXES = {f.suffix: f for f in OFFERED}


def _not_found(ctx: ServerContext, request: Request, iri: str | None) -> Response:
    page = (formats.HTML_PAGE, formats.PLAIN_TEXT)
    if choose(request.headers.get("accept"), page, fallback=formats.PLAIN_TEXT)[0] is page[0]:
        return HTMLResponse(not_found_page(ctx, iri, request.url.path), status_code=404)
    raise HttpError(f"nothing is known about <{iri}>" if iri else "not found", 404)


def _is_iri(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


async def _knows(ctx: ServerContext, iri: str) -> bool:
    return _is_iri(iri) and bool(await ctx.lookup(PageJob("knows", iri), "looking the IRI up"))


async def _document(ctx: ServerContext, request: Request, iri: str, fmt_name: str, doc: str):
    """The page or RDF document about ``iri``, from lookups in a query worker (under the query
    deadline: a well-linked entity of a large store takes a while)."""
    if not _is_iri(iri):
        return _not_found(ctx, request, iri)
    if fmt_name == "html":
        view = await ctx.lookup(PageJob("view", iri), f"the page of <{iri}>")
        if view is None:
            return _not_found(ctx, request, iri)
        return HTMLResponse(await asyncio.to_thread(resource_page, ctx, view, doc))
    if not await _knows(ctx, iri):
        return _not_found(ctx, request, iri)
    limit = ctx.config.max_rows
    job = PageJob("describe", iri, limit=limit, format=fmt_name)
    body, cut = await ctx.lookup(job, f"the description of <{iri}>")
    headers = {"Link": f'<{iri}>; rel="describes"'}
    if cut:
        headers[TRUNCATED_HEADER] = f"true; max-rows={limit}"
    return rdf_response(body, fmt_name, headers)


def _plain_path(path: str) -> bool:
    """True for a path a Location header can hold as is: one leading slash and no backslash
    (``//evil.example/x`` and ``/\\evil.example`` are read by browsers as another host)."""
    return path.startswith("/") and not path.startswith("//") and "\\" not in path


@routes.get("/resource")
async def resource(request: Request) -> Response:
    """Any IRI the data mentions; IRIs under the base redirect to their own path."""
    ctx = get_ctx(request)
    iri = request.query_params.get("iri", "")
    given = [v for v in request.query_params.getlist("format") if v.strip()]
    if not iri:
        raise HttpError("give the IRI to describe: /resource?iri=...")
    local = ctx.local_path(iri)
    if local is not None and not given and _plain_path(local):
        return RedirectResponse(quote(local, safe="/:@-._~!$&'()*+,;="), status_code=303)
    fmt, _ = choose(request.headers.get("accept"), OFFERED, given, f"the description of <{iri}>")
    doc = "/resource?iri=" + quote(iri, safe="")
    return await _document(ctx, request, iri, fmt.name, doc)


@routes.get("/{path:path}")
async def dereference(request: Request) -> Response:
    ctx = get_ctx(request)
    path: str = request.path_params["path"]
    full = "/" + path
    # a document: /id/ballard.ttl, /ontology/TVSeries.html ...
    stem, dot, ext = full.rpartition(".")
    if dot and "/" not in ext and f".{ext}" in SUFFIXES:
        iri = ctx.iri_for_path(stem)
        if await _knows(ctx, iri) or not await _knows(ctx, ctx.iri_for_path(full)):
            return await _document(ctx, request, iri, SUFFIXES[f".{ext}"].name, stem)
    # the thing itself: 303 to the document the client prefers
    iri = ctx.iri_for_path(full)
    if not path or not await _knows(ctx, iri):
        return _not_found(ctx, request, iri if path else None)
    fmt, _ = choose(request.headers.get("accept"), OFFERED, (), f"the description of <{iri}>")
    location = quote(full, safe="/:@-._~!$&'()*+,;=") + fmt.suffix
    if not _plain_path(location):  # never "//host/...": a browser would leave this server
        location = "/" + location.lstrip("/")
    return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})
