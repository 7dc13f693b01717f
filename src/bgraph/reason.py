"""OWL 2 RL closure, cleaned and cached, kept apart from the asserted facts.

The closure runs over the store's own terms (pyoxigraph): :mod:`bgraph.fastreason` by default;
owlrl, the reference reasoner, when asked for (``--reasoner owlrl``) or when the input uses OWL
beyond the fast reasoner's profile. owlrl speaks rdflib: the store's terms reach it through
oxrdflib's converters, and come back the same way; never on the default path.

Cleaning policy (what a consumer never sees):

- triples with a literal subject, reflexive ``owl:sameAs``/sub/equivalent axioms;
- ``rdf:type owl:Thing`` / ``rdfs:Resource`` / ``owl:NamedIndividual`` on every node;
- anything whose subject is an rdf/rdfs/owl/xsd term (axiomatic triples);
- TBox noise: of the inferences about ontology terms, only non-reflexive
  ``rdfs:subClassOf``/``rdfs:subPropertyOf``/``owl:equivalentClass``/``owl:equivalentProperty``
  between IRIs are kept (the widened ``rdfs:domain``/``rdfs:range`` copies are dropped);
- blank-node subjects of the ontology's own structures (property-chain lists).

The cache is keyed by the bytes of the input files, the reasoning code and the versions of
bgraph, pyoxigraph and owlrl; entries are the closure's N-Triples lines (as Oxigraph writes them),
under a header holding their SHA-256: a damaged entry is recomputed.

A closure travels as N-Triples lines (:attr:`Closure.lines`): the store loads them with
Oxigraph's parser, ``bgraph reason -o`` writes them sorted; pyoxigraph triples are made from them
only when asked for (:attr:`Closure.inferred`).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import __version__
from .errors import BgraphError
from .export import atomic_file

Triple = tuple[Any, Any, Any]  #: pyoxigraph terms
REASONERS = ("fast", "owlrl")  # fast: bgraph.fastreason, checked against owlrl by the oracle test
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass
class Closure:
    """The cleaned inferences of one closure, and how they were obtained."""

    lines: list[str]  #: N-Triples lines as Oxigraph writes them (no end of line), distinct
    seconds: float = 0.0
    cached: bool = False
    key: str = ""
    raw_count: int = 0
    reasoner: str = "fast"  #: the reasoner that computed it
    note: str = ""  #: e.g. why the fast reasoner handed over to owlrl
    blank_nodes: bool = field(default=False)  #: some line has a blank node
    #: counts per property and class IRI when the reasoner gave them (see inference_stats)
    stats: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    #: one derivation per inferred triple (:class:`bgraph.fastreason.Derivations`), when asked
    #: for and the fast reasoner computed the closure (never from the cache, nor from owlrl)
    derivations: Any = field(default=None, repr=False)

    @cached_property
    def inferred(self) -> list[Triple]:
        """The inferences as pyoxigraph triples (parsed from :attr:`lines` on first use)."""
        from .fastreason import parse_lines

        return parse_lines(self.lines)

    @property
    def count(self) -> int:
        """How many inferred triples."""
        return len(self.lines)

    def nt(self) -> bytes:
        """The inferences as an N-Triples document (lines in the closure's order)."""
        return "".join(line + "\n" for line in self.lines).encode("utf-8")

    @cached_property
    def split(self) -> tuple[list[str], list[str]]:
        """(instance lines, schema lines): the schema-level entailments (``rdfs:subClassOf``,
        ``rdfs:subPropertyOf``, ``owl:equivalentClass``, ``owl:equivalentProperty``) are the
        ontology's own and live apart from the instance facts (``bgg:ontology-inferred``)."""
        instance, schema = [], []
        for line in self.lines:  # N-Triples: a subject IRI or blank node has no space
            (schema if line.split(" ", 2)[1] in _SCHEMA_PREDICATES else instance).append(line)
        return instance, schema

    def sorted_nt(self) -> str:
        """The inferences as N-Triples with sorted lines: fixed bytes for fixed data when there
        are no blank nodes (with some, see :func:`bgraph.export.serialize_triples`)."""
        return "".join(line + "\n" for line in sorted(self.lines))


_SCHEMA_PREDICATES = frozenset(
    f"<{iri}>"
    for iri in (
        "http://www.w3.org/2000/01/rdf-schema#subClassOf",
        "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
        "http://www.w3.org/2002/07/owl#equivalentClass",
        "http://www.w3.org/2002/07/owl#equivalentProperty",
    )
)


def _lines_of(triples: Iterable[Triple]) -> tuple[list[str], bool]:
    """Distinct N-Triples lines of pyoxigraph triples, and whether a blank node is among them."""
    import pyoxigraph as ox

    lines = list(dict.fromkeys(f"{s} {p} {o} ." for s, p, o in triples))
    blank = any(isinstance(t, ox.BlankNode) for triple in triples for t in triple[::2])
    return lines, blank


# --- the reference reasoner (rdflib terms: the oracle's side) -------------------------------------


def tbox_terms(tbox: Any) -> set[Any]:
    """Subjects an rdflib TBox graph describes: its classes, properties and named individuals."""
    from rdflib import URIRef

    return {s for s in tbox.subjects() if isinstance(s, URIRef)}


def is_noise(triple: tuple[Any, Any, Any], terms: set[Any]) -> bool:
    """The cleaning policy (module docstring), on rdflib terms."""
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import OWL, RDF, RDFS, XSD

    axiomatic = (str(RDF), str(RDFS), str(OWL), str(XSD))
    tbox_keep = {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty}
    s, p, o = triple
    if isinstance(s, Literal):
        return True
    if p in tbox_keep | {OWL.sameAs} and s == o:
        return True
    if p == RDF.type and o in {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, OWL.Nothing}:
        return True
    if isinstance(s, URIRef) and str(s).startswith(axiomatic):
        return True
    if isinstance(s, BNode) and p != RDF.type:
        # property-chain and other axiom lists; data has no blank nodes
        return s in terms or p in (RDF.first, RDF.rest)
    if p in tbox_keep:
        return not isinstance(o, URIRef) or str(o).startswith(axiomatic)
    if str(p).startswith(axiomatic) and p != RDF.type:
        return True  # rdfs:domain/range, owl:inverseOf... widened copies of TBox axioms
    if p == RDF.type and str(o).startswith(axiomatic):
        return True  # owl:Class, rdf:Property... typing of vocabulary terms
    return s in terms and p == RDF.type


def clean(triples: Iterable[tuple[Any, Any, Any]], terms: set[Any]) -> set[tuple[Any, Any, Any]]:
    return {t for t in triples if not is_noise(t, terms)}


def owlrl_raw(tbox: Any, abox: Any) -> set[tuple[Any, Any, Any]]:
    """Everything owlrl adds to two rdflib graphs tbox + abox (uncleaned)."""
    import owlrl
    from rdflib import Graph

    # rdflib's memory store: owlrl writes literal-subject triples, which no RDF store holds
    g = Graph()
    g.addN((s, p, o, g) for s, p, o in tbox)
    g.addN((s, p, o, g) for s, p, o in abox)
    before = set(g)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(g)
    return set(g) - before


def owlrl_closure(tbox: Sequence[Triple], abox: Iterable[Triple]) -> tuple[list[Triple], int]:
    """owlrl's cleaned inferences of pyoxigraph triples, and its raw count (terms converted
    by oxrdflib's converters)."""
    import pyoxigraph as ox
    from oxrdflib._converter import from_ox, to_ox
    from rdflib import Graph

    tg, ag = Graph(), Graph()
    for graph, triples in ((tg, tbox), (ag, abox)):
        for s, p, o in triples:
            if isinstance(o, ox.Triple):
                raise BgraphError(
                    "owlrl (on rdflib's RDF 1.1 model) cannot read the RDF 1.2 triple terms of "
                    "this data (<<( s p o )>>); run without inferences (--no-inference), or "
                    "without the axioms the fast reasoner does not cover"
                )
            graph.add((from_ox(s), from_ox(p), from_ox(o)))
    raw = owlrl_raw(tg, ag)
    kept = clean(raw, tbox_terms(tg)) - set(tg) - set(ag)
    return [(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in kept], len(raw)


# --- the cache ------------------------------------------------------------------------------------


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


def dist_version(name: str) -> str:
    """The installed version of distribution ``name``, read from the name of its ``.dist-info``
    directory on ``sys.path`` (what :mod:`importlib.metadata` finds, without that module's
    20-50 ms import at every start); :mod:`importlib.metadata` when there is none."""
    import sys

    prefix = name.lower().replace("-", "_") + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for found in names:
            if found.endswith(".dist-info") and found.lower().startswith(prefix):
                return found[len(prefix) : -len(".dist-info")]
    from importlib.metadata import version

    return version(name)


def content_key(sources: Sequence[Path], reasoner: str) -> str:
    """A key for a closure: the bytes of its input files, the code, the versions."""
    h = hashlib.sha256()
    h.update(_code_fingerprint())
    for part in (
        f"bgraph {__version__}",
        f"pyoxigraph {dist_version('pyoxigraph')}",
        f"owlrl {dist_version('owlrl')}",
        f"reasoner {reasoner}",
    ):
        h.update(part.encode() + b"\n")
    for path in sources:
        h.update(str(path.resolve()).encode() + b"\x00")  # a file's IRI is its graph's name
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        h.update(b"\x00")
    return h.hexdigest()


_HEADER = "# bgraph closure sha256="


def _read_cache(path: Path) -> tuple[list[str], bool] | None:
    """The lines of a cache entry and its blank-node flag; None for none or a damaged one."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head, _, body = data.partition(b"\n")
    try:
        fields = head.decode("ascii").removeprefix(_HEADER).split()
    except UnicodeDecodeError:
        return None
    if (
        not head.startswith(_HEADER.encode())
        or len(fields) != 2
        or fields[0] != hashlib.sha256(body).hexdigest()
        or fields[1] not in ("blank=0", "blank=1")
    ):
        return None  # damaged or foreign: recomputed, never fatal
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines, fields[1] == "blank=1"


def _write_cache(path: Path, closure: Closure) -> None:
    body = closure.nt()
    head = f"{_HEADER}{hashlib.sha256(body).hexdigest()} blank={int(closure.blank_nodes)}\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(path) as fh:
            fh.write(head.encode("ascii"))
            fh.write(body)
    except OSError:
        pass  # a read-only or full disk only costs the next run a recomputation


# --- the closure ----------------------------------------------------------------------------------


def compute_closure_nt(
    tbox: bytes,
    abox: Callable[[], Iterable[bytes]],
    reasoner: str = "fast",
    use_cache: bool = False,
    sources: Sequence[Path] | None = None,
    explain: bool = False,
) -> Closure:
    """The cleaned inferences of N-Triples documents written by Oxigraph (``Store.dump``): the
    TBox, and a function giving the ABox's parts (read again when owlrl takes over). With
    ``use_cache`` and the input files ``sources``, read from (or written to) the cache. The fast
    reasoner reads the term strings: no Python object is made per term. With ``explain``, the
    closure carries its derivations (computed afresh: the cache holds the lines only)."""

    def fast() -> Any:
        from .fastreason import fast_closure_nt

        return fast_closure_nt(tbox, abox(), explain=explain)

    def triples() -> tuple[Sequence[Triple], Iterable[Triple]]:
        from .fastreason import parse_lines

        def parts() -> Iterable[Triple]:
            for part in abox():
                yield from parse_lines(_nt_lines(part))

        return parse_lines(_nt_lines(tbox)), parts()

    return _closure(fast, triples, reasoner, use_cache, sources, explain)


def _nt_lines(data: bytes) -> Iterable[str]:
    from .fastreason import nt_lines

    return nt_lines(data)


def _closure(
    fast: Callable[[], Any],
    triples: Callable[[], tuple[Sequence[Triple], Iterable[Triple]]],
    reasoner: str,
    use_cache: bool,
    sources: Sequence[Path] | None,
    explain: bool = False,
) -> Closure:
    if reasoner not in REASONERS:
        from .errors import UsageError

        raise UsageError(f"unknown reasoner {reasoner!r}; valid: {', '.join(REASONERS)}")
    start = time.perf_counter()
    key, path = "", None
    if use_cache and sources:
        key = content_key(sources, reasoner)
        path = cache_dir() / f"closure-{key[:32]}.nt"
        cached = None if explain else _read_cache(path)
        if cached is not None:
            lines, blank = cached
            seconds = time.perf_counter() - start
            return Closure(lines, seconds, True, key, len(lines), reasoner, blank_nodes=blank)
    note = ""
    closure: Closure | None = None
    if reasoner == "fast":
        from .fastreason import Unsupported

        try:
            result = fast()
        except Unsupported as exc:
            note = f"the fast reasoner does not cover this input ({exc}); used owlrl"
        else:
            seconds = time.perf_counter() - start
            closure = Closure(
                result.lines,
                seconds,
                False,
                key,
                len(result.lines),
                "fast",
                blank_nodes=result.blank_nodes,
                stats=result.stats,
                derivations=result.derivations,
            )
    if closure is None:
        kept, raw = owlrl_closure(*triples())
        lines, blank = _lines_of(kept)
        seconds = time.perf_counter() - start
        closure = Closure(lines, seconds, False, key, raw, "owlrl", note, blank_nodes=blank)
    if path is not None:
        _write_cache(path, closure)
    return closure


def inference_stats(inferred: Iterable[Triple] | Closure) -> dict[str, Counter[str]]:
    """Inferred triples counted per property IRI, and rdf:type triples per class IRI (of
    pyoxigraph triples, or of a closure's lines)."""
    props: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    if isinstance(inferred, Closure) and inferred.stats:
        return {name: Counter(counts) for name, counts in inferred.stats.items()}
    if isinstance(inferred, Closure):
        type_term = f"<{RDF_TYPE}>"
        for line in inferred.lines:
            _s, p, rest = line.split(" ", 2)
            props[p] += 1
            if p == type_term:
                classes[rest[:-2]] += 1
        from .fastreason import term_value

        return {
            "properties": Counter({term_value(p): n for p, n in props.items()}),
            "classes": Counter({term_value(c): n for c, n in classes.items()}),
        }
    for _s, pt, o in inferred:
        props[pt.value] += 1
        if pt.value == RDF_TYPE:
            classes[o.value] += 1
    return {"properties": props, "classes": classes}
