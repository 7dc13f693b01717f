"""``bgraph docs``'s library: reference documentation of the ontology, read from the store.

:func:`read_ontology` turns the TBox (the store's ``bgg:ontology`` graph, small, read whole into
an rdflib graph), the SHACL shapes and optionally the store's facts (for examples and counts,
asked by targeted lookups and COUNT queries) into plain :class:`Term` records;
:mod:`bgraph.docs_html` renders them as one self-contained HTML page; :func:`build_docs` writes
that page and the ontology's own files (Turtle, JSON-LD, shapes) into a folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SDO, SKOS
from rdflib.term import Node

from .errors import BgraphError
from .iris import PREFIXES, curie
from .labels import label
from .namespaces import BG, FACTS_GRAPH, ONTOLOGY, ONTOLOGY_GRAPH, WD, bind_prefixes

SH = URIRef("http://www.w3.org/ns/shacl#")
SHAPES_PREFIX = "https://w3id.org/bgraph/shapes/"
#: The prefixes the reference page declares and names terms with: bgraph's, SHACL's, the shapes'.
DOC_PREFIXES: dict[str, str] = {**PREFIXES, "sh": str(SH), "bgsh": SHAPES_PREFIX}


def sh(name: str) -> URIRef:
    return URIRef(str(SH) + name)


_KINDS = (
    ("class", OWL.Class),
    ("object property", OWL.ObjectProperty),
    ("datatype property", OWL.DatatypeProperty),
    ("annotation property", OWL.AnnotationProperty),
    ("individual", OWL.NamedIndividual),
)
_CHARACTERISTICS = {
    OWL.SymmetricProperty: "symmetric",
    OWL.TransitiveProperty: "transitive",
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.AsymmetricProperty: "asymmetric",
    OWL.ReflexiveProperty: "reflexive",
    OWL.IrreflexiveProperty: "irreflexive",
}
#: SHACL constraint parameters, in the order they are shown, with their reading.
_CONSTRAINTS = (
    ("minCount", "min count"),
    ("maxCount", "max count"),
    ("datatype", "datatype"),
    ("class", "class"),
    ("nodeKind", "node kind"),
    ("node", "node shape"),
    ("hasValue", "value"),
    ("in", "one of"),
    ("languageIn", "language in"),
    ("uniqueLang", "one per language"),
    ("minInclusive", "≥"),
    ("maxInclusive", "≤"),
    ("minExclusive", ">"),
    ("maxExclusive", "<"),
    ("minLength", "min length"),
    ("maxLength", "max length"),
    ("pattern", "pattern"),
    ("or", "any of"),
)


@dataclass
class Constraint:
    """One SHACL property shape (or node-level rule) as it applies to a term."""

    shape: str  #: the node shape's IRI (or a blank-node id)
    shape_label: str
    targets: list[str]  #: "class bg:Work", "subjects of bg:spinOffOf", "SPARQL query"
    path: str  #: "bg:startDate", "^bg:hasSeason"
    rules: list[tuple[str, str]]  #: (reading, value) e.g. ("max count", "1")
    message: str | None = None
    via: str | None = None  #: the superclass through which it applies


@dataclass
class Term:
    iri: str
    name: str  #: local name, the anchor
    kind: str
    labels: dict[str, str]
    comments: dict[str, str]
    supers: list[str] = field(default_factory=list)
    subs: list[str] = field(default_factory=list)
    equivalents: list[str] = field(default_factory=list)
    schema_org: list[tuple[str, str]] = field(default_factory=list)  #: (relation, IRI)
    wikidata: list[tuple[str, str]] = field(default_factory=list)  #: (exact/close, IRI)
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    inverse: list[str] = field(default_factory=list)
    chain: list[str] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)  #: for individuals
    in_domain_of: list[str] = field(default_factory=list)
    in_range_of: list[str] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    examples: list[tuple[str, str]] = field(default_factory=list)  #: (IRI, label)
    uses: int = 0  #: instances (classes) or statements (properties) in the data


@dataclass
class Shape:
    iri: str
    label: str
    comment: str | None
    targets: list[str]
    constraints: list[Constraint]


@dataclass
class OntologyDoc:
    iri: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    version: str | None
    version_iri: str | None
    license: str | None
    creators: list[str]
    created: str | None
    terms: list[Term]
    shapes: list[Shape]
    prefixes: dict[str, str]

    def of_kind(self, kind: str) -> list[Term]:
        return [t for t in self.terms if t.kind == kind]


# ------------------------------------------------------------------------------------------------


def _by_lang(graph: Graph, node: Node, prop: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in sorted(graph.objects(node, prop), key=str):
        if isinstance(value, Literal):
            out.setdefault(value.language or "", str(value))
    return out


def _iris(values: Iterable[Node]) -> list[str]:
    return sorted({str(v) for v in values if isinstance(v, URIRef)}, key=str.casefold)


def _list(graph: Graph, head: Node) -> list[Node]:
    try:
        return list(Collection(graph, head))
    except Exception:  # a malformed list: show nothing rather than fail the whole page
        return []


def _value_text(graph: Graph, value: Node, key: str) -> str:
    if key in ("in", "languageIn"):
        return ", ".join(
            f'"{v}"' if isinstance(v, Literal) else curie(v, DOC_PREFIXES)
            for v in _list(graph, value)
        )
    if key == "or":
        options = []
        for alt in _list(graph, value):
            parts = [
                f"{reading} {curie(v, DOC_PREFIXES) if isinstance(v, URIRef) else v}"
                for k, reading in _CONSTRAINTS
                if k != "or"
                for v in graph.objects(alt, sh(k))
            ]
            options.append(" and ".join(parts) or "(shape)")
        return " | ".join(options)
    if isinstance(value, URIRef):
        return curie(value, DOC_PREFIXES)
    return str(value)


def _path_text(graph: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return curie(path, DOC_PREFIXES)
    inverse = graph.value(path, sh("inversePath"))
    if inverse is not None:
        return "^" + _path_text(graph, inverse)
    items = _list(graph, path)
    if items:
        return "/".join(_path_text(graph, i) for i in items)
    return "(complex path)"


def _targets(graph: Graph, shape: Node) -> list[str]:
    out = []
    for c in graph.objects(shape, sh("targetClass")):
        out.append(f"class {curie(c, DOC_PREFIXES)}")
    for p in graph.objects(shape, sh("targetSubjectsOf")):
        out.append(f"subjects of {curie(p, DOC_PREFIXES)}")
    for p in graph.objects(shape, sh("targetObjectsOf")):
        out.append(f"objects of {curie(p, DOC_PREFIXES)}")
    for n in graph.objects(shape, sh("targetNode")):
        out.append(f"node {curie(n, DOC_PREFIXES)}")
    if (shape, RDF.type, RDFS.Class) in graph or (shape, RDF.type, OWL.Class) in graph:
        out.append(f"class {curie(shape, DOC_PREFIXES)}")
    if any(True for _ in graph.objects(shape, sh("target"))):
        out.append("entities a SPARQL query selects")
    return sorted(out)


def _rules(graph: Graph, node: Node) -> list[tuple[str, str]]:
    return [
        (reading, _value_text(graph, v, key))
        for key, reading in _CONSTRAINTS
        for v in sorted(graph.objects(node, sh(key)), key=str)
    ]


def _message(graph: Graph, node: Node) -> str | None:
    msgs = _by_lang(graph, node, sh("message"))
    return msgs.get("en") or next(iter(msgs.values()), None)


def _shape_key(shapes: Graph, ps: Node) -> tuple[str, str]:
    """A total order on property shapes (blank nodes), independent of parse order."""
    path = shapes.value(ps, sh("path"))
    text = _path_text(shapes, path) if path is not None else ""
    return text, str(sorted((str(p), str(o)) for p, o in shapes.predicate_objects(ps)))


def read_shapes(shapes: Graph) -> list[Shape]:
    out = []
    node_shapes = set(shapes.subjects(RDF.type, sh("NodeShape")))
    for s in sorted(node_shapes, key=str):
        name = label(shapes, s) if isinstance(s, URIRef) else "shape"
        targets = _targets(shapes, s)
        constraints = []
        for ps in sorted(shapes.objects(s, sh("property")), key=lambda p: _shape_key(shapes, p)):
            path = shapes.value(ps, sh("path"))
            if path is None:
                continue
            constraints.append(
                Constraint(
                    str(s),
                    name,
                    targets,
                    _path_text(shapes, path),
                    _rules(shapes, ps),
                    _message(shapes, ps),
                )
            )
        own = _rules(shapes, s)
        if own:
            constraints.append(
                Constraint(str(s), name, targets, "(the node)", own, _message(shapes, s))
            )
        constraints.sort(key=lambda c: c.path)
        comments = _by_lang(shapes, s, RDFS.comment)
        out.append(
            Shape(
                str(s),
                name,
                comments.get("en") or next(iter(comments.values()), None),
                targets,
                constraints,
            )
        )
    return out


def _name_order(iri: str) -> tuple[str, str]:
    return (iri.rsplit("/", 1)[-1].casefold(), iri)


def _in_namespace(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(BG))


def read_ontology(tbox: Graph, shapes: Graph | None = None, data: Any = None) -> OntologyDoc:
    """Every term of the bg: namespace with what a reader needs to use it; ``data`` (an
    OpenStore, a ``pyoxigraph.Store`` or a :class:`bgraph.visual.model.View`) gives each term
    its examples and count of uses."""
    shape_list = read_shapes(shapes) if shapes is not None else []
    terms: list[Term] = []
    kinds: dict[URIRef, str] = {}
    for kind, cls in _KINDS:
        for t in tbox.subjects(RDF.type, cls):
            if _in_namespace(t) and t not in kinds:
                kinds[t] = kind  # type: ignore[index]
    for t, kind in kinds.items():
        supers_prop = RDFS.subClassOf if kind == "class" else RDFS.subPropertyOf
        eq_prop = OWL.equivalentClass if kind == "class" else OWL.equivalentProperty
        supers = _iris(tbox.objects(t, supers_prop))
        equivalents = _iris(tbox.objects(t, eq_prop)) + _iris(tbox.subjects(eq_prop, t))
        schema = [
            (
                "equivalent"
                if e in equivalents
                else "sub" + ("class" if kind == "class" else "property") + " of",
                e,
            )
            for e in sorted(set(supers) | set(equivalents))
            if e.startswith(str(SDO))
        ]
        wikidata = [
            (rel, w)
            for rel, p in (
                ("exact match", SKOS.exactMatch),
                ("close match", SKOS.closeMatch),
                ("broad match", SKOS.broadMatch),
                ("narrow match", SKOS.narrowMatch),
                ("related match", SKOS.relatedMatch),
            )
            for w in _iris(tbox.objects(t, p))
            if w.startswith(str(WD))
        ]
        chain_head = tbox.value(t, OWL.propertyChainAxiom)
        term = Term(
            iri=str(t),
            name=str(t)[len(str(BG)) :],
            kind=kind,
            labels=_by_lang(tbox, t, RDFS.label),
            comments=_by_lang(tbox, t, RDFS.comment),
            supers=[s for s in supers if not s.startswith(str(SDO))],
            subs=[s for s in _iris(tbox.subjects(supers_prop, t)) if s.startswith(str(BG))],
            equivalents=[e for e in equivalents if not e.startswith(str(SDO))],
            schema_org=schema,
            wikidata=wikidata,
            domain=_iris(tbox.objects(t, RDFS.domain)),
            range=_iris(tbox.objects(t, RDFS.range)),
            inverse=_iris(tbox.objects(t, OWL.inverseOf)) + _iris(tbox.subjects(OWL.inverseOf, t)),
            chain=[str(x) for x in _list(tbox, chain_head)] if chain_head is not None else [],
            characteristics=sorted(
                name for cls, name in _CHARACTERISTICS.items() if (t, RDF.type, cls) in tbox
            ),
            types=sorted(str(c) for c in tbox.objects(t, RDF.type) if c != OWL.NamedIndividual)
            if kind == "individual"
            else [],
        )
        terms.append(term)
    by_iri = {t.iri: t for t in terms}
    for t in terms:
        if t.kind in ("object property", "datatype property"):
            for d in t.domain:
                if d in by_iri:
                    by_iri[d].in_domain_of.append(t.iri)
            for r in t.range:
                if r in by_iri:
                    by_iri[r].in_range_of.append(t.iri)
    for t in terms:  # the store's order is not the file's: in order of name
        t.in_domain_of.sort(key=_name_order)
        t.in_range_of.sort(key=_name_order)
    _attach_constraints(tbox, terms, by_iri, shape_list)
    if data is not None:
        _attach_examples(data, tbox, terms)
    order = {k: i for i, (k, _c) in enumerate(_KINDS)}
    terms.sort(key=lambda t: (order[t.kind], t.name.casefold()))
    meta = tbox
    titles = _by_lang(meta, ONTOLOGY, DCTERMS.title) or _by_lang(meta, ONTOLOGY, RDFS.label)
    version_iri = meta.value(ONTOLOGY, OWL.versionIRI)
    lic = meta.value(ONTOLOGY, DCTERMS.license)
    created = meta.value(ONTOLOGY, DCTERMS.created)
    return OntologyDoc(
        iri=str(ONTOLOGY),
        titles=titles,
        descriptions=_by_lang(meta, ONTOLOGY, DCTERMS.description),
        version=str(meta.value(ONTOLOGY, OWL.versionInfo) or "") or None,
        version_iri=str(version_iri) if version_iri else None,
        license=str(lic) if lic else None,
        creators=sorted(str(c) for c in meta.objects(ONTOLOGY, DCTERMS.creator)),
        created=str(created) if created else None,
        terms=terms,
        shapes=shape_list,
        prefixes=dict(DOC_PREFIXES),
    )


def _ancestors(tbox: Graph, cls: URIRef) -> list[URIRef]:
    seen: list[URIRef] = []
    todo = [cls]
    while todo:
        for sup in tbox.objects(todo.pop(), RDFS.subClassOf):
            if isinstance(sup, URIRef) and sup not in seen:
                seen.append(sup)
                todo.append(sup)
    return seen


def _attach_constraints(
    tbox: Graph, terms: list[Term], by_iri: dict[str, Term], shapes: list[Shape]
) -> None:
    for t in terms:
        if t.kind == "class":
            own = f"class {curie(t.iri, DOC_PREFIXES)}"
            ancestors = (curie(a, DOC_PREFIXES) for a in _ancestors(tbox, URIRef(t.iri)))
            inherited = {f"class {name}": name for name in ancestors}
            for s in shapes:
                for c in s.constraints:
                    if own in s.targets:
                        t.constraints.append(c)
                    else:
                        via = next((inherited[x] for x in s.targets if x in inherited), None)
                        if via:
                            t.constraints.append(
                                Constraint(
                                    c.shape,
                                    c.shape_label,
                                    c.targets,
                                    c.path,
                                    c.rules,
                                    c.message,
                                    via,
                                )
                            )
        elif t.kind in ("object property", "datatype property"):
            me = curie(t.iri, DOC_PREFIXES)
            for s in shapes:
                for c in s.constraints:
                    if c.path in (me, "^" + me) or f"subjects of {me}" in s.targets:
                        t.constraints.append(c)


#: Instances (or subjects) a term's examples are picked from: the first this many in the
#: store's order, by label. Exact on graphs where no term has more; bounded on big ones.
EXAMPLE_POOL = 2_000


def _attach_examples(data: Any, tbox: Graph, terms: list[Term]) -> None:
    """Examples (by label) and counts of use, from the store's facts: one COUNT query and one
    bounded lookup per term."""
    import pyoxigraph as ox

    from .visual.model import RDF_TYPE, View

    view = View.of(data)
    facts = ox.NamedNode(str(FACTS_GRAPH))
    if facts in view.facts_graphs:  # bgraph's own data: the facts, not the sources
        view = replace(view, facts_graphs=[facts])
    graphs = " ".join(f"<{g.value}>" for g in view.facts_graphs)

    def pick(nodes: Iterable[Any], n: int) -> list[tuple[str, str]]:
        ranked = sorted(nodes, key=lambda x: (view.label(x).casefold(), x.value))[:n]
        return [(x.value, view.label(x)) for x in ranked]

    for t in terms:
        if t.kind == "class":
            cls = URIRef(t.iri)
            family = sorted({cls} | set(tbox.transitive_subjects(RDFS.subClassOf, cls)), key=str)
            values = " ".join(f"<{c}>" for c in family if isinstance(c, URIRef))
            t.uses = _number(
                view,
                f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?g {{ {graphs} }} "
                f"VALUES ?c {{ {values} }} GRAPH ?g {{ ?s a ?c }} FILTER(isIRI(?s)) }}",
            )
            members = _first(
                (
                    q.subject
                    for c in family
                    for q in view.facts(None, RDF_TYPE, ox.NamedNode(str(c)))
                    if isinstance(q.subject, ox.NamedNode)
                ),
            )
            t.examples = pick(members, 6)
        elif t.kind in ("object property", "datatype property", "annotation property"):
            prop = ox.NamedNode(t.iri)
            t.uses = _number(
                view,
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{view.facts_graphs[0].value}> "
                f"{{ ?s <{t.iri}> ?o }} }}"
                if len(view.facts_graphs) == 1
                else f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ "
                f"VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s <{t.iri}> ?o }} }} }}",
            )
            subjects = _first(
                q.subject
                for q in view.facts(None, prop, None)
                if isinstance(q.subject, ox.NamedNode)
            )
            t.examples = pick(subjects, 4)


def _first(nodes: Iterable[Any], limit: int = EXAMPLE_POOL) -> set[Any]:
    """The first ``limit`` distinct nodes."""
    out: set[Any] = set()
    for node in nodes:
        out.add(node)
        if len(out) >= limit:
            break
    return out


def _number(view: Any, query: str) -> int:
    if not view.facts_graphs:
        return 0
    return int(next(iter(view.store.query(query)))["n"].value)


# ------------------------------------------------------------------------------------------------


def _rdflib_term(term: Any) -> Any:
    """An Oxigraph term as rdflib's (plain strings stay plain, as the Turtle file says)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _graph_of(quads: Iterable[Any]) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    for q in quads:
        graph.add((_rdflib_term(q.subject), _rdflib_term(q.predicate), _rdflib_term(q.object)))
    return graph


