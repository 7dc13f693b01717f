"""Every fact of the three articles, one case each, by entity names (not IRIs).

This list was written from a careful read of ../shared/articles/, independently of the data
file. Each case gives a SPARQL pattern over named entities, the articles that state it and the
articles from which bgraph derived it (a year left implicit, a date computed, two sentences
combined: see bg:DerivedClaim). The test checks that (1) the pattern holds in the asserted facts,
without inference, and (2) the articles whose plain claims together hold every matched triple
are exactly the stating ones, and those whose claims hold them only with derived claims are
exactly the deriving ones. An article that supports only part of a fact does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from rdflib import Dataset
from rdflib.namespace import PROV, RDF

from bgraph.namespaces import BG, FACTS_GRAPH, ID, PROVENANCE_GRAPH

PREFIXES = """
PREFIX bg: <https://w3id.org/bgraph/ontology/>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

_VAR = re.compile(r"\?([A-Za-z]\w*)")
SERIES, PERSON, CHARACTER = "bg:TVSeries", "bg:Person", "bg:FictionalCharacter"
UNIT = ("LAPD cold case division", "bg:FictionalUnit")


@dataclass(frozen=True)
class Fact:
    text: str
    articles: frozenset[str]
    pattern: str
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    derived: frozenset[str] = frozenset()


def fact(
    text: str, articles: str, pattern: str, derived: str = "", **names: tuple[str, str]
) -> Fact:
    return Fact(text, frozenset(articles.split()), pattern, names, frozenset(derived.split()))


def ballard(**more: tuple[str, str]) -> dict[str, tuple[str, str]]:
    return {"ballard": ("Ballard", SERIES), **more}


def plays(actor: str, character: str, articles: str) -> Fact:
    return fact(
        f"{actor} plays {character} in Ballard",
        articles,
        "?p bg:performer ?actor ; bg:character ?character ; bg:inWork ?ballard .",
        **ballard(actor=(actor, PERSON), character=(character, CHARACTER)),
    )


def in_cast(actor: str, articles: str) -> Fact:
    return fact(
        f"{actor} is in the cast of Ballard",
        articles,
        "?p bg:performer ?actor ; bg:inWork ?ballard .",
        **ballard(actor=(actor, PERSON)),
    )


def produced_by(person: str) -> Fact:
    return fact(
        f"Ballard is produced by {person}",
        "002",
        "?ballard bg:producer ?person .",
        **ballard(person=(person, PERSON)),
    )


