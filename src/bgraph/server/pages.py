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
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode

from pyoxigraph import BlankNode, Literal, NamedNode

from .. import __version__, formats
from ..iris import BG, PREFIXES, SDO, XSD, XSD_STRING, curie
from ..labels import local_name
from .context import ServerContext
from .describe import Fact, ResourceView, SearchHit, Source
from .overview import Home
from .writers import term_text

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

#: The site header, on every page (the ontology reference served at /ontology included).
SITE_HEADER = """<header class="top">
  <a class="brand" href="/">bgraph</a>
  <nav>
    <a href="/sparql">SPARQL</a>
    <a href="/ontology">Ontology</a>
    <a href="/search">Search</a>
    <a href="/.well-known/void">VoID</a>
    <a href="/dumps/">Dumps</a>
  </nav>
  <form class="search" action="/search" method="get" role="search">
    <input type="search" name="q" placeholder="Search names…" aria-label="Search names">
  </form>
</header>"""
HEADER_CSS = '<link rel="stylesheet" href="/static/header.css">'


def header_style() -> str:
    """The header's stylesheet inline, for a page that may be served without /static (the
    ontology reference of :mod:`bgraph.visual.web`)."""
    from importlib import resources as importlib_resources

    css = importlib_resources.files("bgraph.server").joinpath("static/header.css")
    return f"<style>{css.read_text('utf-8')}</style>"


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
{HEADER_CSS}
{links}{head}
</head>
<body>
{SITE_HEADER}
<main>
{body}
</main>
<footer>bgraph {esc(__version__)} · data CC BY 4.0 · read-only SPARQL 1.1 endpoint at
<a href="/sparql"><code>/sparql</code></a></footer>
</body>
</html>
"""


# --- terms ---------------------------------------------------------------------------------------


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
        if node.direction:  # RDF 1.2's base direction, as HTML says it
            lang += f' dir="{esc(node.direction)}"'
        return f'<span class="literal"{lang}>{esc(node.value)}</span>{extra}'
    if isinstance(node, BlankNode):
        return f'<span class="bnode">_:{esc(node.value)}</span>'
    return f'<span class="triple">{esc(term_text(node))}</span>'  # an RDF 1.2 triple term


def status_badge(ctx: ServerContext, fact: Fact) -> str:
    """The fact's badge, "asserted" or "inferred"; an inferred one links to its explanation
    when the server has them."""
    if fact.asserted:
        also = " (and also inferred)" if fact.inferred else ""
        return f'<span class="badge asserted" title="stated in the data{also}">asserted</span>'
    badge = (
        '<span class="badge inferred" title="inferred by OWL 2 RL reasoning, '
        'not stated in the data">inferred</span>'
    )
    return why_link(ctx, fact, badge)


def why_link(ctx: ServerContext, fact: Fact, text: str) -> str:
    """``text`` linked to the explanation of an inferred fact (issue 14), when the server
    publishes explanations (else ``text``)."""
    if fact.asserted or not ctx.served.explained:
        return text
    from .why_page import why_href

    href = why_href(fact.subject, fact.predicate, fact.object)
    return (
        f'<a class="why-link" href="{esc(href)}" title="why is this true?">{text}'
        '<span class="why-q">why?</span></a>'
    )


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
    alternates = [(f.media_type, doc_path + f.suffix) for f in formats.DOCUMENT_FORMATS]
    kinds = _kinds(view)
    kind_line = (
        '<p class="kinds">' + " · ".join(f"<span>{esc(k)}</span>" for k in kinds) + "</p>"
        if kinds
        else ""
    )
    body = (
        f'<h1>{esc(view.label)}</h1>{kind_line}<p class="iri-line"><code>{esc(view.iri)}</code>'
        "</p>" + "".join(sections) + _markup(view)
    )
    return page(view.label, body, alternates=alternates)


def _markup(view: ResourceView) -> str:
    """The entity's schema.org JSON-LD as search engines read it: a data block, never run (the
    Content-Security-Policy's script-src governs scripts that run, not data blocks)."""
    if not view.jsonld:
        return ""
    data = view.jsonld.replace("</", "<\\/")
    return f'<script type="application/ld+json">{data}</script>'


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def prop_label(view: ResourceView, predicate: Any) -> str:
    """A property's label in one style, words in lower case: schema.org's ``countryOfOrigin``
    reads "country of origin", as bgraph's own label does."""
    text = view.labels.get(predicate) or local_name(getattr(predicate, "value", str(predicate)))
    if " " not in text and _CAMEL.search(text):
        text = _CAMEL.sub(" ", text).lower()
    return text


