"""Pictures on the server's pages, through :mod:`bgraph.server.pages`' extension points: the
home page's franchise diagram and timeline, and every entity page's neighbourhood graph. They
are drawn in the query workers with the page's lookups (:mod:`.pictures`); the pages here only
place them. Importing this module registers the sections; :mod:`.routes_visual` imports it when
it mounts the pictures' routes (``/visual/...``, ``/ontology``).
"""

from __future__ import annotations

from typing import Any

from ..visual.fragments import DEFAULT_STATIC
from .context import ServerContext
from .pages import register_head, register_home_section, register_resource_section


def home_pictures(ctx: ServerContext) -> str | None:
    """The franchise diagram and the timeline (drawn in a worker: ``PageJob("pictures")``)."""
    return ctx.cache.get("pictures") or None


def neighbourhood_graph(ctx: ServerContext, view: Any) -> str | None:
    """The entity's neighbourhood, interactive (drawn with the page's lookups)."""
    return getattr(view, "pictures", "") or None


register_head(f'<link rel="stylesheet" href="{DEFAULT_STATIC}/visual.css">')
register_home_section("pictures", home_pictures, 15)
register_resource_section("neighbourhood", neighbourhood_graph, 38)