FACTS: list[Fact] = [
    # --- the works and the universe
    fact("Ballard is a television series", "000 001", "?ballard a bg:TVSeries .", **ballard()),
    fact(
        "Harry Bosch ran from 2014 to 2021",
        "001",
        '?s bg:startDate "2014"^^xsd:gYear ; bg:endDate "2021"^^xsd:gYear .',
        s=("Harry Bosch", SERIES),
    ),
    fact(
        "Bosch: Legacy ran from 2022 to 2025",
        "001",
        '?s bg:startDate "2022"^^xsd:gYear ; bg:endDate "2025"^^xsd:gYear .',
        s=("Bosch: Legacy", SERIES),
    ),
    fact(
        "Bosch: Legacy is a spin-off of Harry Bosch",
        "001",
        "?legacy bg:spinOffOf ?bosch .",
        legacy=("Bosch: Legacy", SERIES),
        bosch=("Harry Bosch", SERIES),
    ),
    fact(
        "Bosch: Legacy is the first spin-off (001 calls Ballard the second; derived)",
        "",
        "?legacy bg:spinOffOf ?bosch ; bg:spinOffOrder 1 .",
        derived="001",
        legacy=("Bosch: Legacy", SERIES),
        bosch=("Harry Bosch", SERIES),
    ),
    fact(
        "Ballard is a spin-off of Harry Bosch",
        "000 001 002",
        "?ballard bg:spinOffOf ?bosch .",
        **ballard(bosch=("Harry Bosch", SERIES)),
    ),
    fact("Ballard is the second spin-off", "001", "?ballard bg:spinOffOrder 2 .", **ballard()),
    fact(
        "Ballard is the latest spin-off of Harry Bosch",
        "000",
        "?bosch bg:latestSpinOff ?ballard .",
        **ballard(bosch=("Harry Bosch", SERIES)),
    ),
    fact(
        "Harry Bosch belongs to the Bosch universe",
        "001",
        "?s bg:partOfFranchise ?u .",
        s=("Harry Bosch", SERIES),
        u=("Bosch universe", "bg:Franchise"),
    ),
    fact(
        "Bosch: Legacy belongs to the Bosch universe",
        "001",
        "?s bg:partOfFranchise ?u .",
        s=("Bosch: Legacy", SERIES),
        u=("Bosch universe", "bg:Franchise"),
    ),
    fact(
        "Ballard belongs to the Bosch universe",
        "000 001 002",
        "?ballard bg:partOfFranchise ?u .",
        **ballard(u=("Bosch universe", "bg:Franchise")),
    ),
    fact(
        "The Bosch universe is called the Bosch franchise",
        "001",
        '?u schema:alternateName "franchise Bosch"@fr .',
        u=("Bosch universe", "bg:Franchise"),
    ),
    fact(
        "The Bosch universe is Michael Connelly's",
        "001 002",
        "?u schema:creator ?mc .",
        u=("Bosch universe", "bg:Franchise"),
        mc=("Michael Connelly", PERSON),
    ),
    fact(
        "Ballard is American",
        "001",
        "?ballard bg:countryOfOrigin ?us .",
        **ballard(us=("United States", "bg:Country")),
    ),
    fact(
        "Ballard is a police series",
        "000 001",
        "?ballard bg:genre ?g .",
        **ballard(g=("police drama", "bg:Genre")),
    ),
    fact(
        "Ballard is a thriller",
        "000",
        "?ballard bg:genre ?g .",
        **ballard(g=("thriller", "bg:Genre")),
    ),
    fact(
        "Harry Bosch is a classic of the thriller genre",
        "000",
        "?bosch bg:genre ?g .",
        bosch=("Harry Bosch", SERIES),
        g=("thriller", "bg:Genre"),
    ),
    fact(
        "The police series genre is also called polar",
        "000",
        '?g schema:alternateName "polar"@fr .',
        g=("police drama", "bg:Genre"),
    ),
    # --- novels and their author
    fact(
        "Ballard is based on Les Ténèbres et la Nuit",
        "001",
        "?ballard bg:basedOn ?n .",
        **ballard(n=("Les Ténèbres et la Nuit", "bg:Novel")),
    ),
    fact(
        "Ballard is based on L'Étoile du désert",
        "001",
        "?ballard bg:basedOn ?n .",
        **ballard(n=("L'Étoile du désert", "bg:Novel")),
    ),
    fact(
        "Michael Connelly wrote Les Ténèbres et la Nuit (his novels, then these two; derived)",
        "",
        "?n bg:author ?mc .",
        derived="001",
        n=("Les Ténèbres et la Nuit", "bg:Novel"),
        mc=("Michael Connelly", PERSON),
    ),
    fact(
        "Michael Connelly wrote L'Étoile du désert (derived)",
        "",
        "?n bg:author ?mc .",
        derived="001",
        n=("L'Étoile du désert", "bg:Novel"),
        mc=("Michael Connelly", PERSON),
    ),
    fact(
        "Connelly's novels are crime novels: Les Ténèbres et la Nuit (derived)",
        "",
        "?n bg:genre ?g .",
        derived="002",
        n=("Les Ténèbres et la Nuit", "bg:Novel"),
        g=("crime novel", "bg:Genre"),
    ),
    fact(
        "Connelly's novels are crime novels: L'Étoile du désert (derived)",
        "",
        "?n bg:genre ?g .",
        derived="002",
        n=("L'Étoile du désert", "bg:Novel"),
        g=("crime novel", "bg:Genre"),
    ),
    fact(
        "Michael Connelly is closely involved in Ballard",
        "001",
        "?ballard bg:closelyInvolved ?mc .",
        **ballard(mc=("Michael Connelly", PERSON)),
    ),
    fact(
        "Michael Connelly is a novelist",
        "002",
        '?mc schema:jobTitle "romancier"@fr .',
        mc=("Michael Connelly", PERSON),
    ),
    # --- cast
    fact(
        "Renée Ballard is the title character of Ballard",
        "001",
        "?ballard bg:titleCharacter ?rb .",
        **ballard(rb=("Renée Ballard", CHARACTER)),
    ),
    plays("Maggie Q", "Renée Ballard", "000 001 002"),
    # 002 lists these six in the cast without their characters: it states in_cast, not plays
    plays("Courtney Taylor", "Samira Parker", "001"),
    plays("John Carroll Lynch", "Thomas Laffont", "001"),
    plays("Michael Mosley", "Ted Rawls", "001"),
    plays("Rebecca Field", "Colleen Hatteras", "001"),
    plays("Victoria Moroles", "Martina Castro", "001"),
    plays("Amy Hill", "Tutu", "001"),
    plays("Titus Welliver", "Harry Bosch", "001 002"),
    plays("Hector Hugo", "Captain Berchem", "001"),
    plays("Michael Cassidy", "Aaron", "001"),
    plays("Noah Bean", "Jake Pearlman", "001"),
    in_cast("Maggie Q", "000 001 002"),
    in_cast("Titus Welliver", "001 002"),
    in_cast("Courtney Taylor", "001 002"),
    in_cast("Michael Mosley", "001 002"),
    in_cast("Rebecca Field", "001 002"),
    in_cast("Victoria Moroles", "001 002"),
    in_cast("Amy Hill", "001 002"),
    in_cast("John Carroll Lynch", "001 002"),
    fact(
        "Titus Welliver played Harry Bosch in the original series, Harry Bosch (derived)",
        "",
        "?p bg:performer ?tw ; bg:character ?hb ; bg:inWork ?bosch .",
        derived="000 001",
        tw=("Titus Welliver", PERSON),
        hb=("Harry Bosch", CHARACTER),
        bosch=("Harry Bosch", SERIES),
    ),
    fact(
        "Maggie Q is known for Nikita",
        "000",
        "?mq bg:knownFor ?nikita .",
        mq=("Maggie Q", PERSON),
        nikita=("Nikita", "bg:Work"),
    ),
    # --- production
    produced_by("Michael Connelly"),
    produced_by("Henrik Bastin"),
    produced_by("Michael Alaimo"),
    produced_by("Kendall Sherwood"),
    produced_by("Trish Hofmann"),
    fact(
        "Ballard is produced for Fabel Entertainment",
        "002",
        "?ballard bg:productionCompany ?f .",
        **ballard(f=("Fabel Entertainment", "bg:ProductionCompany")),
    ),
    fact(
        "Ballard is produced in Los Angeles",
        "002",
        "?ballard bg:producedIn ?la .",
        **ballard(la=("Los Angeles", "bg:City")),
    ),
    # --- where to watch, and on what terms
    fact(
        "Ballard streams on Prime Video",
        "000 001 002",
        "?ballard bg:availableOn ?pv .",
        **ballard(pv=("Prime Video", "bg:StreamingService")),
    ),
    fact(
        "Harry Bosch streams on Prime Video",
        "000",
        "?s bg:availableOn ?pv .",
        s=("Harry Bosch", SERIES),
        pv=("Prime Video", "bg:StreamingService"),
    ),
    fact(
        "Bosch: Legacy streams on Prime Video",
        "000",
        "?s bg:availableOn ?pv .",
        s=("Bosch: Legacy", SERIES),
        pv=("Prime Video", "bg:StreamingService"),
    ),
    fact(
        "Prime Video offers a 30-day free trial",
        "001",
        '?o bg:offeredBy ?pv ; bg:trialLength "P30D"^^xsd:duration .',
        pv=("Prime Video", "bg:StreamingService"),
    ),
    fact(
        "The subscription then costs 6.99 EUR per month",
        "001",
        '?o bg:offeredBy ?pv ; bg:price 6.99 ; bg:priceCurrency "EUR" ; '
        'bg:billingPeriod "P1M"^^xsd:duration .',
        pv=("Prime Video", "bg:StreamingService"),
    ),
    fact(
        "The subscription renews automatically",
        "001",
        "?o bg:offeredBy ?pv ; bg:autoRenewal true .",
        pv=("Prime Video", "bg:StreamingService"),
    ),
    # --- release, episodes, seasons, renewal
    fact(
        "Ballard was released on 9 July 2025 (000 says '9 juillet': year derived)",
        "001 002",
        '?ballard bg:releaseDate "2025-07-09"^^xsd:date .',
        derived="000",
        **ballard(),
    ),
    fact(
        "Ballard's release put every episode on Prime Video at once",
        "002",
        "?ballard bg:release ?r . ?r bg:releasedOn ?pv ; bg:allEpisodesAtOnce true .",
        **ballard(pv=("Prime Video", "bg:StreamingService")),
    ),
    fact(
        "Ballard's first season has ten episodes (000, 001 count Ballard's; derived)",
        "",
        "?s bg:numberOfEpisodes 10 .",
        derived="000 001",
        s=("Ballard, season 1", "bg:TVSeason"),
    ),
    fact(
        "Ballard's first season came out on 9 July 2025",
        "002",
        '?ballard bg:hasSeason ?s . ?s bg:seasonNumber 1 ; bg:releaseDate "2025-07-09"^^xsd:date .',
        **ballard(),
    ),
    fact(
        "Prime Video renews Ballard for a second season",
        "002",
        "?r bg:renewedWork ?ballard ; bg:renewedBy ?pv ; bg:forSeason ?s . ?s bg:seasonNumber 2 .",
        **ballard(pv=("Prime Video", "bg:StreamingService")),
    ),
    fact(
        "The renewal is not yet officially confirmed; cast and crew were informed",
        "002",
        "?r bg:renewedWork ?ballard . ?r bg:officiallyConfirmed false ; bg:status ?st .",
        **ballard(st=("cast and crew informed, not yet officially confirmed", "bg:Status")),
    ),
    fact(
        "Amazon MGM Studios has not yet confirmed the renewal",
        "002",
        "?r bg:renewedWork ?ballard . ?r bg:awaitingConfirmationFrom ?s .",
        **ballard(s=("Amazon MGM Studios", "bg:Studio")),
    ),
    # --- audience, charts, critics
    fact(
        "Within days Ballard topped Prime Video's audiences in the United States",
        "000",
        "?m bg:measureOf ?ballard ; bg:rank 1 ; bg:region ?us ; bg:chart ?c .",
        **ballard(
            us=("United States", "bg:Country"),
            c=("most-watched programmes on Prime Video", "bg:Chart"),
        ),
    ),
    fact(
        "That ranking's period starts at the release, 9 July 2025 (derived)",
        "",
        '?m bg:measureOf ?ballard ; bg:rank 1 ; bg:periodStart "2025-07-09"^^xsd:date .',
        derived="000",
        **ballard(),
    ),
    fact(
        "Ballard is one of the most-watched series of the summer",
        "000",
        "?m bg:measureOf ?ballard ; "
        'bg:wording "l’une des séries les plus regardées de cet été"@fr .',
        **ballard(),
    ),
    fact(
        "Ballard scores 100% on Rotten Tomatoes",
        "000 002",
        "?ballard bg:aggregateRating ?s . ?s bg:ratingValue 100 ; bg:unit bg:percent ; "
        "bg:measuredBy ?rt .",
        **ballard(rt=("Rotten Tomatoes", "bg:CriticsAggregator")),
    ),
    fact(
        "Ballard totalled 2.5 billion minutes viewed in the US in its first month",
        "002",
        "?m bg:measureOf ?ballard ; bg:value 2500000000 ; bg:unit bg:minute ; bg:region ?us ; "
        'bg:periodDuration "P1M"^^xsd:duration .',
        **ballard(us=("United States", "bg:Country")),
    ),
    fact(
        "The first month starts at the launch, 9 July 2025 (derived)",
        "",
        '?m bg:measureOf ?ballard ; bg:value 2500000000 ; bg:periodStart "2025-07-09"^^xsd:date .',
        derived="002",
        **ballard(),
    ),
    fact(
        "Ballard was 4th in Nielsen's streaming originals Top 10, week of 21 July",
        "002",
        "?m bg:measureOf ?ballard ; bg:rank 4 ; bg:measuredBy ?n ; bg:chart ?c ; "
        'bg:periodLabel "la semaine du 21 juillet"@fr .',
        **ballard(
            n=("Nielsen", "bg:AudienceMeasurementFirm"),
            c=("Nielsen streaming Top 10, original series", "bg:Chart"),
        ),
    ),
    fact(
        "Ballard had 619 million minutes viewed that week",
        "002",
        "?m bg:measureOf ?ballard ; bg:value 619000000 ; bg:unit bg:minute ; bg:measuredBy ?n ; "
        'bg:periodDuration "P7D"^^xsd:duration .',
        **ballard(n=("Nielsen", "bg:AudienceMeasurementFirm")),
    ),
    fact(
        "The week of 21 July is 21-27 July 2025 (year and last day derived)",
        "",
        '?m bg:measureOf ?ballard ; bg:value 619000000 ; bg:periodStart "2025-07-21"^^xsd:date ; '
        'bg:periodEnd "2025-07-27"^^xsd:date .',
        derived="002",
        **ballard(),
    ),
    fact(
        "The Nielsen rank covers the same week (derived)",
        "",
        '?m bg:measureOf ?ballard ; bg:rank 4 ; bg:periodStart "2025-07-21"^^xsd:date ; '
        'bg:periodEnd "2025-07-27"^^xsd:date .',
        derived="002",
        **ballard(),
    ),
    # --- the tax credit
    fact(
        "Ballard received a 14.84 million dollar tax credit from the California Film Commission",
        "002",
        # compared by value: engines may spell the decimal 14840000.00 as 14840000
        "?t bg:recipient ?ballard ; bg:amount ?a ; bg:grantor ?cfc . ?a bg:value ?v . "
        "FILTER (?v = 14840000)",
        **ballard(cfc=("California Film Commission", "bg:PublicAgency")),
    ),
    fact(
        "The tax credit was granted in August 2025, in US dollars (year and currency derived)",
        "",
        '?t bg:recipient ?ballard ; bg:amount ?a ; bg:dateAwarded "2025-08"^^xsd:gYearMonth . '
        '?a bg:currency "USD" .',
        derived="002",
        **ballard(),
    ),
    fact(
        "The tax credit encouraged the renewal for season 2",
        "002",
        "?t bg:recipient ?ballard ; bg:encouraged ?r . ?r bg:renewedWork ?ballard ; "
        "bg:forSeason ?s . ?s bg:seasonNumber 2 .",
        **ballard(),
    ),
    fact(
        "The renewal seemed inevitable since August (2025: year derived)",
        "",
        '?r bg:renewedWork ?ballard ; bg:seemedInevitableSince "2025-08"^^xsd:gYearMonth .',
        derived="002",
        **ballard(),
    ),
    fact(
        "The California Film Commission is Californian",
        "002",
        "?cfc bg:location ?ca .",
        cfc=("California Film Commission", "bg:PublicAgency"),
        ca=("California", "bg:State"),
    ),
    # --- setting and plot
    fact(
        "Ballard is set in Los Angeles",
        "000 001 002",
        "?ballard bg:setting ?la .",
        **ballard(la=("Los Angeles", "bg:City")),
    ),
    fact(
        "Ballard is set in the LAPD's cold case division",
        "000 001 002",
        "?ballard bg:settingOrganization ?u .",
        **ballard(u=UNIT),
    ),
    fact(
        "Renée Ballard heads the cold case division",
        "000 001 002",
        "?rb bg:heads ?u .",
        rb=("Renée Ballard", CHARACTER),
        u=UNIT,
    ),
    fact(
        "The (fictional) cold case division is placed in the Los Angeles police",
        "000 001 002",
        "?u bg:fictionalUnitOf ?lapd .",
        u=UNIT,
        lapd=("Los Angeles Police Department", "bg:PublicAgency"),
    ),
    fact(
        "The Los Angeles police is known as LAPD",
        "001 002",
        '?lapd schema:alternateName "LAPD" .',
        lapd=("Los Angeles Police Department", "bg:PublicAgency"),
    ),
    fact(
        "The cold case division is new",
        "000 001 002",
        "?u bg:circumstance ?t .",
        u=UNIT,
        t=("newly created", "bg:Circumstance"),
    ),
    fact(
        "The cold case division is underfunded",
        "000 001",
        "?u bg:circumstance ?t .",
        u=UNIT,
        t=("underfunded", "bg:Circumstance"),
    ),
    fact(
        "The cold case division is staffed only by volunteers",
        "000 001 002",
        "?u bg:circumstance ?t .",
        u=UNIT,
        t=("staffed only by volunteers", "bg:Circumstance"),
    ),
    fact(
        "The cold case division has the heaviest caseload in the city",
        "000",
        "?u bg:circumstance ?t .",
        u=UNIT,
        t=("the heaviest caseload in the city", "bg:Circumstance"),
    ),
    fact(
        "The cold case division is overwhelmed with work",
        "001",
        "?u bg:circumstance ?t .",
        u=UNIT,
        t=("overwhelmed with work", "bg:Circumstance"),
    ),
    fact(
        "Ballard investigates forgotten crimes",
        "001 002",
        "?ballard bg:plotElement ?p .",
        **ballard(p=("forgotten crimes", "bg:PlotElement")),
    ),
    fact(
        "The crimes have been forgotten for decades",
        "002",
        '?ballard bg:plotElement ?p . ?p schema:alternateName "crimes forgotten for decades"@en .',
        **ballard(p=("forgotten crimes", "bg:PlotElement")),
    ),
    fact(
        "Ballard's plot has a serial killer",
        "001 002",
        "?ballard bg:plotElement ?p .",
        **ballard(p=("a serial killer", "bg:PlotElement")),
    ),
    fact(
        "Ballard's plot has a mysterious John Doe",
        "002",
        "?ballard bg:plotElement ?p .",
        **ballard(p=("a mysterious John Doe", "bg:PlotElement")),
    ),
    fact(
        "Ballard uncovers a conspiracy",
        "000 001 002",
        "?ballard bg:plotElement ?p .",
        **ballard(p=("a conspiracy", "bg:PlotElement")),
    ),
    fact(
        "The conspiracy is within the Los Angeles police (000 says only 'plus vaste')",
        "001 002",
        "?ballard bg:plotElement ?p . ?p bg:within ?lapd .",
        **ballard(
            p=("a conspiracy", "bg:PlotElement"),
            lapd=("Los Angeles Police Department", "bg:PublicAgency"),
        ),
    ),
    fact(
        "Dangers threaten both her unit and her life",
        "000 001",
        "?ballard bg:plotElement ?d . ?d bg:threatens ?u , ?rb .",
        **ballard(
            d=("dangers that threaten both her unit and her life", "bg:PlotElement"),
            u=UNIT,
            rb=("Renée Ballard", CHARACTER),
        ),
    ),
    fact(
        "Renée Ballard is determined to solve as many forgotten cases as possible",
        "001",
        "?rb bg:goal ?g .",
        rb=("Renée Ballard", CHARACTER),
        g=("solve as many forgotten cases as possible", "bg:Goal"),
    ),
    fact(
        "Renée Ballard seeks justice for the victims and their families",
        "001",
        "?rb bg:goal ?g .",
        rb=("Renée Ballard", CHARACTER),
        g=("bring justice to the victims and their families", "bg:Goal"),
    ),
    fact(
        "Ballard faces her own demons",
        "002",
        "?ballard bg:plotElement ?p .",
        **ballard(p=("her own demons", "bg:PlotElement")),
    ),
    fact(
        "Renée Ballard relies on Harry Bosch",
        "000 001 002",
        "?rb bg:ally ?hb .",
        rb=("Renée Ballard", CHARACTER),
        hb=("Harry Bosch", CHARACTER),
    ),
    fact(
        "Harry Bosch is a detective (001 'le détective', 002 'un ancien détective')",
        "001 002",
        "?hb bg:occupation ?o .",
        hb=("Harry Bosch", CHARACTER),
        o=("detective", "bg:Occupation"),
    ),
    fact(
        "Harry Bosch is retired",
        "000 001",
        "?hb bg:retired true .",
        hb=("Harry Bosch", CHARACTER),
    ),
    fact(
        "Renée Ballard is a detective (001 'inspectrice', 'enquêtrice'; 002 'la détective')",
        "001 002",
        "?rb bg:occupation ?o .",
        rb=("Renée Ballard", CHARACTER),
        o=("detective", "bg:Occupation"),
    ),
    fact(
        "Renée Ballard is known for her empathy",
        "001",
        "?rb bg:trait ?t .",
        rb=("Renée Ballard", CHARACTER),
        t=("empathy", "bg:Trait"),
    ),
    fact(
        "Renée Ballard is known for her determination",
        "001",
        "?rb bg:trait ?t .",
        rb=("Renée Ballard", CHARACTER),
        t=("determination", "bg:Trait"),
    ),
    # --- reception quoted by article 000
    fact(
        "A user of X recommends Ballard",
        "000",
        "?r bg:reviewedWork ?ballard ; bg:postedOn ?x .",
        **ballard(x=("X", "bg:OnlinePlatform")),
    ),
    fact(
        "A second web user praises Maggie Q's performance (000 does not say where)",
        "000",
        '?r bg:reviewedWork ?ballard ; schema:reviewBody ?b . FILTER (CONTAINS(?b, "Maggie Q"))',
        **ballard(),
    ),
    fact(
        "Allociné users enjoyed Ballard",
        "000",
        "?r bg:reviewedWork ?ballard ; bg:postedOn ?a .",
        **ballard(a=("Allociné", "bg:OnlinePlatform")),
    ),
]