def _kinds(view: ResourceView) -> list[str]:
    """The labels of the entity's types, asserted ones (the most specific) first."""
    asserted = [f for f in view.types if f.asserted]
    chosen = asserted or view.types
    return list(dict.fromkeys(prop_label(view, f.object) for f in chosen))


def _types_section(ctx: ServerContext, view: ResourceView) -> str | None:
    if not view.types:
        return None
    items = "".join(
        f"<li>{term(ctx, f.object, view.labels)} {status_badge(ctx, f)}</li>" for f in view.types
    )
    return (
        f'<details class="types-all"><summary>Types ({len(view.types)}, with the inferred '
        f'ones)</summary><ul class="types">{items}</ul></details>'
    )


def _claim_section(ctx: ServerContext, view: ResourceView) -> str | None:
    if not view.claim_of:
        return None
    return "<h2>Claim</h2><p>A quote of a source article, and the facts it supports:</p>" + "".join(
        source_html(ctx, s) for s in view.claim_of
    )


# --- facts, grouped: one row per relation ------------------------------------------------------

#: Relations a reader looks for first, in this order (local names); the rest follow by label.
FIRST = (
    "name",
    "alternateName",
    "headline",
    "startDate",
    "endDate",
    "releaseDate",
    "datePublished",
    "birthDate",
    "numberOfEpisodes",
    "seasonNumber",
    "basedOn",
    "isBasedOn",
    "adaptedAs",
    "author",
    "spinOffOf",
    "hasSpinOff",
    "latestSpinOff",
    "availableOn",
    "release",
    "aggregateRating",
    "measureOf",
    "ratedWork",
    "reviewedWork",
    "itemReviewed",
    "hasSeason",
    "seasonOf",
    "partOfFranchise",
    "franchiseWork",
    "genre",
)
#: The Role pattern's relations: shown by the cast table, not again as rows.
_ROLE_NAMES = (
    "castMember hasCharacter hasPerformance performance plays appearsIn playedBy characterIn "
    "performer character inWork playedIn"
).split()
ROLE_RELATIONS = frozenset(BG + n for n in _ROLE_NAMES) | frozenset(
    SDO + n for n in ("actor", "character", "characterName")
)
DATE_TYPES = frozenset(XSD + t for t in ("date", "dateTime", "gYear", "gYearMonth"))
_NAME_PROPS = frozenset(SDO + n for n in ("name", "alternateName"))


@dataclass
class Group:
    """One relation of the entity, with all its values; ``also``: super-properties whose
    (inferred) values are these same ones, and ``echoes`` their facts."""

    predicate: Any
    label: str
    facts: list[Fact]
    also: list[Any]
    inverse: list[Any] = field(default_factory=list)  #: inverse relations it stands for
    echoes: list[Fact] = field(default_factory=list)  #: the facts of ``also``
    mirrored: list[Fact] = field(default_factory=list)  #: the facts of ``inverse``

    def echoes_of(self, f: Fact, incoming: bool) -> list[Fact]:
        """The ``also`` and ``inverse`` facts with ``f``'s value."""
        if incoming:
            return [e for e in self.echoes if e.subject == f.subject]
        same = [e for e in self.echoes if e.object == f.object]
        return same + [e for e in self.mirrored if e.subject == f.object]


def group_facts(view: ResourceView, facts: list[Fact], incoming: bool) -> list[Group]:
    """Facts grouped by relation, each relation once: a relation whose facts are all inferred
    and all repeat the values of its sub-properties' rows (``schema:actor`` beside
    ``bg:castMember``) is folded into those rows as "also"; relations shown by the cast table
    are left out. In reading order (:data:`FIRST`, then by label)."""
    by_p: dict[Any, list[Fact]] = {}
    for f in facts:
        if view.roles and f.predicate.value in ROLE_RELATIONS:
            continue
        by_p.setdefault(f.predicate, []).append(f)

    def other(f: Fact) -> Any:
        return f.subject if incoming else f.object

    also: dict[Any, list[Any]] = {}
    folded = set()
    for p, group in by_p.items():
        if any(f.asserted for f in group):
            continue
        subs = [q for q in by_p if q != p and q not in folded and p in view.supers.get(q, ())]
        values = {other(f) for q in subs for f in by_p[q]}
        if subs and all(other(f) in values for f in group):
            folded.add(p)
            for q in subs:
                also.setdefault(q, []).append(p)
    groups = [
        Group(
            p,
            prop_label(view, p),
            sorted(g, key=lambda f: _value_key(view, other(f))),
            also.get(p, []),
            echoes=[f for q in also.get(p, []) for f in by_p[q]],
        )
        for p, g in by_p.items()
        if p not in folded
    ]

    def order(g: Group) -> tuple[int, str]:
        name = local_name(g.predicate.value)
        return (FIRST.index(name) if name in FIRST else len(FIRST), g.label.casefold())

    return sorted(groups, key=order)


