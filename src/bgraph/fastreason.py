"""A fast OWL 2 RL reasoner whose cleaned inferences are exactly owlrl's, for bgraph's profile.

owlrl re-runs every rule over every triple until nothing changes; its cost grows faster than the
data. This module compiles the ontology (and any schema statements in the data) into rules
specialised to the axioms actually used, then runs them once, semi-naively, over integer-encoded
triples. Terms are read as their N-Triples text, as Oxigraph writes it (``Store.dump``), and
interned to integers: a string hashes far faster than a pyoxigraph term object, and the
inferences come out as N-Triples lines that Oxigraph's own parser loads (``Store.bulk_load``)
without a Python object per term:

* **property templates**: for each property ``p``, every (property, direction) a ``p`` statement
  implies through ``rdfs:subPropertyOf``, ``owl:equivalentProperty``, ``owl:inverseOf`` and
  ``owl:SymmetricProperty`` (rules prp-spo1, prp-eqp1/2, prp-inv1/2, prp-symp), closed at compile
  time, so one statement yields all of them at once;
* **joins** for ``owl:propertyChainAxiom`` (prp-spo2, chains of any length, folded into binary
  compositions) and ``owl:TransitiveProperty`` (prp-trp, a chain ``p o p``), run from a worklist
  of new statements only, with subject/object indexes kept just for the properties they use;
* **types** last: ``rdfs:domain``/``rdfs:range`` (prp-dom/rng) of every statement of the closure
  and asserted types, widened by the reflexive-transitive ``rdfs:subClassOf``/
  ``owl:equivalentClass`` closure (cax-sco, cax-eqc1/2, scm-dom1/2, scm-rng1/2); types never
  feed back into property rules in this profile, so one pass suffices;
* **schema**: the transitive ``rdfs:subClassOf``/``rdfs:subPropertyOf`` closure and the
  equivalences it implies (scm-sco, scm-eqc1/2, scm-spo, scm-eqp1/2);
* owlrl's diagnostics for literals that do not match their datatype (dt-not-type), which owlrl
  writes into its output as ``err:ErrorMessage`` nodes, are reproduced the same way.

The result is cleaned with the policy of :mod:`bgraph.reason` (the same rules, applied to term
ids). Input that uses OWL beyond this profile (``owl:sameAs``, restrictions, functional or
disjoint properties, class expressions, axioms about the RDF/OWL vocabulary itself...) raises
:class:`Unsupported`: :func:`bgraph.reason.compute_closure_nt` then falls back to owlrl, so the
answer is always owlrl's. ``tests/test_fastreason.py`` is the oracle: set equality with owlrl on
the Ballard graph, synthetic universes and crafted ontologies.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
ERR_NS = "http://www.daml.org/2002/03/agents/agent-ont#"
AXIOMATIC_NS = (RDF_NS, RDFS_NS, OWL_NS, XSD_NS)

TYPE = RDF_NS + "type"
FIRST, REST, NIL = RDF_NS + "first", RDF_NS + "rest", RDF_NS + "nil"
SUBCLASS, SUBPROP = RDFS_NS + "subClassOf", RDFS_NS + "subPropertyOf"
DOMAIN, RANGE = RDFS_NS + "domain", RDFS_NS + "range"
EQCLASS, EQPROP = OWL_NS + "equivalentClass", OWL_NS + "equivalentProperty"
INVERSE, CHAIN = OWL_NS + "inverseOf", OWL_NS + "propertyChainAxiom"
SYMMETRIC, TRANSITIVE = OWL_NS + "SymmetricProperty", OWL_NS + "TransitiveProperty"
SAME_AS = OWL_NS + "sameAs"
NOISE_TYPES = frozenset(
    (OWL_NS + "Thing", RDFS_NS + "Resource", OWL_NS + "NamedIndividual", OWL_NS + "Nothing")
)
TBOX_KEEP = frozenset((SUBCLASS, SUBPROP, EQCLASS, EQPROP))

#: Predicates of the RDF/RDFS/OWL vocabularies that this reasoner understands (or that have no
#: consequence under OWL 2 RL). Any other one means "use owlrl".
SUPPORTED_PREDICATES = frozenset(
    {
        TYPE,
        FIRST,
        REST,
        SUBCLASS,
        SUBPROP,
        DOMAIN,
        RANGE,
        EQCLASS,
        EQPROP,
        INVERSE,
        CHAIN,
        RDFS_NS + "label",
        RDFS_NS + "comment",
        RDFS_NS + "seeAlso",
        RDFS_NS + "isDefinedBy",
        OWL_NS + "versionIRI",
        OWL_NS + "versionInfo",
        OWL_NS + "priorVersion",
        OWL_NS + "backwardCompatibleWith",
        OWL_NS + "incompatibleWith",
        OWL_NS + "deprecated",
        OWL_NS + "imports",
    }
)
#: Classes of the RDF/RDFS/OWL vocabularies a resource may be typed with.
SUPPORTED_TYPES = frozenset(
    {
        OWL_NS + "Class",
        RDFS_NS + "Class",
        OWL_NS + "ObjectProperty",
        OWL_NS + "DatatypeProperty",
        OWL_NS + "AnnotationProperty",
        OWL_NS + "OntologyProperty",
        RDF_NS + "Property",
        OWL_NS + "Ontology",
        OWL_NS + "NamedIndividual",
        OWL_NS + "Thing",
        RDFS_NS + "Resource",
        RDFS_NS + "Datatype",
        RDFS_NS + "Literal",
        RDF_NS + "List",
        SYMMETRIC,
        TRANSITIVE,
    }
)
_SCHEMA_PREDICATES = (SUBCLASS, SUBPROP, DOMAIN, RANGE, EQCLASS, EQPROP, INVERSE, CHAIN)

IRI, BNODE, LITERAL = 0, 1, 2
Axiom = tuple[int, int, int]  #: an ontology triple, as term ids

#: OWL 2 RL rule names (W3C OWL 2 Profiles, 4.3), as derivations record them by index.
RULES = (
    "prp-spo1",
    "prp-eqp1",
    "prp-eqp2",
    "prp-inv1",
    "prp-inv2",
    "prp-symp",
    "prp-spo2",
    "prp-trp",
    "prp-dom",
    "prp-rng",
    "cax-sco",
    "cax-eqc1",
    "cax-eqc2",
    "scm-sco",
    "scm-eqc1",
    "scm-eqc2",
    "scm-spo",
    "scm-eqp1",
    "scm-eqp2",
    "chain-part",  # a prefix of a chain of 3+ properties: internal, folded into prp-spo2
)
R = {name: i for i, name in enumerate(RULES)}
_AXIOMATIC_TERMS = tuple("<" + ns for ns in AXIOMATIC_NS)
_SHIFT = 32
_MASK = (1 << _SHIFT) - 1


class Unsupported(Exception):
    """The input uses OWL beyond what this reasoner reproduces exactly; use owlrl."""


def nt_iri(iri: str) -> str:
    """An IRI as an N-Triples term (as Oxigraph writes it: no escapes)."""
    return f"<{iri}>"


def term_value(term: str) -> str:
    """What pyoxigraph's ``.value`` gives for a term written in N-Triples."""
    if term[:1] == "<":
        return term[1:-1]
    if term[:2] == "_:":
        return term[2:]
    return parse_lines([f"<x:s> <x:p> {term} ."])[0][2].value


