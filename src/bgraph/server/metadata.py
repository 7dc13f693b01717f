"""What the server says about itself: a SPARQL Service Description and a VoID + DCAT description.

Both tell the truth about this running server: the graphs it holds, the formats it speaks, no
federated query (SERVICE is refused), no update, and the entailment behind the default graph.
"""

from __future__ import annotations

from collections import Counter

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SDO, VOID

from .. import __version__, formats
from ..namespaces import BG, ID, INFERRED_GRAPH, bind_prefixes
from .context import ServerContext
from .engine import ASK_FORMATS, GRAPH_FORMATS, SELECT_FORMATS

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENT = Namespace("http://www.w3.org/ns/entailment/")
OWL_PROFILE = Namespace("http://www.w3.org/ns/owl-profile/")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

#: The dump files the server offers (format names of the format table).
DUMP_FORMATS = ("trig", "nquads", "turtle", "nt", "jsonld", "xml")
DUMP_STEM = "bgraph"
#: Example resources of the Ballard dataset, for VoID.
BUILTIN_EXAMPLES = ("ballard", "renee-ballard", "bosch", "maggie-q", "michael-connelly")


def dump_name(fmt_name: str) -> str:
    return DUMP_STEM + formats.rdf_format(fmt_name).suffix


def _graph() -> Graph:
    g = Graph()
    bind_prefixes(g)
    g.bind("sd", SD)
    g.bind("ent", ENT)
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    g.bind("formats", Namespace("http://www.w3.org/ns/formats/"))
    return g


def service_description(ctx: ServerContext) -> Graph:
    g = _graph()
    svc = URIRef(ctx.endpoint)
    cfg = ctx.config
    served = ctx.served
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, svc))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))  # no SPARQL11Update: read-only
    names = set(SELECT_FORMATS) | set(ASK_FORMATS)
    for name in sorted(names):
        g.add((svc, SD.resultFormat, URIRef(formats.RESULT_FORMAT_IRIS[name])))
    for name in GRAPH_FORMATS:
        g.add((svc, SD.resultFormat, URIRef(formats.RDF_FORMAT_IRIS[name])))
    # The default graph (with no FROM / default-graph-uri) is the union of the named graphs.
    # No sd:BasicFederatedQuery (SERVICE is refused), no sd:DereferencesURIs (FROM never fetches).
    g.add((svc, SD.feature, SD.UnionDefaultGraph))
    g.add((svc, DCTERMS.title, Literal("bgraph SPARQL endpoint", lang="en")))
    limits = (
        f"Read-only SPARQL 1.1 Query endpoint (bgraph {__version__}). Limits: a query runs at "
        f"most {cfg.timeout:g} s (then 503); at most {cfg.workers} queries run at once and "
        f"{cfg.queue} wait (then 503 with Retry-After); results are cut after {cfg.max_rows} "
        "rows (header X-Bgraph-Result-Truncated); request bodies up to "
        f"{cfg.max_body // 1024} KiB. SERVICE and FROM of graphs not held here are refused "
        "(the endpoint never connects to other hosts). Prefixes bg:, id:, schema:, rdfs:, "
        "owl:, skos:, prov:, dcterms:, xsd:, wd: ... are predeclared."
    )
    g.add((svc, RDFS.comment, Literal(limits, lang="en")))
    if served.inference:
        # The engine matches graph patterns by simple entailment, but the default graph holds
        # the materialised OWL 2 RL closure (owlrl), so its answers are those of the OWL 2
        # RDF-Based semantics restricted to the RL profile's rules (minus filtered noise).
        g.add((svc, SD.defaultEntailmentRegime, ENT["OWL-RDF-Based"]))
        g.add((svc, SD.defaultSupportedEntailmentProfile, OWL_PROFILE.RL))
    else:
        g.add((svc, SD.defaultEntailmentRegime, ENT.Simple))
    dataset = BNode("dataset")
    g.add((svc, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, VOID.triples, Literal(served.triples)))
    default = BNode("defaultGraph")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(served.triples)))
    comment = "The union of all the named graphs"
    if served.inference:
        when = (
            "when the store was built"
            if served.oxigraph is not None and served.oxigraph.on_disk
            else "when the server started"
        )
        comment += (
            f", the inferred one <{INFERRED_GRAPH}> included: the OWL 2 RL closure (owlrl's, "
            f"computed by bgraph's reasoner {when}), without its noise (reflexive owl:sameAs, "
            "owl:Thing types, axiomatic triples)"
        )
    g.add((default, RDFS.comment, Literal(comment + ".", lang="en")))
    for name, size in served.graph_sizes.items():
        node = BNode()
        desc = BNode()
        g.add((dataset, SD.namedGraph, node))
        g.add((node, RDF.type, SD.NamedGraph))
        g.add((node, SD.name, name))
        g.add((node, SD.graph, desc))
        g.add((desc, RDF.type, SD.Graph))
        g.add((desc, VOID.triples, Literal(size)))
        if name == INFERRED_GRAPH:
            g.add((node, SD.entailmentRegime, ENT["OWL-RDF-Based"]))
            g.add((node, SD.supportedEntailmentProfile, OWL_PROFILE.RL))
            g.add(
                (
                    desc,
                    RDFS.comment,
                    Literal(
                        "Only the inferred triples: what OWL 2 RL adds to the other graphs.",
                        lang="en",
                    ),
                )
            )
        else:
            g.add((node, SD.entailmentRegime, ENT.Simple))
    return g


