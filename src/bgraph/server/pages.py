"""HTML pages: home, resource, search, dumps, RDF documents, 404 and error pages, the query UI.

Every page is a Jinja2 template of ``bgraph/templates/server`` rendered with autoescape
(:mod:`bgraph.html`): a value is escaped unless it is HTML (:class:`~markupsafe.Markup`). This
module prepares the data the templates show (terms, facts grouped by relation, cast rows); the
fragments every page repeats are the macros of ``server/macros.html``.

Extension points (for features such as a diagram or an interactive graph):

- :func:`register_resource_section` adds a section to every resource page. A section is a
  function ``(ctx, view) -> Markup | str | None`` returning an HTML fragment (best made with
  :func:`bgraph.html.render`; a ``str`` is inserted as it is, so it must be HTML that bgraph
  made, never text from the data), or None to skip; ``order`` places it (glance 10, cast 12,
  claim 15, facts 20/30, sources 35, graph content 40, types 80, formats 90).
- :func:`register_home_section` does the same for the home page: ``(ctx) -> Markup | str |
  None`` (the home page's summary, :class:`.overview.Home`, is ``ctx.cache["home"]``).
- :func:`register_stylesheet` adds a stylesheet (its URL) to every page's ``<head>``.
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
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from pyoxigraph import BlankNode, Literal, NamedNode

from .. import __version__, formats
from ..html import markup, render
from ..iris import BG, PREFIXES, SDO, XSD, XSD_STRING, curie
from ..labels import local_name
from .context import ServerContext
from .describe import Fact, ResourceView, Role, SearchHit, Source
from .overview import Home
from .writers import term_text

if TYPE_CHECKING:
    from markupsafe import Markup

ResourceSection = Callable[[ServerContext, ResourceView], "Markup | str | None"]
HomeSection = Callable[[ServerContext], "Markup | str | None"]
Sections = list[tuple[str, "Markup"]]


@dataclass(frozen=True)
class _Registered:
    order: int
    name: str
    render: Callable[..., Markup | str | None]


_RESOURCE_SECTIONS: list[_Registered] = []
_HOME_SECTIONS: list[_Registered] = []
_STYLESHEETS: list[str] = []


def register_resource_section(name: str, render: ResourceSection, order: int = 50) -> None:
    """Add (or replace, by ``name``) a section of every resource page."""
    _register(_RESOURCE_SECTIONS, _Registered(order, name, render))


def register_home_section(name: str, render: HomeSection, order: int = 50) -> None:
    """Add (or replace, by ``name``) a section of the home page."""
    _register(_HOME_SECTIONS, _Registered(order, name, render))


def register_stylesheet(href: str) -> None:
    """Add a stylesheet (its URL) to every page's head."""
    if href not in _STYLESHEETS:
        _STYLESHEETS.append(href)


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


def _sections(registered: list[_Registered], *args: Any) -> Sections:
    """The registered sections that have something to show, as (name, HTML)."""
    shown = []
    for item in registered:
        html = item.render(*args)
        if html:
            shown.append((item.name, markup(html)))
    return shown


# --- page frame ----------------------------------------------------------------------------------


def site_header() -> Markup:
    """The site header, on every page (the ontology reference served at /ontology included)."""
    return render("server/site_header.html")


def header_style() -> Markup:
    """The header's stylesheet inline, for a page that may be served without /static (the
    ontology reference of :mod:`bgraph.visual.web`)."""
    from importlib import resources as importlib_resources

    css = importlib_resources.files("bgraph.server").joinpath("static/header.css")
    return render("server/header_style.html", css=markup(css.read_text("utf-8")))


def page(
    title: str,
    body: Markup,
    *,
    alternates: Iterable[tuple[str, str]] = (),
    stylesheets: Iterable[str] = (),
) -> str:
    """A complete page: head (title, css, alternates as (media type, href), the registered
    stylesheets, then this page's own), the site header, ``body`` (HTML), the footer."""
    _load_extensions()
    return str(
        render(
            "server/page.html",
            title=title,
            body=body,
            alternates=list(alternates),
            stylesheets=[*_STYLESHEETS, *stylesheets],
            version=__version__,
        )
    )


