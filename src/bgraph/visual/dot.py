"""Graphviz DOT for the same pictures: for people who have ``dot`` and want its layouts.

Written as text: bgraph never needs Graphviz installed (its SVG comes from :mod:`.franchise`).
"""

from __future__ import annotations

from . import style
from .model import Neighbourhood
from .universe import Universe


def q(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _node(iri: str, label: str, group: str, extra: str = "") -> str:
    fill, ink = style.colours(group)
    return (
        f"  {q(iri)} [label={q(label)}, fillcolor={q(fill)}, color={q(ink)},"
        f" fontcolor={q(ink)}, URL={q(iri)}{extra}];"
    )


_HEAD = [
    '  graph [fontname="DejaVu Sans", rankdir=LR, nodesep=0.25, ranksep=0.6];',
    '  node [fontname="DejaVu Sans", shape=box, style="rounded,filled", fontsize=11];',
    '  edge [fontname="DejaVu Sans", fontsize=9, color="#6b7280", fontcolor="#6b7280"];',
]


def franchise_dot(u: Universe) -> str:
    lines = [f"digraph {q(u.title)} {{", *_HEAD, f"  label={q(u.title + ' — ' + u.subtitle)};"]
    lines.append("  labelloc=t;")
    years = sorted({w.start for w in (*u.series, *u.novels) if w.start is not None})
    if years:  # a time axis: one invisible rank per year
        lines.append('  subgraph axis { node [shape=plaintext, style=""];')
        lines.append("    " + " -> ".join(q(str(y)) for y in years) + " [style=invis];")
        lines.append("  }")
    for w in (*u.series, *u.novels):
        group = "series" if w.kind == "series" else "novel"
        lines.append(_node(w.iri, f"{w.label}\n{w.years}", group))
        if w.start is not None:
            lines.append(f"  {{ rank=same; {q(str(w.start))}; {q(w.iri)}; }}")
    for so in u.spin_offs:
        text = f"spin-off #{so.order}" if so.order is not None else "spin-off"
        lines.append(
            f"  {q(so.parent)} -> {q(so.child)} [label={q(text)}, color={q(style.SPIN_OFF)},"
            f' fontcolor={q(style.SPIN_OFF)}, class="spin-off"];'
        )
    for a in u.adaptations:
        lines.append(
            f"  {q(a.source)} -> {q(a.work)} [label={q(a.label)}, color={q(style.ADAPTATION)},"
            f' fontcolor={q(style.ADAPTATION)}, class="adaptation"];'
        )
    seen: set[str] = set()
    for work, roles in u.cast.items():
        for r in roles:
            for ref, group in ((r.actor, "person"), (r.character, "character")):
                if ref.iri not in seen:
                    seen.add(ref.iri)
                    lines.append(_node(ref.iri, ref.label, group))
            lines.append(f'  {q(work)} -> {q(r.actor.iri)} [label="cast"];')
            lines.append(f'  {q(r.actor.iri)} -> {q(r.character.iri)} [label="plays"];')
    for a in u.affiliations:
        if a.org.iri not in seen:
            seen.add(a.org.iri)
            lines.append(_node(a.org.iri, f"{a.org.label}\n{a.kind}", "organization"))
        lines.append(f"  {q(a.work)} -> {q(a.org.iri)} [label={q(a.role)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def neighbourhood_dot(hood: Neighbourhood) -> str:
    focus = next(n for n in hood.nodes if n.id == hood.focus)
    lines = [f"digraph {q('Neighbourhood of ' + focus.label)} {{", *_HEAD]
    for n in hood.nodes:
        extra = ", penwidth=2.5" if n.id == hood.focus else ""
        lines.append(_node(n.id, f"{n.label}\n{n.kind}" if n.kind else n.label, n.group, extra))
    for e in hood.edges:
        style_ = "" if e.tree else ', style="dashed"'
        lines.append(f"  {q(e.source)} -> {q(e.target)} [label={q(e.label)}{style_}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
