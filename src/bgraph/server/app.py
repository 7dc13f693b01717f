"""The Starlette application: routes, static files, edge middleware and the error handlers.

To add pages or an API, write a module with ``routes = Routes()`` (:mod:`.routing`; or a factory
``make_routes(ctx) -> list[BaseRoute]``) and add one line to :data:`ROUTES`, before
``routes_linked`` (whose catch-all route must stay last).
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from ..errors import BgraphError
from .context import ServerContext
from .middleware import EdgeMiddleware, cors
from .responses import error_response

log = logging.getLogger("bgraph.server")

STATIC = Path(__file__).parent / "static"

#: Route modules, in matching order: "module" (its ``routes``) or "module:factory" (called with
#: the ServerContext). Relative names are in this package. The catch-all stays last.
ROUTES = (
    "routes_sparql",
    "routes_meta",
    "routes_pages",
    "routes_visual:make_routes",  # pictures and the ontology reference (bgraph.visual)
    "routes_why",  # /why: the explanation of a fact (issue 14)
    "routes_linked",
)


def create_app(ctx: ServerContext) -> Starlette:
    routes: list[BaseRoute] = [Mount("/static", StaticFiles(directory=STATIC), name="static")]
    for entry in ROUTES:
        routes += _routes(entry, ctx)
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(EdgeMiddleware, access_log=ctx.config.access_log),  # logs every request
            cors(),
            # dumps and large results; level 3: 400 KB of N-Triples in 1.4 ms (level 9: 12 ms).
            # No type left out: every answer here is text (RDF, results, HTML, CSS, JS, SVG), and
            # Starlette reads its list of exclusions again for every request (~5 µs)
            Middleware(
                GZipMiddleware, minimum_size=2048, compresslevel=3, exclude_content_types=()
            ),
        ],
        exception_handlers={
            ClientDisconnect: client_gone,
            BgraphError: bgraph_error,
            HTTPException: http_error,
            Exception: internal_error,
        },
    )
    app.state.ctx = ctx
    return app


def _routes(entry: str, ctx: ServerContext) -> list[BaseRoute]:
    name, _, factory = entry.partition(":")
    module = importlib.import_module(name if "." in name else f"{__package__}.{name}")
    return list(getattr(module, factory)(ctx) if factory else module.routes)


# -- the one error handler per kind of failure: every error in one shape (responses.py) ---------


async def bgraph_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BgraphError)
    headers = {}
    if exc.retry_after:
        headers["Retry-After"] = str(exc.retry_after)
    status = exc.http_status
    if status == 405:
        headers["Allow"] = "GET, HEAD, POST, OPTIONS"
    return error_response(request, status, str(exc), headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    status, message = exc.status_code, str(exc.detail)
    if status == 405:
        allowed = headers.get("Allow") or headers.get("allow") or "GET, HEAD"
        message = f"{request.method} is not allowed on {request.url.path}; use {allowed}"
    elif status == 404:
        message = f"no page at {request.url.path}"
    return error_response(request, status, message, headers)


async def client_gone(request: Request, exc: Exception) -> Response:
    """The client closed the connection mid-request (an aborted upload): no one reads this."""
    return Response(status_code=499)


async def internal_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "internal server error (logged on the server)")