def ontology_graph(source: Any = None) -> Graph:
    """The TBox: the store's ``bgg:ontology`` graph (small: read whole), or, for a store of
    user files that has none, bgraph's ontology (the one their closure was computed with),
    parsed by Oxigraph."""
    import pyoxigraph as ox

    if source is not None:
        from .store import oxigraph_store

        store = oxigraph_store(source)
        name = ox.NamedNode(str(ONTOLOGY_GRAPH))
        if any(g == name for g in store.named_graphs()):
            return _graph_of(store.quads_for_pattern(None, None, None, name))
    from .resources import resources

    return _parsed(resources().ontology)


def _parsed(path: Path) -> Graph:
    import pyoxigraph as ox

    return _graph_of(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))


def shapes_graph() -> Graph | None:
    """bgraph's SHACL shapes (``ontology/shapes.ttl``; not in the store), parsed by Oxigraph."""
    from .resources import resources

    path = resources().shapes
    return _parsed(path) if path.is_file() else None


def ontology_graphs(source: Any = None) -> tuple[Graph, Graph | None, Any]:
    """(TBox, shapes or None, the store for examples) of ``source`` (an OpenStore; default:
    bgraph's own data, opened by :func:`bgraph.store.open_dataset`)."""
    if source is None:
        from .store import open_dataset

        source = open_dataset()
    return ontology_graph(source), shapes_graph(), source


