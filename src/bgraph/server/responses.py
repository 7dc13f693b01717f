"""Building responses: errors in one shape (text, HTML or JSON by Accept) and RDF documents."""

from __future__ import annotations

import json
from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .. import formats
from .conneg import choose
from .pages import error_page

#: An error is plain text unless the client prefers its page or JSON.
ERROR_OFFERS = (formats.PLAIN_TEXT, formats.HTML_PAGE, formats.JSON_DATA)


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_response(
    request: Request | None, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """An error, the same everywhere: plain text unless the client prefers HTML or JSON."""
    accept = request.headers.get("accept") if request is not None else None
    choice, _ = choose(accept, ERROR_OFFERS, fallback=formats.PLAIN_TEXT)
    title = reason(status)
    headers = dict(headers or {})
    if choice is formats.HTML_PAGE:
        return HTMLResponse(error_page(status, title, message), status, headers=headers)
    if choice is formats.JSON_DATA:
        body = json.dumps({"status": status, "error": title, "message": message})
        return Response(body, status, headers=headers, media_type=formats.JSON)
    return Response(
        f"Error {status} {title}: {message}\n",
        status,
        headers=headers,
        media_type=formats.content_type(formats.TEXT),
    )


def wants_json(request: Request) -> bool:
    """True when the client prefers JSON to the HTML page (of a route that answers both)."""
    page = formats.HTML_PAGE
    accept = request.headers.get("accept")
    return choose(accept, (page, formats.JSON_DATA), fallback=page)[0] is formats.JSON_DATA


def rdf_response(body: bytes, fmt_name: str, headers: dict[str, str] | None = None) -> Response:
    fmt = formats.rdf_format(fmt_name)
    return Response(body, media_type=formats.content_type(fmt.media_type), headers=headers)
