"""An explanation in a real headless Chromium (issue 14): an entity page's inferred fact links to
its explanation, which shows the proof tree down to the article quotes, on a default ``bgraph
serve``. Screenshots go to ``artifacts/`` (kept by CI): ``why-entity-link.png``,
``why-explanation.png``, ``why-cast-member.png`` and ``why-cast-row.png``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from browser_support import require_browser
from server_harness import RunningServer, running_server

require_browser()


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server("--quiet") as srv:  # the default: bgraph's own data is explained
        yield srv


def test_an_inferred_fact_links_to_its_explanation(browser, server, artifacts_dir) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))

    page.goto(server.url + "id/ballard.html")
    links = page.locator("a.why-link")
    assert links.count() > 0, "no inferred fact links to its explanation"
    # the explanation of "Ballard is a schema:CreativeWork" (an inferred type; the page may
    # fold the full list of types)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    link = page.locator('a.why-link[href*="CreativeWork"]').first
    link.scroll_into_view_if_needed()
    link.evaluate("a => a.style.outline = '3px solid #d33'")
    page.screenshot(path=str(artifacts_dir / "why-entity-link.png"))

    link.click()
    page.wait_for_load_state()
    assert "/why?" in page.url
    summary = page.locator(".why-summary").inner_text()
    assert summary.startswith("Ballard is a ") and " because " in summary
    tree = page.locator("ul.why-tree")
    assert tree.locator("li.inferred").count() >= 1
    leaves = tree.locator("li.asserted")
    assert leaves.count() >= 1
    assert "article 00" in leaves.first.inner_text() and "«" in leaves.first.inner_text()
    page.screenshot(path=str(artifacts_dir / "why-explanation.png"), full_page=True)

    # the example: the cast shortcut, through the performance, to the quote
    page.goto(
        server.url + "why?s=id:ballard&p=schema:actor&o=id:titus-welliver",
    )
    text = page.locator(".why-summary").inner_text()
    assert "cast member is a sub-property of schema:actor" in text
    assert "Titus Welliver : Harry Bosch" in page.locator("ul.why-tree").inner_text()
    page.screenshot(path=str(artifacts_dir / "why-cast-member.png"), full_page=True)

    # the same fact from the cast table: Titus Welliver's row, its "inferred" links opened
    page.goto(server.url + "id/ballard.html")
    row = page.locator("table.cast tr", has_text="Titus Welliver")
    row.locator("details.implied summary").click()
    actor = row.locator('a.why-link[href*="schema.org%2Factor"]')
    actor.scroll_into_view_if_needed()
    actor.evaluate("a => a.style.outline = '3px solid #d33'")
    page.screenshot(path=str(artifacts_dir / "why-cast-row.png"))
    actor.click()
    page.wait_for_load_state()
    assert (
        "cast member is a sub-property of schema:actor" in page.locator(".why-summary").inner_text()
    )
    assert not problems, problems
    context.close()
