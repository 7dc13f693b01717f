"""Colours and sizes shared by the SVG diagrams and the interactive graph (graph.js reads
:data:`GROUP_COLOURS` through the JSON payload, so the browser and the SVG agree)."""

from __future__ import annotations

#: group -> (fill, stroke/text colour)
GROUP_COLOURS: dict[str, tuple[str, str]] = {
    "series": ("#dbeafe", "#1d4ed8"),
    "season": ("#e0f2fe", "#0369a1"),
    "novel": ("#fef3c7", "#92400e"),
    "work": ("#f1f5f9", "#334155"),
    "franchise": ("#e0e7ff", "#3730a3"),
    "person": ("#dcfce7", "#166534"),
    "character": ("#fce7f3", "#9d174d"),
    "organization": ("#ede9fe", "#5b21b6"),
    "place": ("#ccfbf1", "#0f766e"),
    "concept": ("#f5f5f4", "#57534e"),
    "event": ("#ffedd5", "#9a3412"),
    "measure": ("#fef9c3", "#854d0e"),
    "source": ("#f3f4f6", "#374151"),
    "other": ("#f3f4f6", "#374151"),
}

INK = "#111827"
MUTED = "#6b7280"
GRID = "#e5e7eb"
PAPER = "#ffffff"
SPIN_OFF = "#1d4ed8"
ADAPTATION = "#92400e"
LINK = "#6b7280"


def colours(group: str) -> tuple[str, str]:
    return GROUP_COLOURS.get(group, GROUP_COLOURS["other"])
