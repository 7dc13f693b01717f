"""Why is this true? Proof trees of inferred triples, down to the asserted facts and the article
quotes that state them.

The fast reasoner records one derivation per inferred triple when asked
(:meth:`bgraph.fastreason.Engine.derivations`): an OWL 2 RL rule, the ontology axiom it applies
and its premises, each premise asserted or derived by an earlier derivation. This module
publishes them as RDF in the named graph ``bgg:explanations`` and reads proof trees back from
it with SPARQL, so that ``bgraph why``, the server's ``/why`` page and any SPARQL user see the
same data.

Vocabulary (``ontology/bgraph.ttl``; RDF reification, no RDF-star): a triple is a statement
node ``<…/statement/H>`` with ``rdf:subject``, ``rdf:predicate`` and ``rdf:object``, where ``H``
is a hash of its N-Triples line (the same triple is the same node wherever it is used); each
inferred triple has one ``bg:Inference`` node ``<…/inference/H>``::

    <…/inference/H> a bg:Inference ;
        bg:conclusion <…/statement/H> ;          # the inferred triple
        bg:rule "prp-spo1" ;                     # the OWL 2 RL rule
        bg:axiom <…/statement/A> ;               # the ontology triple it applies (if any)
        bg:antecedent <…/statement/P1> , … .     # its premises

A premise that is not itself a conclusion is asserted: its claims (``GRAPH ?claim``) give the
article and the quote. The graph is kept out of the default (union) graph and out of the
reasoner's input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .iris import (
    BASE,
    BG,
    CLOSURE_GRAPHS,
    EXPLANATIONS_GRAPH,
    PREFIXES,
    PROV,
    RDF,
    RDF_TYPE,
    SDO,
    UNION_GRAPH,
    curie,
)
from .labels import LABEL_IRIS, best_label

INFERENCE_NS = BASE + "inference/"
STATEMENT_NS = BASE + "statement/"

Triple = tuple[str, str, str]  #: N-Triples terms
Row = dict[str, str]  #: a SPARQL solution: variable -> N-Triples term
Select = Callable[[str], Iterable[Row]]

_T = {
    "type": f"<{RDF_TYPE}>",
    "subject": f"<{RDF}subject>",
    "predicate": f"<{RDF}predicate>",
    "object": f"<{RDF}object>",
    "Inference": f"<{BG}Inference>",
    "conclusion": f"<{BG}conclusion>",
    "rule": f"<{BG}rule>",
    "axiom": f"<{BG}axiom>",
    "antecedent": f"<{BG}antecedent>",
}


def line_of(triple: Triple) -> str:
    return f"{triple[0]} {triple[1]} {triple[2]} ."


def digest(line: str) -> str:
    """The hash naming a triple's statement and inference nodes (of its N-Triples line as
    Oxigraph writes it)."""
    return hashlib.blake2b(line.encode("utf-8"), digest_size=10).hexdigest()


def inference_iri(triple: Triple) -> str:
    return INFERENCE_NS + digest(line_of(triple))


def _node(namespace: str, kind: str, triple: Triple, h: str) -> str:
    """The statement or inference node of ``triple``: an IRI named by the hash of its
    N-Triples, or, when the triple has a blank node (a property chain's list), a blank node:
    the hash would name a blank node's label, which differs between two loads of one file."""
    if any(term.startswith("_:") for term in triple):
        return f"_:{kind}{h}"
    return f"<{namespace}{h}>"


# --- publishing: derivations -> N-Triples of bgg:explanations -----------------------------------


def explanation_chunks(derivations: Any, rows_per_chunk: int = 20_000) -> Iterator[str]:
    """The explanations graph as N-Triples text, in chunks (at 1M triples the whole text is
    about a gigabyte of Python strings: it is written as it is made).

    ``derivations``: a :class:`bgraph.fastreason.Derivations`; the published conclusions and
    the intermediate steps their premises need."""
    from .fastreason import RULES

    t = _T
    seen: set[str] = set()  # statement hashes already described
    terms = derivations.terms
    out: list[str] = []
    add = out.append

    def statement(triple: Triple) -> str:
        h = digest(line_of(triple))
        iri = _node(STATEMENT_NS, "s", triple, h)
        if h not in seen:
            seen.add(h)
            add(f"{iri} {t['subject']} {triple[0]} .\n")
            add(f"{iri} {t['predicate']} {triple[1]} .\n")
            add(f"{iri} {t['object']} {triple[2]} .\n")
        return iri

    n = 0
    for row in derivations.needed():
        conclusion = derivations.triple(derivations.concl_p[row], derivations.concl_k[row])
        node = _node(INFERENCE_NS, "i", conclusion, digest(line_of(conclusion)))
        add(f"{node} {t['type']} {t['Inference']} .\n")
        add(f"{node} {t['conclusion']} {statement(conclusion)} .\n")
        add(f'{node} {t["rule"]} "{RULES[derivations.rule[row]]}" .\n')
        a = derivations.axiom[row]
        if a >= 0:
            axiom = tuple(terms[x] for x in derivations.axioms[a])
            add(f"{node} {t['axiom']} {statement(axiom)} .\n")  # type: ignore[arg-type]
        for pp, kk in derivations.premises(row):
            add(f"{node} {t['antecedent']} {statement(derivations.triple(pp, kk))} .\n")
        n += 1
        if n % rows_per_chunk == 0:
            yield "".join(out)
            out.clear()
    if out:
        yield "".join(out)


# --- reading: proof trees ----------------------------------------------------------------------


@dataclass
class Source:
    """A claim that states an asserted triple: its article and quote."""

    claim: str  #: IRI
    article: str = ""  #: IRI
    file: str = ""  #: the article's file name in shared/articles
    quote: str = ""
    lang: str = ""
    derivation: str = ""  #: for a bg:DerivedClaim: how the value was derived

    @property
    def article_number(self) -> str:
        """ "001" for 001_eeb509711a76b266.txt."""
        return self.file.split("_", 1)[0] if self.file else ""

    def as_dict(self) -> dict[str, str]:
        d = {"claim": self.claim, "article": self.article, "file": self.file}
        d |= {"quote": self.quote, "lang": self.lang}
        if self.derivation:
            d["derivation"] = self.derivation
        return d


@dataclass
class Proof:
    """A triple and why it holds: ``status`` is ``inferred`` (``rule``, ``axiom`` and
    ``premises`` say how), ``asserted`` (``graphs`` and ``sources`` say where), ``axiom`` (an
    ontology triple) or ``absent``."""

    triple: Triple
    status: str
    rule: str = ""
    axiom: Proof | None = None
    premises: list[Proof] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    def walk(self) -> Iterator[Proof]:
        yield self
        if self.axiom is not None:
            yield self.axiom
        for p in self.premises:
            yield from p.walk()

    def leaves(self) -> list[Proof]:
        return [p for p in self.walk() if p.status != "inferred"]


class Explainer:
    """Proof trees read from a store's ``bgg:explanations`` graph through SPARQL SELECTs
    (``select``: query text -> rows of N-Triples terms), so the CLI (a store in this process)
    and the server (a query worker) share this code."""

    def __init__(self, select: Select, lang: str = "en") -> None:
        self.select = select
        self.lang = lang
        self.labels: dict[str, str] = {}

    # the status of a triple

    def graphs_of(self, triple: Triple) -> list[str]:
        """The named graphs that hold the triple (IRIs); ``""`` for the default graph alone."""
        s, p, o = triple
        if s.startswith("_:") or o.startswith("_:"):
            return []
        rows = list(self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {s} {p} {o} }} }}"))
        graphs = sorted(r["g"][1:-1] for r in rows if r.get("g", "").startswith("<"))
        graphs = [g for g in graphs if g != UNION_GRAPH]  # push's copy of the default graph
        if not graphs and list(self.select(f"SELECT * WHERE {{ {s} {p} {o} }} LIMIT 1")):
            return [""]
        return graphs

    def explain(self, triple: Triple) -> Proof:
        """The proof of ``triple``: its derivations down to the asserted triples, with their
        sources; a Proof whose status is ``asserted`` or ``absent`` when it is one of those,
        ``unexplained`` when it is inferred but the store has no explanation of it."""
        graphs = self.graphs_of(triple)
        asserted = [g for g in graphs if g not in CLOSURE_GRAPHS and g != EXPLANATIONS_GRAPH]
        if asserted:
            proof = Proof(triple, "asserted", graphs=asserted)
            self._add_sources([proof])
            self._label_all(proof)
            return proof
        if not graphs:
            return Proof(triple, "absent")
        proof = self._tree(triple)
        if proof is None:
            return Proof(triple, "unexplained", graphs=graphs)
        leaves = [p for p in proof.walk() if p.status == "asserted"]
        self._add_sources(leaves)
        self._label_all(proof)
        return proof

    def _tree(self, triple: Triple) -> Proof | None:
        root = inference_iri(triple)
        t = _T
        query = f"""SELECT ?c ?cs ?cp ?co ?rule ?a ?as ?ap ?ao ?x ?xs ?xp ?xo WHERE {{
  GRAPH <{EXPLANATIONS_GRAPH}> {{
    <{root}> ({t["antecedent"]}/^{t["conclusion"]})* ?d .
    ?d {t["conclusion"]} ?c ; {t["rule"]} ?rule .
    ?c {t["subject"]} ?cs ; {t["predicate"]} ?cp ; {t["object"]} ?co .
    OPTIONAL {{ ?d {t["axiom"]} ?a .
      ?a {t["subject"]} ?as ; {t["predicate"]} ?ap ; {t["object"]} ?ao }}
    OPTIONAL {{ ?d {t["antecedent"]} ?x .
      ?x {t["subject"]} ?xs ; {t["predicate"]} ?xp ; {t["object"]} ?xo }}
  }}
}}"""
        steps: dict[Triple, dict[str, Any]] = {}
        for r in self.select(query):
            c = (r["cs"], r["cp"], r["co"])
            step = steps.setdefault(c, {"rule": _plain(r["rule"]), "axiom": None, "premises": []})
            if "as" in r:
                step["axiom"] = (r["as"], r["ap"], r["ao"])
            if "xs" in r:
                x = (r["xs"], r["xp"], r["xo"])
                if x not in step["premises"]:
                    step["premises"].append(x)
        if triple not in steps:
            return None

        def build(t3: Triple, path: frozenset[Triple]) -> Proof:
            step = steps.get(t3)
            if step is None or t3 in path:  # asserted (not a conclusion); a cycle is a bug
                return Proof(t3, "asserted")
            ax = step["axiom"]
            premises = _in_chain_order(t3, step["premises"], step["rule"])
            return Proof(
                t3,
                "inferred",
                rule=step["rule"],
                axiom=Proof(ax, "axiom") if ax else None,
                premises=[build(x, path | {t3}) for x in premises],
            )

        return build(triple, frozenset())

    def _add_sources(self, proofs: list[Proof]) -> None:
        """The graphs and claims (article, quote) of asserted triples."""
        wanted = {p.triple: p for p in proofs if not (p.triple[0] + p.triple[2]).count("_:")}
        if not wanted:
            return
        values = " ".join(f"({s} {p} {o})" for s, p, o in wanted)
        query = f"""SELECT ?s ?p ?o ?g ?article ?file ?quote ?derivation WHERE {{
  VALUES (?s ?p ?o) {{ {values} }}
  GRAPH ?g {{ ?s ?p ?o }}
  OPTIONAL {{ ?g <{PROV}wasDerivedFrom> ?article .
    OPTIONAL {{ ?article <{SDO}identifier> ?file }} }}
  OPTIONAL {{ ?g <{BG}quote> ?quote }}
  OPTIONAL {{ ?g <{BG}derivation> ?derivation }}
}}"""
        found: dict[Triple, dict[str, Source]] = {}
        for r in self.select(query):
            t3 = (r["s"], r["p"], r["o"])
            g = r["g"][1:-1] if r.get("g", "").startswith("<") else ""
            proof = wanted.get(t3)
            if proof is None or not g or g in CLOSURE_GRAPHS:
                continue
            if g not in proof.graphs:
                proof.graphs.append(g)
            if "article" not in r:
                continue
            quote, lang = _literal(r.get("quote", ""))
            src = found.setdefault(t3, {}).setdefault(
                g,
                Source(
                    g,
                    r["article"][1:-1],
                    _plain(r.get("file", "")),
                    quote,
                    lang,
                    _literal(r.get("derivation", ""))[0],
                ),
            )
            if quote and src.quote != quote and src.lang != "fr" and lang == "fr":
                src.quote, src.lang = quote, lang
        for t3, proof in wanted.items():
            proof.graphs.sort()
            proof.sources = sorted(
                found.get(t3, {}).values(), key=lambda s: (s.file, s.quote, s.claim)
            )

    # labels and sentences

    def _label_all(self, proof: Proof) -> None:
        """The labels (:mod:`bgraph.labels`) of the proof's IRIs not labelled yet, read in one
        query; an IRI without one reads as its prefixed name."""
        iris = {x for p in proof.walk() for x in p.triple if x.startswith("<")}
        missing = sorted(iris - self.labels.keys())
        if not missing:
            return
        props = " ".join(f"<{p}>" for p in LABEL_IRIS)
        query = f"""SELECT ?x ?p ?l WHERE {{
  VALUES ?x {{ {" ".join(missing)} }} VALUES ?p {{ {props} }}
  ?x ?p ?l FILTER (isLiteral(?l))
}}"""
        found: dict[str, list[list[tuple[str, str]]]] = {
            i: [[] for _ in LABEL_IRIS] for i in missing
        }
        for r in self.select(query):
            found[r["x"]][LABEL_IRIS.index(r["p"][1:-1])].append(_literal(r["l"]))
        for iri in missing:
            text = best_label(found[iri].__getitem__, self.lang)
            self.labels[iri] = text if text is not None else curie(iri[1:-1], angle=True)

    def label(self, term: str) -> str:
        if term.startswith("<"):
            return self.labels.get(term) or curie(term[1:-1], angle=True)
        if term.startswith('"'):
            return _literal(term)[0]
        return term

    def sentence(self, triple: Triple) -> str:
        """A triple in words: "Ballard is a TV series", "Titus Welliver · cast member · Bosch"."""
        s, p, o = triple
        if p == _T["type"]:
            return f"{self.label(s)} is a {self.label(o)}"
        return f"{self.label(s)} · {self.label(p)} · {self.label(o)}"

    def reason(self, proof: Proof) -> str:
        """What the rule and its axiom say, in words ("cast member is a sub-property of
        actor")."""
        lab = self.label
        ax = proof.axiom.triple if proof.axiom else ("", "", "")
        rule = proof.rule
        if rule == "prp-spo2":
            chain = " / ".join(lab(x.triple[1]) for x in proof.premises)
            return f"{lab(ax[0])} is the chain {chain}"
        words = {
            "prp-spo1": f"{lab(ax[0])} is a sub-property of {lab(ax[2])}",
            "prp-eqp1": f"{lab(ax[0])} is equivalent to {lab(ax[2])}",
            "prp-eqp2": f"{lab(ax[0])} is equivalent to {lab(ax[2])}",
            "prp-inv1": f"{lab(ax[0])} is the inverse of {lab(ax[2])}",
            "prp-inv2": f"{lab(ax[0])} is the inverse of {lab(ax[2])}",
            "prp-symp": f"{lab(ax[0])} is symmetric",
            "prp-trp": f"{lab(ax[0])} is transitive",
            "prp-dom": f"the domain of {lab(ax[0])} is {lab(ax[2])}",
            "prp-rng": f"the range of {lab(ax[0])} is {lab(ax[2])}",
            "cax-sco": f"{lab(ax[0])} is a sub-class of {lab(ax[2])}",
            "cax-eqc1": f"{lab(ax[0])} is equivalent to {lab(ax[2])}",
            "cax-eqc2": f"{lab(ax[0])} is equivalent to {lab(ax[2])}",
            "scm-sco": "sub-class is transitive",
            "scm-spo": "sub-property is transitive",
            "scm-eqc1": f"{lab(ax[0])} is equivalent to {lab(ax[2])}",
            "scm-eqp1": f"{lab(ax[0])} is equivalent to {lab(ax[2])}",
            "scm-eqc2": "each is a sub-class of the other",
            "scm-eqp2": "each is a sub-property of the other",
        }
        return words.get(rule, rule)

    def source_words(self, src: Source) -> str:
        """(article 001: «Titus Welliver : Harry Bosch»)"""
        where = (
            f"article {src.article_number}"
            if src.article_number
            else curie(src.article, angle=True)
        )
        if src.derivation:
            return f"{where}, derived: {src.derivation}"
        return f"{where}: «{src.quote}»" if src.quote else where

    # output

    def as_dict(self, proof: Proof) -> dict[str, Any]:
        d: dict[str, Any] = {
            "triple": list(proof.triple),
            "text": self.sentence(proof.triple),
            "status": proof.status,
        }
        if proof.status == "inferred":
            d["rule"] = proof.rule
            d["because"] = self.reason(proof)
            if proof.axiom is not None:
                axiom = list(proof.axiom.triple)
                if proof.rule == "prp-spo2" and axiom[2].startswith("_:"):
                    # the chain's RDF list, written out (its blank node label means nothing)
                    axiom[2] = "( " + " ".join(x.triple[1] for x in proof.premises) + " )"
                d["axiom"] = axiom
            d["premises"] = [self.as_dict(p) for p in proof.premises]
        if proof.graphs:
            d["graphs"] = proof.graphs
        if proof.sources:
            d["sources"] = [s.as_dict() for s in proof.sources]
        return d

    def text(self, proof: Proof) -> list[str]:
        """The proof as an indented tree of lines (prefixed names, then words)."""
        lines: list[str] = []

        def show(p: Proof, lead: str, branch: str) -> None:
            head = f"{lead}{branch}{short(p.triple)}"
            if p.status == "inferred":
                lines.append(f"{head}   [{p.rule}: {self.reason(p)}]")
            else:
                lines.append(f"{head}   ({p.status})")
            child = lead + ("   " if branch in ("└─ ", "") else "│  ")
            if p.status == "asserted":
                info = [self.source_words(s) for s in p.sources] or [
                    "graph " + ", ".join(curie(g, angle=True) for g in p.graphs)
                ]
                for text in info:
                    lines.append(f"{child}  {text}")
            for i, q in enumerate(p.premises):
                show(q, child, "└─ " if i == len(p.premises) - 1 else "├─ ")

        show(proof, "", "")
        return lines


