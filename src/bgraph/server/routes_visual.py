"""Pictures and the ontology reference (:mod:`bgraph.visual.web`), mounted on this server:
``/visual/...`` (diagram, timeline, neighbourhood JSON, their static files) and ``/ontology``
(HTML reference for browsers, RDF by Accept; ``/ontology/{Term}`` per term).

Each answer read from the store is computed in a query worker, under the query deadline, as a
page job (``PageJob("visual", ...)``: :func:`bgraph.visual.web.answer`); the static files are
served as ``/static``'s are, by Starlette's StaticFiles. The pictures' modules are imported in
the workers on the first request that needs them, never on the way to a SPARQL answer;
:mod:`.visual` (the pictures' places on the home and entity pages) is imported before the first
page is written.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .context import ServerContext, get_ctx
from .lookups import PageJob
from .pages import register_extension

#: The routes answered from the store (:func:`bgraph.visual.web.answer`): name -> path.
ROUTES = {
    "graph": "/visual/graph/{ident:path}.json",
    "timeline": "/visual/timeline.json",
    "universe": "/visual/universe.svg",
    "ontology": "/ontology",
    "ontology_part": "/ontology/{name}",
}


def _endpoint(name: str) -> Any:
    async def answer(request: Request) -> Response:
        ctx = get_ctx(request)
        job = PageJob(
            "visual",
            text=name,
            path=tuple(request.path_params.items()),
            params=tuple(request.query_params.multi_items()),
            accept=request.headers.get("accept"),
        )
        found = await ctx.lookup(job, f"the answer of {request.url.path}")
        from ..visual.web import response

        return response(found)

    return answer


def make_routes(ctx: ServerContext) -> list[BaseRoute]:
    register_extension(f"{__package__}.visual")  # the home and entity pages' pictures
    # found without importing bgraph.visual: a SPARQL answer needs none of it
    static = StaticFiles(packages=[("bgraph.visual", "static")])
    routes: list[BaseRoute] = [Mount("/visual/static", static)]
    routes += [Route(path, _endpoint(name), methods=["GET"]) for name, path in ROUTES.items()]
    return routes
