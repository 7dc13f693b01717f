"""Pictures and the ontology reference (:mod:`bgraph.visual.web`), mounted on this server:
``/visual/...`` (diagram, timeline, neighbourhood JSON, their static files) and ``/ontology``
(HTML reference for browsers, RDF by Accept; ``/ontology/{Term}`` per term), all read from the
served store (``ctx.served.opened``)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from .context import ServerContext, get_ctx


def make_routes(ctx: ServerContext) -> list[BaseRoute]:
    from ..visual.web import visual_routes
    from . import visual  # noqa: F401 - registers the home-page and entity-page pictures

    return visual_routes(
        lambda request: get_ctx(request).served.opened,
        lambda request: get_ctx(request).local_path,
    )
