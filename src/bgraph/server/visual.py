"""Pictures on the server's pages, through :mod:`bgraph.server.pages`' extension points.

- home page: the franchise diagram (inline SVG, entities link to their pages) and a timeline;
- every entity page: its neighbourhood as an interactive graph (pan, zoom, click a node to go to
  its page), drawn by the vendored Cytoscape.js that bgraph serves itself (no CDN).

Both are read from the served store by targeted lookups (:mod:`bgraph.visual.model`): the home
pictures once per store (the first series and events of a big graph), a neighbourhood per page
from the entity's own relations. Importing this module registers the sections;
:mod:`.routes_visual` imports it when it mounts the pictures' routes (``/visual/...``,
``/ontology``) from :mod:`bgraph.visual.web`.
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import NamedNode

from ..visual.fragments import franchise_fragment, graph_fragment, timeline_fragment
from ..visual.model import View, iri, neighbourhood
from ..visual.style import GROUP_COLOURS
from ..visual.web import view_of
from .context import ServerContext
from .describe import article_title
from .pages import register_head, register_home_section, register_resource_section

STATIC = "/visual/static"
GRAPH_DEPTH = 1
GRAPH_LIMIT = 1000


def store_view(ctx: ServerContext) -> View:
    """The served store's one :class:`View` (labels, kinds and relations cached in it)."""
    return view_of(ctx.served.opened)


# -- page sections ------------------------------------------------------------------------------


def home_pictures(ctx: ServerContext) -> str | None:
    """The franchise diagram and the timeline (computed once per served store)."""
    v = store_view(ctx)
    if "home" not in v.memo:
        diagram = franchise_fragment(v, ctx.href)
        timeline = timeline_fragment(v, ctx.href)
        parts = []
        if diagram:
            parts.append('<h2 id="universe">The universe at a glance</h2>' + diagram)
        if timeline:
            parts.append('<h2 id="timeline">Timeline</h2>' + timeline)
        v.memo["home"] = "".join(parts)
    return v.memo["home"] or None


def neighbourhood_graph(ctx: ServerContext, view: Any) -> str | None:
    """The entity's neighbourhood, interactive; nothing for IRIs that link to no entity.

    ``view`` is the page's resource (anything with an ``iri``: its IRI as text or a term)."""
    v = store_view(ctx)
    focus = iri(getattr(view.iri, "value", view.iri))
    hood = neighbourhood(v, focus, GRAPH_DEPTH, limit=GRAPH_LIMIT, href_for=ctx.href)
    if len(hood.nodes) < 2:
        return None
    payload = hood.as_payload()
    payload["colours"] = GROUP_COLOURS
    for node in payload["nodes"]:  # articles by their titles, as on the rest of the page
        if node.get("group") == "source":
            node["label"] = article_title(v.store, NamedNode(node["id"])) or node["label"]
    return (
        '<h2 id="neighbourhood">Neighbourhood</h2>'
        + graph_fragment(
            payload,
            static_url=STATIC,
            include_assets=True,
            title=f"Neighbourhood of {hood.nodes[0].label}",
        )
        + f'<p class="bg-graph-more"><a href="/visual/graph/{_quoted(focus.value)}.json?depth=2">'
        "JSON (two hops)</a></p>"
    )


def _quoted(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


register_head(f'<link rel="stylesheet" href="{STATIC}/visual.css">')
register_home_section("pictures", home_pictures, 15)
register_resource_section("neighbourhood", neighbourhood_graph, 38)
