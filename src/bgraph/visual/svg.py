"""A tiny SVG writer: elements as text, deterministic output (fixed decimals, sorted input)."""

from __future__ import annotations

from html import escape

from .text import FONT_FAMILY, Box, text_box


def num(value: float) -> str:
    """Coordinates with at most one decimal, no trailing zeros: stable across runs."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def attrs(values: dict[str, object]) -> str:
    out = []
    for key, value in values.items():
        if value is None or value is False:
            continue
        if isinstance(value, float):
            value = num(value)
        out.append(f' {key.rstrip("_").replace("_", "-")}="{escape(str(value), quote=True)}"')
    return "".join(out)


class Svg:
    """Collects SVG elements; remembers every text's box so callers and tests can check overlap."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.defs: list[str] = []
        self.text_boxes: list[tuple[str, Box]] = []

    def open(self, tag: str = "g", **a: object) -> None:
        self.parts.append(f"<{tag}{attrs(a)}>")

    def close(self, tag: str = "g") -> None:
        self.parts.append(f"</{tag}>")

    def raw(self, markup: str) -> None:
        self.parts.append(markup)

    def element(self, tag: str, body: str | None = None, **a: object) -> None:
        if body is None:
            self.parts.append(f"<{tag}{attrs(a)}/>")
        else:
            self.parts.append(f"<{tag}{attrs(a)}>{escape(body, quote=False)}</{tag}>")

    def rect(self, box: Box, rx: float = 0, **a: object) -> None:
        self.element("rect", x=box.x, y=box.y, width=box.w, height=box.h, rx=rx or None, **a)

    def line(self, x1: float, y1: float, x2: float, y2: float, **a: object) -> None:
        self.element("line", x1=x1, y1=y1, x2=x2, y2=y2, **a)

    def path(self, points: list[tuple[float, float]], **a: object) -> None:
        d = " ".join(
            f"{'M' if i == 0 else 'L'}{num(x)},{num(y)}" for i, (x, y) in enumerate(points)
        )
        self.element("path", d=d, fill="none", **a)

    def text(
        self,
        x: float,
        y: float,
        content: str,
        size: float,
        bold: bool = False,
        anchor: str = "start",
        **a: object,
    ) -> Box:
        """Draw ``content`` with its baseline at ``y``; returns (and records) its box."""
        self.element(
            "text",
            content,
            x=x,
            y=y,
            font_size=num(size),
            font_weight="bold" if bold else None,
            text_anchor=anchor if anchor != "start" else None,
            **a,
        )
        box = text_box(x, y, content, size, bold, anchor)
        self.text_boxes.append((content, box))
        return box

    def render(self, width: float, height: float, title: str, desc: str) -> str:
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{num(width)}" height="{num(height)}"'
            f' viewBox="0 0 {num(width)} {num(height)}" role="img"'
            f' aria-labelledby="svg-title svg-desc" font-family="{escape(FONT_FAMILY)}">\n'
            f'<title id="svg-title">{escape(title, quote=False)}</title>\n'
            f'<desc id="svg-desc">{escape(desc, quote=False)}</desc>\n'
        )
        defs = "<defs>\n" + "\n".join(self.defs) + "\n</defs>\n" if self.defs else ""
        return head + defs + "\n".join(self.parts) + "\n</svg>\n"


def arrow_marker(color: str, name: str) -> str:
    """A filled arrowhead marker of one colour (context-stroke is not supported everywhere)."""
    return (
        f'<marker id="{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8"'
        f' markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>'
    )
