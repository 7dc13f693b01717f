"""The ontology reference as one self-contained HTML page (inline CSS, no scripts, no CDN).

The templates of ``templates/docs/`` write it from an :class:`~bgraph.docs.OntologyDoc`; this
module prepares what they cannot read from it directly: how a term reference is linked, the
order of the languages, the class hierarchy as a tree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .docs import DOC_PREFIXES, OntologyDoc, Term
from .html import render
from .iris import curie
from .labels import local_name
from .namespaces import BG, WD

if TYPE_CHECKING:
    from markupsafe import Markup

LinkFor = Callable[[str], str | None]

SECTIONS = (
    ("class", "Classes", "classes"),
    ("object property", "Object properties", "object-properties"),
    ("datatype property", "Datatype properties", "datatype-properties"),
    ("annotation property", "Annotation properties", "annotation-properties"),
    ("individual", "Named individuals", "individuals"),
)


class Ref(NamedTuple):
    """A reference to a term: its prefixed name, linked to ``href`` (None: not linked), an
    ``external`` page or an anchor of this one."""

    name: str
    href: str | None = None
    external: bool = False


class Section(NamedTuple):
    """The terms of one kind, under their heading and anchor."""

    heading: str
    anchor: str
    terms: list[Term]


@dataclass
class Branch:
    """A class of the hierarchy and its subclasses."""

    iri: str
    subs: list[Branch] = field(default_factory=list)


def ref(iri: str) -> Ref:
    """A term reference: the in-page anchor of a bg: term, the real page of a Wikidata entity
    or property and of any other http(s) IRI; none for another IRI."""
    name = curie(iri, DOC_PREFIXES)
    if iri.startswith(str(BG)):
        return Ref(name, "#" + iri[len(str(BG)) :])
    if iri.startswith(str(WD)):
        qid = iri[len(str(WD)) :]
        page = f"Property:{qid}" if qid.startswith("P") else qid
        return Ref(name, "https://www.wikidata.org/wiki/" + page, external=True)
    if iri.startswith(("http://", "https://")):
        return Ref(name, iri, external=True)
    return Ref(name)


def shape_anchor(iri: str) -> str:
    """The id of a SHACL node shape's section."""
    return "shape-" + local_name(iri)


def shape_name(iri: str) -> str:
    """A node shape's prefixed name; "shape" for a blank node."""
    return curie(iri, DOC_PREFIXES) if iri.startswith("http") else "shape"


def in_lang_order(values: dict[str, str]) -> list[tuple[str, str]]:
    """(language, text) of a label or definition: English, French, then the others."""
    return [(k, values[k]) for k in sorted(values, key=lambda k: (k != "en", k != "fr", k))]


def sections(doc: OntologyDoc) -> list[Section]:
    """The sections of the terms, in the order of :data:`SECTIONS`; none for a kind without
    terms."""
    found = [Section(heading, anchor, doc.of_kind(kind)) for kind, heading, anchor in SECTIONS]
    return [s for s in found if s.terms]


def class_tree(doc: OntologyDoc) -> list[Branch]:
    """The classes under their superclasses of the ontology (the roots have none), each level
    in the order of their names."""
    classes = {t.iri: t for t in doc.of_kind("class")}
    subs: dict[str, list[str]] = {}
    roots = []
    for t in classes.values():
        parents = [s for s in t.supers if s in classes]
        if not parents:
            roots.append(t.iri)
        for p in parents:
            subs.setdefault(p, []).append(t.iri)

    def branches(iris: list[str]) -> list[Branch]:
        ordered = sorted(iris, key=lambda i: classes[i].name.casefold())
        return [Branch(i, branches(subs.get(i, []))) for i in ordered]

    return branches(roots)


def contents(doc: OntologyDoc) -> str:
    """ "25 classes, 40 object properties, …, 12 SHACL shapes"."""
    counts = [f"{len(s.terms)} {s.heading.lower()}" for s in sections(doc)]
    if doc.shapes:
        counts.append(f"{len(doc.shapes)} SHACL shapes")
    return ", ".join(counts)


def render_html(
    doc: OntologyDoc,
    downloads: bool = True,
    base: str = "",
    link_for: LinkFor | None = None,
    site_header: Markup | None = None,
    head: Markup | None = None,
) -> str:
    """The whole reference page. ``base`` prefixes the download links (e.g. ``/ontology``);
    ``link_for`` maps an entity IRI to the link its examples get (default: the IRI);
    ``site_header`` and ``head`` (tags for the page's head): the server's own header on the page
    it serves, none on the file ``bgraph docs`` writes."""
    html = render(
        "docs/page.html",
        doc=doc,
        title=doc.titles.get("en") or "Ontology",
        descriptions=sorted(doc.descriptions.items(), key=lambda kv: kv[0] != "en"),
        sections=sections(doc),
        class_tree=class_tree(doc),
        contents=contents(doc),
        downloads=downloads,
        prefix=base.rstrip("/") + "/" if base else "",
        link_for=link_for or (lambda iri: iri),
        site_header=site_header,
        head=head,
        ref=ref,
        shape_anchor=shape_anchor,
        shape_name=shape_name,
        in_lang_order=in_lang_order,
    )
    return str(html)  # a page, to write or serve: plain text from here on