def _value_key(view: ResourceView, node: Any) -> tuple[str, str]:
    if isinstance(node, Literal):
        return (node.language or "", node.value)
    return ("", (view.labels.get(node) or local_name(getattr(node, "value", ""))).casefold())


def _value_html(
    ctx: ServerContext, view: ResourceView, f: Fact, incoming: bool, echoes: list[Fact]
) -> str:
    """One value of a relation, with its badge and sources; ``echoes``: the inferred facts of
    the row's "also" super-properties and "the other way" inverses with this same value, each
    linked to its explanation."""
    node = f.subject if incoming else f.object
    badge = "" if f.asserted else " " + status_badge(ctx, f)
    links = "".join(
        " " + why_link(ctx, e, f'<span class="echo">{esc(curie(e.predicate.value))}</span>')
        for e in echoes
    )
    return f"<li>{term(ctx, node, view.labels)}{badge}{links}{_sources_details(ctx, f)}</li>"


def _sources_details(ctx: ServerContext, f: Fact) -> str:
    """The fact's sources, folded: "1 source" opens to the article and its quote."""
    if not f.sources:
        return ""
    n = len(f.sources)
    label = f"{n} source{'s' if n != 1 else ''}"
    inner = "".join(source_html(ctx, s) for s in f.sources)
    return f'<details class="src"><summary>{label}</summary>{inner}</details>'


def _groups_html(
    ctx: ServerContext, view: ResourceView, groups: list[Group], incoming: bool
) -> str:
    rows = []
    for g in groups:
        also = ""
        if g.also:
            names = ", ".join(
                f'<a href="{esc(ctx.href(p.value))}" title="{esc(p.value)}">'
                f"{esc(curie(p.value))}</a>"
                for p in g.also
            )
            also = f'<span class="also">also: {names}</span>'
        if g.inverse:
            names = ", ".join(
                f'<a href="{esc(ctx.href(p.value))}" title="{esc(p.value)}">'
                f"{esc(curie(p.value))}</a>"
                for p in g.inverse
            )
            also += f'<span class="also inverse">the other way: {names}</span>'
        prop = (
            f'<a href="{esc(ctx.href(g.predicate.value))}" title="{esc(g.predicate.value)}">'
            f"{esc(g.label)}</a>"
        )
        values = "".join(
            _value_html(ctx, view, f, incoming, g.echoes_of(f, incoming)) for f in g.facts
        )
        rows.append(
            f'<div class="fact"><div class="prop">{prop}{also}</div>'
            f'<ul class="values">{values}</ul></div>'
        )
    return '<div class="facts">' + "".join(rows) + "</div>"


def _more(n: int, at_least: bool, query: str) -> str:
    if not n:
        return ""
    link = "/sparql?" + urlencode({"query": query})
    count = f"More than {n}" if at_least else f"{n}"
    return f'<p class="muted">{count} more: <a href="{esc(link)}">see them all with SPARQL</a>.</p>'


def _is_date(f: Fact) -> bool:
    return isinstance(f.object, Literal) and f.object.datatype.value in DATE_TYPES


def _glance_section(ctx: ServerContext, view: ResourceView) -> str | None:
    """Dates first: when it starts, ends, is released or published."""
    groups = group_facts(view, [f for f in view.outgoing if _is_date(f)], False)
    if not groups:
        return None
    items = "".join(
        f'<div><dt title="{esc(g.predicate.value)}">{esc(g.label)}</dt><dd>'
        + esc(", ".join(dict.fromkeys(f.object.value for f in g.facts)))
        + "</dd></div>"
        for g in groups
    )
    return f'<dl class="glance">{items}</dl>'


