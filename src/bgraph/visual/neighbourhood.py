"""One entity's neighbourhood as SVG: a left-to-right tree by distance from the focus.

Column *d* holds the entities *d* hops away, in the order of the entity they were reached from.
Each is joined to that entity by a labelled arrow whose label sits just left of the entity, on
the arrow's last, horizontal stretch: labels share a row with their entity, so they never
overlap. Other links between drawn entities are faint dashed lines (their relation in a tooltip).
"""

from __future__ import annotations

from collections.abc import Callable

from . import style
from .model import GEdge, GNode, Neighbourhood
from .svg import Svg, arrow_marker
from .text import Box, text_box, text_width, truncate

M = 28
NODE_H = 34
PITCH = 46
NAME = 12.5
SMALL = 10
EDGE = 10.5
MAX_LABEL = 240

LinkFor = Callable[[str], str | None]


def _tree_label(edge: GEdge, parent: str) -> tuple[str, bool]:
    """(text, arrow points from parent to child) for the edge that reached a node."""
    if edge.source == parent:
        return edge.label, True
    if edge.inverse_label:
        return edge.inverse_label, True
    return "← " + edge.label, False


def render_neighbourhood(hood: Neighbourhood, link_for: LinkFor | None = None) -> str:
    svg = Svg()
    svg.defs.append(arrow_marker(style.LINK, "arrow-link"))
    link_for = link_for or (lambda iri: iri)
    by_id = {n.id: n for n in hood.nodes}
    focus = by_id[hood.focus]

    # Columns, each ordered by the row of the parent then relation then label.
    columns: dict[int, list[GNode]] = {}
    for n in hood.nodes:
        columns.setdefault(n.depth, []).append(n)
    tree_edge: dict[str, GEdge] = {}
    for e in hood.edges:
        if not e.tree:
            continue
        child = e.target if by_id[e.target].parent in (e.source,) else e.source
        if by_id[child].parent is not None:
            tree_edge[child] = e
    row: dict[str, int] = {focus.id: 0}
    for d in sorted(columns):
        if d == 0:
            continue
        columns[d].sort(
            key=lambda n: (
                row.get(n.parent or "", 0),
                _tree_label(tree_edge[n.id], n.parent or "")[0] if n.id in tree_edge else "",
                n.label.casefold(),
                n.id,
            )
        )
        for i, n in enumerate(columns[d]):
            row[n.id] = i

    titles = {n.id: truncate(n.label, NAME, MAX_LABEL, True) for n in hood.nodes}
    widths = {
        n.id: max(text_width(titles[n.id], NAME, True), text_width(n.kind, SMALL)) + 18
        for n in hood.nodes
    }
    # Horizontal placement: each column as wide as its widest box, gaps fit the labels.
    header_h = 70.0
    x = float(M)
    col_x: dict[int, float] = {}
    col_w: dict[int, float] = {}
    label_w: dict[int, float] = {}
    for d in sorted(columns):
        if d > 0:
            texts = [
                _tree_label(tree_edge[n.id], n.parent or "")[0]
                for n in columns[d]
                if n.id in tree_edge
            ]
            label_w[d] = max((text_width(t, EDGE) for t in texts), default=0.0)
            x += 44 + label_w[d] + 20
        col_x[d] = x
        col_w[d] = max(widths[n.id] for n in columns[d])
        x += col_w[d]
    width = x + M
    tallest = max(len(c) for c in columns.values())
    top = M + header_h

    boxes: dict[str, Box] = {}
    for d, nodes in columns.items():
        # Centre short columns on the tallest one so arrows stay short.
        offset = (tallest - len(nodes)) * PITCH / 2 if d == 0 else 0.0
        for n in nodes:
            boxes[n.id] = Box(col_x[d], top + offset + row[n.id] * PITCH, widths[n.id], NODE_H)
    if len(columns) > 1:  # the focus next to its first neighbours
        first = columns[1]
        mid = (boxes[first[0].id].y + boxes[first[-1].id].bottom) / 2
        fb = boxes[focus.id]
        boxes[focus.id] = Box(fb.x, mid - NODE_H / 2, fb.w, fb.h)
    height = max(b.bottom for b in boxes.values()) + M + (24 if hood.truncated else 0)

    # Header.
    title = f"Neighbourhood of {focus.label}"
    svg.text(M, M + 20, title, 20, bold=True, fill=style.INK)
    n_hops = "hop" if hood.depth == 1 else "hops"
    svg.text(
        M,
        M + 42,
        f"{focus.kind or 'entity'} · {len(hood.nodes) - 1} entities within {hood.depth} {n_hops}"
        f" · {len(hood.edges)} links",
        12,
        fill=style.MUTED,
    )
    width = max(width, text_box(M, M + 20, title, 20, True).right + M)

    # Other links, faint, under everything.
    svg.open("g", class_="links")
    for e in hood.edges:
        if e.tree:
            continue
        a, b = boxes[e.source], boxes[e.target]
        svg.open(
            "g",
            class_="edge link",
            data_source=e.source,
            data_target=e.target,
            data_predicate=e.predicate,
        )
        svg.element("title", f"{by_id[e.source].label} — {e.label} → {by_id[e.target].label}")
        svg.line(
            a.x + a.w / 2,
            a.y + a.h / 2,
            b.x + b.w / 2,
            b.y + b.h / 2,
            stroke=style.GRID,
            stroke_width="1",
            stroke_dasharray="4 3",
        )
        svg.close("g")
    svg.close("g")

    # Tree links, labelled: a vertical trunk per parent, a horizontal branch per child.
    for child_id, e in tree_edge.items():
        child = by_id[child_id]
        parent = by_id[child.parent or ""]
        pb, cb = boxes[parent.id], boxes[child_id]
        text, forward = _tree_label(e, parent.id)
        pd = parent.depth
        trunk = col_x[pd] + col_w[pd] + 14 + 6 * (row[parent.id] % 4)
        py, cy = pb.y + NODE_H / 2, cb.y + NODE_H / 2
        pts = [(pb.right + 1, py), (trunk, py), (trunk, cy), (cb.x - 1, cy)]
        svg.open(
            "g",
            class_="edge tree",
            data_source=e.source,
            data_target=e.target,
            data_predicate=e.predicate,
        )
        svg.element("title", f"{by_id[e.source].label} — {e.label} → {by_id[e.target].label}")
        if forward:
            svg.path(pts, stroke=style.LINK, stroke_width="1.2", marker_end="url(#arrow-link)")
        else:
            svg.path(
                list(reversed(pts)),
                stroke=style.LINK,
                stroke_width="1.2",
                marker_end="url(#arrow-link)",
            )
        lb = text_box(cb.x - 12, cy - 5, text, EDGE, anchor="end")
        svg.rect(Box(lb.x - 2, lb.y, lb.w + 4, lb.h), rx=2, fill=style.PAPER, opacity="0.9")
        svg.text(cb.x - 12, cy - 5, text, EDGE, anchor="end", fill=style.MUTED)
        svg.close("g")

    # Nodes.
    for n in hood.nodes:
        b = boxes[n.id]
        fill, ink = style.colours(n.group)
        classes = f"node {n.group}" + (" focus" if n.id == focus.id else "")
        svg.open("g", class_=classes, data_iri=n.id)
        href = link_for(n.id)
        if href:
            svg.open("a", href=href)
        svg.element("title", f"{n.label} ({n.kind})" if n.kind else n.label)
        svg.rect(b, rx=6, fill=fill, stroke=ink, stroke_width="2.4" if n.id == focus.id else "1.1")
        svg.text(b.x + 9, b.y + 15, titles[n.id], NAME, bold=True, fill=ink)
        svg.text(b.x + 9, b.y + 28, n.kind, SMALL, fill=style.MUTED)
        if href:
            svg.close("a")
        svg.close("g")
    if hood.truncated:
        svg.text(
            M,
            height - M,
            f"Only the first {len(hood.nodes)} entities are drawn.",
            11,
            fill=style.MUTED,
        )

    body = svg.parts
    svg.parts = [f'<rect width="{width:.0f}" height="{height:.0f}" fill="{style.PAPER}"/>', *body]
    desc = (
        f"The entities within {hood.depth} {n_hops} of {focus.label} in the bgraph knowledge graph,"
        " and the relations between them."
    )
    return svg.render(width, height, title, desc)