def _in_chain_order(conclusion: Triple, premises: list[Triple], rule: str) -> list[Triple]:
    """Premises of a chain (prp-spo2, prp-trp) from the conclusion's subject to its object;
    others sorted."""
    if rule not in ("prp-spo2", "prp-trp") or len(premises) < 2:
        return sorted(premises)
    ordered: list[Triple] = []
    left = list(premises)
    node = conclusion[0]
    while left:
        nxt = next((x for x in left if x[0] == node), None)
        if nxt is None:
            return ordered + sorted(left)
        ordered.append(nxt)
        left.remove(nxt)
        node = nxt[2]
    return ordered


def _plain(term: str) -> str:
    return _literal(term)[0] if term.startswith('"') else term


def _literal(term: str) -> tuple[str, str]:
    """(lexical value, language) of an N-Triples literal."""
    if not term:
        return "", ""
    from .fastreason import term_value

    lang = ""
    end = term.rfind('"')
    if end > 0 and term[end + 1 : end + 2] == "@":
        lang = term[end + 2 :]
    return term_value(term), lang


def short(triple: Triple) -> str:
    """A triple with prefixed names: ``id:ballard rdf:type schema:TVSeries``."""

    def one(term: str) -> str:
        if term.startswith("<"):
            return "a" if term == _T["type"] else curie(term[1:-1], angle=True)
        if term.startswith("( "):  # a list written out (see _readable_tbox)
            return "( " + " ".join(one(x) for x in term[2:-2].split()) + " )"
        return term

    return " ".join(one(t) for t in triple)


