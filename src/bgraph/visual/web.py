"""What the pictures' and the ontology reference's HTTP routes answer.

- ``/visual/static/...``            graph.js, visual.css, vendored Cytoscape.js
- ``/visual/graph/{id}.json``       an entity's neighbourhood (``?depth=``, ``?limit=``)
- ``/visual/timeline.json``         dated facts, oldest first
- ``/visual/universe.svg``          the franchise diagram (entities link to their pages)
- ``/ontology``                     the ontology: HTML reference for browsers, any RDF format of
                                    the table for machines (Accept header or ?format=)
- ``/ontology/{file}``              ontology.ttl, ontology.jsonld, shapes.ttl
- ``/ontology/{Term}``              303 to ``/ontology#Term`` for browsers; the term's own triples
                                    for machines

``bgraph serve`` answers them in its query workers, under the query deadline
(:mod:`bgraph.server.routes_visual`: :func:`answer` there; the static files by Starlette's
StaticFiles in the server's process). Every answer is read from the store by targeted lookups
(:mod:`.model`); the ontology reference reads the store's ``bgg:ontology`` graph. A refusal (a
bad parameter or format, nothing found) is an :class:`~bgraph.errors.HttpError`, answered as
every route's errors are (:func:`bgraph.server.app.bgraph_error`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from ..errors import HttpError
from ..formats import (
    HTML_PAGE,
    JSON,
    PAGE_OR_DATA,
    PLAIN_TEXT,
    SVG,
    RdfFormat,
    content_type,
    rdf_format,
)
from ..iris import BG
from ..server.routing import query_int
from .model import HrefFor, View

if TYPE_CHECKING:
    from rdflib import Graph

_VARY = {"Vary": "Accept"}


# -- content negotiation ------------------------------------------------------------------------


def negotiate(accept: str | None, fmt: str | None = None) -> tuple[RdfFormat | None, str]:
    """The RDF format to answer with (None: the HTML page, the default for browsers and what a
    client that accepts none of the formats gets), and its media type; ``fmt`` (``?format=``)
    wins (:func:`bgraph.server.conneg.choose`: HttpError 400 for a format not offered)."""
    from ..server.conneg import choose

    chosen, media_type = choose(accept, PAGE_OR_DATA, fmt, "the ontology", fallback=HTML_PAGE)
    return (chosen if isinstance(chosen, RdfFormat) else None), media_type


# -- the answers: plain functions of a view, run where the store is ----------------------------


def view_of(source: Any) -> View:
    """The one :class:`View` of a served store (its caches live as long as it does)."""
    if isinstance(source, View):
        return source
    found = _VIEWS.get(id(source))
    if found is None or found[0] is not source:
        found = _VIEWS[id(source)] = (source, View.of(source))
    return found[1]


_VIEWS: dict[int, tuple[Any, View]] = {}


@dataclass
class Answer:
    """One route's answer, as data (so that a query worker can compute it)."""

    status: int
    body: bytes | str = b""
    media_type: str = content_type(PLAIN_TEXT.media_type)
    headers: dict[str, str] = field(default_factory=dict)


def _json(content: Any) -> Answer:
    """A JSON answer, written as Starlette's JSONResponse writes it (UTF-8, compact)."""
    text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Answer(200, text.encode("utf-8"), JSON)


def graph_json(v: View, href: HrefFor, ident: str, params: Mapping[str, str]) -> Answer:
    """An entity's neighbourhood for the interactive graph: ``?depth=`` hops around the
    entity (0-6, default 1), ``?limit=`` entities at most (1-5000, default 1000)."""
    depth = query_int(params, "depth", 1, 0, 6)
    limit = query_int(params, "limit", 1000, 1, 5000)
    from .fragments import GRAPH_LIMIT
    from .model import neighbourhood, resolve

    node = resolve(v, ident)
    if node is None:
        raise HttpError(f"no entity {ident!r} in the graph", 404)
    hood = neighbourhood(v, node, depth, limit=min(limit, GRAPH_LIMIT * 5), href_for=href)
    return _json(hood.as_payload())


def timeline_json(v: View, href: HrefFor, params: Mapping[str, str]) -> Answer:
    """The universe's dated facts, oldest first (the first ``?limit=``, default 10,000)."""
    limit = query_int(params, "limit", 10_000, 1, 1_000_000)
    from .timeline import read_timeline

    events = read_timeline(v, href, limit)
    return _json([e.as_dict() for e in events])