def split_line(line: str) -> tuple[str, str, str]:
    """(subject, predicate, object) of one N-Triples line as Oxigraph writes it: single spaces
    between terms, `` .`` at the end (subjects and predicates hold no space; objects may)."""
    s, p, o = line.split(" ", 2)
    return s, p, o[:-2]


def literal_parts(term: str) -> tuple[str | None, str]:
    """(datatype IRI, lexical form) of an N-Triples typed literal; (None, "") for a simple or
    language-tagged one. Escaped lexical forms are read by Oxigraph's parser."""
    if not term.endswith(">"):  # simple or language-tagged
        return None, ""
    cut = term.rindex('"^^<')
    lexical = term[1:cut]
    if "\\" in lexical:
        import pyoxigraph as ox

        quad = next(iter(ox.parse(f"<x:s> <x:p> {term} .", ox.RdfFormat.N_TRIPLES)))
        lexical = quad.object.value
    return term[cut + 4 : -1], lexical


def nt_lines(data: bytes | str) -> Iterator[str]:
    """The lines of an N-Triples document (``\\n`` only: other line separators may sit raw in
    literals), blank lines and comments skipped."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    for line in text.split("\n"):
        if line and line[0] != "#":
            yield line


def parse_lines(lines: Iterable[str]) -> list[tuple[Any, Any, Any]]:
    """pyoxigraph triples of N-Triples lines (blank node labels kept)."""
    import pyoxigraph as ox

    text = "".join(line + "\n" for line in lines)
    return [(t.subject, t.predicate, t.object) for t in ox.parse(text, ox.RdfFormat.N_TRIPLES)]


@dataclass
class FastResult:
    """Cleaned inferences, as N-Triples lines (no end of line), and how long each phase took."""

    lines: list[str]
    errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    blank_nodes: bool = False  #: some inferred triple has a blank node
    #: inferred triples per property IRI, and rdf:type triples per class IRI
    stats: dict[str, dict[str, int]] = field(default_factory=dict)
    #: one derivation per inferred triple, when asked for (``explain``)
    derivations: Derivations | None = None


@dataclass
class Closed:
    """What :meth:`Engine.run` knows after closing, handed to :meth:`Engine.derivations`."""

    derivable: set[int]  #: the predicates rules add statements to
    asserted: dict[int, set[int]]  #: their asserted statements (keys ``s << 32 | o``)
    stated: dict[int, set[int]]  #: class -> the nodes stated to be of it
    terms: list[str]  #: id -> N-Triples term
    kinds: list[int]
    vocab: set[int]  #: ids of RDF/RDFS/OWL/XSD terms
    tbox_terms: set[int]  #: ids of the terms the ontology describes


class Derivations:
    """One derivation per derived triple: the rule (an index in :data:`RULES`), the axiom (an
    ontology triple, or none for the ``scm-*`` rules that join two schema statements) and the
    premises (triples that are asserted or derived by an earlier row: no row depends on a later
    one, so there is no cycle). Stored as columns of machine integers; a triple is
    ``(p, s << 32 | o)`` over the engine's term ids (``p < 0``: an internal chain prefix).

    Conclusions are what the closure derives, before cleaning: :attr:`published` marks the rows
    whose conclusion is one of the cleaned inferences; the others are intermediate steps."""

    def __init__(self, terms: list[str]) -> None:
        from array import array

        self.terms = terms
        self.rule = array("B")
        self.axiom = array("q")  #: index in :attr:`axioms`, -1 for none
        self.start = array("Q", [0])  #: premises of row i: prem_*[start[i]:start[i + 1]]
        self.prem_p = array("q")
        self.prem_k = array("Q")
        self.concl_p = array("q")
        self.concl_k = array("Q")
        self.published = array("B")
        self.axioms: list[Axiom] = []
        self._axiom_ids: dict[Axiom, int] = {}
        #: predicate -> key -> row
        self.index: dict[int, dict[int, int]] = defaultdict(dict)

    def __len__(self) -> int:
        return len(self.rule)

    def add(
        self, p: int, key: int, rule: int, axiom: Axiom | None, premises: Iterable[Pair]
    ) -> int:
        """Record the derivation of ``(p, key)``; its row number."""
        row = len(self.rule)
        self.rule.append(rule)
        if axiom is None:
            self.axiom.append(-1)
        else:
            a = self._axiom_ids.get(axiom)
            if a is None:
                a = self._axiom_ids[axiom] = len(self.axioms)
                self.axioms.append(axiom)
            self.axiom.append(a)
        for pp, kk in premises:
            self.prem_p.append(pp)
            self.prem_k.append(kk)
        self.start.append(len(self.prem_p))
        self.concl_p.append(p)
        self.concl_k.append(key)
        self.index[p][key] = row
        return row

    def premises(self, row: int) -> list[Pair]:
        lo, hi = self.start[row], self.start[row + 1]
        return list(zip(self.prem_p[lo:hi], self.prem_k[lo:hi], strict=True))

    def row_of(self, s: str, p: str, o: str) -> int | None:
        """The row deriving the triple of these N-Triples terms; None when not derived."""
        ids = self._ids
        si, pi, oi = ids.get(s), ids.get(p), ids.get(o)
        if si is None or pi is None or oi is None:
            return None
        return self.index.get(pi, {}).get(si << _SHIFT | oi)

    @cached_property
    def _ids(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.terms)}

    def triple(self, p: int, key: int) -> tuple[str, str, str]:
        """A triple's N-Triples terms."""
        t = self.terms
        return t[key >> _SHIFT], t[p], t[key & _MASK]

    def line(self, p: int, key: int) -> str:
        s, pt, o = self.triple(p, key)
        return f"{s} {pt} {o} ."

    def explain(self, row: int) -> tuple[str, tuple[str, str, str] | None, list[tuple[str, ...]]]:
        """(rule name, axiom triple or None, premise triples) of a row, as N-Triples terms."""
        a = self.axiom[row]
        t = self.terms
        axiom = None if a < 0 else tuple(t[x] for x in self.axioms[a])
        return RULES[self.rule[row]], axiom, [self.triple(pp, kk) for pp, kk in self.premises(row)]

    def needed(self) -> list[int]:
        """The rows of the published conclusions and every row their premises lead to, in row
        order (premises first)."""
        keep = bytearray(len(self.rule))
        stack = [i for i, flag in enumerate(self.published) if flag]
        index = self.index
        while stack:
            row = stack.pop()
            if keep[row]:
                continue
            keep[row] = 1
            for pp, kk in self.premises(row):
                r = index.get(pp, {}).get(kk)
                if r is not None and not keep[r]:
                    stack.append(r)
        return [i for i, flag in enumerate(keep) if flag]

    def nbytes(self) -> int:
        """Bytes held by the columns (the index dictionaries not counted)."""
        cols = (self.rule, self.axiom, self.start, self.prem_p, self.prem_k)
        cols += (self.concl_p, self.concl_k, self.published)
        return sum(c.itemsize * len(c) for c in cols)


