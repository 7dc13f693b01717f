"""What the server says about itself: a SPARQL Service Description and a VoID + DCAT description.

Both tell the truth about this running server: the graphs it holds, the formats it speaks, no
federated query (SERVICE is refused), no update, and the entailment behind the default graph.
Built as Oxigraph triples from the store's summary (:class:`.served.Served`) and, for VoID, the
counts of :func:`.overview.void_stats`.
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from .. import __version__, formats
from ..iris import (
    BG,
    CLOSURE_GRAPHS,
    DCTERMS,
    ID,
    INFERRED_GRAPH,
    OWL,
    RDF,
    RDFS,
    SCHEMA_INFERRED_GRAPH,
    SDO,
)
from .context import ServerContext
from .dumps import dump_name
from .overview import VoidStats

SD = "http://www.w3.org/ns/sparql-service-description#"
ENT = "http://www.w3.org/ns/entailment/"
OWL_PROFILE = "http://www.w3.org/ns/owl-profile/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
CC_BY = NamedNode("https://creativecommons.org/licenses/by/4.0/")
SPARQL_PROTOCOL = NamedNode("https://www.w3.org/TR/sparql11-protocol/")
#: Prefixes of these documents, beside bgraph's.
PREFIXES = {
    "sd": SD,
    "ent": ENT,
    "void": VOID,
    "dcat": DCAT,
    "formats": "http://www.w3.org/ns/formats/",
}
TYPE = NamedNode(RDF + "type")
COMMENT = NamedNode(RDFS + "comment")
TITLE = NamedNode(DCTERMS + "title")
LICENSE = NamedNode(DCTERMS + "license")


def _n(ns: str, local: str) -> NamedNode:
    return NamedNode(ns + local)


def _en(text: str) -> Literal:
    return Literal(text, language="en")


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


class _Doc(list):
    def add(self, s: Any, p: Any, o: Any) -> None:
        self.append(Triple(s, p, o))


def service_description(ctx: ServerContext) -> list[Triple]:
    g = _Doc()
    svc = NamedNode(ctx.endpoint)
    cfg = ctx.config
    served = ctx.served
    g.add(svc, TYPE, _n(SD, "Service"))
    g.add(svc, _n(SD, "endpoint"), svc)
    g.add(svc, _n(SD, "supportedLanguage"), _n(SD, "SPARQL11Query"))  # no Update: read-only
    for fmt in (*formats.SPARQL_RESULT_FORMATS, *formats.SPARQL_GRAPH_FORMATS):
        g.add(svc, _n(SD, "resultFormat"), NamedNode(fmt.iri))
    # The default graph (with no FROM / default-graph-uri) is the union of the named graphs.
    # No sd:BasicFederatedQuery (SERVICE is refused), no sd:DereferencesURIs (FROM never fetches).
    g.add(svc, _n(SD, "feature"), _n(SD, "UnionDefaultGraph"))
    g.add(svc, TITLE, _en("bgraph SPARQL endpoint"))
    limits = (
        f"Read-only SPARQL 1.1 Query endpoint (bgraph {__version__}, Oxigraph engine). Limits: "
        f"a query runs at most {cfg.timeout:g} s (then 503); at most {cfg.workers} queries run "
        f"at once and {cfg.queue} wait (then 503 with Retry-After); results are cut after "
        f"{cfg.max_rows} rows (header X-Bgraph-Result-Truncated); request bodies up to "
        f"{cfg.max_body // 1024} KiB. SERVICE and FROM of graphs not held here are refused "
        "(the endpoint never connects to other hosts). Prefixes bg:, id:, schema:, rdfs:, "
        "owl:, skos:, prov:, dcterms:, xsd:, wd: ... are predeclared."
    )
    g.add(svc, COMMENT, _en(limits))
    if served.inference:
        # The engine matches graph patterns by simple entailment, but the default graph holds
        # the materialised OWL 2 RL closure, so its answers are those of the OWL 2 RDF-Based
        # semantics restricted to the RL profile's rules (minus filtered noise).
        g.add(svc, _n(SD, "defaultEntailmentRegime"), _n(ENT, "OWL-RDF-Based"))
        g.add(svc, _n(SD, "defaultSupportedEntailmentProfile"), _n(OWL_PROFILE, "RL"))
    else:
        g.add(svc, _n(SD, "defaultEntailmentRegime"), _n(ENT, "Simple"))
    dataset = BlankNode("dataset")
    g.add(svc, _n(SD, "defaultDataset"), dataset)
    g.add(dataset, TYPE, _n(SD, "Dataset"))
    g.add(dataset, _n(VOID, "triples"), _int(served.triples))
    default = BlankNode("defaultGraph")
    g.add(dataset, _n(SD, "defaultGraph"), default)
    g.add(default, TYPE, _n(SD, "Graph"))
    g.add(default, _n(VOID, "triples"), _int(served.triples))
    comment = "The union of all the named graphs"
    if served.inference:
        when = "when the store was built" if served.on_disk else "when the server started"
        comment += (
            f", the inferred ones included (<{INFERRED_GRAPH}>: instance facts; "
            f"<{SCHEMA_INFERRED_GRAPH}>: the ontology's own entailments): the OWL 2 RL closure "
            "(computed "
            f"by bgraph's reasoner {when}), without its noise (reflexive owl:sameAs, "
            "owl:Thing types, axiomatic triples)"
        )
    g.add(default, COMMENT, _en(comment + "."))
    for i, (name, size) in enumerate(served.graph_sizes.items()):
        node, desc = BlankNode(f"g{i}"), BlankNode(f"g{i}d")
        g.add(dataset, _n(SD, "namedGraph"), node)
        g.add(node, TYPE, _n(SD, "NamedGraph"))
        g.add(node, _n(SD, "name"), NamedNode(name))
        g.add(node, _n(SD, "graph"), desc)
        g.add(desc, TYPE, _n(SD, "Graph"))
        g.add(desc, _n(VOID, "triples"), _int(size))
        if name in CLOSURE_GRAPHS:
            g.add(node, _n(SD, "entailmentRegime"), _n(ENT, "OWL-RDF-Based"))
            g.add(node, _n(SD, "supportedEntailmentProfile"), _n(OWL_PROFILE, "RL"))
            only = "Only the inferred triples: what OWL 2 RL adds to the other graphs."
            g.add(desc, COMMENT, _en(only))
        else:
            g.add(node, _n(SD, "entailmentRegime"), _n(ENT, "Simple"))
    return g


def void_description(ctx: ServerContext, stats: VoidStats) -> list[Triple]:
    g = _Doc()
    served = ctx.served
    dataset = NamedNode(ctx.url(".well-known/void") + "#dataset")
    service = NamedNode(ctx.url(".well-known/void") + "#sparql")
    endpoint = NamedNode(ctx.endpoint)
    g.add(dataset, TYPE, _n(VOID, "Dataset"))
    g.add(dataset, TYPE, _n(DCAT, "Dataset"))
    if served.builtin:
        g.add(dataset, TITLE, _en("bgraph: the Bosch TV universe"))
        about = (
            "A linked-data knowledge graph of Michael Connelly's Bosch TV universe (Bosch, "
            "Bosch: Legacy, Ballard), built from French news articles: each fact keeps its "
            "source article and verbatim quote. With an OWL 2 RL ontology aligned to schema.org "
            "and mapped to Wikidata."
        )
        g.add(dataset, _n(DCTERMS, "description"), _en(about))
        g.add(dataset, LICENSE, CC_BY)
        g.add(dataset, _n(VOID, "uriSpace"), Literal(ID))
        g.add(dataset, _n(VOID, "vocabulary"), NamedNode(BG))
        g.add(dataset, _n(VOID, "vocabulary"), NamedNode(SDO))
        g.add(dataset, _n(VOID, "rootResource"), NamedNode(ID + "bosch-universe"))
    else:
        g.add(dataset, TITLE, _en("RDF files served by bgraph"))
        served_from = "Served from: " + "; ".join(served.sources)
        g.add(dataset, _n(DCTERMS, "description"), _en(served_from))
    g.add(dataset, _n(VOID, "triples"), _int(served.triples))
    g.add(dataset, _n(VOID, "entities"), _int(stats.entities))
    g.add(dataset, _n(VOID, "classes"), _int(len(stats.classes)))
    g.add(dataset, _n(VOID, "properties"), _int(len(stats.properties)))
    g.add(dataset, _n(VOID, "distinctSubjects"), _int(stats.distinct_subjects))
    g.add(dataset, _n(VOID, "distinctObjects"), _int(stats.distinct_objects))
    for example in stats.examples:
        g.add(dataset, _n(VOID, "exampleResource"), example)
    g.add(dataset, _n(VOID, "sparqlEndpoint"), endpoint)
    for i, (cls, n) in enumerate(stats.classes):
        part = BlankNode(f"class{i}")
        g.add(dataset, _n(VOID, "classPartition"), part)
        g.add(part, _n(VOID, "class"), cls)
        g.add(part, _n(VOID, "entities"), _int(n))
    for i, (prop, n) in enumerate(stats.properties):
        part = BlankNode(f"property{i}")
        g.add(dataset, _n(VOID, "propertyPartition"), part)
        g.add(part, _n(VOID, "property"), prop)
        g.add(part, _n(VOID, "triples"), _int(n))
    for fmt in formats.DOCUMENT_FORMATS:
        url = NamedNode(ctx.url("dumps/" + dump_name(fmt)))
        dist = BlankNode(f"dump-{fmt.name}")
        g.add(dataset, _n(VOID, "dataDump"), url)
        g.add(dataset, _n(DCAT, "distribution"), dist)
        g.add(dist, TYPE, _n(DCAT, "Distribution"))
        g.add(dist, _n(DCAT, "downloadURL"), url)
        g.add(dist, _n(DCAT, "mediaType"), _iana(fmt.media_type))
        g.add(dist, _n(DCTERMS, "format"), NamedNode(fmt.iri))
        what = (
            "Keeps the named graphs." if fmt.quads else "The default graph (union of the graphs)."
        )
        g.add(dist, COMMENT, _en(what))
        if served.builtin:
            g.add(dist, LICENSE, CC_BY)
    api = BlankNode("api")
    g.add(dataset, _n(DCAT, "distribution"), api)
    g.add(api, TYPE, _n(DCAT, "Distribution"))
    g.add(api, _n(DCAT, "accessURL"), endpoint)
    g.add(api, _n(DCAT, "accessService"), service)
    g.add(service, TYPE, _n(DCAT, "DataService"))
    g.add(service, TITLE, _en("bgraph SPARQL endpoint"))
    g.add(service, _n(DCAT, "endpointURL"), endpoint)
    g.add(service, _n(DCAT, "endpointDescription"), endpoint)
    g.add(service, _n(DCTERMS, "conformsTo"), SPARQL_PROTOCOL)
    g.add(service, _n(DCAT, "servesDataset"), dataset)
    g.add(dataset, NamedNode(OWL + "versionInfo"), Literal(__version__))
    return g


def _iana(media_type: str) -> NamedNode:
    return NamedNode("https://www.iana.org/assignments/media-types/" + media_type)