def _script_data(text: str) -> Markup:
    """JSON for a data block (``<script type="application/...">``), whose text is never
    escaped: only ``</`` would end it, and JSON may write it ``<\\/``."""
    return markup(text.replace("</", "<\\/"))


# --- terms, facts and their sources, as the templates show them ----------------------------------


@dataclass(frozen=True)
class Link:
    """A link to an IRI's page (macro ``name_link``): ``text`` its name, or its CURIE."""

    href: str
    iri: str
    text: str


@dataclass(frozen=True)
class Term:
    """A term as a page shows it (macro ``term``): ``kind`` "iri" (linked by its name, its CURIE
    beside), "literal" (with its language and direction, or its datatype's CURIE unless
    xsd:string), "bnode" or "triple" (an RDF 1.2 triple term, as text)."""

    kind: str
    text: str  #: the IRI's name, the literal's value, the blank node's id, the triple's text
    href: str = ""
    iri: str = ""
    curie: str = ""
    lang: str = ""
    direction: str = ""


@dataclass(frozen=True)
class Status:
    """A fact's badge (macro ``status_badge``); ``why``: its explanation's page, or ""."""

    asserted: bool
    inferred: bool
    why: str


@dataclass(frozen=True)
class Echo:
    """A fact of another relation with the same value (macro ``echo``): its property's CURIE,
    linked to the fact's explanation (``why``, or "")."""

    curie: str
    why: str


@dataclass(frozen=True)
class SourceItem:
    """A claim behind a fact (macro ``source``): the article (linked when it is an IRI), the
    claim and its quote."""

    article: str
    article_href: str
    claim_href: str
    quote: str
    quote_lang: str


@dataclass(frozen=True)
class More:
    """The line "``n`` more: see them all with SPARQL" (macro ``more``)."""

    n: int
    at_least: bool  #: there are more than ``n``
    href: str


def name_link(ctx: ServerContext, node: Any, labels: dict[Any, str]) -> Link:
    """A link labelled with the node's name (``labels``, else the IRI's last segment)."""
    return Link(ctx.href(node.value), node.value, labels.get(node) or local_name(node.value))


def curie_link(ctx: ServerContext, node: Any) -> Link:
    """A link labelled with the node's CURIE."""
    return Link(ctx.href(node.value), node.value, curie(node.value))


def term(ctx: ServerContext, node: Any, labels: dict[Any, str] | None = None) -> Term:
    """A term (Oxigraph's) as a page shows it: an IRI named by ``labels`` (else its last
    segment), a literal, a blank node or a triple term."""
    if isinstance(node, NamedNode):
        iri = node.value
        name = (labels or {}).get(node) or local_name(iri)
        return Term("iri", name, ctx.href(iri), iri, curie(iri))
    if isinstance(node, Literal):
        datatype = node.datatype.value
        shown = "" if node.language or datatype == XSD_STRING else curie(datatype)
        lang, direction = node.language or "", node.direction or ""
        return Term("literal", node.value, curie=shown, lang=lang, direction=direction)
    if isinstance(node, BlankNode):
        return Term("bnode", node.value)
    return Term("triple", term_text(node))


def _why(ctx: ServerContext, fact: Fact) -> str:
    """The page that explains an inferred fact (issue 14), when the server publishes
    explanations; else ""."""
    if fact.asserted or not ctx.served.explained:
        return ""
    from .why_page import why_href

    return why_href(fact.subject, fact.predicate, fact.object)


def status(ctx: ServerContext, fact: Fact) -> Status:
    """The fact's badge, as data."""
    return Status(fact.asserted, fact.inferred, _why(ctx, fact))


def echo(ctx: ServerContext, fact: Fact) -> Echo:
    """The fact by its property's CURIE, as data."""
    return Echo(curie(fact.predicate.value), _why(ctx, fact))


def source_item(ctx: ServerContext, src: Source) -> SourceItem:
    """The claim behind a fact, as data."""
    article = ctx.href(src.article.value) if isinstance(src.article, NamedNode) else ""
    claim = ctx.href(src.claim.value)
    return SourceItem(src.article_label, article, claim, src.quote, src.quote_lang or "")