def void_description(ctx: ServerContext) -> Graph:
    g = _graph()
    served = ctx.served
    ds = served.dataset
    dataset = URIRef(ctx.url(".well-known/void") + "#dataset")
    service = URIRef(ctx.url(".well-known/void") + "#sparql")
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    if served.builtin:
        g.add((dataset, DCTERMS.title, Literal("bgraph: the Bosch TV universe", lang="en")))
        g.add(
            (
                dataset,
                DCTERMS.description,
                Literal(
                    "A linked-data knowledge graph of Michael Connelly's Bosch TV universe "
                    "(Bosch, Bosch: Legacy, Ballard), built from French news articles: each fact "
                    "keeps its source article and verbatim quote. With an OWL 2 RL ontology "
                    "aligned to schema.org and mapped to Wikidata.",
                    lang="en",
                ),
            )
        )
        g.add((dataset, DCTERMS.license, CC_BY))
        g.add((dataset, VOID.uriSpace, Literal(str(ID))))
        g.add((dataset, VOID.vocabulary, URIRef(str(BG))))
        g.add((dataset, VOID.vocabulary, URIRef(str(SDO))))
        g.add((dataset, VOID.rootResource, ID["bosch-universe"]))
        examples = [ID[x] for x in BUILTIN_EXAMPLES]
    else:
        g.add((dataset, DCTERMS.title, Literal("RDF files served by bgraph", lang="en")))
        g.add(
            (
                dataset,
                DCTERMS.description,
                Literal("Served from: " + "; ".join(served.sources), lang="en"),
            )
        )
        examples = []
    subjects = {s for s in ds.subjects() if isinstance(s, URIRef)}
    uri_space = str(ID) if served.builtin else None
    entities = {s for s in subjects if uri_space is None or str(s).startswith(uri_space)}
    classes: Counter[URIRef] = Counter()
    for s, o in ds.subject_objects(RDF.type):
        if s in entities and isinstance(o, URIRef):
            classes[o] += 1
    props: Counter[URIRef] = Counter(p for _s, p, _o in set(ds.triples((None, None, None))))
    if not examples:
        examples = sorted(entities, key=str)[:3]
    g.add((dataset, VOID.triples, Literal(served.triples)))
    g.add((dataset, VOID.entities, Literal(len(entities))))
    g.add((dataset, VOID.classes, Literal(len(classes))))
    g.add((dataset, VOID.properties, Literal(len(props))))
    g.add((dataset, VOID.distinctSubjects, Literal(len(set(ds.subjects())))))
    g.add((dataset, VOID.distinctObjects, Literal(len(set(ds.objects())))))
    for ex in examples:
        if ctx.index.knows(ex):
            g.add((dataset, VOID.exampleResource, ex))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(ctx.endpoint)))
    for cls, n in sorted(classes.items(), key=lambda kv: str(kv[0])):
        part = BNode()
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(n)))
    for prop, n in sorted(props.items(), key=lambda kv: str(kv[0])):
        part = BNode()
        g.add((dataset, VOID.propertyPartition, part))
        g.add((part, VOID.property, prop))
        g.add((part, VOID.triples, Literal(n)))
    for name in DUMP_FORMATS:
        fmt = formats.rdf_format(name)
        url = URIRef(ctx.url("dumps/" + dump_name(name)))
        g.add((dataset, VOID.dataDump, url))
        dist = BNode()
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, _iana(fmt.media_type)))
        g.add((dist, DCTERMS["format"], URIRef(formats.RDF_FORMAT_IRIS[name])))
        if fmt.quads:
            g.add((dist, RDFS.comment, Literal("Keeps the named graphs.", lang="en")))
        else:
            g.add(
                (dist, RDFS.comment, Literal("The default graph (union of the graphs).", lang="en"))
            )
        if served.builtin:
            g.add((dist, DCTERMS.license, CC_BY))
    api = BNode()
    g.add((dataset, DCAT.distribution, api))
    g.add((api, RDF.type, DCAT.Distribution))
    g.add((api, DCAT.accessURL, URIRef(ctx.endpoint)))
    g.add((api, DCAT.accessService, service))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("bgraph SPARQL endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, URIRef(ctx.endpoint)))
    g.add((service, DCAT.endpointDescription, URIRef(ctx.endpoint)))
    g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((dataset, OWL.versionInfo, Literal(__version__)))
    return g


def _iana(media_type: str) -> URIRef:
    return URIRef("https://www.iana.org/assignments/media-types/" + media_type)
