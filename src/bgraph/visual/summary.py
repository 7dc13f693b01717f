"""The home page's pictures read once, when ``bgraph build`` writes a store.

The franchise diagram's data (the first :data:`~.fragments.PAGE_SERIES` series, their cast,
novels and companies) and the timeline's first :data:`~.fragments.PAGE_EVENTS` events are
written next to the manifest (:data:`SUMMARY_FILE`); a server of that store draws its home
page from this file instead of a few thousand lookups and a sort of every dated fact (1 s at
a million triples). Links are made when the page is drawn (the server's base IRI decides them),
so the file holds IRIs, not paths. A store without the file (built before it existed), or with
one of another format, is read live as before.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .model import HrefFor, View
from .timeline import Event, read_timeline
from .universe import (
    Adaptation,
    Affiliation,
    Ref,
    Role,
    SpinOff,
    Universe,
    WorkItem,
    read_universe,
)

SUMMARY_FILE = "bgraph-pictures.json"
#: Bumped when what the file holds, or how it is read from the store, changes.
FORMAT = 1
#: The language the summary's labels are read in (the pages' language).
LANG = "en"


def _limits() -> tuple[int, int]:
    from .fragments import PAGE_EVENTS, PAGE_SERIES

    return PAGE_SERIES, PAGE_EVENTS


def compute_summary(source: Any) -> dict[str, Any]:
    """The home page's pictures of ``source`` (a store, an OpenStore or a View) as JSON data."""
    series, events = _limits()
    view = View.of(source, LANG)
    universe = read_universe(view, series)
    timeline = read_timeline(view, lambda _iri: None, events + 1)
    return {
        "format": FORMAT,
        "lang": LANG,
        "series": series,
        "events": events,
        "universe": asdict(universe),
        "timeline": [e.as_dict() for e in timeline],
    }


def write_summary(source: Any, directory: Path) -> Path:
    """Compute the summary of ``source`` and write it into the store ``directory``."""
    path = directory / SUMMARY_FILE
    data = compute_summary(source)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return path


class Summary:
    """A summary read back: the franchise diagram's :class:`Universe` and the timeline."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.universe = _universe(data["universe"])
        self._events = data["timeline"]

    def timeline(self, href_for: HrefFor) -> list[Event]:
        return [
            Event(
                e["date"],
                e["display"],
                e["entity"],
                e["label"],
                e["group"],
                href_for(e["entity"]),
                tuple(e["what"]),
            )
            for e in self._events
        ]


#: Summaries read, by store directory (a process serves one or two stores).
_READ: dict[Path, Summary | None] = {}


def built_summary(source: Any, lang: str = LANG) -> Summary | None:
    """The summary written with the built store behind ``source`` (a View, an OpenStore), or
    None: a store in RAM, an older store, another language or another format."""
    opened = source.source if isinstance(source, View) else source
    directory = getattr(opened, "path", None)
    if directory is None or lang != LANG:
        return None
    directory = Path(directory)
    if directory not in _READ:
        _READ[directory] = _read(directory / SUMMARY_FILE)
    return _READ[directory]


def _read(path: Path) -> Summary | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    series, events = _limits()
    wanted = {"format": FORMAT, "lang": LANG, "series": series, "events": events}
    if not isinstance(data, dict) or any(data.get(k) != v for k, v in wanted.items()):
        return None
    try:
        return Summary(data)
    except (KeyError, TypeError):
        return None


def _universe(d: dict[str, Any]) -> Universe:
    def ref(r: dict[str, Any]) -> Ref:
        return Ref(**r)

    return Universe(
        title=d["title"],
        subtitle=d["subtitle"],
        series=[WorkItem(**w) for w in d["series"]],
        novels=[WorkItem(**w) for w in d["novels"]],
        spin_offs=[SpinOff(**s) for s in d["spin_offs"]],
        adaptations=[Adaptation(**a) for a in d["adaptations"]],
        cast={
            work: [Role(ref(r["actor"]), ref(r["character"]), r["title"]) for r in roles]
            for work, roles in d["cast"].items()
        },
        affiliations=[
            Affiliation(a["work"], ref(a["org"]), a["role"], a["kind"]) for a in d["affiliations"]
        ],
    )
