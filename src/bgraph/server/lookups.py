"""Page work as jobs for the query workers: every lookup a page needs runs there, under the
same deadline as a query (a worker past it is killed, and the page gets a 503), and the main
process only renders. Each worker keeps its own :class:`~.describe.Lookups` (labels, claims and
the search index cached there)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from .describe import Lookups
from .overview import home, void_stats
from .served import Served
from .writers import rdf_bytes


@dataclass(frozen=True)
class PageJob:
    """One lookup: ``knows``, ``view``, ``describe`` (RDF bytes), ``search``, ``home``,
    ``void``."""

    kind: str
    iri: str = ""
    text: str = ""
    limit: int = 0
    format: str = ""


class PageWork:
    """The worker side: answers PageJobs from this process's store handle."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self._lookups: Lookups | None = None

    @property
    def lookups(self) -> Lookups:
        if self._lookups is None:  # after the fork: a built store is opened in this process
            self._lookups = Lookups(self.served.store, self.served.graph_sizes)
        return self._lookups

    def __call__(self, job: PageJob) -> Any:
        look = self.lookups
        if job.kind == "knows":
            return look.knows(ox.NamedNode(job.iri))
        if job.kind == "view":
            return look.view(ox.NamedNode(job.iri))
        if job.kind == "describe":
            quads, cut = look.description(ox.NamedNode(job.iri), job.limit)
            return rdf_bytes(quads, job.format), cut
        if job.kind == "search":
            return look.search(job.text, job.limit)
        if job.kind == "home":
            return home(look)
        if job.kind == "void":
            return void_stats(look, self.served.builtin)
        raise ValueError(f"unknown page job {job.kind!r}")