def _more(n: int, at_least: bool, query: str) -> More | None:
    if not n:
        return None
    return More(n, at_least, "/sparql?" + urlencode({"query": query}))


# --- resource page -------------------------------------------------------------------------------


def resource_page(ctx: ServerContext, view: ResourceView, doc_path: str) -> str:
    _load_extensions()
    body = render(
        "server/resource.html",
        label=view.label,
        kinds=_kinds(view),
        iri=view.iri,
        items=_sections(_RESOURCE_SECTIONS, ctx, view),
        jsonld=_script_data(view.jsonld) if view.jsonld else "",
    )
    alternates = [(f.media_type, doc_path + f.suffix) for f in formats.DOCUMENT_FORMATS]
    return page(view.label, body, alternates=alternates)


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


def _types_section(ctx: ServerContext, view: ResourceView) -> Markup | None:
    if not view.types:
        return None
    types = [(term(ctx, f.object, view.labels), status(ctx, f)) for f in view.types]
    return render("server/types.html", types=types)


def _claim_section(ctx: ServerContext, view: ResourceView) -> Markup | None:
    if not view.claim_of:
        return None
    return render("server/claim.html", sources=[source_item(ctx, s) for s in view.claim_of])


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


@dataclass(frozen=True)
class Value:
    """One value of a relation: its term, its badge, the facts of the row's "also"
    super-properties and "the other way" inverses with this same value, its sources."""

    term: Term
    status: Status
    echoes: list[Echo]
    sources: list[SourceItem]


@dataclass(frozen=True)
class Row:
    """One relation of the entity (a :class:`Group`), as ``server/facts.html`` shows it."""

    prop: Link  #: labelled with the relation's label
    also: list[Link]  #: super-properties with these same values, by CURIE
    inverse: list[Link]  #: inverse relations it stands for, by CURIE
    values: list[Value]


def _value(
    ctx: ServerContext, view: ResourceView, f: Fact, echoes: list[Fact], incoming: bool
) -> Value:
    node = f.subject if incoming else f.object
    return Value(
        term(ctx, node, view.labels),
        status(ctx, f),
        [echo(ctx, e) for e in echoes],
        [source_item(ctx, s) for s in f.sources],
    )


def _row(ctx: ServerContext, view: ResourceView, g: Group, incoming: bool) -> Row:
    return Row(
        Link(ctx.href(g.predicate.value), g.predicate.value, g.label),
        [curie_link(ctx, p) for p in g.also],
        [curie_link(ctx, p) for p in g.inverse],
        [_value(ctx, view, f, g.echoes_of(f, incoming), incoming) for f in g.facts],
    )


def _facts_html(
    ctx: ServerContext, view: ResourceView, groups: list[Group], incoming: bool, rest: More | None
) -> Markup:
    rows = [_row(ctx, view, g, incoming) for g in groups]
    return render("server/facts.html", incoming=incoming, label=view.label, rows=rows, rest=rest)


def _is_date(f: Fact) -> bool:
    return isinstance(f.object, Literal) and f.object.datatype.value in DATE_TYPES


def _glance_section(ctx: ServerContext, view: ResourceView) -> Markup | None:
    """Dates first: when it starts, ends, is released or published."""
    groups = group_facts(view, [f for f in view.outgoing if _is_date(f)], False)
    if not groups:
        return None
    rows = [
        (g.predicate.value, g.label, ", ".join(dict.fromkeys(f.object.value for f in g.facts)))
        for g in groups
    ]
    return render("server/glance.html", rows=rows)


#: A cast table's cell: a link, a character's name (a character with no page), or nothing.
Cell = Link | str | None


@dataclass(frozen=True)
class CastRow:
    """A performance: its two cells, the performance's page (or ""), and the direct links it
    implies (work schema:actor actor, …), explained."""

    first: Cell
    second: Cell
    role: str
    implied: list[Echo]


