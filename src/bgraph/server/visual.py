"""Pictures on the server's pages, through :mod:`bgraph.server.pages`' extension points: the
home page's franchise diagram and timeline, and every entity page's neighbourhood graph. They
are drawn in the query workers with the page's lookups (:mod:`.pictures`); the pages here only
place them. Importing this module registers the sections; :mod:`.routes_visual` imports it when
it mounts the pictures' routes (``/visual/...``, ``/ontology``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..html import markup
from ..visual.fragments import DEFAULT_STATIC
from .context import ServerContext
from .pages import register_home_section, register_resource_section, register_stylesheet

if TYPE_CHECKING:
    from markupsafe import Markup


def home_pictures(ctx: ServerContext) -> Markup | None:
    """The franchise diagram and the timeline (drawn in a worker: ``PageJob("pictures")``, whose
    reply is their HTML as text)."""
    html = ctx.cache.get("pictures")
    return markup(html) if html else None


def neighbourhood_graph(ctx: ServerContext, view: Any) -> Markup | None:
    """The entity's neighbourhood, interactive (drawn as HTML with the page's lookups)."""
    html = getattr(view, "pictures", "")
    return markup(html) if html else None


register_stylesheet(f"{DEFAULT_STATIC}/visual.css")
register_home_section("pictures", home_pictures, 15)
register_resource_section("neighbourhood", neighbourhood_graph, 38)