Pair = tuple[int, int]  #: (predicate id, s << 32 | o)


class _Values:
    """The IRI of a term id (None for a blank node or literal), made when asked for."""

    def __init__(self, term_list: list[str], kinds: list[int]) -> None:
        self._terms = term_list
        self._kinds = kinds

    def __getitem__(self, i: int) -> str | None:
        return self._terms[i][1:-1] if self._kinds[i] == IRI else None


class _Schema:
    """The ontology compiled into rules over term ids."""

    def __init__(self) -> None:
        self.templates: dict[int, tuple[tuple[int, bool], ...]] = {}
        self.chains: list[tuple[int, int, int]] = []  # (first, second, result)
        self.first_of: dict[int, list[tuple[int, int]]] = defaultdict(list)  # p -> (second, result)
        self.second_of: dict[int, list[tuple[int, int]]] = defaultdict(list)  # p -> (first, result)
        self.dom_types: dict[int, frozenset[int]] = {}
        self.rng_types: dict[int, frozenset[int]] = {}
        self.superclasses: dict[int, frozenset[int]] = {}
        self.schema_out: set[tuple[int, int, int]] = set()
        # one rule application each, with its axiom (s, p, o ids), for derivations (explain)
        self.steps: dict[int, list[tuple[int, bool, int, Axiom]]] = defaultdict(list)
        self.chain_steps: list[tuple[list[int], int, int, Axiom]] = []  # items, result, rule
        self.dom_steps: dict[int, list[tuple[int, Axiom]]] = defaultdict(list)  # p -> (C, ax)
        self.rng_steps: dict[int, list[tuple[int, Axiom]]] = defaultdict(list)
        self.class_steps: dict[int, list[tuple[int, int, Axiom]]] = defaultdict(list)
        self.prop_steps: dict[int, list[tuple[int, int, Axiom]]] = defaultdict(list)


