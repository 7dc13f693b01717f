"""HTML pages: home, resource, search, 404 and error pages. Plain Python, every value escaped.

Extension points (for features such as a diagram or an interactive graph):

- :func:`register_resource_section` adds a section to every resource page. A section is a
  function ``(ctx, view) -> str | None`` returning an HTML fragment (escape what you insert with
  :func:`esc`), or None to skip; ``order`` places it (types 10, claim 15, facts 20/30, graph
  content 40, formats 90).
- :func:`register_home_section` does the same for the home page: ``(ctx) -> str | None``
  (the home page's summary, :class:`.overview.Home`, is ``ctx.cache["home"]``).
- :func:`register_head` adds a tag to every page's ``<head>`` (a stylesheet, or a
  ``<script src=... defer>`` served from ``/static``; the Content-Security-Policy allows
  same-origin scripts only, so no inline script).
- :func:`register_extension` names a module that registers such things when imported; it is
  imported before the first page is written, not at start (a SPARQL answer needs none of it).
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from pyoxigraph import BlankNode, Literal, NamedNode

from .. import __version__, formats
from ..iris import CLOSURE_GRAPHS, PREFIXES, XSD_STRING
from .context import ServerContext
from .describe import Fact, ResourceView, SearchHit, Source, local_name
from .examples import Example
from .overview import Home

ResourceSection = Callable[[ServerContext, ResourceView], "str | None"]
HomeSection = Callable[[ServerContext], "str | None"]


@dataclass(frozen=True)
class _Registered:
    order: int
    name: str
    render: Callable[..., str | None]


_RESOURCE_SECTIONS: list[_Registered] = []
_HOME_SECTIONS: list[_Registered] = []
_HEAD: list[str] = []


def register_resource_section(name: str, render: ResourceSection, order: int = 50) -> None:
    """Add (or replace, by ``name``) a section of every resource page."""
    _register(_RESOURCE_SECTIONS, _Registered(order, name, render))


def register_home_section(name: str, render: HomeSection, order: int = 50) -> None:
    """Add (or replace, by ``name``) a section of the home page."""
    _register(_HOME_SECTIONS, _Registered(order, name, render))


def register_head(tag: str) -> None:
    """Add a tag (``<link ...>``, ``<script src=... defer></script>``) to every page's head."""
    if tag not in _HEAD:
        _HEAD.append(tag)


_EXTENSIONS: list[str] = []
_EXTENSIONS_LOCK = threading.Lock()


def register_extension(module: str) -> None:
    """Import ``module`` (whose import registers sections or head tags) before the first page."""
    if module not in _EXTENSIONS:
        _EXTENSIONS.append(module)


def _load_extensions() -> None:
    if _EXTENSIONS:
        with _EXTENSIONS_LOCK:  # pages are also written in threads: every one waits for them
            while _EXTENSIONS:
                importlib.import_module(_EXTENSIONS[0])
                _EXTENSIONS.pop(0)


def _register(where: list[_Registered], item: _Registered) -> None:
    where[:] = [r for r in where if r.name != item.name] + [item]
    where.sort(key=lambda r: (r.order, r.name))


def esc(value: object) -> str:
    return escape(str(value), quote=True)


# --- page frame ----------------------------------------------------------------------------------


def page(title: str, body: str, *, alternates: Iterable[tuple[str, str]] = ()) -> str:
    """A complete page: head (title, css, alternates, registered tags), nav, body, footer."""
    _load_extensions()
    links = "".join(
        f'<link rel="alternate" type="{esc(mt)}" href="{esc(href)}">' for mt, href in alternates
    )
    head = "".join(_HEAD)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · bgraph</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/bgraph.css">
{links}{head}
</head>
<body>
<header class="top">
  <a class="brand" href="/">bgraph</a>
  <nav>
    <a href="/sparql">SPARQL</a>
    <a href="/search">Search</a>
    <a href="/.well-known/void">VoID</a>
    <a href="/dumps/">Dumps</a>
  </nav>
  <form class="search" action="/search" method="get" role="search">
    <input type="search" name="q" placeholder="Search names…" aria-label="Search names">
  </form>
