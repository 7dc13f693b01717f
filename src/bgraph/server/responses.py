"""Building responses: errors in one shape (text, HTML or JSON by Accept) and RDF documents."""

from __future__ import annotations

import json
from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .. import formats
from .conneg import negotiate
from .pages import error_page

TEXT_TYPES = {"text/turtle", "application/n-triples", "application/trig", "application/n-quads"}


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def content_type(media_type: str) -> str:
    """The Content-Type header value: UTF-8 declared for text-based formats."""
    if media_type.startswith("text/") or media_type in TEXT_TYPES or media_type.endswith("+xml"):
        return f"{media_type}; charset=utf-8"
    return media_type


def error_response(
    request: Request | None, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """An error, the same everywhere: plain text unless the client prefers HTML or JSON."""
    accept = request.headers.get("accept") if request is not None else None
    choice = negotiate(accept, [formats.TEXT, formats.HTML_TYPES[0], formats.JSON])
    title = reason(status)
    headers = dict(headers or {})
    if choice == formats.HTML_TYPES[0]:
        return HTMLResponse(error_page(status, title, message), status, headers=headers)
    if choice == formats.JSON:
        body = json.dumps({"status": status, "error": title, "message": message})
        return Response(body, status, headers=headers, media_type=formats.JSON)
    return Response(
        f"Error {status} {title}: {message}\n",
        status,
        headers=headers,
        media_type=content_type(formats.TEXT),
    )


def rdf_response(body: bytes, fmt_name: str, headers: dict[str, str] | None = None) -> Response:
    fmt = formats.rdf_format(fmt_name)
    return Response(body, media_type=content_type(fmt.media_type), headers=headers)