class Engine:
    """Encode triples, compile the schema they contain, close, and decode the cleaned result.

    Terms are N-Triples strings (see :func:`split_line`), interned to integer ids."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.facts: dict[int, set[int]] = defaultdict(set)  # predicate -> {s << 32 | o}

    # -- input --------------------------------------------------------------------------------

    def add_nt(self, data: bytes | str) -> None:
        """Add an N-Triples document as Oxigraph writes it (``Store.dump``, ``ox.serialize``)."""
        ids = self.ids
        facts = self.facts
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        for line in text.split("\n"):
            if not line or line[0] == "#":
                continue
            s, p, o = line.split(" ", 2)
            o = o[:-2]
            si = ids.get(s)
            if si is None:
                si = ids[s] = len(ids)
            pi = ids.get(p)
            if pi is None:
                pi = ids[p] = len(ids)
            oi = ids.get(o)
            if oi is None:
                oi = ids[o] = len(ids)
            facts[pi].add(si << _SHIFT | oi)
        if len(ids) > _MASK:
            raise Unsupported("more than 4 billion distinct terms")

    def _id(self, iri: str) -> int:
        """The id of a vocabulary IRI (minted if the data never uses it)."""
        term = nt_iri(iri)
        i = self.ids.get(term)
        if i is None:
            i = self.ids[term] = len(self.ids)
        return i

    # -- compile ------------------------------------------------------------------------------

    def _pairs(self, pred: str) -> Iterator[tuple[int, int]]:
        for key in self.facts.get(self._id(pred), ()):
            yield key >> _SHIFT, key & _MASK

    def compile(self, kinds: list[int], values: _Values) -> _Schema:
        def is_vocab(i: int) -> bool:
            v = values[i]
            return v is not None and kinds[i] == IRI and v.startswith(AXIOMATIC_NS)

        # 1. refuse what owlrl would treat beyond this profile
        type_id = self._id(TYPE)
        for p in self.facts:
            v = values[p]
            if kinds[p] != IRI:
                raise Unsupported("a predicate that is not an IRI")
            if v is not None and v.startswith(AXIOMATIC_NS) and v not in SUPPORTED_PREDICATES:
                raise Unsupported(f"the data uses <{v}>")
        type_classes = {key & _MASK for key in self.facts.get(type_id, ())}
        for o in type_classes:
            v = values[o]
            if is_vocab(o) and v not in SUPPORTED_TYPES:
                raise Unsupported(f"a resource is typed <{v}>")

        # 2. property axioms
        prop_edges: dict[int, set[tuple[int, bool]]] = defaultdict(set)  # p -> {(q, flipped)}
        spo_edges: dict[int, set[int]] = defaultdict(set)  # for the schema output
        for pred in (SUBPROP, EQPROP, INVERSE, CHAIN, DOMAIN, RANGE):
            for a, b in self._pairs(pred):
                if kinds[a] != IRI or (pred not in (CHAIN,) and kinds[b] != IRI):
                    raise Unsupported(f"a blank node in a <{pred}> axiom")
                if is_vocab(a) or (pred in (SUBPROP, EQPROP, INVERSE) and is_vocab(b)):
                    raise Unsupported(f"a <{pred}> axiom about the RDF/OWL vocabulary")
        schema = _Schema()
        steps, prop_steps = schema.steps, schema.prop_steps
        spo, eqp, inv = self._id(SUBPROP), self._id(EQPROP), self._id(INVERSE)
        for a, b in self._pairs(SUBPROP):
            prop_edges[a].add((b, False))
            spo_edges[a].add(b)
            steps[a].append((b, False, R["prp-spo1"], (a, spo, b)))
            prop_steps[a].append((b, R["scm-spo"], (a, spo, b)))
        for a, b in self._pairs(EQPROP):
            prop_edges[a].add((b, False))
            prop_edges[b].add((a, False))
            spo_edges[a].add(b)
            spo_edges[b].add(a)
            steps[a].append((b, False, R["prp-eqp1"], (a, eqp, b)))
            steps[b].append((a, False, R["prp-eqp2"], (a, eqp, b)))
            prop_steps[a].append((b, R["scm-eqp1"], (a, eqp, b)))
            prop_steps[b].append((a, R["scm-eqp1"], (a, eqp, b)))
        for a, b in self._pairs(INVERSE):
            prop_edges[a].add((b, True))
            prop_edges[b].add((a, True))
            steps[a].append((b, True, R["prp-inv1"], (a, inv, b)))
            steps[b].append((a, True, R["prp-inv2"], (a, inv, b)))
        sym = self._id(SYMMETRIC)
        trans = self._id(TRANSITIVE)
        chains: list[tuple[list[int], int]] = []
        for key in self.facts.get(type_id, ()):
            s, o = key >> _SHIFT, key & _MASK
            if o == sym:
                if kinds[s] != IRI or is_vocab(s):
                    raise Unsupported("a symmetric property that is not a plain IRI")
                prop_edges[s].add((s, True))
                steps[s].append((s, True, R["prp-symp"], (s, type_id, o)))
            elif o == trans:
                if kinds[s] != IRI or is_vocab(s):
                    raise Unsupported("a transitive property that is not a plain IRI")
                chains.append(([s, s], s))
                schema.chain_steps.append(([s, s], s, R["prp-trp"], (s, type_id, o)))
        first = dict(self._pairs(FIRST))
        rest = dict(self._pairs(REST))
        nil = self._id(NIL)
        for q, head in self._pairs(CHAIN):
            items = []
            node = head
            seen = set()
            while node != nil:
                if node in seen or node not in first or node not in rest:
                    raise Unsupported("a property chain that is not a well-formed list")
                seen.add(node)
                items.append(first[node])
                node = rest[node]
            for p in items:
                if kinds[p] != IRI or is_vocab(p):
                    raise Unsupported("a property chain over a property expression")
            if len(items) == 1:
                prop_edges[items[0]].add((q, False))  # a chain of one is a sub-property
                steps[items[0]].append((q, False, R["prp-spo2"], (q, self._id(CHAIN), head)))
            elif items:
                chains.append((items, q))
                axiom = (q, self._id(CHAIN), head)
                schema.chain_steps.append((items, q, R["prp-spo2"], axiom))

        # n-ary chains fold into binary compositions through virtual properties (negative ids)
        virtual = 0
        for items, q in chains:
            left = items[0]
            for k, p in enumerate(items[1:], 1):
                if k == len(items) - 1:
                    target = q
                else:
                    virtual -= 1
                    target = virtual
                schema.chains.append((left, p, target))
                left = target
        for first_p, second_p, result in schema.chains:
            schema.first_of[first_p].append((second_p, result))
            schema.second_of[second_p].append((first_p, result))

        # templates: every (property, flipped) reachable from (p, False), itself excluded
        props = (
            set(prop_edges)
            | {q for es in prop_edges.values() for q, _ in es}
            | {x for c in schema.chains for x in c}
        )
        for p in props:
            seen_nodes = {(p, False)}
            stack = [(p, False)]
            while stack:
                q, f = stack.pop()
                for r, flip in prop_edges.get(q, ()):
                    node = (r, f ^ flip)
                    if node not in seen_nodes:
                        seen_nodes.add(node)
                        stack.append(node)
            seen_nodes.discard((p, False))
            if seen_nodes:
                schema.templates[p] = tuple(sorted(seen_nodes))

        # 3. classes
        sc_edges: dict[int, set[int]] = defaultdict(set)
        class_steps = schema.class_steps
        for pred in (SUBCLASS, EQCLASS):
            pred_id = self._id(pred)
            for a, b in self._pairs(pred):
                if kinds[a] != IRI or kinds[b] != IRI:
                    raise Unsupported(f"a class expression (blank node) in a <{pred}> axiom")
                if is_vocab(a) or (pred == EQCLASS and is_vocab(b)):
                    raise Unsupported(f"a <{pred}> axiom about the RDF/OWL vocabulary")
                sc_edges[a].add(b)
                if pred == EQCLASS:
                    sc_edges[b].add(a)
                    class_steps[a].append((b, R["cax-eqc1"], (a, pred_id, b)))
                    class_steps[b].append((a, R["cax-eqc2"], (a, pred_id, b)))
                else:
                    class_steps[a].append((b, R["cax-sco"], (a, pred_id, b)))

        def reach(start: int, edges: dict[int, set[int]]) -> frozenset[int]:
            seen_c = {start}
            stack_c = [start]
            while stack_c:
                for nxt in edges.get(stack_c.pop(), ()):
                    if nxt not in seen_c:
                        seen_c.add(nxt)
                        stack_c.append(nxt)
            return frozenset(seen_c)

        def supers(c: int) -> frozenset[int]:
            got = schema.superclasses.get(c)
            if got is None:
                got = schema.superclasses[c] = reach(c, sc_edges)
            return got

        doms: dict[int, set[int]] = defaultdict(set)
        rngs: dict[int, set[int]] = defaultdict(set)
        dom_id, rng_id = self._id(DOMAIN), self._id(RANGE)
        for p, c in self._pairs(DOMAIN):
            doms[p].update(supers(c))
            schema.dom_steps[p].append((c, (p, dom_id, c)))
        for p, c in self._pairs(RANGE):
            rngs[p].update(supers(c))
            schema.rng_steps[p].append((c, (p, rng_id, c)))
        schema.dom_types = {p: frozenset(cs) for p, cs in doms.items()}
        schema.rng_types = {p: frozenset(cs) for p, cs in rngs.items()}
        for c in type_classes:
            supers(c)

        # 4. schema output: transitive sub-class/property and the equivalences they imply
        sco, eqc = self._id(SUBCLASS), self._id(EQCLASS)
        spo, eqp = self._id(SUBPROP), self._id(EQPROP)
        for edges, sub, eq in ((sc_edges, sco, eqc), (spo_edges, spo, eqp)):
            closure = {c: reach(c, edges) for c in list(edges)}
            for a, ups in closure.items():
                for b in ups:
                    if a == b:
                        continue
                    schema.schema_out.add((a, sub, b))
                    if a in closure.get(b, ()):
                        schema.schema_out.add((a, eq, b))
        return schema

    # -- close --------------------------------------------------------------------------------

    def close(self, schema: _Schema) -> None:
        """Run the property rules to a fixpoint (in place, on ``self.facts``)."""
        facts = self.facts
        templates = schema.templates
        first_of, second_of = schema.first_of, schema.second_of
        chain_props = set(first_of) | set(second_of)
        by_s: dict[int, dict[int, list[int]]] = {p: defaultdict(list) for p in second_of}
        by_o: dict[int, dict[int, list[int]]] = {p: defaultdict(list) for p in first_of}
        for p in chain_props:
            for key in facts.get(p, ()):
                s, o = key >> _SHIFT, key & _MASK
                if p in by_s:
                    by_s[p][s].append(o)
                if p in by_o:
                    by_o[p][o].append(s)

        work: list[tuple[int, int, int]] = []

        def derive(p: int, s: int, o: int) -> None:
            """(s p o) is new: index it, join it, queue its consequences."""
            if p in by_s:
                by_s[p][s].append(o)
            if p in by_o:
                by_o[p][o].append(s)
            for second, result in first_of.get(p, ()):
                for z in by_s[second].get(o, ()):
                    work.append((result, s, z))
            for first_p, result in second_of.get(p, ()):
                for x in by_o[first_p].get(s, ()):
                    work.append((result, x, o))

        # asserted statements: expand templates, and join those chains use
        for p in list(facts):
            tmpl = templates.get(p)
            pairs = list(facts[p]) if (tmpl or p in chain_props) else ()
            if not pairs:
                continue
            if p in chain_props:
                for key in pairs:
                    s, o = key >> _SHIFT, key & _MASK
                    for second, result in first_of.get(p, ()):
                        for z in by_s[second].get(o, ()):
                            work.append((result, s, z))
            if tmpl:
                self._expand(p, pairs, tmpl, derive, chain_props)
            while work:
                self._drain(work, derive, chain_props)

        while work:
            self._drain(work, derive, chain_props)

    def _expand(
        self,
        p: int,
        pairs: Iterable[int],
        tmpl: tuple[tuple[int, bool], ...],
        derive: Callable[[int, int, int], None],
        chain_props: set[int],
    ) -> None:
        facts = self.facts
        for q, flipped in tmpl:
            target = facts[q]
            add = target.add
            joins = q in chain_props
            if flipped:
                for key in pairs:
                    s, o = key >> _SHIFT, key & _MASK
                    new = o << _SHIFT | s
                    if new not in target:
                        add(new)
                        if joins:
                            derive(q, o, s)
            else:
                for key in pairs:
                    if key not in target:
                        add(key)
                        if joins:
                            derive(q, key >> _SHIFT, key & _MASK)

    def _drain(
        self,
        work: list[tuple[int, int, int]],
        derive: Callable[[int, int, int], None],
        chain_props: set[int],
    ) -> None:
        facts = self.facts
        templates = self._schema.templates
        while work:
            p, s, o = work.pop()
            key = s << _SHIFT | o
            target = facts[p]
            if key in target:
                continue
            target.add(key)
            derive(p, s, o)
            tmpl = templates.get(p)
            if tmpl:
                for q, flipped in tmpl:
                    k2 = (o << _SHIFT | s) if flipped else key
                    t2 = facts[q]
                    if k2 not in t2:
                        t2.add(k2)
                        if q in chain_props:
                            if flipped:
                                derive(q, o, s)
                            else:
                                derive(q, s, o)

    # -- the whole run ------------------------------------------------------------------------

    def run(self, terms_of_tbox: Iterable[str], explain: bool = False) -> FastResult:
        """Close and clean; ``terms_of_tbox``: the N-Triples IRIs the ontology describes.

        With ``explain``, also record one derivation per inferred triple
        (:attr:`FastResult.derivations`, see :meth:`derivations`): a second pass, after the
        closure, so the default path does no bookkeeping at all."""
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        for iri in (
            *_SCHEMA_PREDICATES,
            TYPE,
            FIRST,
            REST,
            NIL,
            SYMMETRIC,
            TRANSITIVE,
            *NOISE_TYPES,
        ):
            self._id(iri)  # mint the vocabulary first: kinds and values cover every id
        term_list = list(self.ids)
        # an RDF 1.2 triple term (<<( s p o )>>) is read as a literal is: an object only, never
        # a subject, opaque to the rules (RDF 1.2 Semantics: its parts entail nothing)
        kinds = [
            (LITERAL if x[1] == "<" else IRI) if x[0] == "<" else BNODE if x[0] == "_" else LITERAL
            for x in term_list
        ]
        values = _Values(term_list, kinds)
        self._schema = schema = self.compile(kinds, values)
        # the predicates the rules can add statements to (never an RDF/OWL one, never rdf:type:
        # compile refuses axioms that would); their asserted statements, before closing in place
        derivable = {q for tmpl in schema.templates.values() for q, _ in tmpl}
        derivable.update(result for _f, _s, result in schema.chains)
        asserted = {p: set(self.facts[p]) for p in derivable if p in self.facts}
        timings["compile"] = time.perf_counter() - t0

        t1 = time.perf_counter()
        self.close(schema)
        timings["properties"] = time.perf_counter() - t1

        t2 = time.perf_counter()
        type_id = self._id(TYPE)
        stated, by_class = self._types(schema, kinds, type_id)
        timings["types"] = time.perf_counter() - t2

        t3 = time.perf_counter()
        terms_ids = {self.ids[t] for t in terms_of_tbox if t in self.ids}
        vocab_ids = {i for i, x in enumerate(term_list) if x.startswith(_AXIOMATIC_TERMS)}
        lines: list[str] = []
        counts: dict[str, int] = {}
        classes: dict[str, int] = {}
        blank_statements = self._clean_statements(
            derivable, asserted, kinds, term_list, vocab_ids, terms_ids, lines, counts
        )
        bnodes = {i for i, k in enumerate(kinds) if k == BNODE} if BNODE in kinds else set()
        blank_types = self._clean_types(
            by_class,
            stated,
            type_id,
            term_list,
            vocab_ids,
            terms_ids,
            bnodes,
            lines,
            counts,
            classes,
        )
        self._clean_schema(schema, asserted, kinds, term_list, vocab_ids, lines, counts)
        blank = blank_statements or blank_types  # (schema statements are between IRIs)
        errors = self._datatype_errors(term_list, kinds)
        if errors:
            blank = True
            lines.extend(error_lines(errors))
            counts[TYPE] = counts.get(TYPE, 0) + len(errors)
            counts[ERR_NS + "error"] = len(errors)
            classes[ERR_NS + "ErrorMessage"] = len(errors)
        timings["clean"] = time.perf_counter() - t3
        derivations = None
        if explain:
            t4 = time.perf_counter()
            closed = Closed(derivable, asserted, stated, term_list, kinds, vocab_ids, terms_ids)
            derivations = self.derivations(closed)
            timings["explain"] = time.perf_counter() - t4
        result = FastResult(
            lines,
            errors,
            timings,
            blank,
            {"properties": counts, "classes": classes},
        )
        result.derivations = derivations
        return result

    # -- derivations (only when asked for) -----------------------------------------------------

    def derivations(self, closed: Closed) -> Derivations:
        """One derivation per triple of the closure that is not asserted, each made of single
        OWL 2 RL rule applications (the engine's templates jump several axioms at once: this
        pass takes them one at a time). Run after :meth:`close`: it walks forward from the
        asserted triples, so every premise is asserted or derived by an earlier row."""
        d = Derivations(closed.terms)
        self._derive_properties(d, closed)
        self._derive_types(d, closed)
        self._derive_schema(d, closed)
        self._mark_published(d, closed)
        return d

    def _asserted_of(self, p: int, closed: Closed) -> set[int] | frozenset[int]:
        if p < 0:
            return frozenset()
        if p in closed.derivable:
            return closed.asserted.get(p, frozenset())
        return self.facts.get(p, frozenset())  # never derived into: the asserted statements

    def _derive_properties(self, d: Derivations, closed: Closed) -> None:
        schema = self._schema
        steps = schema.steps
        first_of: dict[int, list[tuple[int, int, int, Axiom | None]]] = defaultdict(list)
        second_of: dict[int, list[tuple[int, int, int, Axiom | None]]] = defaultdict(list)
        part = R["chain-part"]
        virtual = 0
        terms = closed.terms
        chains = sorted(schema.chain_steps, key=lambda c: (terms[c[1]], [terms[i] for i in c[0]]))
        for items, q, rule, axiom in chains:  # folded as compile folds them
            left = items[0]
            for k, p in enumerate(items[1:], 1):
                last = k == len(items) - 1
                if not last:
                    virtual -= 1
                target = q if last else virtual
                step = (target, rule if last else part, axiom if last else None)
                first_of[left].append((p, *step))
                second_of[p].append((left, *step))
                left = target
        by_s: dict[int, dict[int, list[int]]] = {p: defaultdict(list) for p in second_of}
        by_o: dict[int, dict[int, list[int]]] = {p: defaultdict(list) for p in first_of}
        index = d.index
        asserted_of = self._asserted_of
        work: list[Pair] = []
        for p in set(steps) | set(first_of) | set(second_of):
            if p >= 0:
                work.extend((p, key) for key in asserted_of(p, closed))

        def premises_of(pair: Pair) -> list[Pair]:
            if pair[0] >= 0:
                return [pair]
            return d.premises(index[pair[0]][pair[1]])  # a chain prefix: its own premises

        def conclude(q: int, key: int, rule: int, axiom: Axiom | None, prem: list[Pair]) -> None:
            if key in index[q] or key in asserted_of(q, closed):
                return
            if rule != part:
                prem = [x for pair in prem for x in premises_of(pair)]
            d.add(q, key, rule, axiom, prem)
            work.append((q, key))

        # breadth first (a queue read from the front): short derivations are found first
        i = 0
        while i < len(work):
            p, key = work[i]
            i += 1
            s, o = key >> _SHIFT, key & _MASK
            for q, flipped, rule, axiom in steps.get(p, ()):
                conclude(q, (o << _SHIFT | s) if flipped else key, rule, axiom, [(p, key)])
            if p in by_s:
                by_s[p][s].append(o)
            if p in by_o:
                by_o[p][o].append(s)
            for second, result, rule, axiom in first_of.get(p, ()):
                for z in list(by_s[second].get(o, ())):
                    pair = (second, o << _SHIFT | z)
                    conclude(result, s << _SHIFT | z, rule, axiom, [(p, key), pair])
            for first, result, rule, axiom in second_of.get(p, ()):
                for x in list(by_o[first].get(s, ())):
                    pair = (first, x << _SHIFT | s)
                    conclude(result, x << _SHIFT | o, rule, axiom, [pair, (p, key)])

    def _derive_types(self, d: Derivations, closed: Closed) -> None:
        """Types: first along the sub-class axioms from the stated types (the shortest
        explanations: "a TV series, and a TV series is a work"), then from domains and ranges
        for the nodes still untyped, and along the sub-class axioms from those."""
        schema = self._schema
        kinds = closed.kinds
        type_id = self._id(TYPE)
        known: dict[int, set[int]] = defaultdict(set)
        frontier: dict[int, set[int]] = defaultdict(set)
        for c, nodes in closed.stated.items():
            known[c] |= nodes
            frontier[c] |= nodes
        self._propagate_types(d, known, frontier, type_id)
        frontier = defaultdict(set)
        for p, keys in self.facts.items():
            if p == type_id or p < 0:
                continue
            for steps, subject in (
                (schema.dom_steps.get(p), True),
                (schema.rng_steps.get(p), False),
            ):
                if not steps:
                    continue
                rule = R["prp-dom"] if subject else R["prp-rng"]
                for c, axiom in steps:
                    seen = known[c]
                    new = frontier[c]
                    for key in keys:
                        n = key >> _SHIFT if subject else key & _MASK
                        if n in seen or kinds[n] == LITERAL:
                            continue
                        seen.add(n)
                        new.add(n)
                        d.add(type_id, n << _SHIFT | c, rule, axiom, ((p, key),))
        self._propagate_types(d, known, frontier, type_id)

    def _propagate_types(
        self,
        d: Derivations,
        known: dict[int, set[int]],
        frontier: dict[int, set[int]],
        type_id: int,
    ) -> None:
        """Breadth-first along the sub-class and equivalent-class axioms (cax-sco, cax-eqc1/2)."""
        class_steps = self._schema.class_steps
        while frontier:
            nxt: dict[int, set[int]] = defaultdict(set)
            for c, nodes in frontier.items():
                for sup, rule, axiom in class_steps.get(c, ()):
                    new = nodes - known[sup]
                    if not new:
                        continue
                    known[sup] |= new
                    nxt[sup] |= new
                    for n in new:
                        d.add(
                            type_id, n << _SHIFT | sup, rule, axiom, ((type_id, n << _SHIFT | c),)
                        )
            frontier = nxt

    def _derive_schema(self, d: Derivations, closed: Closed) -> None:
        """The sub-class/sub-property closure (scm-sco, scm-spo) along shortest paths, the
        statements an equivalence axiom implies (scm-eqc1, scm-eqp1), and the equivalences
        two opposite statements imply (scm-eqc2, scm-eqp2)."""
        schema = self._schema
        sco, eqc = self._id(SUBCLASS), self._id(EQCLASS)
        spo, eqp = self._id(SUBPROP), self._id(EQPROP)
        classes = _SchemaRules(self, d, sco, eqc, schema.class_steps, "scm-sco", "scm-eqc")
        props = _SchemaRules(self, d, spo, eqp, schema.prop_steps, "scm-spo", "scm-eqp")
        for a, p, b in sorted(schema.schema_out, key=lambda t: (t[1] in (eqc, eqp), t)):
            rules = classes if p in (sco, eqc) else props
            if p == rules.sub:
                rules.derive_sub(a, b)
            else:
                rules.derive_eq(a, b)

    def _mark_published(self, d: Derivations, closed: Closed) -> None:
        """Flag the rows whose conclusion the cleaning keeps (the rules of the ``_clean_*``
        methods, on ids)."""
        kinds, vocab, terms = closed.kinds, closed.vocab, closed.tbox_terms
        type_id = self._id(TYPE)
        first, rest = self._id(FIRST), self._id(REST)
        noise = {self._id(v) for v in NOISE_TYPES}
        schema_preds = {self._id(v) for v in TBOX_KEEP}
        published = d.published
        for p, key in zip(d.concl_p, d.concl_k, strict=True):
            s, o = key >> _SHIFT, key & _MASK
            ks = kinds[s]
            if p < 0 or ks == LITERAL or s in vocab:
                keep = False
            elif p == type_id:
                keep = o not in noise and o not in vocab and s not in terms
            elif p in schema_preds:
                keep = kinds[o] == IRI and o not in vocab
            else:
                keep = p not in vocab and not (ks == BNODE and (s in terms or p in (first, rest)))
            published.append(keep)

    def _types(
        self, schema: _Schema, kinds: list[int], type_id: int
    ) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
        """The nodes of each class: as stated, and in the closure (stated, domain, range,
        widened by the super-classes)."""
        facts = self.facts
        superclasses = schema.superclasses
        stated: dict[int, set[int]] = defaultdict(set)
        for key in facts.get(type_id, ()):
            stated[key & _MASK].add(key >> _SHIFT)
        by_class: dict[int, set[int]] = defaultdict(set)
        for c, nodes in stated.items():
            for d in superclasses.get(c, ()):
                by_class[d] |= nodes
        for p, keys in facts.items():
            if p == type_id:
                continue
            dom = schema.dom_types.get(p)
            if dom:
                # an inverse or symmetric property puts literals in the subject position
                subjects = {n for n in (key >> _SHIFT for key in keys) if kinds[n] != LITERAL}
                for c in dom:
                    by_class[c] |= subjects
            rng = schema.rng_types.get(p)
            if rng:
                objects = {key & _MASK for key in keys}
                objects = {n for n in objects if kinds[n] != LITERAL}
                for c in rng:
                    by_class[c] |= objects
        return stated, by_class

    def _clean_statements(
        self,
        derivable: set[int],
        asserted: dict[int, set[int]],
        kinds: list[int],
        term_list: list[str],
        vocab_ids: set[int],
        terms: set[int],
        lines: list[str],
        counts: dict[str, int],
    ) -> bool:
        """The inferred statements other than types that :func:`bgraph.reason.is_noise` keeps,
        minus the asserted ones, as N-Triples lines; whether one has a blank node."""
        first, rest = self._id(FIRST), self._id(REST)
        append = lines.append
        blank = False
        for p in sorted(derivable):
            if p < 0 or p in vocab_ids:
                continue  # virtual chain properties are internal; vocabulary ones not derived
            keys = self.facts.get(p)
            if not keys:
                continue
            new = keys - asserted[p] if p in asserted else keys
            if not new:
                continue
            pt = term_list[p]
            list_pred = p in (first, rest)
            before = len(lines)
            for key in new:
                s = key >> _SHIFT
                ks = kinds[s]
                if ks == LITERAL or s in vocab_ids:
                    continue
                if ks == BNODE and (s in terms or list_pred):
                    continue
                o = key & _MASK
                if ks == BNODE or kinds[o] == BNODE:
                    blank = True
                append(f"{term_list[s]} {pt} {term_list[o]} .")
            if len(lines) > before:
                counts[pt[1:-1]] = counts.get(pt[1:-1], 0) + len(lines) - before
        return blank

    def _clean_types(
        self,
        by_class: dict[int, set[int]],
        stated: dict[int, set[int]],
        type_id: int,
        term_list: list[str],
        vocab_ids: set[int],
        terms: set[int],
        bnodes: set[int],
        lines: list[str],
        counts: dict[str, int],
        classes: dict[str, int],
    ) -> bool:
        """The inferred types the cleaning keeps (no noise classes, no vocabulary, not about
        the ontology's own terms), minus the stated ones; whether one is of a blank node."""
        noise_types = {self._id(v) for v in NOISE_TYPES}
        tt = term_list[type_id]
        total = 0
        blank = False
        for c in sorted(by_class):
            if c in noise_types or c in vocab_ids:
                continue
            nodes = by_class[c] - stated.get(c, set())
            nodes -= terms
            nodes -= vocab_ids
            if not nodes:
                continue
            ct = term_list[c]
            if bnodes and not blank:
                blank = not nodes.isdisjoint(bnodes)
            lines.extend([f"{term_list[s]} {tt} {ct} ." for s in nodes])
            classes[term_value(ct)] = len(nodes)
            total += len(nodes)
        if total:
            counts[TYPE] = counts.get(TYPE, 0) + total
        return blank

    def _clean_schema(
        self,
        schema: _Schema,
        asserted: dict[int, set[int]],
        kinds: list[int],
        term_list: list[str],
        vocab_ids: set[int],
        lines: list[str],
        counts: dict[str, int],
    ) -> None:
        """The schema's sub/equivalent class and property statements between IRIs, minus the
        asserted ones (nothing derives those predicates: the facts are the asserted ones)."""
        for s, p, o in sorted(schema.schema_out):
            if kinds[o] != IRI or o in vocab_ids or s in vocab_ids:
                continue
            if (s << _SHIFT | o) in self.facts.get(p, ()):
                continue
            lines.append(f"{term_list[s]} {term_list[p]} {term_list[o]} .")
            pv = term_list[p][1:-1]
            counts[pv] = counts.get(pv, 0) + 1

    def _datatype_errors(self, term_list: list[str], kinds: list[int]) -> list[str]:
        """owlrl's dt-not-type messages, for literals of OWL 2 RL datatypes that are ill-typed.

        A lexical form :func:`surely_valid` accepts is one owlrl accepts too; only the others
        are given to owlrl's own checks (so owlrl and rdflib are imported only for data that has
        such literals, and the answer is owlrl's either way). owlrl checks objects: every
        literal is one (N-Triples has no literal subjects, and the rules make no new terms)."""
        literals = (i for i, k in enumerate(kinds) if k == LITERAL)
        doubtful = []
        checked = CHECKED_DATATYPES
        for i in literals:
            term = term_list[i]
            if term[-1] != ">" or term[0] != '"':
                continue  # simple or language-tagged, or a triple term
            dt, lexical = literal_parts(term)
            if dt is None or dt not in checked:
                continue
            if not surely_valid(dt, lexical):
                doubtful.append((dt, lexical))
        if not doubtful:
            return []
        try:
            from owlrl.DatatypeHandling import AltXSDToPYTHON
        except ImportError:  # pragma: no cover - owlrl is a dependency
            return []
        converters = {str(k): v for k, v in AltXSDToPYTHON.items()}
        errors = []
        for dt, lexical in doubtful:
            try:
                converters[dt](lexical)
            except ValueError:
                errors.append(
                    f"Lexical value of the literal '{lexical}' does not match its datatype ({dt})"
                )
        return sorted(errors)


class _SchemaRules:
    """Derivations of the schema statements of one kind (classes or properties)."""

    def __init__(
        self,
        engine: Engine,
        d: Derivations,
        sub: int,
        eq: int,
        edges: dict[int, list[tuple[int, int, Axiom]]],
        trans_rule: str,
        eq_rules: str,
    ) -> None:
        self.d, self.sub, self.eq, self.edges = d, sub, eq, edges
        self.asserted_sub = engine.facts.get(sub, set())
        self.asserted_eq = engine.facts.get(eq, set())
        self.trans_rule = R[trans_rule]
        self.eq1_rule, self.eq2_rule = R[eq_rules + "1"], R[eq_rules + "2"]
        self.parents: dict[int, dict[int, int]] = {}

    def tree(self, a: int) -> dict[int, int]:
        """Breadth-first from ``a``: node -> its parent on a shortest path."""
        got = self.parents.get(a)
        if got is None:
            got = self.parents[a] = {}
            queue, j = [a], 0
            while j < len(queue):
                m = queue[j]
                j += 1
                for b, _rule, _axiom in self.edges.get(m, ()):
                    if b != a and b not in got:
                        got[b] = m
                        queue.append(b)
        return got

    def derive_sub(self, a: int, b: int) -> None:
        d, sub, eq = self.d, self.sub, self.eq
        key = a << _SHIFT | b
        if key in self.asserted_sub or key in d.index[sub]:
            return
        m = self.tree(a)[b]
        if m == a:  # one edge, not asserted: an equivalence axiom implies it
            axiom = (a, eq, b) if key in self.asserted_eq else (b, eq, a)
            d.add(sub, key, self.eq1_rule, axiom, ())
            return
        self.derive_sub(a, m)
        self.derive_sub(m, b)
        prem = ((sub, a << _SHIFT | m), (sub, m << _SHIFT | b))
        d.add(sub, key, self.trans_rule, None, prem)

    def derive_eq(self, a: int, b: int) -> None:
        d, sub, eq = self.d, self.sub, self.eq
        key = a << _SHIFT | b
        if key in self.asserted_eq or key in d.index[eq]:
            return
        self.derive_sub(a, b)
        self.derive_sub(b, a)
        d.add(eq, key, self.eq2_rule, None, ((sub, key), (sub, b << _SHIFT | a)))


def error_lines(errors: list[str]) -> Iterator[str]:
    """owlrl's diagnostics as N-Triples lines: a fresh blank node per message."""
    import pyoxigraph as ox

    kind, error = nt_iri(TYPE), nt_iri(ERR_NS + "error")
    message_class = nt_iri(ERR_NS + "ErrorMessage")
    for message in errors:
        node = str(ox.BlankNode())
        yield f"{node} {kind} {message_class} ."
        yield f"{node} {error} {ox.Literal(message)} ."


#: The datatypes owlrl checks literals of: its OWL 2 RL datatypes
#: (``owlrl.XsdDatatypes.OWL_RL_Datatypes``) that have a lexical check
#: (``owlrl.DatatypeHandling.AltXSDToPYTHON``); tests/test_start_fast.py compares with owlrl's.
CHECKED_DATATYPES = frozenset(
    [
        XSD_NS + name
        for name in (
            "integer decimal nonNegativeInteger nonPositiveInteger negativeInteger "
            "positiveInteger long int short byte unsignedLong unsignedInt unsignedShort "
            "unsignedByte float double string normalizedString token language Name NCName "
            "NMTOKEN boolean hexBinary base64Binary anyURI dateTimeStamp dateTime time date"
        ).split()
    ]
    + [RDF_NS + "XMLLiteral", RDF_NS + "HTML", RDF_NS + "PlainLiteral"]
)
_INTEGER = re.compile(r"[+-]?[0-9]{1,1000}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,1000}(?:\.[0-9]{0,1000})?|\.[0-9]{1,1000})")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z?")


def surely_valid(datatype: str, lexical: str) -> bool:
    """True for a lexical form of ``datatype`` that owlrl's check accepts, in the plain spellings
    data uses (strings, integers, decimals, booleans, dates and UTC date-times); False when
    unsure, for owlrl to decide."""
    if datatype in (XSD_NS + "string", RDF_NS + "HTML"):
        return True
    if datatype == XSD_NS + "integer":
        return _INTEGER.fullmatch(lexical) is not None
    if datatype == XSD_NS + "decimal":
        return _DECIMAL.fullmatch(lexical) is not None
    if datatype == XSD_NS + "boolean":
        return lexical in ("true", "false", "1", "0")
    if datatype == XSD_NS + "date":
        m = _DATE.fullmatch(lexical)
    elif datatype == XSD_NS + "dateTime":
        m = _DATE_TIME.fullmatch(lexical)
    else:
        return False
    if m is None:
        return False
    try:
        datetime(*(int(g) for g in m.groups()))
    except ValueError:
        return False
    return True


def fast_closure_nt(
    tbox: bytes | str, abox: Iterable[bytes | str], explain: bool = False
) -> FastResult:
    """Cleaned inferences of a TBox and ABox parts given as N-Triples documents written by
    Oxigraph (``Store.dump``): the store's path, with no Python object per term; with
    ``explain``, their derivations too."""
    engine = Engine()
    t0 = time.perf_counter()
    if explain:  # terms interned in an order that blank node labels do not change: the same
        # input gives the same derivations (the ontology's lists have fresh labels each load)
        text = tbox.decode("utf-8") if isinstance(tbox, bytes) else tbox
        tbox = "".join(line + "\n" for line in sorted(nt_lines(text)))
    engine.add_nt(tbox)
    for part in abox:
        engine.add_nt(part)
    load = time.perf_counter() - t0
    subjects = tbox_subjects(line.split(" ", 1)[0] for line in nt_lines(tbox))
    result = engine.run(subjects, explain)
    result.timings = {"encode": load, **result.timings}
    return result


def tbox_subjects(subjects: Iterable[str]) -> set[str]:
    """The IRI subjects (N-Triples terms) among the TBox's subjects."""
    return {s for s in subjects if s[:1] == "<"}