def _cast_section(ctx: ServerContext, view: ResourceView) -> str | None:
    """Performances (the Role pattern): for a work, its cast (actor and character); for an
    actor, the roles (work and character); for a character, who plays it where."""
    if not view.roles:
        return None
    iri = view.iri

    def link(node: Any | None) -> str:
        return _name_link(ctx, node, view.labels) if node is not None else ""

    def character(r: Any) -> str:
        if r.character is not None:
            return link(r.character)
        return f'<span class="literal">{esc(r.character_name)}</span>'

    def is_this(node: Any | None) -> bool:
        return node is not None and node.value == iri

    if any(is_this(r.work) for r in view.roles):
        title, head = "Cast", ("actor", "character")
        cells = [(link(r.performer), character(r)) for r in view.roles]
    elif any(is_this(r.performer) for r in view.roles):
        title, head = "Roles", ("work", "character")
        cells = [(link(r.work), character(r)) for r in view.roles]
    else:
        title, head = "Played by", ("actor", "work")
        cells = [(link(r.performer), link(r.work)) for r in view.roles]
    inferred = [
        (f.object if f.subject.value == iri else f.subject, f)
        for f in (*view.outgoing, *view.incoming)
        if not f.asserted and f.predicate.value in ROLE_RELATIONS
    ]
    rows = []
    for r, (first, second) in zip(view.roles, cells, strict=True):
        role = (
            f'<a class="muted" href="{esc(ctx.href(r.role.value))}" title="the performance">'
            "role</a>"
            if isinstance(r.role, NamedNode)
            else ""
        )
        # the direct links the performance implies (work schema:actor actor, …), explained
        ends = {n for n in (r.performer, r.character, r.work) if n is not None}
        links = [
            why_link(ctx, f, f'<span class="echo">{esc(curie(f.predicate.value))}</span>')
            for other, f in inferred
            if other in ends
        ]
        implied = (
            f'<details class="implied"><summary>{len(links)} inferred link'
            f"{'s' if len(links) != 1 else ''}</summary>" + "<br>".join(links) + "</details>"
            if links
            else ""
        )
        rows.append(f"<tr><td>{first}</td><td>{second}</td><td>{role}{implied}</td></tr>")
    heads = "".join(f"<th>{h}</th>" for h in head)
    return (
        f"<h2>{title}</h2><div class='scroll'><table class='cast'><thead><tr>{heads}<th></th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
    )


def inverse_echoes(view: ResourceView) -> tuple[set[Any], dict[Any, list[Any]]]:
    """Links to the entity that only restate its own facts the other way round, by inference
    (``L'Étoile du désert adaptedAs Ballard`` for ``Ballard basedOn L'Étoile du désert``): the
    incoming relations whose every fact is such an echo, and, per outgoing relation, the
    inverse relations it stands for (shown there as "also")."""
    outgoing: dict[Any, set[Any]] = {}
    for f in view.outgoing:
        outgoing.setdefault(f.predicate, set()).add(f.object)
    by_p: dict[Any, list[Fact]] = {}
    for f in view.incoming:
        by_p.setdefault(f.predicate, []).append(f)
    echoed: set[Any] = set()
    notes: dict[Any, list[Any]] = {}
    for p, facts in by_p.items():
        if any(f.asserted for f in facts):
            continue
        mirrors = [q for q in view.inverses.get(p, ()) if q in outgoing]
        if mirrors and all(any(f.subject in outgoing[q] for q in mirrors) for f in facts):
            echoed.add(p)
            for q in mirrors:
                notes.setdefault(q, []).append(p)
    return echoed, notes


def _outgoing_section(ctx: ServerContext, view: ResourceView) -> str | None:
    facts = [
        f
        for f in view.outgoing
        if not (f.predicate.value in _NAME_PROPS and f.object.value == view.label)
        and not _is_date(f)  # at the top of the page
    ]
    groups = group_facts(view, facts, False)
    if not groups:
        return None
    _echoed, notes = inverse_echoes(view)
    for g in groups:
        g.inverse = notes.get(g.predicate, [])
        g.mirrored = [f for f in view.incoming if f.predicate in g.inverse]
    query = f"SELECT ?p ?o WHERE {{ <{view.iri}> ?p ?o }}"
    more = _more(view.more_outgoing, view.at_least, query)
    return f"<h2>Facts</h2>{_groups_html(ctx, view, groups, False)}{more}"


def _incoming_section(ctx: ServerContext, view: ResourceView) -> str | None:
    echoed, _notes = inverse_echoes(view)
    incoming = [f for f in view.incoming if f.predicate not in echoed]
    groups = group_facts(view, incoming, True)
    if not groups:
        return None
    query = f"SELECT ?s ?p WHERE {{ ?s ?p <{view.iri}> }}"
    more = _more(view.more_incoming, view.at_least, query)
    return (
        f"<h2>Linked from</h2><p class='muted'>Entities whose facts point to {esc(view.label)}."
        f"</p>{_groups_html(ctx, view, groups, True)}{more}"
    )


