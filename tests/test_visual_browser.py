"""Headless Chromium (Debian's, driven by Playwright): the pictures as a person sees them.

Screenshots go to artifacts/ (kept by CI). Every page must load with no failed request, no HTTP
error and no console error. The pages are the real ``bgraph serve``'s, on 127.0.0.1; the one page
it has no data for (a graph of a thousand nodes) is written here with the server's own page
template and graph fragment, and given to the browser at a path of that server (its scripts and
styles come from the server, under the server's Content-Security-Policy).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest

from browser_support import require_browser
from server_harness import running_server

require_browser()

SYNTHETIC_PATH = "/synthetic-1000-nodes"


def synthetic_payload(n: int) -> dict:
    """A star of stars: a focus, 40 hubs, and the rest spread over the hubs (n nodes)."""
    from bgraph.visual.style import GROUP_COLOURS

    groups = ["person", "character", "series", "organization", "concept", "place"]
    nodes = [
        {"id": "n0", "label": "Focus", "kind": "test", "group": "series", "depth": 0, "href": None}
    ]
    edges = []
    hubs = 40
    for i in range(1, n):
        depth = 1 if i <= hubs else 2
        nodes.append(
            {
                "id": f"n{i}",
                "label": f"Entity number {i}",
                "kind": "synthetic",
                "group": groups[i % len(groups)],
                "depth": depth,
                "href": None,
            }
        )
        parent = "n0" if depth == 1 else f"n{1 + i % hubs}"
        edges.append({"source": parent, "target": f"n{i}", "label": "related", "predicate": "x"})
    for i in range(hubs + 1, n, 7):  # some cross links
        edges.append(
            {"source": f"n{i}", "target": f"n{(i * 3) % n or 1}", "label": "also", "predicate": "y"}
        )
    return {
        "focus": "n0",
        "depth": 2,
        "truncated": False,
        "nodes": nodes,
        "edges": edges,
        "colours": GROUP_COLOURS,
    }


def synthetic_page(n: int) -> str:
    """A page of the server's template holding a graph of ``n`` nodes."""
    from bgraph.html import markup
    from bgraph.server.pages import page
    from bgraph.visual.fragments import graph_fragment

    return page("synthetic", markup("<h1>Synthetic</h1>") + graph_fragment(synthetic_payload(n)))


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_server("--quiet") as srv:
        yield srv.url.rstrip("/")


class Watched:
    """A page that records console errors, page errors, failed requests and HTTP errors."""

    def __init__(self, browser, width: int = 1280, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on(
            "requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}")
        )
        self.page.on(
            "response",
            lambda r: (
                self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None
            ),
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def watched(browser) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.close()


def wait_ready(page, timeout: float = 20_000) -> None:
    page.wait_for_selector('.bg-graph[data-state="ready"]', timeout=timeout)


# -- the pages ----------------------------------------------------------------------------------


def test_home_page_shows_the_franchise_diagram_and_timeline(watched, base_url, artifacts_dir):
    page = watched.page
    page.goto(base_url + "/")
    svg = page.locator(".bg-universe svg")
    assert svg.is_visible()
    series = page.locator(".bg-universe svg g.node.series").evaluate_all(
        "els => els.map(e => e.dataset.iri.split('/').pop())"
    )
    assert sorted(series) == ["ballard", "bosch", "bosch-legacy"]
    assert page.locator(".bg-universe g.edge.spin-off").count() == 2
    items = page.locator(".bg-timeline li")
    assert items.count() >= 5
    assert items.first.inner_text().startswith("2014")
    page.screenshot(path=str(artifacts_dir / "home.png"), full_page=True)
    assert watched.problems == [], "\n".join(watched.problems)


def test_franchise_labels_do_not_overlap_as_chromium_renders_them(watched, base_url):
    """Real glyph boxes (getBBox) from the browser's fonts, not bgraph's own estimate."""
    page = watched.page
    page.goto(base_url + "/")
    boxes = page.evaluate(
        """() => Array.from(document.querySelectorAll('.bg-universe svg text')).map(t => {
             const b = t.getBBox(); return [t.textContent, b.x, b.y, b.width, b.height]; })"""
    )
    assert len(boxes) > 60
    clashes = []
    for i, (a, ax, ay, aw, ah) in enumerate(boxes):
        for b, bx, by, bw, bh in boxes[i + 1 :]:
            if (
                ax + aw - 0.5 > bx
                and bx + bw - 0.5 > ax
                and ay + ah - 0.5 > by
                and by + bh - 0.5 > ay
            ):
                clashes.append((a, b))
    assert clashes == []
    assert watched.problems == [], "\n".join(watched.problems)


def test_entity_page_draws_an_interactive_graph(watched, base_url, artifacts_dir):
    page = watched.page
    page.goto(base_url + "/id/ballard")
    wait_ready(page)
    graph = page.locator(".bg-graph")
    nodes = int(graph.get_attribute("data-nodes"))
    assert nodes > 40  # Ballard's cast, characters, companies, novels, ...
    canvas_count = page.locator(".bg-graph canvas").count()
    assert canvas_count >= 1
    # Drawn: the canvas is not blank.
    inked = page.evaluate(
        """() => { const c = document.querySelector('.bg-graph canvas:last-of-type');
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }"""
    )
    assert inked > 1000
    page.screenshot(path=str(artifacts_dir / "entity-ballard.png"))  # heading and graph
    graph.screenshot(path=str(artifacts_dir / "entity-ballard-graph.png"))

    # Zoom (wheel and buttons) and pan (drag the background).
    zoom = page.evaluate("() => document.querySelector('.bg-graph').bgraphCy.zoom()")
    page.locator(".bg-graph-controls button", has_text="+").click()
    zoomed = page.evaluate("() => document.querySelector('.bg-graph').bgraphCy.zoom()")
    assert zoomed > zoom
    graph.scroll_into_view_if_needed()
    page.wait_for_timeout(600)  # Cytoscape ignores the wheel while the page is scrolling
    box = graph.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 400)
    page.wait_for_timeout(200)
    wheeled = page.evaluate("() => document.querySelector('.bg-graph').bgraphCy.zoom()")
    assert wheeled != zoomed
    pan = page.evaluate("() => document.querySelector('.bg-graph').bgraphCy.pan()")
    empty = page.evaluate(
        """() => { const cy = document.querySelector('.bg-graph').bgraphCy;
             const w = cy.width(), h = cy.height();
             for (let y = 10; y < h; y += 15) for (let x = 10; x < w; x += 15) {
               const hit = cy.nodes().some(n => { const b = n.renderedBoundingBox();
                 return x > b.x1 - 8 && x < b.x2 + 8 && y > b.y1 - 8 && y < b.y2 + 8; });
               if (!hit) return [x, y]; }
             return null; }"""
    )
    assert empty is not None
    page.mouse.move(box["x"] + empty[0], box["y"] + empty[1])
    page.mouse.down()
    page.mouse.move(box["x"] + empty[0] + 60, box["y"] + empty[1] + 40, steps=5)
    page.mouse.up()
    moved = page.evaluate("() => document.querySelector('.bg-graph').bgraphCy.pan()")
    assert moved != pan

    # Click a node: its page opens.
    page.locator(".bg-graph-controls button", has_text="⤢").click()
    graph.scroll_into_view_if_needed()
    box = graph.bounding_box()
    target = page.evaluate(
        """() => { const cy = document.querySelector('.bg-graph').bgraphCy;
             const n = cy.getElementById('https://w3id.org/bgraph/id/maggie-q');
             const p = n.renderedPosition(); return [p.x, p.y, n.data('href')]; }"""
    )
    assert target[2] == "/id/maggie-q"
    page.mouse.click(box["x"] + target[0], box["y"] + target[1])
    # the server may redirect the entity to its HTML document (/id/maggie-q.html)
    page.wait_for_url(re.compile(r"/id/maggie-q(\.html)?$"), timeout=10_000)
    wait_ready(page)
    assert page.locator("h1").inner_text() == "Maggie Q"
    assert watched.problems == [], "\n".join(watched.problems)


