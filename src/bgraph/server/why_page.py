"""The explanation page (``/why?s=…&p=…&o=…``, issue 14): why a fact holds, as a readable tree
down to the asserted facts and the article quotes that state them.

The proof is read from the store's ``bgg:explanations`` graph with SPARQL
(:class:`bgraph.explain.Explainer`); this module turns it into what the templates of
``templates/why/`` show (:class:`Step`, its facts and sources, in words and links). Entity pages
link each inferred fact here (the ``why_link`` macro of ``server/macros.html``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus

from ..explain import Explainer, Proof, Source, Triple, short
from ..html import render
from ..iris import curie
from .context import ServerContext

#: Sources shown per asserted fact (the rest are counted).
MAX_SOURCES = 3
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def why_href(s: Any, p: Any, o: Any) -> str:
    """The explanation page of a triple (pyoxigraph terms or N-Triples strings): the query string
    ``urlencode`` writes, each term quoted once per process (an entity page links a hundred
    facts of a few subjects and properties: quoting them took a quarter of its writing)."""
    return f"/why?s={_quoted(str(s))}&p={_quoted(str(p))}&o={_quoted(str(o))}"


def _quoted(text: str) -> str:
    return _quoted_short(text) if len(text) <= 1024 else quote_plus(text, safe="")


@lru_cache(maxsize=4096)  # terms of up to 1 KiB: 8 MiB at most
def _quoted_short(text: str) -> str:
    return quote_plus(text, safe="")


@dataclass(frozen=True)
class Term:
    """A term of a fact as the page shows it: an IRI links to its page (``href``, the IRI as
    the link's title), a literal is its text."""

    text: str
    iri: str = ""
    href: str = ""
    literal: bool = False


@dataclass(frozen=True)
class Fact:
    """A triple in words: "s is a o" when ``is_type``, else "s p o"."""

    s: Term
    p: Term
    o: Term
    is_type: bool


@dataclass(frozen=True)
class Quote:
    """A source of an asserted fact: its claim's page (``href``), named by its article, with the
    derivation of a derived claim or the quote (in ``lang``) that states it."""

    href: str
    article: str
    derivation: str
    quote: str
    lang: str


@dataclass
class Step:
    """A node of the proof tree: an asserted fact with its first sources (``more``: how many
    others; ``graphs``: where it is stated, when no source is known), or an inferred fact with
    the rule, the rule's reason in words and the premises."""

    fact: Fact
    asserted: bool
    sources: list[Quote] = field(default_factory=list)
    more: int = 0
    graphs: str = ""
    rule: str = ""
    reason: str = ""
    premises: list[Step] = field(default_factory=list)


class WhyView:
    """A proof's terms labelled by the explainer and linked to the server's pages."""

    def __init__(self, ctx: ServerContext, explainer: Explainer) -> None:
        self.ctx = ctx
        self.e = explainer

    def term(self, t: str) -> Term:
        if t.startswith("<"):
            iri = t[1:-1]
            return Term(self.e.label(t), iri=iri, href=self.ctx.href(iri))
        if t.startswith('"'):
            return Term(self.e.label(t), literal=True)
        return Term(t)

    def fact(self, triple: Triple) -> Fact:
        s, p, o = triple
        return Fact(self.term(s), self.term(p), self.term(o), is_type=p == RDF_TYPE)

    def quote(self, src: Source) -> Quote:
        art = (
            f"article {src.article_number}"
            if src.article_number
            else curie(src.article, angle=True)
        )
        return Quote(self.ctx.href(src.claim), art, src.derivation, src.quote, src.lang)

    def step(self, proof: Proof) -> Step:
        """The proof as the tree the page draws."""
        fact = self.fact(proof.triple)
        if proof.status == "asserted":
            shown = proof.sources[:MAX_SOURCES]
            return Step(
                fact,
                asserted=True,
                sources=[self.quote(s) for s in shown],
                more=len(proof.sources) - len(shown),
                graphs=", ".join(curie(g, angle=True) for g in proof.graphs),
            )
        return Step(
            fact,
            asserted=False,
            rule=proof.rule,
            reason=self.e.reason(proof),
            premises=[self.step(p) for p in proof.premises],
        )


def why_page(ctx: ServerContext, explainer: Explainer, proof: Proof) -> str:
    """The explanation page of ``proof`` (any status: asserted, inferred, unexplained, absent)."""
    from .pages import page

    view = WhyView(ctx, explainer)
    explained = proof.status not in ("absent", "unexplained")
    body = render(
        "why/page.html",
        status=proof.status,
        remote=ctx.served.opened.info.reasoner == "remote",
        claim=view.fact(proof.triple),
        triple=short(proof.triple),
        proof=view.step(proof) if explained else None,
    )
    return page("Why? " + explainer.sentence(proof.triple), body)