</header>
<main>
{body}
</main>
<footer>bgraph {esc(__version__)} · data CC BY 4.0 · read-only SPARQL 1.1 endpoint at
<a href="/sparql"><code>/sparql</code></a></footer>
</body>
</html>
"""


# --- terms ---------------------------------------------------------------------------------------

_PREFIX_OF = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))


def curie(iri: str) -> str:
    for ns, prefix in _PREFIX_OF:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def term(ctx: ServerContext, node: Any, labels: dict[Any, str] | None = None) -> str:
    """A term (Oxigraph's) as HTML: a link labelled with its name (``labels``, else the IRI's
    last segment), or a literal with its language or datatype."""
    if isinstance(node, NamedNode):
        iri = node.value
        name = (labels or {}).get(node) or local_name(iri)
        return (
            f'<a href="{esc(ctx.href(iri))}" title="{esc(iri)}">{esc(name)}</a>'
            f' <span class="iri">{esc(curie(iri))}</span>'
        )
    if isinstance(node, Literal):
        extra = ""
        if node.language:
            extra = f' <span class="lang">@{esc(node.language)}</span>'
        elif node.datatype.value != XSD_STRING:
            extra = f' <span class="dt">{esc(curie(node.datatype.value))}</span>'
        lang = f' lang="{esc(node.language)}"' if node.language else ""
        return f'<span class="literal"{lang}>{esc(node.value)}</span>{extra}'
    if isinstance(node, BlankNode):
        return f'<span class="bnode">_:{esc(node.value)}</span>'
    return esc(node)


def status_badge(fact: Fact) -> str:
    if fact.asserted:
        also = " (and also inferred)" if fact.inferred else ""
        return f'<span class="badge asserted" title="stated in the data{also}">asserted</span>'
    badge = (
        '<span class="badge inferred" title="inferred by OWL 2 RL reasoning, '
        'not stated in the data">inferred</span>'
    )
    from .why_page import why_link  # issue 14: an inferred fact links to its explanation

    return why_link(fact, badge)


def sources_html(ctx: ServerContext, fact: Fact) -> str:
    if fact.sources:
        return "".join(source_html(ctx, s) for s in fact.sources)
    if fact.asserted:
        graphs = ", ".join(
            f'<a href="{esc(ctx.href(g))}">{esc(curie(g))}</a>'
            for g in fact.graphs
            if g not in CLOSURE_GRAPHS
        )
        return f'<span class="muted">graph {graphs}</span>' if graphs else ""
    return '<span class="muted">reasoning</span>'


def source_html(ctx: ServerContext, src: Source) -> str:
    article = (
        f'<a href="{esc(ctx.href(src.article.value))}">{esc(src.article_label)}</a>'
        if isinstance(src.article, NamedNode)
        else esc(src.article_label)
    )
    lang = f' lang="{esc(src.quote_lang)}"' if src.quote_lang else ""
    quote_html = f"<blockquote{lang}>« {esc(src.quote)} »</blockquote>" if src.quote else ""
    claim = f'<a class="claim" href="{esc(ctx.href(src.claim.value))}" title="the claim">claim</a>'
    return f'<div class="source">{article} · {claim}{quote_html}</div>'


# --- resource page -------------------------------------------------------------------------------


def resource_page(ctx: ServerContext, view: ResourceView, doc_path: str) -> str:
    _load_extensions()
    sections = []
    for item in _RESOURCE_SECTIONS:
        html = item.render(ctx, view)
        if html:
            sections.append(f'<section class="section-{esc(item.name)}">{html}</section>')
    alternates = [
        (formats.rdf_format(name).media_type, doc_path + formats.rdf_format(name).suffix)
        for name in RESOURCE_FORMATS
    ]
    body = (
        f'<h1>{esc(view.label)}</h1><p class="iri-line"><code>{esc(view.iri)}</code></p>'
        + "".join(sections)
    )
    return page(view.label, body, alternates=alternates)


#: RDF formats a resource description is offered in (format-table names).
RESOURCE_FORMATS = ("turtle", "jsonld", "nt", "xml", "trig", "nquads")


def _types_section(ctx: ServerContext, view: ResourceView) -> str | None:
    if not view.types:
        return None
    items = "".join(
        f"<li>{term(ctx, f.object, view.labels)} {status_badge(f)}</li>" for f in view.types
    )
    return f'<h2>Types</h2><ul class="types">{items}</ul>'


def _claim_section(ctx: ServerContext, view: ResourceView) -> str | None:
    if not view.claim_of:
        return None
    return "<h2>Claim</h2><p>A quote of a source article, and the facts it supports:</p>" + "".join(
        source_html(ctx, s) for s in view.claim_of
    )


def _fact_rows(ctx: ServerContext, view: ResourceView, facts: list[Fact], incoming: bool) -> str:
    rows = []
    for f in facts:
        first = f.subject if incoming else f.predicate
        second = f.predicate if incoming else f.object
        first, second = term(ctx, first, view.labels), term(ctx, second, view.labels)
        cls = "inferred" if not f.asserted else "asserted"
        rows.append(
            f'<tr class="{cls}"><td>{first}</td><td>{second}</td>'
            f"<td>{status_badge(f)}</td><td>{sources_html(ctx, f)}</td></tr>"
        )
    return "".join(rows)


def _more(n: int, at_least: bool, query: str) -> str:
    if not n:
        return ""
    link = "/sparql?" + urlencode({"query": query})
    count = f"More than {n}" if at_least else f"{n}"
    return f'<p class="muted">{count} more: <a href="{esc(link)}">see them all with SPARQL</a>.</p>'


def _outgoing_section(ctx: ServerContext, view: ResourceView) -> str | None:
    if not view.outgoing:
        return None
    head = "<tr><th>property</th><th>value</th><th>status</th><th>source</th></tr>"
    query = f"SELECT ?p ?o WHERE {{ <{view.iri}> ?p ?o }}"
    more = _more(view.more_outgoing, view.at_least, query)
    return (
        f"<h2>Facts</h2><table class='facts'><thead>{head}</thead><tbody>"
        f"{_fact_rows(ctx, view, view.outgoing, False)}</tbody></table>{more}"
    )


def _incoming_section(ctx: ServerContext, view: ResourceView) -> str | None:
    if not view.incoming:
        return None
    head = "<tr><th>subject</th><th>property</th><th>status</th><th>source</th></tr>"
    query = f"SELECT ?s ?p WHERE {{ ?s ?p <{view.iri}> }}"
    more = _more(view.more_incoming, view.at_least, query)
    return (
        f"<h2>Links to {esc(view.label)}</h2><table class='facts'><thead>{head}</thead><tbody>"
        f"{_fact_rows(ctx, view, view.incoming, True)}</tbody></table>{more}"
    )


def _graph_section(ctx: ServerContext, view: ResourceView) -> str | None:
    if not view.graph_size:
        return None
    rows = "".join(
        f"<tr><td>{term(ctx, f.subject, view.labels)}</td>"
        f"<td>{term(ctx, f.predicate, view.labels)}</td>"
        f"<td>{term(ctx, f.object, view.labels)}</td></tr>"
        for f in view.graph_facts
    )
    return (
        f"<h2>Named graph: {view.graph_size} triples</h2>"
        "<table class='facts'><thead><tr><th>subject</th><th>property</th><th>value</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )


def _formats_section(ctx: ServerContext, view: ResourceView) -> str | None:
    iri = view.iri
    local = ctx.local_path(iri)
    links = []
    for name in RESOURCE_FORMATS:
        fmt = formats.rdf_format(name)
        href = (
            local + fmt.suffix if local else "/resource?" + urlencode({"iri": iri, "format": name})
        )
        links.append(f'<a href="{esc(href)}" type="{esc(fmt.media_type)}">{esc(name)}</a>')
    query = f"DESCRIBE <{iri}>"
    ui = "/sparql?" + urlencode({"query": query})
    return (
        '<h2>This resource as data</h2><p class="formats">'
        + " · ".join(links)
        + f' · <a href="{esc(ui)}">query it</a></p>'
    )


register_resource_section("types", _types_section, 10)
register_resource_section("claim", _claim_section, 15)
register_resource_section("facts", _outgoing_section, 20)
register_resource_section("links", _incoming_section, 30)
register_resource_section("graph", _graph_section, 40)
register_resource_section("formats", _formats_section, 90)


# --- home ----------------------------------------------------------------------------------------


def home_page(ctx: ServerContext) -> str:
    _load_extensions()
    sections = []
    for item in _HOME_SECTIONS:
        html = item.render(ctx)
        if html:
            sections.append(f'<section class="section-{esc(item.name)}">{html}</section>')
    return page("Home", "".join(sections))


def _about_section(ctx: ServerContext) -> str:
    served = ctx.served
    if served.builtin:
        intro = (
            "<h1>bgraph: the Bosch TV universe</h1>"
            "<p>A linked-data knowledge graph of Michael Connelly's Bosch TV universe "
            "(<i>Bosch</i>, <i>Bosch: Legacy</i>, <i>Ballard</i>), built from French news "
            "articles. Every fact keeps the article and the verbatim quote that state it; an "
            "OWL 2 RL ontology aligned to schema.org adds inferred facts, shown apart.</p>"
        )
    else:
        files = "".join(f"<li><code>{esc(s)}</code></li>" for s in served.sources)
        intro = f"<h1>bgraph</h1><p>Serving these RDF files:</p><ul>{files}</ul>"
    inference = "with" if served.inference else "without"
    stats = (
        f"<p class='stats'>{served.triples} triples in {len(served.graph_sizes)} named graphs, "
        f"{inference} inferred facts.</p>"
    )
    search = (
        '<form class="big-search" action="/search" method="get" role="search">'
        '<input type="search" name="q" placeholder="Search by name: Ballard, Maggie Q, Bosch…" '
        'aria-label="Search by name" autofocus> <button type="submit">Search</button></form>'
    )
    return intro + stats + search


def _home(ctx: ServerContext) -> Home:
    home = ctx.cache.get("home")
    return home if isinstance(home, Home) else Home()


def _series_section(ctx: ServerContext) -> str | None:
    home = _home(ctx)
    if not home.series:
        return None
    items = "".join(f"<li>{term(ctx, s, home.labels)}{esc(years)}</li>" for s, years in home.series)
    more = ""
    if home.more_series:
        query = "SELECT ?series ?name { ?series a bg:TVSeries ; schema:name ?name }"
        more = _more(home.more_series, False, query)
    return "<h2>The franchise's series</h2><ul class='series'>" + items + "</ul>" + more


def _classes_section(ctx: ServerContext) -> str | None:
    home = _home(ctx)
    if not home.classes:
        return None
    items = "".join(
        f"<li>{term(ctx, c, home.labels)} <span class='count'>{n}</span></li>"
        for c, n in home.classes
    )
    return f"<h2>What is in it</h2><ul class='classes'>{items}</ul>"


def _links_section(ctx: ServerContext) -> str:
    return (
        "<h2>Use it</h2><ul>"
        '<li><a href="/sparql">SPARQL query editor</a> (YASGUI, with the competency questions '
        "as example tabs); the endpoint is <code>"
        f"{esc(ctx.endpoint)}</code> (SPARQL 1.1 Protocol, read-only)</li>"
        '<li><a href="/.well-known/void">VoID + DCAT description</a> of the dataset</li>'
        '<li><a href="/dumps/">Data dumps</a> (TriG, N-Quads, Turtle, N-Triples, JSON-LD, '
        "RDF/XML)</li>"
        f"<li>Every IRI under <code>{esc(ctx.config.base_iri)}</code> dereferences here: "
        "HTML for browsers, Turtle, JSON-LD or N-Triples by <code>Accept</code></li></ul>"
    )


register_home_section("about", _about_section, 10)
register_home_section("series", _series_section, 20)
register_home_section("classes", _classes_section, 30)
register_home_section("links", _links_section, 90)


# --- search, dumps, errors -----------------------------------------------------------------------


def search_page(ctx: ServerContext, q: str, hits: list[SearchHit]) -> str:
    if not q:
        body = "<h1>Search</h1><p>Type a name in the box above.</p>"
        return page("Search", body)
    if not hits:
        body = f"<h1>Search: {esc(q)}</h1><p>No name matches.</p>"
        return page("Search", body)
    items = "".join(
        f"<li>{term(ctx, h.node, {h.node: h.label})}"
        + (f" <span class='muted'>({esc(h.matched)})</span>" if h.matched != h.label else "")
        + (f" <span class='types'>{esc(', '.join(h.types))}</span>" if h.types else "")
        + "</li>"
        for h in hits
    )
    body = f"<h1>Search: {esc(q)}</h1><ol class='hits'>{items}</ol>"
    return page(f"Search: {q}", body)


def search_json(ctx: ServerContext, hits: list[SearchHit]) -> str:
    return json.dumps(
        [
            {"iri": h.node.value, "label": h.label, "matched": h.matched, "types": list(h.types)}
            for h in hits
        ],
        ensure_ascii=False,
    )


def dumps_page(ctx: ServerContext, names: Iterable[tuple[str, str]]) -> str:
    items = "".join(
        f'<li><a href="{esc(href)}">{esc(href.rsplit("/", 1)[-1])}</a> <span class="muted">'
        f"{esc(label)}</span></li>"
        for href, label in names
    )
    body = (
        "<h1>Data dumps</h1><p>The whole dataset; quad formats keep the named graphs "
        "(asserted, inferred, one per claim), triple formats give their union.</p>"
        f"<ul>{items}</ul>"
    )
    return page("Dumps", body)


def document_page(title: str, text: str, alternates: Iterable[tuple[str, str]]) -> str:
    """An RDF document shown to a browser: its Turtle, with links to the other formats."""
    alts = list(alternates)
    links = " · ".join(f'<a href="{esc(h)}">{esc(mt)}</a>' for mt, h in alts)
    body = f"<h1>{esc(title)}</h1><p class='formats'>{links}</p><pre class='rdf'>{esc(text)}</pre>"
    return page(title, body, alternates=alts)


def not_found_page(ctx: ServerContext, iri: str | None, path: str) -> str:
    what = f"<code>{esc(iri)}</code>" if iri else f"<code>{esc(path)}</code>"
    body = (
        f"<h1>Not found</h1><p>Nothing is known about {what}.</p>"
        '<p>Try the <a href="/search">search</a> or the <a href="/">home page</a>.</p>'
    )
    return page("Not found", body)


def error_page(status: int, title: str, message: str) -> str:
    body = f"<h1>{status} {esc(title)}</h1><pre class='error'>{esc(message)}</pre>"
    return page(f"{status} {title}", body)


# --- query UI ------------------------------------------------------------------------------------


def ui_page(ctx: ServerContext, examples: list[Example]) -> str:
    """YASGUI, served from /static/vendor (no CDN), with the competency questions as tabs.

    The configuration travels as JSON in a non-executable script element (CSP: no inline JS).
    """
    config = {
        "endpoint": "/sparql",
        "examples": [
            {"slug": e.slug, "title": e.title, "query": e.query, "description": e.description}
            for e in examples
        ],
        "prefixes": dict(PREFIXES),
        "baseIri": ctx.config.base_iri,
    }
    data = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    body = (
        '<div id="yasgui"></div>'
        f'<script type="application/json" id="bgraph-config">{data}</script>'
        '<script src="/static/vendor/yasgui/yasgui.min.js"></script>'
        '<script src="/static/ui.js"></script>'
    )
    head_extra = '<link rel="stylesheet" href="/static/vendor/yasgui/yasgui.min.css">'
    html = page("SPARQL", body)
    return html.replace("</head>", head_extra + "\n</head>", 1)


def quote_path(path: str) -> str:
    return quote(path, safe="/:@-._~!$&'()*+,;=")
