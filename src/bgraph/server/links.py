"""Where an IRI's page is on this server: its base IRI stands for the root path. Plain data, so
that the query workers, which write the pictures' links, link as the pages do."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Links:
    base_iri: str

    def local_path(self, iri: str) -> str | None:
        """The server path where ``iri`` dereferences, when it is under the base IRI."""
        if iri.startswith(self.base_iri) and len(iri) > len(self.base_iri):
            return "/" + iri[len(self.base_iri) :]
        return None

    def href(self, iri: str) -> str:
        """A link for an IRI on the pages: its local path, or the generic resource page."""
        local = self.local_path(iri)
        return local if local is not None else "/resource?iri=" + quote(iri, safe="")
