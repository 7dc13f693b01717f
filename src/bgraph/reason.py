"""OWL 2 RL closure (owlrl), cleaned and cached, kept apart from the asserted facts.

Cleaning policy (what a consumer never sees):

- triples with a literal subject, reflexive ``owl:sameAs``/sub/equivalent axioms;
- ``rdf:type owl:Thing`` / ``rdfs:Resource`` / ``owl:NamedIndividual`` on every node;
- anything whose subject is an rdf/rdfs/owl/xsd term (axiomatic triples);
- TBox noise: of the inferences about ontology terms, only non-reflexive
  ``rdfs:subClassOf``/``rdfs:subPropertyOf``/``owl:equivalentClass``/``owl:equivalentProperty``
  between IRIs are kept (the widened ``rdfs:domain``/``rdfs:range`` copies are dropped);
- blank-node subjects of the ontology's own structures (property-chain lists).

The cache is keyed by the content of the inputs (canonical N-Triples) and the versions of
bgraph, rdflib and owlrl, so a command pays for the closure once while its inputs are unchanged.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from . import __version__

Triple = tuple[Node, Node, Node]

_AXIOMATIC_NS = (str(RDF), str(RDFS), str(OWL), str(XSD))
_NOISE_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, OWL.Nothing}
_TBOX_KEEP = {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty}
_REFLEXIVE_NOISE = _TBOX_KEEP | {OWL.sameAs}
REASONERS = ("fast", "owlrl")  # fast: bgraph.fastreason, checked against owlrl by the oracle test


@dataclass
class Closure:
    """The cleaned inferences of one closure, and how they were obtained."""

    inferred: Graph
    seconds: float = 0.0
    cached: bool = False
    key: str = ""
    raw_count: int = 0
    stats: dict[str, Counter[str]] = field(default_factory=dict)
    reasoner: str = "owlrl"  #: the reasoner that computed it
    note: str = ""  #: e.g. why the fast reasoner handed over to owlrl


def tbox_terms(tbox: Graph) -> set[Node]:
    """Subjects the ontology describes: its classes, properties and named individuals."""
    return {s for s in tbox.subjects() if isinstance(s, URIRef)}


def is_noise(triple: Triple, terms: set[Node]) -> bool:
    s, p, o = triple
    if isinstance(s, Literal):
        return True
    if p in _REFLEXIVE_NOISE and s == o:
        return True
    if p == RDF.type and o in _NOISE_TYPES:
        return True
    if isinstance(s, URIRef) and str(s).startswith(_AXIOMATIC_NS):
        return True
    if isinstance(s, BNode) and p != RDF.type:
        # property-chain and other axiom lists; data has no blank nodes
        return s in terms or p in (RDF.first, RDF.rest)
    if p in _TBOX_KEEP:
        return not isinstance(o, URIRef) or str(o).startswith(_AXIOMATIC_NS)
    if str(p).startswith(_AXIOMATIC_NS) and p != RDF.type:
        return True  # rdfs:domain/range, owl:inverseOf... widened copies of TBox axioms
    if p == RDF.type and str(o).startswith(_AXIOMATIC_NS):
        return True  # owl:Class, rdf:Property... typing of vocabulary terms
    return s in terms and p == RDF.type


def clean(triples: Iterable[Triple], terms: set[Node]) -> set[Triple]:
    return {t for t in triples if not is_noise(t, terms)}


def owlrl_raw(tbox: Graph, abox: Graph) -> set[Triple]:
    """Everything owlrl adds to tbox + abox (uncleaned)."""
    import owlrl

    g = Graph()
    for t in tbox:
        g.add(t)
    for t in abox:
        g.add(t)
    before = set(g)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(g)
    return set(g) - before


def cache_dir() -> Path:
    env = os.environ.get("BGRAPH_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "bgraph"


def _code_fingerprint() -> bytes:
    """The reasoning code is an input too: a changed cleaning rule must not reuse old entries."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in ("reason.py", "fastreason.py"):
        path = here / name
        if path.is_file():
            h.update(path.read_bytes())
    return h.digest()


def content_key(
    tbox: Graph, abox: Graph, reasoner: str, sources: Sequence[Path] | None = None
) -> str:
    """A key for the closure's inputs: the bytes of their files when known, else the canonical
    form of the graphs (blank-node labels differ on every parse, so raw N-Triples won't do)."""
    h = hashlib.sha256()
    h.update(_code_fingerprint())
    for part in (
        f"bgraph {__version__}",
        f"rdflib {version('rdflib')}",
        f"owlrl {version('owlrl')}",
        f"reasoner {reasoner}",
    ):
        h.update(part.encode() + b"\n")
    if sources:
        for path in sources:
            h.update(path.read_bytes())
            h.update(b"\x00")
        return h.hexdigest()
    from rdflib.compare import to_canonical_graph

    for graph in (tbox, abox):
        canonical = to_canonical_graph(graph)
        lines = sorted(" ".join(term.n3() for term in t) for t in canonical)
        h.update("\n".join(lines).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def _read_cache(path: Path) -> Graph | None:
    if not path.is_file():
        return None
    try:
        g = Graph()
        g.parse(path, format="nt")
        return g
    except Exception:  # a damaged cache entry is recomputed, never fatal
        return None


def _write_cache(path: Path, graph: Graph) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            graph.serialize(fh, format="nt", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only or full disk only costs the next run a recomputation


def compute_closure(
    tbox: Graph,
    abox: Graph,
    reasoner: str = "fast",
    use_cache: bool = True,
    sources: Sequence[Path] | None = None,
) -> Closure:
    """The cleaned inferences of tbox + abox, from the cache when the inputs are unchanged."""
    if reasoner not in REASONERS:
        from .errors import UsageError

        raise UsageError(f"unknown reasoner {reasoner!r}; valid: {', '.join(REASONERS)}")
    key = content_key(tbox, abox, reasoner, sources)
    path = cache_dir() / f"closure-{key[:32]}.nt"
    start = time.perf_counter()
    if use_cache and (cached := _read_cache(path)) is not None:
        return Closure(
            cached,
            time.perf_counter() - start,
            cached=True,
            key=key,
            raw_count=len(cached),
            reasoner=reasoner,
        )
    note = ""
    if reasoner == "fast":
        from .fastreason import Unsupported, fast_closure

        try:
            result = fast_closure(tbox, abox)
        except Unsupported as exc:
            note = f"the fast reasoner does not cover this input ({exc}); used owlrl"
        else:
            inferred = Graph()
            for t in result.triples:
                inferred.add(t)
            closure = Closure(
                inferred, time.perf_counter() - start, key=key, raw_count=len(inferred)
            )
            closure.reasoner = "fast"
            if use_cache:
                _write_cache(path, inferred)
            return closure
    raw = owlrl_raw(tbox, abox)
    asserted = set(tbox) | set(abox)
    kept = clean(raw, tbox_terms(tbox)) - asserted
    inferred = Graph()
    for t in kept:
        inferred.add(t)
    closure = Closure(inferred, time.perf_counter() - start, key=key, raw_count=len(raw), note=note)
    if use_cache:
        _write_cache(path, inferred)
    return closure


def inference_stats(inferred: Graph) -> dict[str, Counter[Node]]:
    """Inferred triples counted per property, and rdf:type triples per class."""
    props: Counter[Node] = Counter()
    classes: Counter[Node] = Counter()
    for _s, p, o in inferred:
        props[p] += 1
        if p == RDF.type:
            classes[o] += 1
    return {"properties": props, "classes": classes}
