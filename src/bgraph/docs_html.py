"""The ontology reference as one self-contained HTML page (inline CSS, no scripts, no CDN)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from .docs import DOC_PREFIXES, Constraint, OntologyDoc, Term
from .iris import curie
from .labels import local_name
from .namespaces import BG, WD

LinkFor = Callable[[str], str | None]

SECTIONS = (
    ("class", "Classes", "classes"),
    ("object property", "Object properties", "object-properties"),
    ("datatype property", "Datatype properties", "datatype-properties"),
    ("annotation property", "Annotation properties", "annotation-properties"),
    ("individual", "Named individuals", "individuals"),
)

CSS = """
:root { --ink:#111827; --muted:#6b7280; --line:#e5e7eb; --accent:#1d4ed8; --bg:#ffffff;
  --soft:#f8fafc; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.55 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
  color:var(--ink); background:var(--bg); }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
code, .iri { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size:.88em; }
.layout { display:grid; grid-template-columns: 17rem minmax(0, 1fr); max-width: 78rem;
  margin: 0 auto; }
nav.toc { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto;
  padding: 1.2rem 1rem; border-right: 1px solid var(--line); font-size: .9rem; }
nav.toc h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); margin: 1rem 0 .3rem; }
nav.toc ul { list-style: none; margin: 0; padding: 0; }
nav.toc li { margin: .1rem 0; }
main { padding: 1.2rem 2rem 4rem; min-width: 0; }
header.doc h1 { margin: .2rem 0; font-size: 2rem; }
header.doc .fr { color: var(--muted); font-size: 1.1rem; margin: 0 0 .8rem; }
dl.meta { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem 1rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
section.term { border: 1px solid var(--line); border-radius: 10px; padding: .9rem 1.1rem;
  margin: 1rem 0; background: var(--bg); scroll-margin-top: 1rem; }
section.term:target { border-color: var(--accent); box-shadow: 0 0 0 3px #dbeafe; }
section.term h3 { margin: 0; font-size: 1.25rem; }
section.term h3 .kind { font-size: .8rem; font-weight: normal; color: var(--muted);
  border: 1px solid var(--line); border-radius: 999px; padding: .05rem .5rem;
  margin-left: .4rem; vertical-align: middle; }
section.term .iri { color: var(--muted); display: block; margin: .15rem 0 .5rem;
  word-break: break-all; }
table.facts { border-collapse: collapse; width: 100%; margin-top: .4rem; table-layout: fixed; }
table.facts td, table.shacl td { overflow-wrap: anywhere; }
table.facts th { text-align: left; vertical-align: top; color: var(--muted); font-weight: normal;
  width: 12rem; padding: .25rem .8rem .25rem 0; border-top: 1px solid var(--line); }
table.facts td { padding: .25rem 0; border-top: 1px solid var(--line); }
.lang { display: inline-block; min-width: 1.8rem; font-size: .75rem; color: var(--muted);
  text-transform: uppercase; }
ul.inline { list-style: none; margin: 0; padding: 0; display: inline; }
ul.inline li { display: inline; } ul.inline li + li::before { content: ", "; }
table.shacl { border-collapse: collapse; width: 100%; font-size: .9rem; }
table.shacl th, table.shacl td { text-align: left; padding: .2rem .5rem;
  border-bottom: 1px solid var(--line); vertical-align: top; }
table.shacl th { color: var(--muted); font-weight: normal; }
.via { color: var(--muted); font-size: .85em; }
.hier ul { list-style: none; padding-left: 1.1rem; margin: .1rem 0;
  border-left: 1px dotted var(--line); }
.hier > ul { padding-left: 0; border: 0; }
footer { color: var(--muted); font-size: .85rem; margin-top: 3rem; }
@media (max-width: 900px) { .layout { display: block; } nav.toc { position: static;
  max-height: none; border-right: 0; border-bottom: 1px solid var(--line); } }
@media (max-width: 640px) { main { padding: .8rem .8rem 3rem; } table.facts th { width: 6.5rem; }
  table.shacl { display: block; overflow-x: auto; } nav.toc ul { display: none; } }
"""


def _link(iri: str) -> str:
    """A term reference: in-page anchor for bg: terms, the real page for schema.org/Wikidata."""
    text = escape(curie(iri, DOC_PREFIXES))
    if iri.startswith(str(BG)):
        return f'<a href="#{escape(iri[len(str(BG)) :])}"><code>{text}</code></a>'
    if iri.startswith(str(WD)):
        qid = iri[len(str(WD)) :]
        page = f"Property:{qid}" if qid.startswith("P") else qid
        return (
            f'<a href="https://www.wikidata.org/wiki/{escape(page)}" rel="external">'
            f"<code>{text}</code></a>"
        )
    if iri.startswith(("http://", "https://")):
        return f'<a href="{escape(iri, quote=True)}" rel="external"><code>{text}</code></a>'
    return f"<code>{text}</code>"


def _list(iris: list[str]) -> str:
    return '<ul class="inline">' + "".join(f"<li>{_link(i)}</li>" for i in iris) + "</ul>"


def _langs(values: dict[str, str]) -> str:
    order = sorted(values, key=lambda k: (k != "en", k != "fr", k))
    return "<br>".join(
        f'<span class="lang">{escape(k or "—")}</span> <span lang="{escape(k)}">'
        f"{escape(values[k])}</span>"
        for k in order
    )


def _constraints(items: list[Constraint]) -> str:
    rows = []
    for c in items:
        rules = "; ".join(f"{escape(r)} <code>{escape(v)}</code>" for r, v in c.rules) or "—"
        via = f' <span class="via">(via {escape(c.via)})</span>' if c.via else ""
        msg = f"<br><em>{escape(c.message)}</em>" if c.message else ""
        shape = escape(curie(c.shape, DOC_PREFIXES)) if c.shape.startswith("http") else "shape"
        rows.append(
            f'<tr><td><a href="#shape-{escape(local_name(c.shape))}"><code>{shape}</code></a>{via}'
            f"</td><td><code>{escape(c.path)}</code></td><td>{rules}{msg}</td></tr>"
        )
    return (
        '<table class="shacl"><thead><tr><th>shape</th><th>path</th><th>constraints</th></tr>'
        "</thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _term(t: Term, link_for: LinkFor) -> str:
    title = t.labels.get("en") or t.name
    rows: list[tuple[str, str]] = [("Labels", _langs(t.labels))]
    if t.comments:
        rows.append(("Definition", _langs(t.comments)))
    if t.types:
        rows.append(("Type", _list(t.types)))
    if t.supers:
        rows.append(("Subclass of" if t.kind == "class" else "Subproperty of", _list(t.supers)))
    if t.equivalents:
        rows.append(("Equivalent to", _list(t.equivalents)))
    if t.subs:
        rows.append(("Subclasses" if t.kind == "class" else "Subproperties", _list(t.subs)))
    if t.domain:
        rows.append(("Domain", _list(t.domain)))
    if t.range:
        rows.append(("Range", _list(t.range)))
    if t.inverse:
        rows.append(("Inverse of", _list(t.inverse)))
    if t.chain:
        rows.append(("Property chain", " ∘ ".join(_link(p) for p in t.chain)))
    if t.characteristics:
        rows.append(("Characteristics", escape(", ".join(t.characteristics))))
    if t.in_domain_of:
        rows.append(("Properties of it", _list(t.in_domain_of)))
    if t.in_range_of:
        rows.append(("Values of", _list(t.in_range_of)))
    rows.append(
        (
            "schema.org",
            "<br>".join(f"{escape(rel)} {_link(i)}" for rel, i in t.schema_org)
            or '<span class="via">no alignment</span>',
        )
    )
    rows.append(
        (
            "Wikidata",
            "<br>".join(f"{escape(rel)} {_link(i)}" for rel, i in t.wikidata)
            or '<span class="via">no mapping</span>',
        )
    )
    if t.constraints:
        rows.append(("SHACL constraints", _constraints(t.constraints)))
    if t.examples:
        noun = "instances" if t.kind == "class" else "statements"
        rows.append(
            (
                f"In the data ({t.uses} {noun})",
                '<ul class="inline">'
                + "".join(
                    f'<li><a href="{escape(link_for(iri) or iri, quote=True)}">'
                    f"{escape(lab)}</a></li>"
                    for iri, lab in t.examples
                )
                + "</ul>",
            )
        )
    body = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f'<section class="term {escape(t.kind.replace(" ", "-"))}" id="{escape(t.name)}">'
        f'<h3>{escape(title)}<span class="kind">{escape(t.kind)}</span></h3>'
        f'<code class="iri">{escape(t.iri)}</code>'
        f'<table class="facts">{body}</table></section>'
    )


def _hierarchy(doc: OntologyDoc) -> str:
    classes = {t.iri: t for t in doc.of_kind("class")}
    children: dict[str, list[str]] = {}
    roots = []
    for t in classes.values():
        parents = [s for s in t.supers if s in classes]
        if not parents:
            roots.append(t.iri)
        for p in parents:
            children.setdefault(p, []).append(t.iri)

    def tree(iris: list[str]) -> str:
        items = []
        for i in sorted(iris, key=lambda x: classes[x].name.casefold()):
            sub = tree(children[i]) if i in children else ""
            items.append(f"<li>{_link(i)}{sub}</li>")
        return "<ul>" + "".join(items) + "</ul>"

    return '<div class="hier">' + tree(roots) + "</div>"


def _shapes(doc: OntologyDoc) -> str:
    out = []
    for s in doc.shapes:
        comment = f"<p>{escape(s.comment)}</p>" if s.comment else ""
        targets = escape("; ".join(s.targets)) or "—"
        name = escape(curie(s.iri, DOC_PREFIXES)) if s.iri.startswith("http") else "shape"
        out.append(
            f'<section class="term shape" id="shape-{escape(local_name(s.iri))}">'
            f'<h3>{escape(s.label)}<span class="kind">SHACL node shape</span></h3>'
            f'<code class="iri">{name}</code>{comment}'
            f"<p><strong>Targets:</strong> {targets}</p>"
            + (_constraints(s.constraints) if s.constraints else "")
            + "</section>"
        )
    return "".join(out)


def render_html(
    doc: OntologyDoc,
    downloads: bool = True,
    base: str = "",
    link_for: LinkFor | None = None,
    site_header: str = "",
    head: str = "",
) -> str:
    """The whole reference page. ``base`` prefixes the download links (e.g. ``/ontology``);
    ``link_for`` maps an entity IRI to the link its examples get (default: the IRI);
    ``site_header`` and ``head`` (tags): the server's own header on the page it serves."""
    links_to: LinkFor = link_for or (lambda iri: iri)
    title = doc.titles.get("en") or "Ontology"
    prefix = escape(base.rstrip("/") + "/" if base else "")
    toc = []
    sections = []
    for kind, heading, anchor in SECTIONS:
        terms = doc.of_kind(kind)
        if not terms:
            continue
        toc.append(
            f'<h2><a href="#{anchor}">{escape(heading)}</a> ({len(terms)})</h2><ul>'
            + "".join(f'<li><a href="#{escape(t.name)}">{escape(t.name)}</a></li>' for t in terms)
            + "</ul>"
        )
        sections.append(
            f'<h2 id="{anchor}">{escape(heading)}</h2>' + "".join(_term(t, links_to) for t in terms)
        )
    if doc.shapes:
        toc.append(f'<h2><a href="#shapes">SHACL shapes</a> ({len(doc.shapes)})</h2>')
        sections.append('<h2 id="shapes">SHACL shapes</h2>' + _shapes(doc))
    meta = [("IRI", f"<code>{escape(doc.iri)}</code>")]
    if doc.version:
        v = escape(doc.version)
        if doc.version_iri:
            v += f" (<code>{escape(doc.version_iri)}</code>)"
        meta.append(("Version", v))
    if doc.license:
        meta.append(
            ("Licence", f'<a href="{escape(doc.license, quote=True)}">{escape(doc.license)}</a>')
        )
    if doc.creators:
        meta.append(("Creators", escape(", ".join(doc.creators))))
    if doc.created:
        meta.append(("Created", escape(doc.created)))
    if downloads:
        links = [
            f'<a href="{prefix}ontology.ttl">Turtle</a>',
            f'<a href="{prefix}ontology.jsonld">JSON-LD</a>',
        ]
        if doc.shapes:
            links.append(f'<a href="{prefix}shapes.ttl">SHACL shapes (Turtle)</a>')
        meta.append(("Download", " · ".join(links)))
    counts = ", ".join(
        f"{len(doc.of_kind(k))} {h.lower()}" for k, h, _a in SECTIONS if doc.of_kind(k)
    )
    meta.append(
        ("Contents", escape(counts) + (f", {len(doc.shapes)} SHACL shapes" if doc.shapes else ""))
    )
    prefixes = "".join(
        f"<tr><td><code>{escape(p)}:</code></td><td><code>{escape(ns)}</code></td></tr>"
        for p, ns in sorted(doc.prefixes.items())
    )
    fr = doc.titles.get("fr")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{escape(title)} — reference</title>"
        f'<link rel="alternate" type="text/turtle" href="{prefix}ontology.ttl">'
        f"<style>{CSS}</style>{head}</head><body>{site_header}"
        '<div class="layout"><nav class="toc" aria-label="Contents">'
        f'<strong><a href="#top">{escape(title)}</a></strong>'
        '<h2><a href="#overview">Overview</a></h2>'
        '<h2><a href="#hierarchy">Class hierarchy</a></h2>'
        '<h2><a href="#namespaces">Namespaces</a></h2>'
        + "".join(toc)
        + '</nav><main id="top"><header class="doc">'
        f"<h1>{escape(title)}</h1>"
        + (f'<p class="fr" lang="fr">{escape(fr)}</p>' if fr else "")
        + "</header>"
        + '<section id="overview">'
        + "".join(
            f'<p lang="{escape(lang)}">{escape(text)}</p>'
            for lang, text in sorted(doc.descriptions.items(), key=lambda kv: kv[0] != "en")
        )
        + '<dl class="meta">'
        + "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in meta)
        + "</dl></section>"
        + '<h2 id="hierarchy">Class hierarchy</h2>'
        + _hierarchy(doc)
        + '<h2 id="namespaces">Namespaces</h2><table class="shacl"><tbody>'
        + prefixes
        + "</tbody></table>"
        + "".join(sections)
        + "<footer>Generated by <code>bgraph docs</code> from the ontology"
        + (f" version {escape(doc.version)}" if doc.version else "")
        + " and its SHACL shapes.</footer></main></div></body></html>\n"
    )
