"""Text measurement for layout: DejaVu Sans advance widths, so boxes fit their labels."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ._fontwidths import BOLD, BOLD_DEFAULT, REGULAR, REGULAR_DEFAULT, UNITS_PER_EM

#: The font stack the SVG asks for; the widths are DejaVu Sans's, and the others are as wide
#: or narrower (Verdana is the closest common match), so laid-out text never overflows.
FONT_FAMILY = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', sans-serif"

#: Safety margin on every measured width: other fonts and renderers differ slightly.
SLACK = 1.06


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The rendered width of ``text`` at ``size`` px, with a small safety margin."""
    table, default = (BOLD, BOLD_DEFAULT) if bold else (REGULAR, REGULAR_DEFAULT)
    units = 0
    for ch in unicodedata.normalize("NFC", text):
        if unicodedata.combining(ch):
            continue
        units += table.get(ord(ch), default)
    return units * size / UNITS_PER_EM * SLACK


def truncate(text: str, size: float, max_width: float, bold: bool = False) -> str:
    """``text`` cut with an ellipsis so that it fits ``max_width``."""
    if text_width(text, size, bold) <= max_width:
        return text
    while text and text_width(text + "…", size, bold) > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle: x, y of the top-left corner, width and height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        return not (
            self.right + gap <= other.x
            or other.right + gap <= self.x
            or self.bottom + gap <= other.y
            or other.bottom + gap <= self.y
        )


def text_box(
    x: float, baseline: float, text: str, size: float, bold: bool = False, anchor: str = "start"
) -> Box:
    """The box a text drawn at (x, baseline) with ``anchor`` occupies (ascent .76, descent .24)."""
    w = text_width(text, size, bold)
    left = x - w / 2 if anchor == "middle" else x - w if anchor == "end" else x
    return Box(left, baseline - size * 0.93, w, size * 1.17)
