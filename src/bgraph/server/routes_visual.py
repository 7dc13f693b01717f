"""Pictures and the ontology reference (:mod:`bgraph.visual.web`), mounted on this server:
``/visual/...`` (diagram, timeline, neighbourhood JSON, their static files) and ``/ontology``
(HTML reference for browsers, RDF by Accept; ``/ontology/{Term}`` per term), all read from the
served store (``ctx.served.opened``)."""

from __future__ import annotations

from fastapi import APIRouter

from .context import ServerContext, get_ctx


def make_router(ctx: ServerContext) -> APIRouter:
    from ..visual.web import visual_router
    from . import visual  # noqa: F401 - registers the home-page and entity-page pictures

    return visual_router(
        lambda request: get_ctx(request).served.opened,
        lambda request: get_ctx(request).local_path,
    )