def _where(f: Fact) -> str:
    lookups = []
    for var, (name, cls) in f.names.items():
        lookups.append(
            f'?{var} a {cls} ; schema:name ?{var}__n . FILTER (STR(?{var}__n) = "{name}")'
        )
    return "\n".join([*lookups, f.pattern])


def _support(ds: Dataset) -> dict:
    """triple -> {(article number, derived?)} over every claim graph that holds it."""
    prov = ds.graph(PROVENANCE_GRAPH)
    support: dict = {}
    for claim in prov.subjects(PROV.wasDerivedFrom, None):
        article = str(prov.value(claim, PROV.wasDerivedFrom)).rsplit("-", 1)[-1]
        derived = (claim, RDF.type, BG.DerivedClaim) in prov
        for triple in ds.graph(claim):
            support.setdefault(triple, set()).add((article, derived))
    return support


@pytest.fixture(scope="module")
def support(asserted: Dataset) -> dict:
    return _support(asserted)


def stating_and_deriving(triples: set, support: dict) -> tuple[set[str], set[str]]:
    """Articles whose plain claims hold every triple; articles that need derived claims to."""
    articles = {a for t in triples for a, _d in support.get(t, ())}
    stating = {a for a in articles if all((a, False) in support.get(t, ()) for t in triples)}
    holding = {
        a
        for a in articles
        if all((a, False) in support.get(t, ()) or (a, True) in support.get(t, ()) for t in triples)
    }
    return stating, holding - stating


