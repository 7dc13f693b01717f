"""HTTP routes for pictures and the ontology reference (Starlette routes the server mounts).

- ``/visual/static/...``            graph.js, visual.css, vendored Cytoscape.js
- ``/visual/graph/{id}.json``       an entity's neighbourhood (``?depth=``, ``?limit=``)
- ``/visual/timeline.json``         dated facts, oldest first
- ``/visual/universe.svg``          the franchise diagram (entities link to their pages)
- ``/ontology``                     the ontology: HTML reference for browsers, Turtle / JSON-LD /
                                    N-Triples / RDF/XML for machines (Accept header or ?format=)
- ``/ontology/{file}``              ontology.ttl, ontology.jsonld, shapes.ttl
- ``/ontology/{Term}``              303 to ``/ontology#Term`` for browsers; the term's own triples
                                    for machines

Mount with ``Starlette(routes=visual_routes(lambda request: opened))``, ``opened`` an
OpenStore (:func:`bgraph.store.open_dataset`). Every answer is read from the store by targeted
lookups (:mod:`.model`); the ontology reference reads the store's ``bgg:ontology`` graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import BgraphError, UsageError
from ..formats import GRAPH_ACCEPT_ALIASES, RDF_FORMATS, RdfFormat, rdf_format
from ..iris import BG
from . import STATIC_DIR
from .model import HrefFor, View, default_href

if TYPE_CHECKING:
    from rdflib import Graph

HTML = "text/html"
Endpoint = Callable[[Request], Response]
_VARY = {"Vary": "Accept"}


# -- content negotiation ------------------------------------------------------------------------


def _accept(header: str | None) -> list[tuple[str, float, int]]:
    out = []
    for i, part in enumerate((header or "").split(",")):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q, i))
    return out


def negotiate(accept: str | None, fmt: str | None = None) -> RdfFormat | None:
    """The RDF format to answer with, or None for the HTML page (the default for browsers)."""
    if fmt:
        key = fmt.lower()
        if key in ("html", "htm"):
            return None
        return rdf_format(key)
    offers: list[tuple[str, RdfFormat | None]] = [(HTML, None)]
    offers += [
        (mt, f) for f in RDF_FORMATS if not f.quads or f.name == "jsonld" for mt in f.media_types
    ]
    offers += [(mt, rdf_format(name)) for mt, name in GRAPH_ACCEPT_ALIASES]  # text/plain, n3
    best: tuple[float, int, int] | None = None
    choice: RdfFormat | None = None
    for rank, (mt, f) in enumerate(offers):
        for pattern, q, pos in _accept(accept):
            if q <= 0:
                continue
            ptype = pattern.split("/")[0]
            exact = pattern == mt
            if not (
                exact or pattern == "*/*" or (pattern == f"{ptype}/*" and mt.startswith(ptype))
            ):
                continue
            # exact matches beat wildcards; then q; then the client's order; then ours (HTML 1st)
            score = (q + (0.001 if exact else 0.0), -pos, -rank)
            if best is None or score > best:
                best, choice = score, f
    return choice


# -- the router ---------------------------------------------------------------------------------


def view_of(source: Any) -> View:
    """The one :class:`View` of a served store (its caches live as long as it does)."""
    if isinstance(source, View):
        return source
    found = _VIEWS.get(id(source))
    if found is None or found[0] is not source:
        found = _VIEWS[id(source)] = (source, View.of(source))
    return found[1]


_VIEWS: dict[int, tuple[Any, View]] = {}


def _int(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    """An integer query parameter in [lo, hi]; 422 otherwise."""
    text = request.query_params.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise HTTPException(422, f"query.{name}: {text[:40]!r} is not an integer") from None
    if not lo <= value <= hi:
        raise HTTPException(422, f"query.{name}: {value} is not in {lo}-{hi}")
    return value


def visual_routes(
    get_store: Callable[[Request], Any],
    get_href: Callable[[Request], HrefFor] | None = None,
    static_prefix: str = "/visual/static",
) -> list[BaseRoute]:
    """The routes; ``get_store(request)`` gives the served OpenStore (or a
    ``pyoxigraph.Store``, or a :class:`View`), ``get_href(request)`` the function that turns an
    entity IRI into its page's path (default: the IRI's path). Endpoints are plain functions:
    Starlette runs them in its thread pool."""
    routes: list[BaseRoute] = []

    def get(path: str) -> Callable[[Endpoint], Endpoint]:
        def add(endpoint: Endpoint) -> Endpoint:
            routes.append(Route(path, endpoint, methods=["GET"]))
            return endpoint

        return add

    def links(request: Request) -> HrefFor:
        return get_href(request) if get_href is not None else default_href

    def view(request: Request) -> View:
        return view_of(get_store(request))

    @get(static_prefix + "/{path:path}")
    def static(request: Request) -> Response:
        path = request.path_params["path"]
        target = (STATIC_DIR / path).resolve()
        if STATIC_DIR not in target.parents or not target.is_file():
            raise HTTPException(404, "no such file")
        media = {
            ".js": "text/javascript; charset=utf-8",
            ".css": "text/css; charset=utf-8",
            ".json": "application/json",
            ".txt": "text/plain; charset=utf-8",
        }.get(target.suffix, "application/octet-stream")
        return FileResponse(
            target, media_type=media, headers={"Cache-Control": "public, max-age=3600"}
        )

    @get("/visual/graph/{ident:path}.json")
    def graph_json(request: Request) -> Response:
        """An entity's neighbourhood for the interactive graph: ``?depth=`` hops around the
        entity (0-6, default 1), ``?limit=`` entities at most (1-5000, default 1000)."""
        ident = request.path_params["ident"]
        depth = _int(request, "depth", 1, 0, 6)
        limit = _int(request, "limit", 1000, 1, 5000)
        from .fragments import GRAPH_LIMIT
        from .model import neighbourhood, resolve
        from .style import GROUP_COLOURS

        v = view(request)
        node = resolve(v, ident)
        if node is None:
            return JSONResponse({"error": f"no entity {ident!r} in the graph"}, status_code=404)
        hood = neighbourhood(
            v, node, depth, limit=min(limit, GRAPH_LIMIT * 5), href_for=links(request)
        )
        payload = hood.as_payload()
        payload["colours"] = GROUP_COLOURS
        return JSONResponse(payload)

    @get("/visual/timeline.json")
    def timeline_json(request: Request) -> Response:
        """The universe's dated facts, oldest first (the first ``?limit=``, default 10,000)."""
        limit = _int(request, "limit", 10_000, 1, 1_000_000)
        from .timeline import read_timeline

        events = read_timeline(view(request), links(request), limit)
        return JSONResponse([e.as_dict() for e in events])

    @get("/visual/universe.svg")
    def universe_svg(request: Request) -> Response:
        """The franchise diagram (what `bgraph diagram` draws), linking to entity pages; on a
        big graph, its first series (as on the home page)."""
        from .fragments import PAGE_SERIES
        from .franchise import render_franchise
        from .universe import read_universe

        v = view(request)
        key = ("universe.svg", links(request))
        if key not in v.memo:
            v.memo[key] = render_franchise(read_universe(v, PAGE_SERIES), links(request))
        return Response(v.memo[key], media_type="image/svg+xml")

    @get("/ontology")
    def ontology(request: Request) -> Response:
        """The ontology: HTML reference, or RDF by content negotiation (or ``?format=``)."""
        format = request.query_params.get("format")
        try:
            chosen = negotiate(request.headers.get("accept"), format)
        except BgraphError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        v = view(request)
        if chosen is None:
            return Response(
                _docs_html(v, links(request)),
                media_type="text/html; charset=utf-8",
                headers=_VARY,
            )
        return Response(_ontology_as(v, chosen.name), media_type=chosen.media_type, headers=_VARY)

    @get("/ontology/{name}")
    def ontology_part(request: Request) -> Response:
        """A download (ontology.ttl, ontology.jsonld, shapes.ttl) or one term."""
        name = request.path_params["name"]
        format = request.query_params.get("format")
        if name in ("ontology.ttl", "ontology.jsonld"):
            fmt = rdf_format("turtle" if name.endswith(".ttl") else "jsonld")
            return Response(_ontology_as(view(request), fmt.name), media_type=fmt.media_type)
        if name == "shapes.ttl":
            from ..resources import resources

            path = resources().shapes
            if not path.is_file():
                raise HTTPException(404, "no SHACL shapes")
            return Response(path.read_bytes(), media_type="text/turtle")
        from rdflib import Graph, URIRef

        from ..namespaces import bind_prefixes

        term = URIRef(BG + name)
        tbox = _tbox(view(request))
        if (term, None, None) not in tbox:
            raise HTTPException(404, f"no term bg:{name} in the ontology")
        try:
            chosen = negotiate(request.headers.get("accept"), format)
        except BgraphError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        if chosen is None:
            return RedirectResponse(f"/ontology#{name}", status_code=303, headers=_VARY)
        g = Graph()
        bind_prefixes(g)
        for t in tbox.triples((term, None, None)):
            g.add(t)
        for o in list(g.objects(term, None)):  # lists (property chains) travel with the term
            for t in tbox.triples((o, None, None)) if not isinstance(o, URIRef) else ():
                g.add(t)
        body = g.serialize(format=chosen.serialiser or chosen.rdflib)
        return Response(body, media_type=chosen.media_type, headers=_VARY)

    return routes


def _tbox(v: View) -> Graph:
    """The store's ontology graph, as rdflib's (small; read once per store)."""
    if "tbox" not in v.memo:
        from ..docs import ontology_graph

        v.memo["tbox"] = ontology_graph(v.source)
    return v.memo["tbox"]


def _docs_html(v: View, href_for: HrefFor) -> str:
    key = ("docs.html", href_for)
    if key not in v.memo:
        from ..docs import read_ontology, shapes_graph
        from ..docs_html import render_html
        from ..server.pages import SITE_HEADER, header_style

        doc = read_ontology(_tbox(v), shapes_graph(), v.source)
        v.memo[key] = render_html(
            doc, base="/ontology", link_for=href_for, site_header=SITE_HEADER, head=header_style()
        )
    return v.memo[key]


def _ontology_as(v: View, fmt: str) -> str:
    from ..docs import serialise_ontology

    if fmt not in {f.name for f in RDF_FORMATS}:
        raise UsageError(f"unknown format {fmt!r}")
    key = ("ontology", fmt)
    if key not in v.memo:
        v.memo[key] = serialise_ontology(fmt, _tbox(v))
    return v.memo[key]
