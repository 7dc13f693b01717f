"""HTML fragments and JSON payloads the server embeds: the franchise diagram, the timeline and
the interactive neighbourhood graph. No server code here: callers pass URLs and link makers."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from .model import HrefFor, View, default_href
from .style import GROUP_COLOURS
from .summary import built_summary
from .timeline import read_timeline
from .universe import read_universe

#: The browser graph draws at most this many entities (tested with 1,000 in Chromium).
GRAPH_LIMIT = 1000
#: A page's franchise diagram draws at most this many series; its timeline this many events.
PAGE_SERIES = 40
PAGE_EVENTS = 300
DEFAULT_STATIC = "/visual/static"  #: not under /static: the server mounts its own files there


def assets(static_url: str = DEFAULT_STATIC) -> str:
    """The <link> and <script> tags the interactive graph needs (once per page)."""
    base = escape(static_url.rstrip("/"), quote=True)
    return (
        f'<link rel="stylesheet" href="{base}/visual.css">\n'
        f'<script src="{base}/vendor/cytoscape.min.js" defer></script>\n'
        f'<script src="{base}/graph.js" defer></script>\n'
    )


def _json_for_script(data: object) -> str:
    """JSON safe inside <script>: no '</' or '<!--' can end or confuse the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# -- fragments (HTML) ---------------------------------------------------------------------------


def graph_fragment(payload: dict, height: str = "480px", title: str = "Neighbourhood graph") -> str:
    """An interactive graph, its data inline (a :meth:`.model.Neighbourhood.as_payload`), with
    its scripts and styles."""
    data = f'<script type="application/json">{_json_for_script(payload)}</script>'
    present = sorted({n["group"] for n in payload["nodes"]}, key=list(GROUP_COLOURS).index)
    legend = "".join(
        f'<li><span class="swatch" style="background:{GROUP_COLOURS[g][0]};'
        f'border-color:{GROUP_COLOURS[g][1]}"></span>{escape(g)}</li>'
        for g in present
        if g in GROUP_COLOURS
    )
    links = "".join(
        f'<li><a href="{escape(n["href"], quote=True)}">{escape(n["label"])}</a></li>'
        for n in payload["nodes"][1:51]
        if n.get("href")
    )
    fallback = f'<noscript><ul class="bg-graph-fallback">{links}</ul></noscript>'
    return (
        assets()
        + f'<section class="bg-graph-panel" aria-label="{escape(title, quote=True)}">'
        + f'<div class="bg-graph" role="img" aria-label="{escape(title, quote=True)}"'
        + f' style="height:{escape(height, quote=True)}">{data}</div>'
        + '<p class="bg-graph-caption" aria-live="polite"></p>'
        + (f'<ul class="bg-graph-legend">{legend}</ul>' if legend else "")
        + fallback
        + "</section>"
    )


def franchise_fragment(
    source: Any,
    href_for: HrefFor = default_href,
    lang: str = "en",
    max_series: int | None = PAGE_SERIES,
) -> str:
    """The franchise diagram, inline (its entities link to their pages); at most
    ``max_series`` series. A page's diagram of a built store comes from the summary written
    with it (:mod:`.summary`)."""
    from .franchise import render_franchise

    summary = built_summary(source, lang) if max_series == PAGE_SERIES else None
    if summary is not None:
        universe = summary.universe
    else:
        universe = read_universe(View.of(source, lang), max_series)
    if not universe.series:
        return ""
    svg = render_franchise(universe, href_for)
    svg = svg.split("?>", 1)[1].lstrip() if svg.startswith("<?xml") else svg
    return (
        '<figure class="bg-universe"><div class="bg-universe-scroll">'
        + svg
        + "</div><figcaption>Drawn from the graph: series on a time axis with their spin-offs "
        "and adapted novels, the cast as actor → character, production and platform. "
        "<code>bgraph diagram</code> draws the same picture "
        '(<a href="/visual/universe.svg">full size</a>).</figcaption></figure>'
    )


def timeline_fragment(
    source: Any, href_for: HrefFor = default_href, limit: int | None = PAGE_EVENTS
) -> str:
    """The dated facts as an ordered list (oldest first): the first ``limit``, and a link to
    all of them when there are more. A page's timeline of a built store comes from the summary
    written with it (:mod:`.summary`)."""
    items = []
    summary = built_summary(source) if limit == PAGE_EVENTS else None
    if summary is not None:
        events = summary.timeline(href_for)
    else:
        events = read_timeline(View.of(source), href_for, None if limit is None else limit + 1)
    more = limit is not None and len(events) > limit
    for e in events[:limit]:
        name = escape(e.label)
        if e.href:
            name = f'<a href="{escape(e.href, quote=True)}">{name}</a>'
        items.append(
            f'<li class="{escape(e.group)}"><time datetime="{e.date}">{escape(e.display)}</time>'
            f'{name} <span class="what">{escape(", ".join(e.what))}</span></li>'
        )
    if not items:
        return ""
    tail = (
        f'<p class="bg-timeline-more">The first {limit} events; '
        '<a href="/visual/timeline.json">all of them as JSON</a>.</p>'
        if more
        else ""
    )
    return '<ol class="bg-timeline" aria-label="Timeline">' + "".join(items) + "</ol>" + tail
