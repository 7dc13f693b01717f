"""Deterministic synthetic universes shaped like the real Bosch data, for measuring at any size.

``synthesize(n, seed)`` yields exactly ``n`` distinct statements (N-Triples term strings, plus a
graph for provenance) that use bgraph's ontology the way ``data/ballard.ttl`` does: franchises
created by a novelist, novels, an original series and its spin-offs (seasons, releases, renewals),
people, characters and the n-ary performances that link them, companies, places, genres, plot
elements, and measures (viewership figures, chart rankings, critic scores), tax credits,
subscription offers and audience reviews. Actors and organisations are drawn from shared pools,
so performances cross works and franchises as they do in the real graph.

When the output format keeps named graphs (TriG, N-Quads), the facts go to the ``bgg:facts``
graph and the provenance follows the real layout: articles and claims in ``bgg:provenance``, and
one named graph per claim holding the facts its quote supports. Provenance statements count
towards ``n``.

The same ``(n, seed)`` always gives the same statements in the same order; the output file is
byte-for-byte reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import BgraphError, UsageError
from .export import atomic_file
from .formats import RdfFormat, rdf_format_for_path
from .namespaces import BASE, FACTS_GRAPH, PROVENANCE_GRAPH

#: A statement: N-Triples terms (subject, predicate, object) and its graph (``None`` = facts).
Statement = tuple[str, str, str, str | None]

MAX_TRIPLES = 100_000_000

_BG = BASE + "ontology/"
_ID = BASE + "id/synth/"
_CLAIM = BASE + "claim/synth/"
_SDO = "https://schema.org/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_PROV = "http://www.w3.org/ns/prov#"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

_FIRST = (
    "Harry Renée Maddie Jerry Honey Mickey Lucia Grace Irving Jordan Cesar Eleanor Samira "
    "Thomas Ted Colleen Martina Aaron Jake Rachel Terry Kiz Lance Reggie Nadia Omar Ines "
    "Victor Hana Paolo Greta Marcus Lena Tobias Alma Jonah Priya Felix Rosa"
).split()
_LAST = (
    "Bosch Ballard Edgar Chandler Haller Soto Billets Irving Wish Parker Laffont Rawls Hatteras "
    "Castro Pearlman Walling McCaleb Rider Crowe Mendez Okafor Lindqvist Moreau Tanaka Novak "
    "Ferreira Halloran Kowalski Dubois Reyes Abernathy Vasquez Whitlock Brennan Sato Quinlan"
).split()
_WORDS = (
    "Black Echo Ice Concrete Blonde Last Coyote Trunk Music Angels Flight City Bones Lost "
    "Light Closers Overlook Nine Dragons Reversal Drop Burning Room Crossing Wrong Side "
    "Goodbye Dark Sacred Night Late Show Desert Star Waiting Hour Law Innocence Fair Warning "
    "Hollow Tide Silent Witness Cold Harbor Midnight Canyon Broken Badge Glass Verdict"
).split()
_GENRES = ("police drama", "thriller", "legal drama", "crime fiction", "neo-noir", "mystery")
#: Traits of characters' personalities (bg:Trait, through bg:trait).
_TRAITS = (
    "empathy",
    "determination",
    "insomnia",
    "distrust of authority",
    "jazz lover",
    "surfer",
)
#: Circumstances of fictional units as a story presents them (bg:Circumstance, bg:circumstance).
_CIRCUMSTANCES = (
    "underfunded",
    "staffed only by volunteers",
    "newly created",
    "the heaviest caseload in the city",
)
_PLOTS = (
    "forgotten crimes",
    "a serial killer",
    "a mysterious John Doe",
    "a police conspiracy",
    "own demons",
    "a cold case reopened",
    "a witness in hiding",
    "a corrupt judge",
)
#: Occupations of fictional characters (bg:Occupation, through bg:occupation), (fr, en).
_OCCUPATIONS = (("détective", "detective"), ("avocat", "lawyer"), ("lieutenant", "lieutenant"))


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _iri(value: str) -> str:
    return f"<{value}>"


def bg(name: str) -> str:
    return f"<{_BG}{name}>"


def sdo(name: str) -> str:
    return f"<{_SDO}{name}>"


def _lit(text: str, lang: str | None = None) -> str:
    return f'"{_esc(text)}"@{lang}' if lang else f'"{_esc(text)}"'


def _typed(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^<{_XSD}{datatype}>'


def _int(n: int) -> str:
    return _typed(str(n), "integer")


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


@dataclass
class _Pools:
    services: list[str]
    studios: list[str]
    companies: list[str]
    aggregators: list[str]
    firms: list[str]
    platforms: list[str]
    agencies: list[str]
    cities: list[str]
    states: list[str]
    countries: list[str]
    genres: list[str]
    traits: list[str]
    circumstances: list[str]
    occupations: list[str]
    statuses: list[str]
    charts: list[str]
    actors: list[str]


class _Universe:
    """Emits the universe as statements; the caller stops reading at ``n``."""

    def __init__(self, seed: int, provenance: bool) -> None:
        self.rng = random.Random(seed)
        self.provenance = provenance
        self.actor_count = 0
        self.article_count = 0

    # -- helpers ------------------------------------------------------------------------------

    def person_name(self) -> str:
        return f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}"

    def title(self) -> str:
        k = self.rng.choice((2, 2, 3))
        return " ".join(self.rng.choice(_WORDS) for _ in range(k))

    def _entity(self, kind: str, key: str) -> str:
        return _iri(f"{_ID}{kind}/{key}")

    # -- the universe ---------------------------------------------------------------------------

    def statements(self) -> Iterator[Statement]:
        pools, shared = self._pools()
        yield from shared
        franchise = 0
        while True:
            yield from self._franchise(franchise, pools)
            franchise += 1

    def _named(self, node: str, cls: str, name_en: str, name_fr: str | None = None):
        yield (node, TYPE, bg(cls), None)
        if name_fr and name_fr != name_en:
            yield (node, sdo("name"), _lit(name_fr, "fr"), None)
            yield (node, sdo("name"), _lit(name_en, "en"), None)
        else:
            yield (node, sdo("name"), _lit(name_en), None)

    def _pools(self) -> tuple[_Pools, list[Statement]]:
        out: list[Statement] = []

        def make(kind: str, cls: str, names: list[str]) -> list[str]:
            nodes = []
            for name in names:
                node = self._entity(kind, _slug(name))
                out.extend(self._named(node, cls, name))
                nodes.append(node)
            return nodes

        countries = make("place", "Country", ["United States", "Canada", "France", "Mexico"])
        states = make("place", "State", ["California", "Nevada", "Arizona", "Oregon"])
        cities = make(
            "place", "City", ["Los Angeles", "Las Vegas", "San Diego", "Phoenix", "Portland"]
        )
        for state in states:
            out.append((state, bg("location"), countries[0], None))
        for i, city in enumerate(cities):
            out.append((city, bg("location"), states[i % len(states)], None))
        services = make("org", "StreamingService", ["Prime Video", "Streamflix", "Vista+"])
        studios = make("org", "Studio", ["Amazon MGM Studios", "Harbor Studios"])
        companies = make(
            "org", "ProductionCompany", ["Fabel Entertainment", "Hieronymus Pictures", "Dragons"]
        )
        aggregators = make("org", "CriticsAggregator", ["Rotten Tomatoes", "Metascore"])
        firms = make("org", "AudienceMeasurementFirm", ["Nielsen", "Luminate"])
        platforms = make("org", "OnlinePlatform", ["Allociné", "X", "Letterboxd"])
        agencies = make("org", "PublicAgency", ["California Film Commission", "LAPD"])
        out.append((agencies[0], bg("location"), states[0], None))
        out.append((agencies[1], bg("location"), cities[0], None))
        for company, parent in zip(companies[1:], studios, strict=False):
            out.append((company, bg("parentOrganization"), parent, None))
        genres = make("genre", "Genre", list(_GENRES))
        traits = make("trait", "Trait", list(_TRAITS))
        circumstances = make("circumstance", "Circumstance", list(_CIRCUMSTANCES))
        occupations = []
        for name_fr, name_en in _OCCUPATIONS:
            node = self._entity("occupation", _slug(name_en))
            out.extend(self._named(node, "Occupation", name_en, name_fr))
            occupations.append(node)
        statuses = make("status", "Status", ["officially confirmed", "informed, not yet confirmed"])
        charts = make("chart", "Chart", ["Most watched on Prime Video", "Nielsen streaming Top 10"])
        # a few actors typed only with schema:Person (equivalentClass the other way round)
        actors = []
        for i in range(12):
            node = self._entity("person", f"veteran-{i}")
            out.append((node, TYPE, sdo("Person"), None))
            out.append((node, sdo("name"), _lit(self.person_name()), None))
            actors.append(node)
        pools = _Pools(
            services,
            studios,
            companies,
            aggregators,
            firms,
            platforms,
            agencies,
            cities,
            states,
            countries,
            genres,
            traits,
            circumstances,
            occupations,
            statuses,
            charts,
            actors,
        )
        return pools, out

    def _actor(self, pools: _Pools) -> str:
        """A fresh actor most of the time, sometimes one from the pool (careers cross works)."""
        rng = self.rng
        if pools.actors and rng.random() < 0.3:
            return rng.choice(pools.actors)
        self.actor_count += 1
        node = self._entity("person", f"actor-{self.actor_count}")
        self._pending.append((node, TYPE, bg("Person"), None))
        self._pending.append((node, sdo("name"), _lit(self.person_name()), None))
        if rng.random() < 0.2:
            pools.actors.append(node)
            if len(pools.actors) > 400:
                pools.actors.pop(rng.randrange(len(pools.actors)))
        return node

    def _franchise(self, f: int, pools: _Pools) -> Iterator[Statement]:
        rng = self.rng
        fr = self._entity("franchise", str(f))
        author = self._entity("person", f"novelist-{f}")
        hero = self.person_name()
        yield from self._named(fr, "Franchise", f"{hero} universe", f"univers de {hero}")
        yield (fr, sdo("creator"), author, None)
        yield (author, TYPE, bg("Person"), None)
        yield (author, sdo("name"), _lit(self.person_name()), None)
        yield (author, sdo("jobTitle"), _lit("novelist", "en"), None)

        novels = []
        for k in range(rng.randint(3, 8)):
            novel = self._entity("novel", f"{f}-{k}")
            yield from self._named(novel, "Novel", self.title())
            yield (novel, bg("author"), author, None)
            yield (novel, bg("releaseDate"), _typed(str(1992 + 2 * k + f % 7), "gYear"), None)
            novels.append(novel)

        original: str | None = None
        for s in range(rng.randint(1, 4)):
            series = self._entity("series", f"{f}-{s}")
            self._pending: list[Statement] = []
            facts = list(self._series(f, s, series, fr, novels, original, pools))
            facts = self._pending + facts
            yield from facts
            if self.provenance:
                yield from self._claims(series, facts)
            if original is None:
                original = series

    def _series(
        self,
        f: int,
        s: int,
        series: str,
        fr: str,
        novels: list[str],
        original: str | None,
        pools: _Pools,
    ) -> Iterator[Statement]:
        rng = self.rng
        key = f"{f}-{s}"
        start = 2000 + (f * 3 + s * 4) % 25
        yield from self._named(series, "TVSeries", self.title())
        yield (series, bg("startDate"), _typed(str(start), "gYear"), None)
        if rng.random() < 0.6:
            yield (series, bg("endDate"), _typed(str(start + rng.randint(1, 7)), "gYear"), None)
        if rng.random() < 0.8:
            yield (series, bg("partOfFranchise"), fr, None)
        else:  # the inverse, as some sources state it
            yield (fr, bg("franchiseWork"), series, None)
        if original is not None:
            yield (series, bg("spinOffOf"), original, None)
            yield (series, bg("spinOffOrder"), _int(s), None)
        for genre in rng.sample(pools.genres, rng.randint(1, 2)):
            yield (series, bg("genre"), genre, None)
        yield (series, bg("availableOn"), rng.choice(pools.services), None)
        yield (series, bg("countryOfOrigin"), pools.countries[0], None)
        for novel in rng.sample(novels, min(len(novels), rng.randint(1, 2))):
            if rng.random() < 0.8:
                yield (series, bg("basedOn"), novel, None)
            else:
                yield (novel, bg("adaptedAs"), series, None)
        yield (series, bg("numberOfEpisodes"), _int(rng.randint(8, 10)), None)
        yield (series, bg("productionCompany"), rng.choice(pools.companies), None)
        yield (series, bg("studio"), rng.choice(pools.studios), None)
        city = rng.choice(pools.cities)
        yield (series, bg("producedIn"), city, None)
        yield (series, bg("setting"), city, None)
        for p in range(rng.randint(2, 4)):
            producer = self._entity("person", f"producer-{key}-{p}")
            yield (producer, TYPE, bg("Person"), None)
            yield (producer, sdo("name"), _lit(self.person_name()), None)
            yield (series, bg("producer"), producer, None)
        for p in rng.sample(range(len(_PLOTS)), rng.randint(1, 3)):
            plot = self._entity("plot", f"{key}-{p}")
            yield from self._named(plot, "PlotElement", _PLOTS[p])
            yield (series, bg("plotElement"), plot, None)

        # the unit the story happens in: fictional, placed in a real agency (as the cold-case
        # division of Ballard is in the LAPD), not an organisation itself
        unit = self._entity("unit", key)
        yield from self._named(unit, "FictionalUnit", f"{self.title()} unit")
        yield (unit, bg("fictionalUnitOf"), pools.agencies[1], None)
        yield (series, bg("settingOrganization"), unit, None)
        for circumstance in rng.sample(pools.circumstances, rng.randint(0, 2)):
            yield (unit, bg("circumstance"), circumstance, None)

        # seasons
        seasons = []
        for n in range(1, rng.randint(1, 5) + 1):
            season = self._entity("season", f"{key}-{n}")
            yield from self._named(season, "TVSeason", f"season {n}", f"saison {n}")
            yield (season, bg("seasonNumber"), _int(n), None)
            yield (season, bg("releaseDate"), _typed(f"{start + n - 1}-07-09", "date"), None)
            yield (season, bg("numberOfEpisodes"), _int(rng.randint(8, 10)), None)
            if rng.random() < 0.85:
                yield (series, bg("hasSeason"), season, None)
            else:
                yield (season, bg("seasonOf"), series, None)
            seasons.append(season)

        # characters and performances
        characters = []
        for c in range(rng.randint(5, 14)):
            char = self._entity("character", f"{key}-{c}")
            yield from self._named(char, "FictionalCharacter", self.person_name())
            if c == 0 or rng.random() < 0.3:
                yield (char, bg("occupation"), rng.choice(pools.occupations), None)
            for trait in rng.sample(pools.traits, rng.randint(0, 2)):
                yield (char, bg("trait"), trait, None)
            if characters and rng.random() < 0.4:
                yield (char, bg("ally"), rng.choice(characters), None)
            characters.append(char)
            actor = self._actor(pools)
            perf = self._entity("performance", f"{key}-{c}")
            yield (perf, TYPE, bg("Performance"), None)
            yield (perf, sdo("name"), _lit(f"performance {c} in series {key}", "en"), None)
            yield (perf, bg("performer"), actor, None)
            yield (perf, bg("character"), char, None)
            yield (perf, bg("inWork"), series, None)
            if rng.random() < 0.1:  # the actor is known for another work, no role named
                other = self._entity("work", f"{key}-{c}")
                yield from self._named(other, "Work", self.title())
                yield (actor, bg("knownFor"), other, None)
        yield (series, bg("titleCharacter"), characters[0], None)
        yield (characters[0], bg("heads"), unit, None)
        if rng.random() < 0.5:
            yield (unit, bg("headedBy"), characters[0], None)

        # release and renewal
        release = self._entity("release", key)
        yield from self._named(release, "Release", "release")
        yield (release, bg("releaseDate"), _typed(f"{start}-07-09", "date"), None)
        yield (release, bg("releasedOn"), rng.choice(pools.services), None)
        yield (release, bg("allEpisodesAtOnce"), '"true"^^<' + _XSD + "boolean>", None)
        yield (series, bg("release"), release, None)
        if len(seasons) > 1:
            renewal = self._entity("renewal", key)
            yield from self._named(renewal, "Renewal", "renewal")
            yield (renewal, bg("renewedWork"), series, None)
            yield (renewal, bg("forSeason"), seasons[-1], None)
            yield (renewal, bg("renewedBy"), rng.choice(pools.services), None)
            yield (renewal, bg("status"), rng.choice(pools.statuses), None)
            yield (renewal, bg("officiallyConfirmed"), '"false"^^<' + _XSD + "boolean>", None)
            yield (renewal, bg("awaitingConfirmationFrom"), rng.choice(pools.studios), None)

        # measures
        score = self._entity("measure", f"{key}-critics")
        yield from self._named(score, "CriticScore", "critic score")
        yield (score, bg("value"), _int(rng.randint(40, 100)), None)
        yield (score, bg("bestValue"), _int(100), None)
        yield (score, bg("unit"), bg("percent"), None)
        yield (score, bg("measuredBy"), rng.choice(pools.aggregators), None)
        if rng.random() < 0.7:
            yield (series, bg("aggregateRating"), score, None)
        else:
            yield (score, bg("ratedWork"), series, None)
        for w in range(rng.randint(1, 4)):
            day = 1 + 7 * w
            fig = self._entity("measure", f"{key}-minutes-{w}")
            yield from self._named(fig, "ViewershipFigure", f"minutes viewed, week {w + 1}")
            yield (fig, bg("measureOf"), series, None)
            yield (fig, bg("value"), _int(rng.randint(1, 3000) * 1_000_000), None)
            yield (fig, bg("unit"), bg("minute"), None)
            yield (fig, bg("region"), pools.countries[0], None)
            yield (fig, bg("measuredBy"), rng.choice(pools.firms), None)
            yield (fig, bg("periodStart"), _typed(f"{start}-08-{day:02d}", "date"), None)
            yield (fig, bg("periodEnd"), _typed(f"{start}-08-{day + 6:02d}", "date"), None)
            yield (fig, bg("periodDuration"), _typed("P7D", "duration"), None)
            yield (fig, bg("periodLabel"), _lit(f"week {w + 1}", "en"), None)
            rank = self._entity("measure", f"{key}-rank-{w}")
            yield from self._named(rank, "ChartRanking", f"chart position, week {w + 1}")
            yield (rank, bg("measureOf"), series, None)
            yield (rank, bg("chart"), rng.choice(pools.charts), None)
            yield (rank, bg("rank"), _int(rng.randint(1, 10)), None)
            yield (rank, bg("measuredBy"), rng.choice(pools.firms), None)
            yield (rank, bg("periodStart"), _typed(f"{start}-08-{day:02d}", "date"), None)

        # money and reviews
        if rng.random() < 0.5:
            credit = self._entity("credit", key)
            yield from self._named(credit, "TaxCredit", "tax credit")
            amount = f"{rng.randint(1000, 30000) * 1000}.00"
            yield (credit, bg("amount"), _typed(amount, "decimal"), None)
            yield (credit, bg("currency"), _lit("USD"), None)
            yield (credit, bg("grantor"), pools.agencies[0], None)
            yield (credit, bg("recipient"), series, None)
            yield (credit, bg("dateAwarded"), _typed(f"{start - 1}-08", "gYearMonth"), None)
        for r in range(rng.randint(0, 3)):
            review = self._entity("review", f"{key}-{r}")
            yield from self._named(review, "AudienceReview", f"review {r + 1}")
            yield (review, bg("reviewedWork"), series, None)
            yield (review, bg("postedOn"), rng.choice(pools.platforms), None)
            yield (review, sdo("reviewBody"), _lit("A gripping, well-paced series.", "en"), None)
        if s == 0 and rng.random() < 0.5:
            offer = self._entity("offer", key)
            yield from self._named(offer, "SubscriptionOffer", "subscription")
            yield (offer, bg("offeredBy"), rng.choice(pools.services), None)
            yield (offer, bg("price"), _typed(f"{rng.randint(4, 15)}.99", "decimal"), None)
            yield (offer, bg("currency"), _lit("EUR"), None)
            yield (offer, bg("billingPeriod"), _typed("P1M", "duration"), None)
            yield (offer, bg("trialLength"), _typed("P30D", "duration"), None)
            yield (offer, bg("autoRenewal"), '"true"^^<' + _XSD + "boolean>", None)

    def _claims(self, series: str, facts: list[Statement]) -> Iterator[Statement]:
        """One article about the series, and claims that each support a few of its facts."""
        rng = self.rng
        self.article_count += 1
        a = self.article_count
        prov = _iri(str(PROVENANCE_GRAPH))
        article = self._entity("article", str(a))
        yield (article, TYPE, bg("NewsArticle"), prov)
        yield (article, sdo("name"), _lit(f"Article {a}"), prov)
        yield (article, sdo("identifier"), _lit(f"synth-{a:07d}.txt"), prov)
        yield (article, sdo("inLanguage"), _lit("fr"), prov)
        yield (article, sdo("about"), series, prov)
        for c in range(rng.randint(2, 5)):
            claim = _iri(f"{_CLAIM}a{a}-{c}")
            yield (claim, TYPE, bg("Claim"), prov)
            yield (claim, f"<{_PROV}wasDerivedFrom>", article, prov)
            yield (claim, bg("quote"), _lit(f"Citation {c} de l'article {a}.", "fr"), prov)
            start = rng.randrange(len(facts))
            for s, p, o, _g in facts[start : start + rng.randint(1, 4)]:
                yield (s, p, o, claim)


def _check_count(n: int) -> None:
    if n < 0:
        raise UsageError(f"--triples must be zero or more, not {n}")
    if n > MAX_TRIPLES:
        raise UsageError(f"--triples {n:,} is over the limit of {MAX_TRIPLES:,}")


def synthesize(n: int, seed: int = 0, provenance: bool = True) -> Iterator[Statement]:
    """Exactly ``n`` distinct statements of a synthetic universe (deterministic in ``seed``)."""
    _check_count(n)
    return _statements(n, seed, provenance)


def _statements(n: int, seed: int, provenance: bool) -> Iterator[Statement]:
    if n == 0:
        return
    count = 0
    # every statement is distinct by construction (fresh IRIs per entity; tests check it)
    for st in _Universe(seed, provenance).statements():
        yield st
        count += 1
        if count >= n:
            return


# -- writers ------------------------------------------------------------------------------------

_NATIVE = {"nt", "nquads", "turtle", "trig"}


@dataclass
class SynthReport:
    path: Path
    format: str
    statements: int
    facts: int
    provenance: int


def write_synthetic(
    path: Path,
    n: int,
    seed: int = 0,
    fmt: RdfFormat | None = None,
    progress: Callable[[int], None] | None = None,
) -> SynthReport:
    """Write ``n`` statements to ``path`` in ``fmt`` (default: from the suffix), atomically."""
    _check_count(n)
    if path.is_dir():
        raise UsageError(f"{path}: is a directory; give a file name such as universe.nt")
    fmt = fmt or rdf_format_for_path(path)
    if not path.parent.exists():
        raise UsageError(f"{path.parent}: no such directory")
    stmts = synthesize(n, seed, provenance=fmt.quads)
    facts = prov = 0
    facts_graph = _iri(str(FACTS_GRAPH))
    try:
        with atomic_file(path, text=fmt.name in _NATIVE) as out:
            if fmt.name in _NATIVE:
                if fmt.name in ("turtle", "trig"):
                    out.write(f"# bgraph synth --triples {n} --seed {seed}\n")
                write = out.write
                current: str | None = "\0"
                for i, (s, p, o, g) in enumerate(stmts, 1):
                    if g is None:
                        facts += 1
                    else:
                        prov += 1
                    if fmt.name == "nt":
                        write(f"{s} {p} {o} .\n")
                    elif fmt.name == "turtle":
                        write(f"{s} {p} {o} .\n")
                    elif fmt.name == "nquads":
                        write(f"{s} {p} {o} {g or facts_graph} .\n")
                    else:  # trig: one GRAPH block per run of statements of the same graph
                        graph = g or facts_graph
                        if graph != current:
                            if current != "\0":
                                write("}\n")
                            write(f"{graph} {{\n")
                            current = graph
                        write(f"  {s} {p} {o} .\n")
                    if progress and i % 10_000 == 0:
                        progress(10_000)
                if fmt.name == "trig" and current != "\0":
                    write("}\n")
            else:
                facts, prov = _write_via_oxigraph(out, stmts, fmt)
    except OSError as exc:
        raise BgraphError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return SynthReport(path, fmt.name, facts + prov, facts, prov)


def _write_via_oxigraph(
    out: BinaryIO, stmts: Iterator[Statement], fmt: RdfFormat
) -> tuple[int, int]:
    """JSON-LD and RDF/XML: the statements, read as N-Quads, written by Oxigraph."""
    import pyoxigraph as ox

    from .iris import PREFIXES

    text_lines = []
    facts = prov = 0
    for s, p, o, g in stmts:
        if fmt.quads:
            text_lines.append(f"{s} {p} {o} {g or _iri(str(FACTS_GRAPH))} .\n")
        else:
            text_lines.append(f"{s} {p} {o} .\n")
        if g is None:
            facts += 1
        else:
            prov += 1
    quads = ox.parse("".join(text_lines), format=ox.RdfFormat.N_QUADS)
    statements = list(quads) if fmt.quads else [q.triple for q in quads]
    ox.serialize(statements, out, format=fmt.oxigraph, prefixes=dict(PREFIXES))
    return facts, prov
