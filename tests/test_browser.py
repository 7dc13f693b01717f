"""The query UI and the pages in a real headless Chromium (Debian's ``chromium``, driven by
Playwright; never ``playwright install``), against a real ``bgraph serve`` on 127.0.0.1.

Every page must load with no failed request, no HTTP error and no console error: YASGUI comes
from bgraph's own /static (no CDN, no prefix.cc), so the UI works offline. Screenshots go to
``artifacts/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from browser_support import require_browser
from server_harness import RunningServer, running_server

require_browser()

from playwright.sync_api import Page  # noqa: E402 - after the browser check

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server("--quiet") as srv:
        yield srv


class Watched:
    """A page with every failed request, HTTP error and console error recorded."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.problems: list[str] = []
        self.foreign: list[str] = []
        page.on("requestfailed", lambda r: self.problems.append(f"failed {r.url} {r.failure}"))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status} {r.url}"),
        )
        page.on(
            "console",
            lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"),
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on(
            "request",
            lambda r: not r.url.startswith((origin, "data:")) and self.foreign.append(r.url),
        )


@pytest.fixture()
def watched(browser, server: RunningServer) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield Watched(page, server.url.rstrip("/"))
    context.close()


def expected_rows(name: str) -> tuple[list[str], list[dict[str, str]]]:
    data = json.loads((ROOT / "queries" / f"{name}.srj").read_text("utf-8"))
    rows = [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]
    return data["head"]["vars"], rows


def test_query_ui_runs_an_example(
    watched: Watched, server: RunningServer, artifacts_dir: Path
) -> None:
    page = watched.page
    page.goto(server.url + "sparql")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=15_000)
    # the competency questions are the example tabs, the first one open
    tabs = page.locator(".tabsList .tab").all_inner_texts()
    titles = [t.split("\n")[0] for t in tabs]
    assert titles[0].startswith("Who plays whom in Ballard")
    assert len(titles) == len(list((ROOT / "queries").glob("*.rq")))
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr .dataTable tbody tr", timeout=15_000)
    variables, rows = expected_rows("01-cast")
    header = [h.strip() for h in page.locator(".yasr .dataTable thead th").all_inner_texts()]
    assert [h for h in header if h] == variables
    table = page.locator(".yasr .dataTable tbody tr")
    assert table.count() == len(rows)
    shown = page.locator(".yasr .dataTable tbody").inner_text()
    for row in rows:
        assert row["actorName"] in shown
        assert row["characterName"] in shown
    # the dataset's IRIs link to their pages on this server
    link = page.locator(".yasr .dataTable tbody a", has_text="id:maggie-q").first
    assert link.get_attribute("href") == "/id/maggie-q"
    page.screenshot(path=str(artifacts_dir / "serve-yasgui-01-cast.png"), full_page=True)
    assert watched.problems == []
    assert watched.foreign == [], "the UI must not reach any other host"


def test_query_ui_shows_an_error_from_the_server(watched: Watched, server: RunningServer) -> None:
    """A query link (/sparql?query=...) opens the UI, which runs it; the 400 is shown."""
    query = "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    watched.page.goto(server.url + "sparql?" + urlencode({"query": query}))
    error = watched.page.locator(".yasr").get_by_text("is not allowed")
    error.wait_for(timeout=15_000)
    assert "SERVICE <http://127.0.0.1:9/>" in error.inner_text()
    # the 400 is the expected answer; nothing else may fail
    assert [p for p in watched.problems if "400" not in p and "Bad Request" not in p] == []
    assert watched.foreign == []


@pytest.mark.parametrize(
    ("path", "shot", "expect"),
    [
        ("", "serve-home.png", "Bosch: Legacy"),
        ("id/renee-ballard", "serve-resource-renee-ballard.png", "Maggie Q"),
        ("search?q=ballard", "serve-search.png", "Renée Ballard"),
        ("id/no-such-thing", "serve-not-found.png", "Not found"),
    ],
)
def test_pages_render(
    watched: Watched,
    server: RunningServer,
    artifacts_dir: Path,
    path: str,
    shot: str,
    expect: str,
) -> None:
    page = watched.page
    page.goto(server.url + path)
    page.wait_for_load_state("networkidle")
    assert expect in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / shot), full_page=True)
    problems = [p for p in watched.problems if not (path.startswith("id/no-") and "404" in p)]
    assert problems == []
    assert watched.foreign == []


#: The pages people read first, screenshotted at a phone's and a desktop's width (CI keeps
#: artifacts/pages/).
PAGES = {
    "home": "",
    "ballard": "id/ballard",
    "maggie-q": "id/maggie-q",
    "ontology": "ontology",
    "sparql": "sparql",
}
WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_page_is_wider_than_its_viewport(
    browser, server: RunningServer, artifacts_dir: Path, name: str, width: str
) -> None:
    """No horizontal scrolling: the page fits the viewport (long IRIs wrap, wide tables and
    the query UI's tabs scroll inside their own box); every page has the site header."""
    pixels = WIDTHS[width]
    context = browser.new_context(viewport={"width": pixels, "height": 900})
    page = context.new_page()
    try:
        page.goto(server.url + PAGES[name])
        page.wait_for_load_state("networkidle")
        if name == "sparql":
            page.wait_for_selector(".yasqe .CodeMirror", timeout=15_000)
        out = artifacts_dir / "pages"
        out.mkdir(exist_ok=True)
        page.screenshot(path=str(out / f"{name}-{pixels}.png"), full_page=True)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= pixels, f"/{PAGES[name]} is {wide} px wide at {pixels} px"
        assert page.locator("header.top a.brand").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("pixels", sorted(WIDTHS.values()))
def test_query_examples_fit_in_one_row(browser, server: RunningServer, pixels: int) -> None:
    """The competency questions' tabs are one row that scrolls sideways, not rows of tabs
    pushing the editor down."""
    context = browser.new_context(viewport={"width": pixels, "height": 900})
    page = context.new_page()
    try:
        page.goto(server.url + "sparql")
        page.wait_for_selector(".yasqe .CodeMirror", timeout=15_000)
        tops = page.locator(".tabsList .tab").evaluate_all(
            "tabs => tabs.map(t => Math.round(t.getBoundingClientRect().top))"
        )
        assert len(tops) == len(list((ROOT / "queries").glob("*.rq")))
        assert len(set(tops)) == 1, f"the tabs take {len(set(tops))} rows"
        editor = page.locator(".yasqe .CodeMirror").bounding_box()
        assert editor is not None and editor["y"] < 250  # the editor right under the tabs
    finally:
        context.close()


def test_entity_page_in_the_browser(watched: Watched, server: RunningServer) -> None:
    """The page as a reader meets it: the cast with characters, each source folded to a line
    that opens to the article's title and its quote."""
    page = watched.page
    page.goto(server.url + "id/ballard")
    page.wait_for_load_state("networkidle")
    cast = page.locator("section.section-cast table")
    assert "Renée Ballard" in cast.inner_text() and "Maggie Q" in cast.inner_text()
    source = page.locator("details.src").first
    assert not source.locator("blockquote").first.is_visible()
    source.locator("summary").click()
    assert source.locator("blockquote").first.is_visible()
    assert watched.problems == []
    assert watched.foreign == []