def _cast_section(ctx: ServerContext, view: ResourceView) -> Markup | None:
    """Performances (the Role pattern): for a work, its cast (actor and character); for an
    actor, the roles (work and character); for a character, who plays it where."""
    if not view.roles:
        return None
    title, head, cells = _cast_columns(ctx, view)
    inferred = [
        (f.object if f.subject.value == view.iri else f.subject, f)
        for f in (*view.outgoing, *view.incoming)
        if not f.asserted and f.predicate.value in ROLE_RELATIONS
    ]
    rows = []
    for r, (first, second) in zip(view.roles, cells, strict=True):
        role = ctx.href(r.role.value) if isinstance(r.role, NamedNode) else ""
        ends = {n for n in (r.performer, r.character, r.work) if n is not None}
        implied = [echo(ctx, f) for other, f in inferred if other in ends]
        rows.append(CastRow(first, second, role, implied))
    return render("server/cast.html", title=title, head=head, rows=rows)


def _cast_columns(
    ctx: ServerContext, view: ResourceView
) -> tuple[str, tuple[str, str], list[tuple[Cell, Cell]]]:
    """The cast table's title, column heads and cells: the two ends of each performance other
    than the entity itself."""

    def link(node: Any | None) -> Link | None:
        return name_link(ctx, node, view.labels) if node is not None else None

    def character(r: Role) -> Link | str:
        return link(r.character) if r.character is not None else r.character_name

    def is_this(node: Any | None) -> bool:
        return node is not None and node.value == view.iri

    cells: list[tuple[Cell, Cell]]
    if any(is_this(r.work) for r in view.roles):
        title, head = "Cast", ("actor", "character")
        cells = [(link(r.performer), character(r)) for r in view.roles]
    elif any(is_this(r.performer) for r in view.roles):
        title, head = "Roles", ("work", "character")
        cells = [(link(r.work), character(r)) for r in view.roles]
    else:
        title, head = "Played by", ("actor", "work")
        cells = [(link(r.performer), link(r.work)) for r in view.roles]
    return title, head, cells


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


def _outgoing_section(ctx: ServerContext, view: ResourceView) -> Markup | None:
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
    rest = _more(view.more_outgoing, view.at_least, query)
    return _facts_html(ctx, view, groups, False, rest)


def _incoming_section(ctx: ServerContext, view: ResourceView) -> Markup | None:
    echoed, _notes = inverse_echoes(view)
    incoming = [f for f in view.incoming if f.predicate not in echoed]
    groups = group_facts(view, incoming, True)
    if not groups:
        return None
    query = f"SELECT ?s ?p WHERE {{ ?s ?p <{view.iri}> }}"
    rest = _more(view.more_incoming, view.at_least, query)
    return _facts_html(ctx, view, groups, True, rest)


def _sources_section(ctx: ServerContext, view: ResourceView) -> Markup | None:
    """The articles behind this page's facts, by title, with how many facts each supports."""
    counts: dict[Any, int] = {}
    for f in (*view.outgoing, *view.incoming, *view.types):
        for article in dict.fromkeys(s.article for s in f.sources):
            counts[article] = counts.get(article, 0) + 1
    if not counts:
        return None
    by_title = sorted(counts.items(), key=lambda an: view.labels.get(an[0], "").casefold())
    articles = [(name_link(ctx, a, view.labels), n) for a, n in by_title]
    return render("server/sources.html", articles=articles)


def _graph_section(ctx: ServerContext, view: ResourceView) -> Markup | None:
    if not view.graph_size:
        return None
    rows = [
        tuple(term(ctx, node, view.labels) for node in (f.subject, f.predicate, f.object))
        for f in view.graph_facts
    ]
    return render("server/graph.html", size=view.graph_size, rows=rows)


def _formats_section(ctx: ServerContext, view: ResourceView) -> Markup:
    iri = view.iri
    local = ctx.local_path(iri)
    links = []
    for fmt in formats.DOCUMENT_FORMATS:
        params = urlencode({"iri": iri, "format": fmt.name})
        href = local + fmt.suffix if local else "/resource?" + params
        links.append((href, fmt.media_type, fmt.name))
    query = "/sparql?" + urlencode({"query": f"DESCRIBE <{iri}>"})
    return render("server/formats.html", links=links, query=query)


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
    body = render("server/home.html", items=_sections(_HOME_SECTIONS, ctx))
    return page("Home", body)


