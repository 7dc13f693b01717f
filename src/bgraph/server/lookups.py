"""Page work as jobs for the query workers: every lookup a page needs runs there, under the
same deadline as a query (a worker past it is killed, and the page gets a 503), and the main
process only renders. Each worker keeps its own :class:`~.describe.Lookups` (labels, claims and
the search index cached there)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from .describe import Lookups
from .links import Links
from .overview import home, void_stats
from .served import Served
from .writers import rdf_bytes


def document_bytes(quads: list[Any], fmt_name: str) -> bytes:
    """An entity's document: its triples in the default graph, so that a reader of triples gets
    them all whatever the format; quad formats add each fact's named graphs beside them (the
    claim that states it, ``bgg:inferred``...). JSON-LD is compacted with bgraph's context
    (pyld, imported here: never on the way to a SPARQL answer)."""
    if fmt_name == "jsonld":
        from ..export import serialize_quads
        from ..formats import rdf_format

        text = serialize_quads(quads, rdf_format("jsonld"), prune_context=True)
        return text.encode("utf-8")
    triples = [
        ox.Quad(t.subject, t.predicate, t.object) for t in dict.fromkeys(q.triple for q in quads)
    ]
    return rdf_bytes(triples + quads, fmt_name)


def schema_markup(store: Any, iri: str) -> str:
    """The entity's schema.org JSON-LD (:func:`bgraph.entity.entity_jsonld`, two links deep,
    English where there is a choice), as a page embeds it; "" when it has no schema.org view."""
    import json

    from ..entity import entity_jsonld

    try:
        doc = entity_jsonld(store, ox.NamedNode(iri), depth=2, lang="en")
    except Exception:  # markup is a courtesy: a page without it is still the page
        return ""
    if set(doc) <= {"@context", "@id"}:
        return ""
    return json.dumps(doc, ensure_ascii=False, indent=1)


@dataclass(frozen=True)
class PageJob:
    """One lookup: ``knows``, ``view`` (with the entity's neighbourhood picture), ``describe``
    (RDF bytes), ``search``, ``home`` (the home page's summary), ``pictures`` (its pictures, as
    HTML), ``void``, or ``visual``: the answer of a pictures or ontology route (``text`` names
    it, a key of :data:`.routes_visual.ROUTES`; ``path`` and ``params`` are the request's path
    and query parameters, ``accept`` its Accept header)."""

    kind: str
    iri: str = ""
    text: str = ""
    limit: int = 0
    format: str = ""
    path: tuple[tuple[str, str], ...] = ()
    params: tuple[tuple[str, str], ...] = ()
    accept: str | None = None


class PageWork:
    """The worker side: answers PageJobs from this process's store handle."""

    def __init__(self, served: Served, links: Links) -> None:
        self.served = served
        self.links = links
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
            view = look.view(ox.NamedNode(job.iri))
            if view is not None:
                view.jsonld = schema_markup(self.served.store, job.iri)
                from .pictures import neighbourhood_html

                view.pictures = neighbourhood_html(self.served.opened, job.iri, self.links.href)
            return view
        if job.kind == "describe":
            quads, cut = look.description(ox.NamedNode(job.iri), job.limit)
            return document_bytes(quads, job.format), cut
        if job.kind == "search":
            return look.search(job.text, job.limit)
        if job.kind == "home":
            # a built store's manifest counted the classes once (a remote store has none)
            counted = getattr(self.served.opened.info, "class_counts", None)
            return home(look, counted)
        if job.kind == "pictures":
            from .pictures import home_pictures_html

            return home_pictures_html(self.served.opened, self.links.href)
        if job.kind == "void":
            return void_stats(look, self.served.builtin)
        if job.kind == "visual":
            from ..visual.web import answer, view_of

            view = view_of(self.served.opened)
            return answer(
                view, self.links.local_path, job.text, dict(job.path), dict(job.params), job.accept
            )
        raise ValueError(f"unknown page job {job.kind!r}")
