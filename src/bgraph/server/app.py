"""The FastAPI application: routers, static files, edge middleware and error handlers.

To add pages or an API, write a module with a ``router = APIRouter()`` (or a factory
``make_router(ctx) -> APIRouter``) and add one line to :data:`ROUTERS`, before
``routes_linked`` (whose catch-all route must stay last).
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from .. import __version__
from ..errors import BgraphError
from .context import ServerContext
from .middleware import EdgeMiddleware
from .responses import error_response

log = logging.getLogger("bgraph.server")

STATIC = Path(__file__).parent / "static"

#: Router modules, in matching order: "module" (its ``router``) or "module:factory" (called with
#: the ServerContext). Relative names are in this package. The catch-all stays last.
ROUTERS = (
    "routes_sparql",
    "routes_meta",
    "routes_pages",
    "routes_visual:make_router",  # pictures and the ontology reference (bgraph.visual)
    "routes_linked",
)


def create_app(ctx: ServerContext) -> FastAPI:
    app = FastAPI(
        title="bgraph",
        version=__version__,
        docs_url=None,  # Swagger UI and ReDoc load from a CDN: not on an offline server
        redoc_url=None,
        openapi_url=None,
    )
    app.state.ctx = ctx
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for entry in ROUTERS:
        app.include_router(_router(entry, ctx))
    _install_error_handlers(app)
    # dumps and large results; level 3: 400 KB of N-Triples in 1.4 ms (level 9: 12 ms, 25% smaller)
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=3)
    app.add_middleware(EdgeMiddleware, access_log=ctx.config.access_log)
    return app


def _router(entry: str, ctx: ServerContext) -> APIRouter:
    name, _, factory = entry.partition(":")
    module = importlib.import_module(name if "." in name else f"{__package__}.{name}")
    return getattr(module, factory)(ctx) if factory else module.router


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BgraphError)
    async def bgraph_error(request: Request, exc: BgraphError) -> Response:
        headers = {}
        retry = getattr(exc, "retry_after", None)
        if retry:
            headers["Retry-After"] = str(retry)
        status = int(getattr(exc, "http_status", 400))
        if status == 405:
            headers["Allow"] = "GET, HEAD, POST, OPTIONS"
        return error_response(request, status, str(exc), headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        message = str(exc.detail)
        if exc.status_code == 405:
            allowed = headers.get("Allow") or headers.get("allow") or "GET, HEAD"
            message = f"{request.method} is not allowed on {request.url.path}; use {allowed}"
        elif exc.status_code == 404:
            message = f"no page at {request.url.path}"
        return error_response(request, exc.status_code, message, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return error_response(request, 400, f"invalid request parameters: {problems}")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal server error (logged on the server)")
