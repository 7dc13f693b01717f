"""The competency queries' expected answers (queries/*.srj) checked against the articles.

tests/test_queries.py checks that the code returns what the .srj files say; this file checks the
.srj files themselves against answers written here from a reading of ../shared/articles/, so
that a wrong expected file (a snapshot of a wrong output) fails. Only the columns an article
decides are compared (names, values), as sets of rows; IRIs and layout are left to
test_queries.py. It reads the files only: no bgraph code is involved.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

QUERIES = Path(__file__).resolve().parents[1] / "queries"

# 001's cast list, with English names where they differ ("capitaine Berchem")
CAST = {
    ("Maggie Q", "Renée Ballard"),
    ("Courtney Taylor", "Samira Parker"),
    ("John Carroll Lynch", "Thomas Laffont"),
    ("Michael Mosley", "Ted Rawls"),
    ("Rebecca Field", "Colleen Hatteras"),
    ("Victoria Moroles", "Martina Castro"),
    ("Amy Hill", "Tutu"),
    ("Titus Welliver", "Harry Bosch"),
    ("Hector Hugo", "Captain Berchem"),
    ("Michael Cassidy", "Aaron"),
    ("Noah Bean", "Jake Pearlman"),
}

EXPECTED: dict[str, tuple[tuple[str, ...], set[tuple[str, ...]]]] = {
    "01-cast": (("actorName", "characterName"), CAST),
    # 001: Bosch: Legacy (2022-2025), then Ballard, "deuxième spin-off", out 9 July 2025
    "02-spin-offs": (
        ("order", "name", "start", "end"),
        {("1", "Bosch: Legacy", "2022", "2025"), ("2", "Ballard", "2025-07-09", "")},
    ),
    "03-universe": (
        ("name", "start", "end", "spinOffOf"),
        {
            ("Harry Bosch", "2014", "2021", ""),
            ("Bosch: Legacy", "2022", "2025", "Harry Bosch"),
            ("Ballard", "2025-07-09", "", "Harry Bosch"),
        },
    ),
    "04-novels": (
        ("title", "authorName"),
        {
            ("Les Ténèbres et la Nuit", "Michael Connelly"),
            ("L'Étoile du désert", "Michael Connelly"),
        },
    ),
    # Titus Welliver: Harry Bosch in Ballard (001, 002) and in Harry Bosch (000, 001)
    "05-shared-actors": (
        ("actorName", "seriesName"),
        {("Titus Welliver", "Ballard"), ("Titus Welliver", "Harry Bosch")},
    ),
    # 002: five producers "pour Fabel Entertainment"; no studio is named
    "06-production": (
        ("role", "name"),
        {
            ("producer", "Michael Connelly"),
            ("producer", "Henrik Bastin"),
            ("producer", "Michael Alaimo"),
            ("producer", "Kendall Sherwood"),
            ("producer", "Trish Hofmann"),
            ("production company", "Fabel Entertainment"),
        },
    ),
    # 001: 9 July 2025, 10 episodes, 30-day trial, 6,99 € a month, renewed automatically;
    # 002: launched in full
    "07-where-to-watch": (
        (
            "serviceName",
            "released",
            "allEpisodesAtOnce",
            "episodes",
            "price",
            "currency",
            "billingPeriod",
            "freeTrial",
            "autoRenewal",
        ),
        {("Prime Video", "2025-07-09", "true", "10", "6.99", "EUR", "P1M", "P30D", "true")},
    ),
    # 000: first on Prime Video in the US within days, 100% on Rotten Tomatoes; 002: 100 %,
    # 2,5 billion minutes in the US in the first month, 4th in Nielsen's Top 10 the week of
    # 21 July with 619 million minutes (no region said for that week)
    "08-figures": (
        ("kind", "value", "rank", "region", "measuredBy"),
        {
            ("chart ranking", "", "1", "United States", ""),
            ("chart ranking", "", "4", "", "Nielsen"),
            ("critic score", "100", "", "", "Rotten Tomatoes"),
            ("viewership figure", "2500000000", "", "United States", ""),
            ("viewership figure", "619000000", "", "", "Nielsen"),
        },
    ),
    # 002: 14,84 millions de dollars, California Film Commission, August, produced in LA
    "09-tax-credit": (
        ("currency", "grantorName", "grantorLocation", "producedIn"),
        {("USD", "California Film Commission", "California", "Los Angeles")},
    ),
    "10-season-2": (
        ("season", "renewedBy", "officiallyConfirmed", "awaitingConfirmationFrom"),
        {("Ballard, season 2", "Prime Video", "false", "Amazon MGM Studios")},
    ),
    "13-plot": (
        ("aspect", "value"),
        {
            ("genre", "police drama"),
            ("genre", "thriller"),
            ("setting", "Los Angeles"),
            ("setting organisation", "LAPD cold case division"),
            ("plot element", "forgotten crimes"),
            ("plot element", "a serial killer"),
            ("plot element", "a mysterious John Doe"),
            ("plot element", "a conspiracy"),
            ("plot element", "dangers that threaten both her unit and her life"),
            ("plot element", "her own demons"),
        },
    ),
    "14-renee-ballard": (
        ("aspect", "value"),
        {
            ("played by", "Maggie Q"),
            ("appears in", "Ballard"),
            ("job", "detective"),
            ("trait", "empathy"),
            ("trait", "determination"),
            ("heads", "LAPD cold case division"),
            ("ally", "Harry Bosch"),
        },
    ),
    # 000: one review from X, one from "un deuxième internaute" (no platform), two from Allociné
    "15-reviews": (
        ("platform",),
        {("X",), ("",), ("Allociné",)},
    ),
    # 000: the ten episodes of Ballard and all of Harry Bosch and Bosch : Legacy on Prime Video
    "16-on-prime-video": (
        ("name", "start"),
        {("Harry Bosch", "2014"), ("Bosch: Legacy", "2022"), ("Ballard", "2025-07-09")},
    ),
}


def rows(name: str, columns: tuple[str, ...], folder: Path = QUERIES) -> list[tuple[str, ...]]:
    data = json.loads((folder / f"{name}.srj").read_text("utf-8"))
    return [
        tuple(b[c]["value"] if c in b else "" for c in columns) for b in data["results"]["bindings"]
    ]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_file_agrees_with_the_articles(name: str) -> None:
    columns, expected = EXPECTED[name]
    found = rows(name, columns)
    assert set(found) == expected, name
    if name == "15-reviews":
        assert len(found) == 4  # two Allociné reviews
    else:
        assert len(found) == len(expected), f"{name}: duplicate rows"


def test_maggie_q_is_cast_by_the_ask_file() -> None:
    data = json.loads((QUERIES / "17-is-maggie-q-cast.srj").read_text("utf-8"))
    assert data["boolean"] is True  # 000, 001, 002 all say she plays Renée Ballard


def test_unsourced_facts_file_is_empty() -> None:
    data = json.loads((QUERIES / "18-unsourced-facts-violation.srj").read_text("utf-8"))
    assert data["results"]["bindings"] == []


def test_fact_source_file_cites_all_three_articles() -> None:
    found = {r[0] for r in rows("11-fact-source", ("file",))}
    assert found == {
        "000_2294e789d07cac28.txt",
        "001_eeb509711a76b266.txt",
        "002_2b29586fde0a6cd6.txt",
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_wrong_expected_file_would_fail(name: str, tmp_path: Path) -> None:
    """The check can fail: an expected file with one row dropped, or one value changed, is
    told apart from the articles' answer."""
    columns, expected = EXPECTED[name]
    data = json.loads((QUERIES / f"{name}.srj").read_text("utf-8"))
    bindings = data["results"]["bindings"]
    data["results"]["bindings"] = bindings[1:]
    (tmp_path / f"{name}.srj").write_text(json.dumps(data), "utf-8")
    dropped = rows(name, columns, tmp_path)
    assert set(dropped) != expected or len(dropped) != len(bindings)
    binding, column = next((b, c) for b in bindings for c in columns if c in b)
    binding[column]["value"] += " (wrong)"
    data["results"]["bindings"] = bindings
    (tmp_path / f"{name}.srj").write_text(json.dumps(data), "utf-8")
    assert set(rows(name, columns, tmp_path)) != expected
