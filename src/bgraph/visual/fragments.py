"""HTML fragments and JSON payloads the server embeds: the franchise diagram, the timeline and
the interactive neighbourhood graph, written by the templates of ``templates/visual/``. No
server code here: callers pass URLs and link makers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from ..html import markup, render
from .model import HrefFor, View, default_href
from .style import GROUP_COLOURS
from .summary import built_summary
from .timeline import read_timeline
from .universe import read_universe

if TYPE_CHECKING:
    from markupsafe import Markup

#: The browser graph draws at most this many entities (tested with 1,000 in Chromium).
GRAPH_LIMIT = 1000
#: The graph's fallback without JavaScript lists this many of the focus's neighbours.
FALLBACK_LINKS = 50
#: A page's franchise diagram draws at most this many series; its timeline this many events.
PAGE_SERIES = 40
PAGE_EVENTS = 300
DEFAULT_STATIC = "/visual/static"  #: not under /static: the server mounts its own files there


class Swatch(NamedTuple):
    """A group of the graph's legend, in its colours."""

    group: str
    fill: str
    stroke: str


def script_json(data: object) -> Markup:
    """JSON to write inside a <script> element as it is: ``<``, ``>`` and ``&`` are written as
    JSON escapes (``\\u003c``…), so no ``</script>`` or ``<!--`` can end or confuse it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def legend(payload: dict) -> list[Swatch]:
    """The groups of the payload's nodes that have colours, in the order of GROUP_COLOURS."""
    present = {n["group"] for n in payload["nodes"]} & GROUP_COLOURS.keys()
    return [Swatch(g, *GROUP_COLOURS[g]) for g in GROUP_COLOURS if g in present]


# -- fragments (HTML) ---------------------------------------------------------------------------


def graph_fragment(
    payload: dict, height: str = "480px", title: str = "Neighbourhood graph"
) -> Markup:
    """An interactive graph, its data inline (a :meth:`.model.Neighbourhood.as_payload`), with
    its scripts and styles; without JavaScript, links to the focus's first neighbours."""
    return render(
        "visual/graph.html",
        static=DEFAULT_STATIC,
        data=script_json(payload),
        title=title,
        height=height,
        legend=legend(payload),
        fallback=[n for n in payload["nodes"][1 : FALLBACK_LINKS + 1] if n.get("href")],
    )


def franchise_fragment(
    source: Any,
    href_for: HrefFor = default_href,
    lang: str = "en",
    max_series: int | None = PAGE_SERIES,
) -> Markup:
    """The franchise diagram, inline (its entities link to their pages); at most
    ``max_series`` series; nothing for a graph without series. A page's diagram of a built
    store comes from the summary written with it (:mod:`.summary`)."""
    from .franchise import render_franchise

    summary = built_summary(source, lang) if max_series == PAGE_SERIES else None
    if summary is not None:
        universe = summary.universe
    else:
        universe = read_universe(View.of(source, lang), max_series)
    if not universe.series:
        return markup("")
    svg = render_franchise(universe, href_for)
    svg = svg.split("?>", 1)[1].lstrip() if svg.startswith("<?xml") else svg
    return render("visual/franchise.html", svg=markup(svg))


def timeline_fragment(
    source: Any, href_for: HrefFor = default_href, limit: int | None = PAGE_EVENTS
) -> Markup:
    """The dated facts as an ordered list (oldest first): the first ``limit``, and a link to
    all of them when there are more; nothing for a graph without dates. A page's timeline of a
    built store comes from the summary written with it (:mod:`.summary`)."""
    summary = built_summary(source) if limit == PAGE_EVENTS else None
    if summary is not None:
        events = summary.timeline(href_for)
    else:
        events = read_timeline(View.of(source), href_for, None if limit is None else limit + 1)
    shown = events[:limit]
    if not shown:
        return markup("")
    more = len(shown) < len(events)
    return render("visual/timeline.html", events=shown, limit=limit, more=more)
