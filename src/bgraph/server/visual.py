"""Pictures on the server's pages, through :mod:`bgraph.server.pages`' extension points.

- home page: the franchise diagram (inline SVG, entities link to their pages) and a timeline;
- every entity page: its neighbourhood as an interactive graph (pan, zoom, click a node to go to
  its page), drawn by the vendored Cytoscape.js that bgraph serves itself (no CDN).

Importing this module registers the sections; :mod:`.routes_visual` imports it when it mounts
the pictures' routes (``/visual/...``, ``/ontology``) from :mod:`bgraph.visual.web`.
"""

from __future__ import annotations

import weakref

from ..visual.fragments import franchise_fragment, graph_fragment, timeline_fragment
from ..visual.model import View, neighbourhood
from ..visual.style import GROUP_COLOURS
from ..visual.web import _relations
from .context import ServerContext
from .describe import ResourceView
from .pages import register_head, register_home_section, register_resource_section

STATIC = "/visual/static"
GRAPH_DEPTH = 1
GRAPH_LIMIT = 1000


# -- page sections ------------------------------------------------------------------------------

_views: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_home: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _view(ctx: ServerContext) -> View:
    ds = ctx.served.dataset
    if ds not in _views:
        _views[ds] = View.of(ds)
    return _views[ds]


def home_pictures(ctx: ServerContext) -> str | None:
    """The franchise diagram and the timeline (computed once per served dataset)."""
    ds = ctx.served.dataset
    if ds not in _home:
        diagram = franchise_fragment(ds, ctx.href)
        timeline = timeline_fragment(ds, ctx.href)
        parts = []
        if diagram:
            parts.append('<h2 id="universe">The universe at a glance</h2>' + diagram)
        if timeline:
            parts.append('<h2 id="timeline">Timeline</h2>' + timeline)
        _home[ds] = "".join(parts) or ""
    return _home[ds] or None


def neighbourhood_graph(ctx: ServerContext, view: ResourceView) -> str | None:
    """The entity's neighbourhood, interactive; nothing for IRIs that link to no entity."""
    from rdflib import URIRef

    v = _view(ctx)
    iri = URIRef(str(view.iri))
    hood = neighbourhood(
        v, iri, GRAPH_DEPTH, limit=GRAPH_LIMIT, href_for=ctx.href, rels=_relations(v)
    )
    if len(hood.nodes) < 2:
        return None
    payload = hood.as_payload()
    payload["colours"] = GROUP_COLOURS
    return (
        '<h2 id="neighbourhood">Neighbourhood</h2>'
        + graph_fragment(
            payload,
            static_url=STATIC,
            include_assets=True,
            title=f"Neighbourhood of {hood.nodes[0].label}",
        )
        + f'<p class="bg-graph-more"><a href="/visual/graph/{_quoted(iri)}.json?depth=2">'
        "JSON (two hops)</a></p>"
    )


def _quoted(iri: str) -> str:
    from urllib.parse import quote

    return quote(iri, safe="")


register_head(f'<link rel="stylesheet" href="{STATIC}/visual.css">')
register_home_section("pictures", home_pictures, 15)
register_resource_section("neighbourhood", neighbourhood_graph, 18)
