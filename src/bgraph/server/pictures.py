"""The pictures of the pages, drawn in a query worker (where the store is) as part of the page's
lookups: the home page's franchise diagram and timeline, and an entity's neighbourhood as an
interactive graph (drawn by the vendored Cytoscape.js that bgraph serves itself: no CDN).

Both are read from the store by targeted lookups (:mod:`bgraph.visual.model`), through the
store's one :class:`~bgraph.visual.model.View` in this process (labels, kinds and relations
cached there): the home pictures once per store, a neighbourhood per page from the entity's own
relations. :mod:`.visual` puts them on the pages.

They travel back from the worker as text: HTML that ``server/home_pictures.html`` and
``server/neighbourhood.html`` made (:func:`bgraph.html.render`), around the fragments of
:mod:`bgraph.visual.fragments`."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pyoxigraph import NamedNode

from ..html import markup, render
from ..visual.fragments import GRAPH_LIMIT, franchise_fragment, graph_fragment, timeline_fragment
from ..visual.model import HrefFor, iri, neighbourhood
from ..visual.web import view_of
from .describe import article_title

GRAPH_DEPTH = 1


def home_pictures_html(opened: Any, href: HrefFor) -> str:
    """The franchise diagram and the timeline, as HTML ("" when there is neither)."""
    v = view_of(opened)
    if "home" not in v.memo:
        v.memo["home"] = _home_pictures(franchise_fragment(v, href), timeline_fragment(v, href))
    return v.memo["home"]


def _home_pictures(diagram: str, timeline: str) -> str:
    """The pictures (HTML) under their headings; "" when there is neither."""
    if not (diagram or timeline):
        return ""
    html = render("server/home_pictures.html", diagram=markup(diagram), timeline=markup(timeline))
    return str(html)


def neighbourhood_html(opened: Any, entity: str, href: HrefFor) -> str:
    """The entity's neighbourhood, interactive, as HTML; "" for an IRI linked to no entity."""
    v = view_of(opened)
    focus = iri(entity)
    hood = neighbourhood(v, focus, GRAPH_DEPTH, limit=GRAPH_LIMIT, href_for=href)
    if len(hood.nodes) < 2:
        return ""
    payload = hood.as_payload()
    for node in payload["nodes"]:  # articles by their titles, as on the rest of the page
        if node.get("group") == "source":
            node["label"] = article_title(v.store, NamedNode(node["id"])) or node["label"]
    graph = graph_fragment(payload, title=f"Neighbourhood of {hood.nodes[0].label}")
    json_href = f"/visual/graph/{quote(focus.value, safe='')}.json?depth=2"
    return str(render("server/neighbourhood.html", graph=markup(graph), json_href=json_href))