def serialise_ontology(fmt: str, tbox: Graph | None = None) -> str:
    """The ontology (TBox only) as Turtle or JSON-LD text, byte-identical from run to run."""
    from .export import serialize_graph
    from .formats import rdf_format

    return serialize_graph(tbox if tbox is not None else ontology_graph(), rdf_format(fmt))


DOWNLOADS = {"ontology.ttl": "turtle", "ontology.jsonld": "jsonld"}


def build_docs(out_dir: Path, source: Any = None) -> list[Path]:
    """Write index.html, ontology.ttl, ontology.jsonld and shapes.ttl into ``out_dir``, from
    ``source`` (an OpenStore; default: bgraph's own data, opened by ``open_dataset``)."""
    from .docs_html import render_html
    from .resources import resources

    if out_dir.exists() and not out_dir.is_dir():
        raise BgraphError(f"cannot write the docs into {out_dir}: it is a file, not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BgraphError(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    tbox, shapes, data = ontology_graphs(source)
    doc = read_ontology(tbox, shapes, data)
    written: list[Path] = []
    try:
        index = out_dir / "index.html"
        index.write_text(render_html(doc, downloads=True), encoding="utf-8")
        written.append(index)
        for name, fmt in DOWNLOADS.items():
            path = out_dir / name
            path.write_text(serialise_ontology(fmt, tbox), encoding="utf-8")
            written.append(path)
        if shapes is not None:
            path = out_dir / "shapes.ttl"
            shutil.copyfile(resources().shapes, path)
            written.append(path)
    except OSError as exc:
        raise BgraphError(f"cannot write the docs into {out_dir}: {exc.strerror or exc}") from None
    return written