@pytest.mark.parametrize("f", FACTS, ids=[f.text for f in FACTS])
def test_article_fact(f: Fact, asserted: Dataset, support: dict) -> None:
    facts = asserted.graph(FACTS_GRAPH)
    # (1) the fact holds in the asserted facts alone (no inference)
    template = f.pattern.split("FILTER")[0]
    result = facts.query(PREFIXES + f"CONSTRUCT {{ {template} }} WHERE {{ {_where(f)} }}")
    triples = set(result.graph)
    assert triples, f"not in data/ballard.ttl: {f.text}"
    # (2) the articles that state the whole fact, and those it is derived from, are exactly
    # the ones listed
    stating, deriving = stating_and_deriving(triples, support)
    assert stating == set(f.articles), f"{f.text}: stated by {sorted(stating)}"
    assert deriving == set(f.derived), f"{f.text}: derived from {sorted(deriving)}"


def test_support_counts_whole_facts_only() -> None:
    """The citation rule itself: an article holding part of a fact does not state it."""
    a, b = ("s", "p", "o1"), ("s", "p", "o2")
    support = {a: {("001", False), ("002", False)}, b: {("001", False), ("002", True)}}
    assert stating_and_deriving({a, b}, support) == ({"001"}, {"002"})
    assert stating_and_deriving({a, b}, {a: {("001", False)}}) == (set(), set())


def test_fact_list_reaches_every_entity(asserted: Dataset) -> None:
    """The list above is complete: every entity of the data is matched by some fact case."""
    facts = asserted.graph(FACTS_GRAPH)
    reached: set = set()
    for f in FACTS:
        variables = " ".join(f"?{v}" for v in sorted(set(f.names) | set(_VAR.findall(f.pattern))))
        rows = facts.query(PREFIXES + f"SELECT {variables} WHERE {{ {_where(f)} }}")
        for row in rows:
            reached.update(term for term in row if term is not None)
    entities = {s for s in facts.subjects() if str(s).startswith(str(ID))}
    missing = sorted(str(e) for e in entities - reached)
    assert not missing, f"entities no fact case reaches: {missing}"
