"""The explanation page (``/why?s=…&p=…&o=…``, issue 14): why a fact holds, as a readable tree
down to the asserted facts and the article quotes that state them.

The proof is read from the store's ``bgg:explanations`` graph with SPARQL
(:class:`bgraph.explain.Explainer`); this module only writes HTML. Entity pages link each
inferred fact here (``pages.why_link``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ..explain import Explainer, Proof, Source, Triple, short
from ..iris import curie
from .context import ServerContext

#: Sources shown per asserted fact (the rest are counted).
MAX_SOURCES = 3


def why_href(s: Any, p: Any, o: Any) -> str:
    """The explanation page of a triple (pyoxigraph terms or N-Triples strings)."""
    return "/why?" + urlencode({"s": str(s), "p": str(p), "o": str(o)})


def _esc(value: object) -> str:
    from .pages import esc

    return esc(value)


class WhyHtml:
    """A proof written as HTML, terms linked to their pages."""

    def __init__(self, ctx: ServerContext, explainer: Explainer) -> None:
        self.ctx = ctx
        self.e = explainer

    def term(self, t: str) -> str:
        label = self.e.label(t)
        if t.startswith("<"):
            iri = t[1:-1]
            return f'<a href="{_esc(self.ctx.href(iri))}" title="{_esc(iri)}">{_esc(label)}</a>'
        if t.startswith('"'):
            return f'<span class="literal">{_esc(label)}</span>'
        return f"<span>{_esc(t)}</span>"

    def fact(self, triple: Triple) -> str:
        s, p, o = triple
        if p == "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>":
            inner = f"{self.term(s)} is a {self.term(o)}"
        else:
            inner = f'{self.term(s)} <span class="why-prop">{self.term(p)}</span> {self.term(o)}'
        return f'<span class="why-fact">{inner}</span>'

    def source(self, src: Source) -> str:
        art = (
            f"article {src.article_number}"
            if src.article_number
            else curie(src.article, angle=True)
        )
        link = f'<a href="{_esc(self.ctx.href(src.claim))}">{_esc(art)}</a>'
        if src.derivation:
            return f"{link}, derived: {_esc(src.derivation)}"
        lang = f' lang="{_esc(src.lang)}"' if src.lang else ""
        quote = f': <span class="why-quote"{lang}>«{_esc(src.quote)}»</span>' if src.quote else ""
        return link + quote

    def sources(self, proof: Proof) -> str:
        shown = [self.source(s) for s in proof.sources[:MAX_SOURCES]]
        more = len(proof.sources) - len(shown)
        if more > 0:
            shown.append(f"and {more} more")
        if not shown:
            graphs = ", ".join(curie(g, angle=True) for g in proof.graphs)
            return f'<span class="muted">stated in {_esc(graphs)}</span>' if graphs else ""
        return "; ".join(shown)

    def summary(self, proof: Proof) -> str:
        """One sentence: "A because B (article 001: «…»), and X is a sub-property of Y"."""
        if proof.status == "asserted":
            first = proof.sources[:1]
            where = f" ({self.source(first[0])})" if first else ""
            return self.fact(proof.triple) + where
        because = " and ".join(self.summary(p) for p in proof.premises)
        reason = _esc(self.e.reason(proof))
        if not because:
            return f"{self.fact(proof.triple)} because {reason}"
        return f"{self.fact(proof.triple)} because {because}, and {reason}"

    def tree(self, proof: Proof) -> str:
        if proof.status == "asserted":
            return (
                f'<li class="asserted">{self.fact(proof.triple)} '
                f'<span class="badge asserted">asserted</span>'
                f'<div class="why-sources">{self.sources(proof)}</div></li>'
            )
        rule = (
            f'<span class="why-rule" title="OWL 2 RL rule">{_esc(proof.rule)}</span> '
            f'<span class="why-reason">{_esc(self.e.reason(proof))}</span>'
        )
        kids = "".join(self.tree(p) for p in proof.premises)
        children = f"<ul>{kids}</ul>" if kids else ""
        return (
            f'<li class="inferred">{self.fact(proof.triple)} '
            f'<span class="badge inferred">inferred</span>'
            f'<div class="why-because">because {rule}</div>{children}</li>'
        )


def why_page(ctx: ServerContext, explainer: Explainer, proof: Proof) -> str:
    from .pages import page

    w = WhyHtml(ctx, explainer)
    css = '<link rel="stylesheet" href="/static/why.css">'
    head = f'<h1>Why?</h1><p class="why-claim">{w.fact(proof.triple)}</p>'
    code = f'<p class="iri-line"><code>{_esc(short(proof.triple))}</code></p>'
    if proof.status == "absent":
        body = '<p class="why-none">This triple is neither stated in the data nor inferred.</p>'
    elif proof.status == "unexplained" and ctx.served.opened.info.reasoner == "remote":
        body = (
            '<p class="why-none">This triple is inferred, but the SPARQL endpoint this server '
            "fronts holds no explanations (<code>bgraph push</code> sends the facts and the "
            "inferences, not the graph <code>bgg:explanations</code>). "
            "<code>bgraph why</code> explains it from the files or the store you pushed.</p>"
        )
    elif proof.status == "unexplained":
        body = (
            '<p class="why-none">This triple is inferred, but this server publishes no '
            "explanations: they are made by default for inputs of up to 10,000 quads, and this "
            "one is bigger. Start the server with <code>bgraph serve --explain</code>, or serve "
            "a store built with <code>bgraph build --explain</code>; <code>bgraph why</code> "
            "explains it on the command line.</p>"
        )
    elif proof.status == "asserted":
        body = (
            '<p class="why-summary">This fact is stated in the data, not inferred.</p>'
            f'<ul class="why-tree">{w.tree(proof)}</ul>'
        )
    else:
        body = (
            f'<p class="why-summary">{w.summary(proof)}.</p>'
            f'<h2>Proof</h2><ul class="why-tree">{w.tree(proof)}</ul>'
            '<p class="muted">Each step applies one OWL 2 RL rule (W3C OWL 2 Profiles, 4.3) to '
            "an axiom of the ontology and the facts above it; the leaves are stated by the "
            "articles. The same data is in the named graph "
            '<code>bgg:explanations</code>: ask the <a href="/sparql">SPARQL endpoint</a>, '
            f"or run <code>bgraph why {_esc(short(proof.triple))}</code>.</p>"
        )
    return page("Why? " + explainer.sentence(proof.triple), css + head + code + body)