# --- parsing the command line's terms ------------------------------------------------------------


def parse_triple(s: str, p: str, o: str) -> Triple:
    """A triple of N-Triples terms from prefixed names (bgraph's prefixes), ``<IRI>``s, bare
    ``http(s)://`` IRIs, ``a`` and Turtle literals. Raises UsageError for anything else."""
    import pyoxigraph as ox

    from .errors import UsageError

    def term(text: str) -> str:
        text = text.strip()
        if text.startswith(("http://", "https://", "urn:")) and " " not in text:
            return f"<{text}>"
        return text

    head = "".join(f"@prefix {k}: <{v}> .\n" for k, v in PREFIXES.items())
    body = f"{term(s)} {term(p)} {term(o)} ."
    try:
        triples = list(ox.parse(head + body, ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        import re

        why = re.sub(r"^Parser error at line \d+ between columns \d+ and \d+: ", "", str(exc))
        why = re.sub(r" \(line \d+\)$", "", why)
        raise UsageError(
            f"not a triple: {s} {p} {o} ({why}); use prefixed names with bgraph's prefixes "
            f"({', '.join(PREFIXES)}), <IRI>s or literals"
        ) from None
    if len(triples) != 1:
        raise UsageError(f"not one triple: {s} {p} {o}")
    q = triples[0]
    return str(q.subject), str(q.predicate), str(q.object)


def store_select(store: Any) -> Select:
    """``select`` over a pyoxigraph store (this process)."""

    def select(query: str) -> Iterator[Row]:
        results = store.query(query)
        names = [v.value for v in results.variables]
        for sol in results:
            yield {n: str(sol[n]) for n in names if sol[n] is not None}

    return select


def rows_of_json(data: bytes) -> list[Row]:
    """Rows of a SPARQL JSON results document, as N-Triples terms."""
    import pyoxigraph as ox

    results = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    names = [v.value for v in results.variables]  # type: ignore[union-attr]
    return [
        {n: str(sol[n]) for n in names if sol[n] is not None}
        for sol in results  # type: ignore[union-attr]
    ]


# --- what an ontology change adds and removes (bgraph reason --diff) ---------------------------


@dataclass
class Change:
    """One inferred triple an ontology change adds or removes, with its derivation under the
    ontology that infers it (the new one for an added triple, the old one for a removed one)."""

    triple: Triple
    rule: str
    axiom: Triple | None
    premises: list[Triple]

    def as_dict(self) -> dict[str, Any]:
        return {
            "triple": list(self.triple),
            "rule": self.rule,
            "axiom": list(self.axiom) if self.axiom else None,
            "premises": [list(p) for p in self.premises],
        }


@dataclass
class OntologyDiff:
    """The closure of the same data under an old and a new ontology."""

    old_axioms: int
    new_axioms: int
    axioms_added: list[Triple]
    axioms_removed: list[Triple]
    old_inferred: int
    new_inferred: int
    added: list[Change]
    removed: list[Change]
    seconds: float = 0.0

    def by_axiom(self, changes: list[Change]) -> list[tuple[Triple | None, int]]:
        """How many changes each axiom is behind (most first)."""
        from collections import Counter

        counts = Counter(c.axiom for c in changes)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or ("",)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "ontology": {
                "old_triples": self.old_axioms,
                "new_triples": self.new_axioms,
                "added": [list(t) for t in self.axioms_added],
                "removed": [list(t) for t in self.axioms_removed],
            },
            "inferred": {"old": self.old_inferred, "new": self.new_inferred},
            "added": [c.as_dict() for c in self.added],
            "removed": [c.as_dict() for c in self.removed],
            "seconds": round(self.seconds, 3),
        }


def ontology_diff(old_tbox: bytes, new_tbox: bytes, abox: list[bytes]) -> OntologyDiff:
    """Close ``abox`` (N-Triples documents) under both ontologies (N-Triples) with the fast
    reasoner and compare: the inferred triples added and removed, each with its derivation.
    Raises :class:`bgraph.fastreason.Unsupported` when either ontology is beyond its profile."""
    import time

    from .fastreason import fast_closure_nt, nt_lines, split_line

    start = time.perf_counter()
    new = fast_closure_nt(new_tbox, abox, explain=True)
    old = fast_closure_nt(old_tbox, abox, explain=True)
    new_lines, old_lines = set(new.lines), set(old.lines)

    def changes(lines: set[str], result: Any) -> list[Change]:
        d = result.derivations
        out = []
        for line in sorted(lines):
            triple = split_line(line)
            row = d.row_of(*triple)
            if row is None:  # an ill-typed literal's diagnostic: no rule behind it
                out.append(Change(triple, "", None, []))
                continue
            rule, axiom, premises = d.explain(row)
            out.append(Change(triple, rule, axiom, premises))  # type: ignore[arg-type]
        return out

    old_ax = _readable_tbox([split_line(x) for x in nt_lines(old_tbox)])
    new_ax = _readable_tbox([split_line(x) for x in nt_lines(new_tbox)])
    added, removed = changes(new_lines - old_lines, new), changes(old_lines - new_lines, old)
    for cs, tbox in ((added, new_ax), (removed, old_ax)):
        for c in cs:
            if c.axiom and c.axiom[2].startswith("_:"):  # a chain's list, written out
                c.axiom = tbox.lists.get(c.axiom, c.axiom)
    return OntologyDiff(
        sum(1 for _ in nt_lines(old_tbox)),
        sum(1 for _ in nt_lines(new_tbox)),
        sorted(new_ax.triples - old_ax.triples),
        sorted(old_ax.triples - new_ax.triples),
        len(old_lines),
        len(new_lines),
        added,
        removed,
        time.perf_counter() - start,
    )


@dataclass
class _Tbox:
    triples: set[Triple]  #: with each RDF list written out, its own triples left out
    lists: dict[Triple, Triple]  #: (s, p, _:list) -> (s, p, "( a b )")


def _readable_tbox(triples: list[Triple]) -> _Tbox:
    """An ontology's triples comparable across files: blank node labels differ from one file
    to the next, so an RDF list (a property chain) is written out as ``( a b )``."""
    first = {s: o for s, p, o in triples if p == f"<{RDF}first>"}
    rest = {s: o for s, p, o in triples if p == f"<{RDF}rest>"}

    def written(node: str) -> str | None:
        items, seen = [], set()
        while node != f"<{RDF}nil>":
            if node in seen or node not in first:
                return None
            seen.add(node)
            items.append(first[node])
            node = rest.get(node, "")
        return "( " + " ".join(items) + " )"

    out: set[Triple] = set()
    lists: dict[Triple, Triple] = {}
    for t in triples:
        s, p, o = t
        if s in first or s in rest:
            continue
        if o.startswith("_:") and (w := written(o)) is not None:
            lists[t] = (s, p, w)
            t = (s, p, w)
        out.add(t)
    return _Tbox(out, lists)
