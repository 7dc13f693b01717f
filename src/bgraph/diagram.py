"""``bgraph diagram``'s library: the franchise picture, or one entity's neighbourhood.

SVG is laid out in pure Python (no Graphviz needed); DOT is written as text for people who
have Graphviz; PNG is the SVG rasterised by CairoSVG. Everything is drawn from the graph.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import BgraphError, UnknownFormatError, UsageError
from .formats import DIAGRAM_FORMATS
from .visual.model import View, entity_names, neighbourhood, resolve
from .visual.universe import read_universe

MAX_DEPTH = 6
#: The SVG of a neighbourhood draws at most this many entities (the browser graph takes more).
MAX_NODES = 400

LinkFor = Callable[[str], str | None]


class UnknownEntityError(UsageError):
    """A --focus that names no entity of the graph."""


def diagram_format(name: str | None, output: Path | None) -> str:
    """The format asked for, else the one the output file's suffix implies, else SVG."""
    if name:
        key = name.lower()
        if key not in {f.name for f in DIAGRAM_FORMATS}:
            valid = ", ".join(f.name for f in DIAGRAM_FORMATS)
            raise UnknownFormatError(f"unknown diagram format {name!r}; valid formats: {valid}")
        return key
    suffix = output.suffix.lower() if output is not None else ""
    return next((f.name for f in DIAGRAM_FORMATS if suffix in f.suffixes), "svg")


def _suggest(view: View, ident: str) -> str:
    names = entity_names(view)
    close = difflib.get_close_matches(ident.casefold().removeprefix("id:"), list(names), n=3)
    picks = sorted({names[c] for c in close})
    return f"; did you mean {', '.join(picks)}?" if picks else ""


def render_diagram(
    source: Any,
    fmt: str = "svg",
    focus: str | None = None,
    depth: int | None = None,
    link_for: LinkFor | None = None,
    lang: str = "en",
) -> bytes:
    """The picture as bytes: the franchise, or ``focus``'s neighbourhood up to ``depth`` hops.

    ``source`` is an OpenStore (:func:`bgraph.store.open_dataset`), a ``pyoxigraph.Store``
    or a :class:`~bgraph.visual.model.View`; the picture is read by targeted lookups."""
    fmt = diagram_format(fmt, None)
    view = View.of(source, lang)
    links: LinkFor = link_for or (lambda iri: iri)
    if depth is not None and focus is None:
        raise UsageError("--depth needs --focus: it is the number of hops around that entity")
    if depth is not None and not 0 <= depth <= MAX_DEPTH:
        raise UsageError(f"--depth must be between 0 and {MAX_DEPTH}, not {depth}")
    if focus is not None:
        node = resolve(view, focus)
        if node is None:
            raise UnknownEntityError(
                f"no entity {focus!r} in the graph (give an id such as 'ballard', 'id:ballard' "
                f"or a full IRI){_suggest(view, focus)}"
            )
        hood = neighbourhood(view, node, 1 if depth is None else depth, limit=MAX_NODES)
        if fmt == "dot":
            from .visual.dot import neighbourhood_dot

            return neighbourhood_dot(hood).encode("utf-8")
        from .visual.neighbourhood import render_neighbourhood

        svg = render_neighbourhood(hood, links)
    else:
        universe = read_universe(view)
        if not universe.series:
            raise BgraphError("the graph has no television series (bg:TVSeries) to draw")
        if fmt == "dot":
            from .visual.dot import franchise_dot

            return franchise_dot(universe).encode("utf-8")
        from .visual.franchise import render_franchise

        svg = render_franchise(universe, links)
    if fmt == "png":
        from .visual.png import svg_to_png

        return svg_to_png(svg)
    return svg.encode("utf-8")