def universe_svg(v: View, href: HrefFor) -> Answer:
    """The franchise diagram (what `bgraph diagram` draws), linking to entity pages; on a big
    graph, its first series (as on the home page)."""
    from .fragments import PAGE_SERIES
    from .franchise import render_franchise
    from .universe import read_universe

    key = ("universe.svg", href)
    if key not in v.memo:
        v.memo[key] = render_franchise(read_universe(v, PAGE_SERIES), href)
    return Answer(200, v.memo[key], SVG.media_type)


def ontology(v: View, href: HrefFor, accept: str | None, fmt: str | None) -> Answer:
    """The ontology: HTML reference, or RDF by content negotiation (or ``?format=``)."""
    chosen, media_type = negotiate(accept, fmt)
    if chosen is None:
        return Answer(200, _docs_html(v, href), content_type(HTML_PAGE.media_type), dict(_VARY))
    return Answer(200, _ontology_as(v, chosen), content_type(media_type), dict(_VARY))


def ontology_part(v: View, name: str, accept: str | None, fmt: str | None) -> Answer:
    """A download (ontology.ttl, ontology.jsonld, shapes.ttl) or one term."""
    from ..docs import DOWNLOADS

    if name in DOWNLOADS:
        chosen = rdf_format(DOWNLOADS[name])
        return Answer(200, _ontology_as(v, chosen), content_type(chosen.media_type))
    if name == "shapes.ttl":
        from ..resources import resources

        path = resources().shapes
        if not path.is_file():
            raise HttpError("no SHACL shapes", 404)
        return Answer(200, path.read_bytes(), content_type(rdf_format("turtle").media_type))
    from rdflib import Graph, URIRef

    term = URIRef(BG + name)
    tbox = _tbox(v)
    if (term, None, None) not in tbox:
        raise HttpError(f"no term bg:{name} in the ontology", 404)
    chosen, media_type = negotiate(accept, fmt)
    if chosen is None:
        return Answer(303, b"", headers={"Location": f"/ontology#{name}", **_VARY})
    g = Graph()
    for t in tbox.triples((term, None, None)):
        g.add(t)
    for o in list(g.objects(term, None)):  # lists (property chains) travel with the term
        for t in tbox.triples((o, None, None)) if not isinstance(o, URIRef) else ():
            g.add(t)
    from ..export import serialize_graph

    return Answer(200, serialize_graph(g, chosen), content_type(media_type), dict(_VARY))


def answer(
    v: View,
    href: HrefFor,
    name: str,
    path_params: Mapping[str, str],
    params: Mapping[str, str],
    accept: str | None,
) -> Answer:
    """The answer of the route ``name`` (a key of :data:`bgraph.server.routes_visual.ROUTES`)
    for a request's path and query parameters and its Accept header; HttpError for a refusal."""
    fmt = params.get("format")
    if name == "graph":
        return graph_json(v, href, path_params["ident"], params)
    if name == "timeline":
        return timeline_json(v, href, params)
    if name == "universe":
        return universe_svg(v, href)
    if name == "ontology":
        return ontology(v, href, accept, fmt)
    if name == "ontology_part":
        return ontology_part(v, path_params["name"], accept, fmt)
    raise ValueError(f"no route {name!r}")


def response(found: Answer) -> Response:
    """The Starlette response for an answer."""
    return Response(found.body, found.status, found.headers, found.media_type)


def _tbox(v: View) -> Graph:
    """The store's ontology graph, as rdflib's (small; read once per store)."""
    if "tbox" not in v.memo:
        from ..docs import ontology_graph

        v.memo["tbox"] = ontology_graph(v.source)
    return v.memo["tbox"]


def _docs_html(v: View, href_for: HrefFor) -> str:
    """The ontology reference the server serves, under its site header (once per store)."""
    key = ("docs.html", href_for)
    if key not in v.memo:
        from ..docs import read_ontology, shapes_graph
        from ..docs_html import render_html
        from ..server.pages import header_style, site_header

        doc = read_ontology(_tbox(v), shapes_graph(), v.source)
        v.memo[key] = render_html(
            doc, base="/ontology", link_for=href_for, site_header=site_header(), head=header_style()
        )
    return v.memo[key]


def _ontology_as(v: View, fmt: RdfFormat) -> str:
    from ..docs import serialise_ontology

    key = ("ontology", fmt.name)
    if key not in v.memo:
        v.memo[key] = serialise_ontology(fmt.name, _tbox(v))
    return v.memo[key]
