"""The ontology: header, bilingual labels, alignment to schema.org and Wikidata."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SDO, SKOS

from bgraph.namespaces import BG, FACTS_GRAPH, ID, ONTOLOGY, ONTOLOGY_GRAPH, WD

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)


def terms(ds: Dataset) -> list[URIRef]:
    onto = ds.graph(ONTOLOGY_GRAPH)
    return sorted({s for t in TERM_TYPES for s in onto.subjects(RDF.type, t)})


def test_header(asserted: Dataset) -> None:
    onto = asserted.graph(ONTOLOGY_GRAPH)
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    for prop in (
        OWL.versionIRI,
        OWL.versionInfo,
        DCTERMS.license,
        DCTERMS.creator,
        DCTERMS.description,
    ):
        assert onto.value(ONTOLOGY, prop) is not None, prop


def test_every_term_has_english_and_french_labels_and_a_comment(asserted: Dataset) -> None:
    onto = asserted.graph(ONTOLOGY_GRAPH)
    found = terms(asserted)
    assert len(found) > 80
    problems = []
    for term in found:
        labels = {lit.language for lit in onto.objects(term, RDFS.label)}
        comments = {lit.language for lit in onto.objects(term, RDFS.comment)}
        if not {"en", "fr"} <= labels:
            problems.append(f"{term}: labels {labels}")
        if "en" not in comments:
            problems.append(f"{term}: no English comment")
        if onto.value(term, RDFS.isDefinedBy) != ONTOLOGY:
            problems.append(f"{term}: rdfs:isDefinedBy")
    assert not problems, problems


def test_properties_have_domain_and_range(asserted: Dataset) -> None:
    onto = asserted.graph(ONTOLOGY_GRAPH)
    missing = []
    for p in onto.subjects(RDF.type, OWL.ObjectProperty):
        if onto.value(p, RDFS.domain) is None or onto.value(p, RDFS.range) is None:
            missing.append(str(p))
    assert not missing


@pytest.mark.parametrize(
    "required",
    [
        "Work",
        "TVSeries",
        "TVSeason",
        "Novel",
        "Franchise",
        "Person",
        "FictionalCharacter",
        "Performance",
        "ProductionCompany",
        "Studio",
        "StreamingService",
        "PublicAgency",
        "CriticsAggregator",
        "AudienceMeasurementFirm",
        "Place",
        "Release",
        "Renewal",
        "ViewershipFigure",
        "ChartRanking",
        "CriticScore",
        "TaxCredit",
        "SubscriptionOffer",
    ],
)
def test_required_classes(asserted: Dataset, required: str) -> None:
    assert (BG[required], RDF.type, OWL.Class) in asserted.graph(ONTOLOGY_GRAPH)


@pytest.mark.parametrize(
    "required",
    [
        "basedOn",
        "adaptedAs",
        "spinOffOf",
        "hasSpinOff",
        "partOfFranchise",
        "author",
        "producer",
        "productionCompany",
        "studio",
        "availableOn",
        "performer",
        "character",
        "inWork",
        "hasSeason",
        "seasonOf",
        "seasonNumber",
        "numberOfEpisodes",
        "startDate",
        "endDate",
        "releaseDate",
        "countryOfOrigin",
        "genre",
        "setting",
        "producedIn",
        "value",
        "unit",
        "periodStart",
        "periodEnd",
        "region",
        "rank",
        "measuredBy",
        "amount",
        "currency",
        "billingPeriod",
        "trialLength",
        "status",
    ],
)
def test_required_properties(asserted: Dataset, required: str) -> None:
    onto = asserted.graph(ONTOLOGY_GRAPH)
    assert onto.value(BG[required], RDF.type) in (OWL.ObjectProperty, OWL.DatatypeProperty)


def test_spin_off_directions_are_inverse(asserted: Dataset) -> None:
    assert (BG.hasSpinOff, OWL.inverseOf, BG.spinOffOf) in asserted.graph(ONTOLOGY_GRAPH)


def test_data_uses_only_defined_terms(asserted: Dataset) -> None:
    """A typo in a bg: term would mint a new IRI silently: every bg: term used is defined."""
    onto = asserted.graph(ONTOLOGY_GRAPH)
    defined = set(onto.subjects())
    used = set()
    for _s, p, o in asserted.triples((None, None, None)):
        used.update(x for x in (p, o) if isinstance(x, URIRef) and str(x).startswith(str(BG)))
    used.discard(asserted.graph(ONTOLOGY_GRAPH).value(ONTOLOGY, OWL.versionIRI))
    assert sorted(map(str, used - defined)) == []


def test_one_schema_namespace_and_no_same_as_outside(asserted: Dataset) -> None:
    for s, p, o in asserted.triples((None, None, None)):
        for term in (s, p, o):
            assert not str(term).startswith("http://schema.org/"), (s, p, o)
        if p == OWL.sameAs:
            raise AssertionError(f"owl:sameAs asserted: {s} {o}")


@pytest.mark.parametrize(
    ("term", "wikidata"),
    [
        ("basedOn", "P144"),
        ("castMember", "P161"),
        ("character", "P453"),
        ("hasSpinOff", "P2512"),
        ("productionCompany", "P272"),
        ("author", "P50"),
        ("TVSeries", "Q5398426"),
        ("TVSeason", "Q3464665"),
    ],
)
def test_wikidata_mappings(asserted: Dataset, term: str, wikidata: str) -> None:
    onto = asserted.graph(ONTOLOGY_GRAPH)
    matches = set(onto.objects(BG[term], SKOS.exactMatch)) | set(
        onto.objects(BG[term], SKOS.closeMatch)
    )
    assert WD[wikidata] in matches


def test_available_on_is_not_original_broadcaster(asserted: Dataset) -> None:
    """P449 is 'original broadcaster': a series can stream on a service that did not air it."""
    onto = asserted.graph(ONTOLOGY_GRAPH)
    for match in (SKOS.exactMatch, SKOS.closeMatch):
        assert (BG.availableOn, match, WD.P449) not in onto


# --- what a consumer who knows only schema.org finds after OWL-RL reasoning -------------------

SCHEMA_VIEW = """
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?name WHERE {
  ?x a schema:%s ; schema:name ?name .
  # one name per node: English or untagged if it has one, else French
  FILTER (LANG(?name) != "fr" || NOT EXISTS {
    ?x schema:name ?other . FILTER (LANG(?other) != "fr") })
}
"""


def names_of_type(ds: Dataset, cls: str) -> set[str]:
    return {str(r[0]) for r in ds.query(SCHEMA_VIEW % cls)}


def test_schema_view_series_and_people(enriched: Dataset, asserted: Dataset) -> None:
    assert names_of_type(enriched, "TVSeries") == {"Harry Bosch", "Bosch: Legacy", "Ballard"}
    people = names_of_type(enriched, "Person")
    assert {"Maggie Q", "Titus Welliver", "Michael Connelly", "Trish Hofmann"} <= people
    assert "Renée Ballard" not in people  # characters are not people
    assert names_of_type(asserted, "TVSeries") == set()  # only inference gives this view


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ("actor", "Maggie Q"),
        ("isBasedOn", "Harry Bosch"),  # a spin-off is visible to schema.org
        ("contributor", "Michael Connelly"),
        ("isBasedOn", "Les Ténèbres et la Nuit"),
        ("producer", "Henrik Bastin"),
        ("productionCompany", "Fabel Entertainment"),
    ],
)
def test_schema_view_of_ballard(
    enriched: Dataset, asserted: Dataset, prop: str, expected: str
) -> None:
    q = f"""PREFIX schema: <https://schema.org/>
    SELECT ?name WHERE {{ <{ID.ballard}> schema:{prop} ?x . ?x schema:name ?name }}"""
    assert expected in {str(r[0]) for r in enriched.query(q)}
    assert expected not in {str(r[0]) for r in asserted.query(q)}


def test_schema_view_author_dates_and_episodes(enriched: Dataset) -> None:
    g = enriched
    novel = ID["les-tenebres-et-la-nuit"]
    assert (novel, SDO.author, ID["michael-connelly"]) in g
    assert (ID["ballard-season-1"], SDO.numberOfEpisodes, Literal(10)) in g
    assert (ID.ballard, SDO.numberOfEpisodes, None) not in g  # the episodes are season 1's
    assert g.value(ID.bosch, SDO.startDate) is not None
    assert g.value(ID.bosch, SDO.endDate) is not None
    assert g.value(ID.ballard, SDO.datePublished) is not None


def test_schema_name_on_every_entity(enriched: Dataset) -> None:
    facts = enriched.graph(FACTS_GRAPH)
    entities = {s for s in facts.subjects() if str(s).startswith(str(ID))}
    unnamed = [str(e) for e in entities if enriched.value(e, SDO.name) is None]
    assert unnamed == []
