"""The franchise diagram as SVG, laid out in pure Python.

Three panels, top to bottom:

1. **Timeline**: a year axis; each series a bar from its first to its last year (a chevron when
   it is still running); spin-off arrows drop from the parent's bar into the child's; novels get
   a row under the series that adapts them (an "undated" column holds works without a year),
   with an "adapted as" arrow up into the series.
2. **Cast**: for each series, its actor -> character pairs (the title character starred).
3. **Production and platform**: each series linked to its streaming service, production company
   and studio, the link labelled with the relation.

Every label sits in its own row band, so labels cannot overlap (tests check the boxes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import style
from .svg import Svg, arrow_marker, num
from .text import Box, text_width, truncate
from .universe import Universe, WorkItem

M = 28  # outer margin
YEAR_W = 72  # width of one year on the axis
ROW_H = 48  # pitch of timeline rows
BAR_H = 34
PANEL_GAP = 40
NAME = 13  # font sizes
SMALL = 10.5
EDGE = 11
MAX_LABEL = 260  # longest box label before it is cut with an ellipsis
WIDE = 1240  # panels go side by side while the picture stays this narrow

LinkFor = Callable[[str], str | None]


def _identity(iri: str) -> str | None:
    return iri


@dataclass
class _Placed:
    item: WorkItem
    row: int
    box: Box


class FranchiseLayout:
    """Lays a :class:`Universe` out and writes the SVG (``render``)."""

    def __init__(self, universe: Universe, link_for: LinkFor | None = _identity) -> None:
        self.u = universe
        self.link_for = link_for or (lambda _iri: None)
        self.svg = Svg()
        self.svg.defs += [
            arrow_marker(style.SPIN_OFF, "arrow-spin"),
            arrow_marker(style.ADAPTATION, "arrow-adapt"),
            arrow_marker(style.LINK, "arrow-link"),
            arrow_marker(style.colours("character")[1], "arrow-role"),
        ]
        self.width = 0.0

    # ---------------------------------------------------------------- helpers

    def _open_link(self, iri: str) -> bool:
        href = self.link_for(iri)
        if href:
            self.svg.open("a", href=href)
            return True
        return False

    def _label_bg(self, box: Box) -> None:
        self.svg.rect(
            Box(box.x - 2, box.y, box.w + 4, box.h), rx=2, fill=style.PAPER, opacity="0.9"
        )

    def _edge_label(self, x: float, y: float, text: str, colour: str, anchor: str) -> Box:
        from .text import text_box

        box = text_box(x, y, text, EDGE, anchor=anchor)
        self._label_bg(box)
        return self.svg.text(x, y, text, EDGE, anchor=anchor, fill=colour)

    def _node(self, box: Box, group: str, title: str, subtitle: str, iri: str, cls: str) -> None:
        fill, ink = style.colours(group)
        self.svg.open("g", class_=f"node {cls}", data_iri=iri)
        linked = self._open_link(iri)
        self.svg.element("title", f"{title} ({subtitle})")
        self.svg.rect(box, rx=6, fill=fill, stroke=ink, stroke_width="1.2")
        self.svg.text(box.x + 8, box.y + 15, title, NAME, bold=True, fill=ink)
        self.svg.text(box.x + 8, box.y + 28.5, subtitle, SMALL, fill=style.MUTED)
        if linked:
            self.svg.close("a")
        self.svg.close("g")

    @staticmethod
    def _box_width(title: str, subtitle: str) -> float:
        return max(text_width(title, NAME, True), text_width(subtitle, SMALL)) + 16

    # ---------------------------------------------------------------- panels

    def render(self) -> str:
        y = self._header(M)
        y = self._timeline(y + 18)
        top = y + PANEL_GAP
        cast_right, cast_bottom = float(M), y
        if any(self.u.cast.values()):
            cast_bottom, cast_right = self._cast(top)
        if self.u.affiliations:
            # Beside the cast when both fit in the timeline's width, else under it.
            need = self._measure(lambda: self._affiliations(top, M))
            if cast_right > M and cast_right + 56 + need <= max(self.width, WIDE):
                y = max(cast_bottom, self._affiliations(top, cast_right + 56))
            else:
                start = cast_bottom + PANEL_GAP if cast_right > M else top
                y = self._affiliations(start, M)
        else:
            y = cast_bottom
        y += 30
        self.svg.text(
            M,
            y,
            "Drawn from the bgraph knowledge graph by `bgraph diagram`.",
            SMALL,
            fill=style.MUTED,
        )
        width = self.width + M
        height = y + M
        body = self.svg.parts
        self.svg.parts = [
            f'<rect width="{num(width)}" height="{num(height)}" fill="{style.PAPER}"/>',
            *body,
        ]
        names = ", ".join(s.label for s in self.u.series)
        desc = (
            f"{self.u.title}: the series {names} on a time axis, with their spin-offs, "
            "adapted novels, cast (actor → character), production companies and platforms."
        )
        return self.svg.render(width, height, f"{self.u.title} — franchise diagram", desc)

    def _measure(self, draw: Callable[[], object]) -> float:
        """The width ``draw`` needs from the left margin, drawn on scratch paper."""
        saved, saved_width = self.svg, self.width
        self.svg, self.width = Svg(), 0.0
        try:
            draw()
            return self.width - M
        finally:
            self.svg, self.width = saved, saved_width

    def _grow(self, right: float) -> None:
        self.width = max(self.width, right)

    def _header(self, y: float) -> float:
        b = self.svg.text(M, y + 22, self.u.title, 22, bold=True, fill=style.INK)
        self._grow(b.right)
        b = self.svg.text(M, y + 44, self.u.subtitle, NAME, fill=style.MUTED)
        self._grow(b.right)
        return y + 44

    def _panel_title(self, y: float, text: str, x: float = M) -> float:
        b = self.svg.text(x, y + 14, text, 14, bold=True, fill=style.INK)
        self._grow(b.right)
        return y + 26

    # ---------------------------------------------------------------- timeline

    def _timeline(self, top: float) -> float:
        u = self.u
        y = self._panel_title(top, "Timeline")
        works = [*u.series, *u.novels]
        dated = [w for w in works if w.start is not None]
        undated = [w for w in works if w.start is None]
        years = [w.start for w in dated] + [w.end for w in dated if w.end is not None]
        first = min(years) if years else 2000
        last = max(years) if years else first
        undated_w = 0.0
        if undated:
            undated_w = (
                max(
                    max(
                        self._box_width(truncate(w.label, NAME, MAX_LABEL, True), self._sub(w))
                        for w in undated
                    ),
                    text_width("undated", SMALL) + 16,
                )
                + 24
            )
        x0 = M + undated_w

        def x_of(year: int) -> float:
            return x0 + (year - first) * YEAR_W

        # Rows: series by start year; the novels a series adapts right under it.
        rows: list[WorkItem] = []
        placed_novels: set[str] = set()
        sources: dict[str, list[str]] = {}
        for a in u.adaptations:
            sources.setdefault(a.work, []).append(a.source)
        for s in u.series:
            rows.append(s)
            for src in sorted(sources.get(s.iri, []), key=lambda i: _order(u, i)):
                if src not in placed_novels and any(n.iri == src for n in u.novels):
                    placed_novels.add(src)
                    rows.append(u.work(src))
        rows += [n for n in u.novels if n.iri not in placed_novels]

        axis_y = y + 16
        rows_top = axis_y + 14
        bottom = rows_top + len(rows) * ROW_H
        # Axis: year labels and grid lines.
        self.svg.open("g", class_="axis")
        for year in range(first, last + 1):
            x = x_of(year)
            self.svg.line(x, axis_y + 4, x, bottom, stroke=style.GRID, stroke_width="1")
            self.svg.text(
                x + YEAR_W / 2, axis_y, str(year), SMALL, anchor="middle", fill=style.MUTED
            )
        self.svg.line(x_of(last + 1), axis_y + 4, x_of(last + 1), bottom, stroke=style.GRID)
        if undated:
            self.svg.text(
                M + (undated_w - 24) / 2,
                axis_y,
                "undated",
                SMALL,
                anchor="middle",
                fill=style.MUTED,
            )
        self.svg.close("g")
        self._grow(x_of(last + 1))

        placed: dict[str, _Placed] = {}
        for i, w in enumerate(rows):
            ry = rows_top + i * ROW_H
            if w.start is None:
                bw = self._box_width(truncate(w.label, NAME, MAX_LABEL, True), self._sub(w))
                box = Box(M, ry, bw, BAR_H)
            else:
                end = w.end if w.end is not None else (last if w.ongoing else w.start)
                box = Box(x_of(w.start), ry, x_of(end) + YEAR_W - x_of(w.start), BAR_H)
            placed[w.iri] = _Placed(w, i, box)

        # Edges first (under the nodes), then nodes.
        self._spin_offs(placed)
        self._adaptations(placed)
        for p in placed.values():
            self._work_node(p)
        return bottom

    @staticmethod
    def _sub(w: WorkItem) -> str:
        kind = "series" if w.kind == "series" else "novel"
        return f"{kind} · {w.years}"

    def _work_node(self, p: _Placed) -> None:
        w, box = p.item, p.box
        group = "series" if w.kind == "series" else "novel"
        fill, ink = style.colours(group)
        title = truncate(w.label, NAME, MAX_LABEL, True)
        sub = self._sub(w) if w.start is None else w.years
        inside = self._box_width(title, sub) <= box.w
        self.svg.open("g", class_=f"node {w.kind}", data_iri=w.iri)
        linked = self._open_link(w.iri)
        self.svg.element("title", f"{w.label} ({w.kind}, {w.years})")
        self.svg.rect(box, rx=6, fill=fill, stroke=ink, stroke_width="1.2")
        if w.ongoing:  # a chevron: still running
            tip = box.right + 10
            self.svg.element(
                "path",
                d=f"M{num(box.right - 1)},{num(box.y)} L{num(tip)},{num(box.y + BAR_H / 2)} "
                f"L{num(box.right - 1)},{num(box.bottom)} z",
                fill=fill,
                stroke=ink,
                stroke_width="1.2",
            )
        tx = box.x + 8 if inside else box.right + (16 if w.ongoing else 8)
        b1 = self.svg.text(tx, box.y + 15, title, NAME, bold=True, fill=ink)
        b2 = self.svg.text(tx, box.y + 28.5, sub, SMALL, fill=style.MUTED)
        if linked:
            self.svg.close("a")
        self.svg.close("g")
        self._grow(max(b1.right, b2.right, box.right + (12 if w.ongoing else 0)))

    def _spin_offs(self, placed: dict[str, _Placed]) -> None:
        by_parent: dict[str, list] = {}
        for so in self.u.spin_offs:
            by_parent.setdefault(so.parent, []).append(so)
        for parent_iri, children in by_parent.items():
            parent = placed.get(parent_iri)
            if parent is None:
                continue
            children.sort(key=lambda s: (s.order or 0, placed[s.child].row))
            for k, so in enumerate(children):
                child = placed.get(so.child)
                if child is None:
                    continue
                px = parent.box.x + 14 + 14 * k
                cy = child.box.y + BAR_H / 2
                self.svg.open(
                    "g", class_="edge spin-off", data_source=so.child, data_target=so.parent
                )
                self.svg.element(
                    "title",
                    f"{child.item.label} is {so.label} {parent.item.label}",  # "spin-off of"
                )
                if child.row > parent.row:
                    pts = [(px, parent.box.bottom), (px, cy), (child.box.x - 1, cy)]
                else:
                    pts = [(px, parent.box.y), (px, cy), (child.box.x - 1, cy)]
                self.svg.path(
                    pts, stroke=style.SPIN_OFF, stroke_width="1.6", marker_end="url(#arrow-spin)"
                )
                text = f"spin-off #{so.order}" if so.order is not None else "spin-off"
                self._edge_label(child.box.x - 12, cy - 5, text, style.SPIN_OFF, "end")
                self.svg.close("g")

    def _adaptations(self, placed: dict[str, _Placed]) -> None:
        by_work: dict[str, list] = {}
        for a in self.u.adaptations:
            if a.work in placed and a.source in placed:
                by_work.setdefault(a.work, []).append(a)
        for work_iri, items in by_work.items():
            series = placed[work_iri]
            items.sort(key=lambda a: placed[a.source].row)
            n = len(items)
            for j, a in enumerate(items):
                src = placed[a.source]
                qx = series.box.x + (j + 1) * series.box.w / (n + 1)
                sy = src.box.y + BAR_H / 2
                self.svg.open(
                    "g", class_="edge adaptation", data_source=a.source, data_target=a.work
                )
                self.svg.element("title", f"{src.item.label} {a.label} {series.item.label}")
                if src.row > series.row:
                    pts = [(src.box.right, sy), (qx, sy), (qx, series.box.bottom + 1)]
                else:
                    pts = [(src.box.right, sy), (qx, sy), (qx, series.box.y - 1)]
                self.svg.path(
                    pts, stroke=style.ADAPTATION, stroke_width="1.6", marker_end="url(#arrow-adapt)"
                )
                self._edge_label(qx - 8, sy - 5, a.label, style.ADAPTATION, "end")
                self.svg.close("g")

    # ---------------------------------------------------------------- cast

    def _cast(self, top: float) -> tuple[float, float]:
        y = self._panel_title(top, "Cast: actor → character")
        note = self.svg.text(M, y + 6, "★ title character", SMALL, fill=style.MUTED)
        self._grow(note.right)
        y += 18
        groups = [(s, self.u.cast[s.iri]) for s in self.u.series if self.u.cast.get(s.iri)]
        limit = max(self.width, 900.0)
        x = float(M)
        line_top = y
        line_bottom = y
        right = note.right
        for series, roles in groups:
            actors = [truncate(r.actor.label, NAME - 1, MAX_LABEL) for r in roles]
            chars = [
                truncate(("★ " if r.title else "") + r.character.label, NAME - 1, MAX_LABEL)
                for r in roles
            ]
            aw = max(text_width(t, NAME - 1) for t in actors) + 16
            cw = max(text_width(t, NAME - 1) for t in chars) + 16
            head = truncate(series.label, NAME, MAX_LABEL, True)
            gw = max(aw + 44 + cw, text_width(head, NAME, True))
            if x > M and x + gw > limit:
                x = float(M)
                line_top = line_bottom + 24
            gy = line_top
            ink = style.colours("series")[1]
            self.svg.open("g", class_="cast", data_work=series.iri)
            self.svg.text(x, gy + 14, head, NAME, bold=True, fill=ink)
            ry = gy + 24
            for r, at, ct in zip(roles, actors, chars, strict=True):
                self.svg.open(
                    "g",
                    class_="role",
                    data_actor=r.actor.iri,
                    data_character=r.character.iri,
                    data_work=series.iri,
                )
                self.svg.element(
                    "title", f"{r.actor.label} plays {r.character.label} in {series.label}"
                )
                self._pill(Box(x, ry, aw, 22), at, "person", r.actor.iri)
                self.svg.path(
                    [(x + aw + 4, ry + 11), (x + aw + 38, ry + 11)],
                    stroke=style.colours("character")[1],
                    stroke_width="1.3",
                    marker_end="url(#arrow-role)",
                )
                self._pill(Box(x + aw + 42, ry, cw, 22), ct, "character", r.character.iri)
                self.svg.close("g")
                ry += 28
            self.svg.close("g")
            self._grow(x + gw)
            right = max(right, x + gw)
            line_bottom = max(line_bottom, ry)
            x += gw + 48
        return line_bottom, right

    def _pill(self, box: Box, text: str, group: str, iri: str) -> None:
        fill, ink = style.colours(group)
        linked = self._open_link(iri)
        self.svg.rect(box, rx=11, fill=fill, stroke=ink, stroke_width="1")
        self.svg.text(box.x + 8, box.y + 15.5, text, NAME - 1, fill=ink)
        if linked:
            self.svg.close("a")

    # ---------------------------------------------------------------- organisations

    def _affiliations(self, top: float, x0: float) -> float:
        y = self._panel_title(top, "Production and platform", x0) + 6
        u = self.u
        slot = 30.0
        series = [s for s in u.series if any(a.work == s.iri for a in u.affiliations)]
        left_w = max(
            self._box_width(truncate(s.label, NAME, MAX_LABEL, True), "series") for s in series
        )
        role_w = max(text_width(a.role, EDGE) for a in u.affiliations)
        lx = x0 + left_w
        zone = lx + 10 + role_w + 14  # labels live left of this x; slanted lines right of it
        ox = zone + 80
        # Left: one box per series, one slot per link.
        slots: list[tuple[float, object]] = []
        cy = y
        boxes = []
        for s in series:
            links = [a for a in u.affiliations if a.work == s.iri]
            h = max(BAR_H, slot * len(links) - (slot - BAR_H))
            box = Box(x0, cy, left_w, h)
            boxes.append((s, box))
            for i, a in enumerate(links):
                slots.append((cy + BAR_H / 2 + i * slot, a))
            cy += h + 16
        left_bottom = cy - 16
        # Right: one box per organisation, near the mean height of its links, in order.
        orgs: dict[str, list[float]] = {}
        meta: dict[str, tuple[str, str]] = {}
        for sy, a in slots:
            orgs.setdefault(a.org.iri, []).append(sy)
            meta[a.org.iri] = (a.org.label, a.kind)
        org_boxes: dict[str, Box] = {}
        next_top = y
        for iri, ys in orgs.items():
            title, kind = meta[iri]
            title = truncate(title, NAME, MAX_LABEL, True)
            want = sum(ys) / len(ys) - BAR_H / 2
            oy = max(next_top, want)
            org_boxes[iri] = Box(ox, oy, self._box_width(title, kind or "organisation"), BAR_H)
            next_top = oy + BAR_H + 12
        for sy, a in slots:
            ob = org_boxes[a.org.iri]
            self.svg.open(
                "g",
                class_="edge affiliation",
                data_source=a.work,
                data_target=a.org.iri,
                data_role=a.role,
            )
            self.svg.element("title", f"{u.work(a.work).label}: {a.role} {a.org.label}")
            self.svg.path(
                [(lx, sy), (zone, sy), (ob.x - 14, ob.y + BAR_H / 2), (ob.x - 1, ob.y + BAR_H / 2)],
                stroke=style.LINK,
                stroke_width="1.3",
                marker_end="url(#arrow-link)",
            )
            self._edge_label(lx + 10, sy - 5, a.role, style.MUTED, "start")
            self.svg.close("g")
        for s, box in boxes:
            self._node(
                box,
                "series",
                truncate(s.label, NAME, MAX_LABEL, True),
                "series",
                s.iri,
                "series-ref",
            )
        for iri, ob in org_boxes.items():
            title, kind = meta[iri]
            self._node(
                ob,
                "organization",
                truncate(title, NAME, MAX_LABEL, True),
                kind or "organisation",
                iri,
                "organization",
            )
            self._grow(ob.right)
        return max(left_bottom, next_top - 12)


def _order(u: Universe, iri: str) -> tuple:
    w = u.work(iri)
    return (w.start if w.start is not None else 10**6, w.label.casefold(), w.iri)


def render_franchise(universe: Universe, link_for: LinkFor | None = _identity) -> str:
    """The franchise diagram as an SVG document (text)."""
    return FranchiseLayout(universe, link_for).render()