def _sources_section(ctx: ServerContext, view: ResourceView) -> str | None:
    """The articles behind this page's facts, by title, with how many facts each supports."""
    counts: dict[Any, int] = {}
    for f in (*view.outgoing, *view.incoming, *view.types):
        for article in dict.fromkeys(s.article for s in f.sources):
            counts[article] = counts.get(article, 0) + 1
    if not counts:
        return None
    items = "".join(
        f"<li>{_name_link(ctx, a, view.labels)} <span class='count'>{n} fact{'s' if n != 1 else ''}"
        "</span></li>"
        for a, n in sorted(counts.items(), key=lambda an: view.labels.get(an[0], "").casefold())
    )
    return f"<h2>Sources</h2><ul class='sources'>{items}</ul>"


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
    for fmt in formats.DOCUMENT_FORMATS:
        params = urlencode({"iri": iri, "format": fmt.name})
        href = local + fmt.suffix if local else "/resource?" + params
        links.append(f'<a href="{esc(href)}" type="{esc(fmt.media_type)}">{esc(fmt.name)}</a>')
    query = f"DESCRIBE <{iri}>"
    ui = "/sparql?" + urlencode({"query": query})
    return (
        '<h2>This resource as data</h2><p class="formats">'
        + " · ".join(links)
        + f' · <a href="{esc(ui)}">query it</a></p>'
    )


register_resource_section("glance", _glance_section, 10)
register_resource_section("cast", _cast_section, 12)
register_resource_section("claim", _claim_section, 15)
register_resource_section("facts", _outgoing_section, 20)
register_resource_section("links", _incoming_section, 30)
register_resource_section("sources", _sources_section, 35)
register_resource_section("graph", _graph_section, 40)
register_resource_section("types", _types_section, 80)
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
    items = "".join(
        f"<li>{_name_link(ctx, s, home.labels)}{esc(years)}</li>" for s, years in home.series
    )
    more = ""
    if home.more_series:
        query = "SELECT ?series ?name { ?series a bg:TVSeries ; schema:name ?name }"
        more = _more(home.more_series, False, query)
    return "<h2>Series</h2><ul class='series'>" + items + "</ul>" + more


def _name_link(ctx: ServerContext, node: Any, labels: dict[Any, str]) -> str:
    """A link labelled with the node's name only (no CURIE beside it)."""
    name = labels.get(node) or local_name(node.value)
    return f'<a href="{esc(ctx.href(node.value))}" title="{esc(node.value)}">{esc(name)}</a>'


def _linked_items(
    ctx: ServerContext, rows: list[tuple[Any, list[Any]]], word: str, labels: dict[Any, str]
) -> str:
    """``<li>`` items: each entity linked, then "``word`` a, b" for the entities it comes with
    (a novel by its authors, a person as their characters)."""
    items = []
    for node, others in rows:
        extra = ""
        if others:
            linked = ", ".join(_name_link(ctx, o, labels) for o in others)
            extra = f" <span class='muted'>{word} {linked}</span>"
        items.append(f"<li>{_name_link(ctx, node, labels)}{extra}</li>")
    return "".join(items)


def _works_section(ctx: ServerContext) -> str | None:
    """The novels the series adapt, and the people: who plays whom."""
    home = _home(ctx)
    parts = []
    if home.novels:
        items = _linked_items(ctx, home.novels, "by", home.labels)
        parts.append(f"<h2>Novels</h2><ul class='novels'>{items}</ul>")
    if home.people:
        items = _linked_items(ctx, home.people, "as", home.labels)
        more = ""
        if home.more_people:
            query = "SELECT ?person ?name { ?person a schema:Person ; schema:name ?name }"
            more = _more(home.more_people, False, query)
        parts.append(f"<h2>People</h2><ul class='people'>{items}</ul>{more}")
    return "".join(parts) or None


def _classes_section(ctx: ServerContext) -> str | None:
    home = _home(ctx)
    if not home.classes:
        return None
    items = "".join(
        f"<li>{_name_link(ctx, c, {c: _capital(home.labels.get(c, ''))})} "
        f"<span class='count'>{n}</span></li>"
        for c, n in home.classes
    )
    return (
        "<h2>Browse by kind</h2><p class='muted'>Entities per class, as the data states them."
        f"</p><ul class='classes'>{items}</ul>"
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


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
register_home_section("series", _series_section, 11)
register_home_section("works", _works_section, 12)
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


def ui_page(ctx: ServerContext) -> str:
    """YASGUI, served from /static/vendor (no CDN), with the competency questions
    (:func:`bgraph.query.named_queries`) as tabs.

    The configuration travels as JSON in a non-executable script element (CSP: no inline JS).
    """
    from ..query import named_queries

    config = {
        "endpoint": "/sparql",
        "examples": [
            {"slug": q.name, "title": q.title, "query": q.text, "description": q.description}
            for q in named_queries()
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
