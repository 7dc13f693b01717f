"""Pictures and the ontology reference (:mod:`bgraph.visual.web`), mounted on this server:
``/visual/...`` (diagram, timeline, neighbourhood JSON, their static files) and ``/ontology``
(HTML reference for browsers, RDF by Accept; ``/ontology/{Term}`` per term), all read from the
served store (``ctx.served.opened``).

The pictures' modules are imported on the first request that needs them, not at start: the
routes here stand for :func:`bgraph.visual.web.visual_routes` (same paths, kept equal by
tests/test_start_fast.py) and hand each request to them; :mod:`.visual` (the pictures on the
home and entity pages) is imported before the first page is written.
"""

from __future__ import annotations

import threading
from typing import Any

from starlette.routing import BaseRoute, Route, Router

from .context import ServerContext, get_ctx
from .pages import register_extension

#: The paths of :func:`bgraph.visual.web.visual_routes` (GET and HEAD).
PATHS = (
    "/visual/static/{path:path}",
    "/visual/graph/{ident:path}.json",
    "/visual/timeline.json",
    "/visual/universe.svg",
    "/ontology",
    "/ontology/{name}",
)


class _Pictures:
    """An ASGI app: the pictures' own routes, built on the first request."""

    def __init__(self) -> None:
        self._router: Router | None = None
        self._lock = threading.Lock()

    def router(self) -> Router:
        with self._lock:
            if self._router is None:
                from ..visual.web import visual_routes

                routes = visual_routes(
                    lambda request: get_ctx(request).served.opened,
                    lambda request: get_ctx(request).local_path,
                )
                self._router = Router(routes=routes)
            return self._router

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        router = self._router or self.router()
        await router(scope, receive, send)


def make_routes(ctx: ServerContext) -> list[BaseRoute]:
    register_extension(f"{__package__}.visual")  # the home and entity pages' pictures
    pictures = _Pictures()
    return [Route(path, pictures, methods=["GET"]) for path in PATHS]