def test_a_thousand_nodes_do_not_freeze_the_page(browser, base_url, artifacts_dir):
    w = Watched(browser)
    page = w.page
    page.add_init_script(
        """window.__longTasks = [];
           new PerformanceObserver(l => l.getEntries().forEach(e => window.__longTasks.push(
             e.duration))).observe({type: 'longtask', buffered: true});"""
    )
    from bgraph.server.middleware import CSP

    page.route(
        base_url + SYNTHETIC_PATH,
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": CSP},
            body=synthetic_page(1000),
        ),
    )
    started = time.monotonic()
    page.goto(base_url + SYNTHETIC_PATH)
    wait_ready(page, timeout=30_000)
    elapsed = time.monotonic() - started
    graph = page.locator(".bg-graph")
    assert graph.get_attribute("data-nodes") == "1000"
    # Responsive: ten animation frames come quickly, and no single task blocked for long.
    frames_ms = page.evaluate(
        """() => new Promise(done => { const t0 = performance.now(); let n = 0;
             const tick = () => (++n < 10 ? requestAnimationFrame(tick)
                                          : done(performance.now() - t0));
             requestAnimationFrame(tick); })"""
    )
    page.locator(".bg-graph-controls button", has_text="+").click()
    longest = max(page.evaluate("() => window.__longTasks") or [0])
    page.screenshot(path=str(artifacts_dir / "graph-1000-nodes.png"))
    report = {
        "nodes": 1000,
        "ready_s": round(elapsed, 2),
        "draw_ms": int(graph.get_attribute("data-ms")),
        "longest_task_ms": round(longest),
        "ten_frames_ms": round(frames_ms),
    }
    (artifacts_dir / "graph-1000-nodes.json").write_text(json.dumps(report, indent=2))
    assert elapsed < 20, report
    assert longest < 4000, report
    assert frames_ms < 2000, report
    assert w.problems == []
    w.close()


def test_ontology_docs_page(watched, base_url, artifacts_dir):
    page = watched.page
    page.goto(base_url + "/ontology#TVSeries")
    assert page.locator("section#TVSeries").is_visible()
    assert "série télévisée" in page.locator("section#TVSeries").inner_text()
    assert page.locator("section.term").count() >= 100
    page.screenshot(path=str(artifacts_dir / "ontology-docs.png"))
    page.goto(base_url + "/ontology/spinOffOf")  # a term IRI sends a browser to its section
    assert page.url.endswith("/ontology#spinOffOf")
    assert watched.problems == [], "\n".join(watched.problems)
