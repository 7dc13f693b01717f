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
from .conneg import negotiate, rdf_offers
from .context import ServerContext, get_ctx
from .engine import TRUNCATED_HEADER, QueryError
from .lookups import PageJob
from .pages import RESOURCE_FORMATS, not_found_page, resource_page
from .responses import rdf_response
from .routing import Routes

routes = Routes()

_HTML = formats.HTML_TYPES[0]


def _offers() -> list[tuple[str, str]]:
    """(media type, document suffix), HTML first (browsers and bare */*)."""
    out = [(mt, formats.HTML_SUFFIX) for mt in formats.HTML_TYPES]
    return out + [(mt, formats.rdf_format(n).suffix) for mt, n in rdf_offers(RESOURCE_FORMATS)]


def _suffixes() -> dict[str, str]:
    """Document suffix -> format name (``html`` for the page)."""
    out = {formats.HTML_SUFFIX: "html"}
    for name in RESOURCE_FORMATS:
        out[formats.rdf_format(name).suffix] = name
    return out


def _not_found(ctx: ServerContext, request: Request, iri: str | None) -> Response:
    accept = request.headers.get("accept")
    if negotiate(accept, [_HTML, formats.TEXT]) == _HTML:
        return HTMLResponse(not_found_page(ctx, iri, request.url.path), status_code=404)
    raise QueryError(f"nothing is known about <{iri}>" if iri else "not found", 404)


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
    format = request.query_params.get("format", "")
    if not iri:
        raise QueryError("give the IRI to describe: /resource?iri=...")
    local = ctx.local_path(iri)
    if local is not None and not format and _plain_path(local):
        return RedirectResponse(quote(local, safe="/:@-._~!$&'()*+,;="), status_code=303)
    if format:
        name = formats._ALIASES.get(format, format)
        if name not in RESOURCE_FORMATS and name != "html":
            raise QueryError(f"unknown format {format!r}; use one of {', '.join(RESOURCE_FORMATS)}")
    else:
        choice = negotiate(request.headers.get("accept"), [mt for mt, _ in _offers()])
        if choice is None:
            raise QueryError("none of the accepted media types is available", 406)
        name = _suffixes()[dict(_offers())[choice]]
    doc = "/resource?iri=" + quote(iri, safe="")
    return await _document(ctx, request, iri, name, doc)


@routes.get("/{path:path}")
async def dereference(request: Request) -> Response:
    ctx = get_ctx(request)
    path: str = request.path_params["path"]
    full = "/" + path
    # a document: /id/ballard.ttl, /ontology/TVSeries.html ...
    stem, dot, ext = full.rpartition(".")
    suffixes = _suffixes()
    if dot and "/" not in ext and f".{ext}" in suffixes:
        iri = ctx.iri_for_path(stem)
        if await _knows(ctx, iri) or not await _knows(ctx, ctx.iri_for_path(full)):
            return await _document(ctx, request, iri, suffixes[f".{ext}"], stem)
    # the thing itself: 303 to the document the client prefers
    iri = ctx.iri_for_path(full)
    if not path or not await _knows(ctx, iri):
        return _not_found(ctx, request, iri if path else None)
    choice = negotiate(request.headers.get("accept"), [mt for mt, _ in _offers()])
    if choice is None:
        available = ", ".join(dict.fromkeys(mt for mt, _ in _offers()))
        raise QueryError(f"none of the accepted media types is available: {available}", 406)
    location = quote(full, safe="/:@-._~!$&'()*+,;=") + dict(_offers())[choice]
    if not _plain_path(location):  # never "//host/...": a browser would leave this server
        location = "/" + location.lstrip("/")
    return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})
