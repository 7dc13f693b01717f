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

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from rdflib import URIRef

from .. import formats
from .conneg import negotiate
from .context import ServerContext, get_ctx
from .engine import QueryError
from .pages import RESOURCE_FORMATS, not_found_page, resource_page
from .responses import rdf_response, serialise_dataset

router = APIRouter()

_HTML = formats.HTML_TYPES[0]


def _offers() -> list[tuple[str, str]]:
    """(media type, document suffix), HTML first (browsers and bare */*)."""
    out = [(mt, formats.HTML_SUFFIX) for mt in formats.HTML_TYPES]
    for name in RESOURCE_FORMATS:
        fmt = formats.rdf_format(name)
        out += [(mt, fmt.suffix) for mt in fmt.media_types]
    return out


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


async def _document(ctx: ServerContext, request: Request, iri: URIRef, fmt_name: str, doc: str):
    """The page or RDF document about ``iri``, built in a thread (a well-linked entity of a large
    store takes a while; the event loop keeps serving meanwhile)."""
    view = await asyncio.to_thread(ctx.index.view, iri)
    if view is None:
        return _not_found(ctx, request, str(iri))
    if fmt_name == "html":
        return HTMLResponse(await asyncio.to_thread(resource_page, ctx, view, doc))
    body = await asyncio.to_thread(
        lambda: serialise_dataset(ctx.index.description_dataset(iri), fmt_name)
    )
    return rdf_response(body, fmt_name, {"Link": f'<{iri}>; rel="describes"'})


@router.api_route("/resource", methods=["GET", "HEAD"])
async def resource(request: Request, iri: str = "", format: str = "") -> Response:
    """Any IRI the data mentions; IRIs under the base redirect to their own path."""
    ctx = get_ctx(request)
    if not iri:
        raise QueryError("give the IRI to describe: /resource?iri=...")
    local = ctx.local_path(iri)
    if local is not None and not format:
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
    return await _document(ctx, request, URIRef(iri), name, doc)


@router.api_route("/{path:path}", methods=["GET", "HEAD"])
async def dereference(request: Request, path: str) -> Response:
    ctx = get_ctx(request)
    full = "/" + path
    # a document: /id/ballard.ttl, /ontology/TVSeries.html ...
    stem, dot, ext = full.rpartition(".")
    suffixes = _suffixes()
    if dot and "/" not in ext and f".{ext}" in suffixes:
        iri = ctx.iri_for_path(stem)
        if ctx.index.knows(iri) or not ctx.index.knows(ctx.iri_for_path(full)):
            return await _document(ctx, request, iri, suffixes[f".{ext}"], stem)
    # the thing itself: 303 to the document the client prefers
    iri = ctx.iri_for_path(full)
    if not path or not ctx.index.knows(iri):
        return _not_found(ctx, request, str(iri) if path else None)
    choice = negotiate(request.headers.get("accept"), [mt for mt, _ in _offers()])
    if choice is None:
        available = ", ".join(dict.fromkeys(mt for mt, _ in _offers()))
        raise QueryError(f"none of the accepted media types is available: {available}", 406)
    location = quote(full, safe="/:@-._~!$&'()*+,;=") + dict(_offers())[choice]
    return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})