def _about_section(ctx: ServerContext) -> Markup:
    served = ctx.served
    return render(
        "server/home_about.html",
        builtin=served.builtin,
        sources=served.sources,
        triples=served.triples,
        graphs=len(served.graph_sizes),
        inference=served.inference,
    )


def _home(ctx: ServerContext) -> Home:
    home = ctx.cache.get("home")
    return home if isinstance(home, Home) else Home()


def _series_section(ctx: ServerContext) -> Markup | None:
    home = _home(ctx)
    if not home.series:
        return None
    series = [(name_link(ctx, s, home.labels), years) for s, years in home.series]
    query = "SELECT ?series ?name { ?series a bg:TVSeries ; schema:name ?name }"
    rest = _more(home.more_series, False, query)
    return render("server/home_series.html", series=series, rest=rest)


def _linked(
    ctx: ServerContext, rows: list[tuple[Any, list[Any]]], labels: dict[Any, str]
) -> list[tuple[Link, list[Link]]]:
    """Each entity linked, with the entities it comes with (a novel's authors, a person's
    characters)."""
    return [
        (name_link(ctx, node, labels), [name_link(ctx, o, labels) for o in others])
        for node, others in rows
    ]


def _works_section(ctx: ServerContext) -> Markup | None:
    """The novels the series adapt, and the people: who plays whom."""
    home = _home(ctx)
    if not (home.novels or home.people):
        return None
    query = "SELECT ?person ?name { ?person a schema:Person ; schema:name ?name }"
    return render(
        "server/home_works.html",
        novels=_linked(ctx, home.novels, home.labels),
        people=_linked(ctx, home.people, home.labels),
        rest=_more(home.more_people, False, query),
    )


def _classes_section(ctx: ServerContext) -> Markup | None:
    home = _home(ctx)
    if not home.classes:
        return None
    classes = [
        (name_link(ctx, c, {c: _capital(home.labels.get(c, ""))}), n) for c, n in home.classes
    ]
    return render("server/home_classes.html", classes=classes)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _links_section(ctx: ServerContext) -> Markup:
    return render("server/home_links.html", endpoint=ctx.endpoint, base_iri=ctx.config.base_iri)


register_home_section("about", _about_section, 10)
register_home_section("series", _series_section, 11)
register_home_section("works", _works_section, 12)
register_home_section("classes", _classes_section, 30)
register_home_section("links", _links_section, 90)


# --- search, dumps, errors -----------------------------------------------------------------------


def search_page(ctx: ServerContext, q: str, hits: list[SearchHit]) -> str:
    shown = [
        (
            term(ctx, h.node, {h.node: h.label}),
            h.matched if h.matched != h.label else "",
            ", ".join(h.types),
        )
        for h in hits
    ]
    body = render("server/search.html", q=q, hits=shown)
    return page(f"Search: {q}" if q and hits else "Search", body)


def search_json(ctx: ServerContext, hits: list[SearchHit]) -> str:
    return json.dumps(
        [
            {"iri": h.node.value, "label": h.label, "matched": h.matched, "types": list(h.types)}
            for h in hits
        ],
        ensure_ascii=False,
    )


def dumps_page(ctx: ServerContext, names: Iterable[tuple[str, str]]) -> str:
    """The dumps' page: (href, what it holds) for each."""
    dumps = [(href, href.rsplit("/", 1)[-1], label) for href, label in names]
    return page("Dumps", render("server/dumps.html", dumps=dumps))


def document_page(title: str, text: str, alternates: Iterable[tuple[str, str]]) -> str:
    """An RDF document shown to a browser: its Turtle, with links to the other formats."""
    alts = list(alternates)
    body = render("server/document.html", title=title, text=text, alternates=alts)
    return page(title, body, alternates=alts)


def not_found_page(ctx: ServerContext, iri: str | None, path: str) -> str:
    return page("Not found", render("server/not_found.html", what=iri or path))


def error_page(status: int, title: str, message: str) -> str:
    body = render("server/error.html", status=status, title=title, message=message)
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
    data = _script_data(json.dumps(config, ensure_ascii=False))
    body = render("server/ui.html", config=data)
    return page("SPARQL", body, stylesheets=["/static/vendor/yasgui/yasgui.min.css"])
