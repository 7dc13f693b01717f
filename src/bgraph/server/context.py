"""Everything a request handler needs, built once at start-up and kept on ``app.state.ctx``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import Request
from rdflib import URIRef

from .config import ServerConfig
from .describe import Index
from .examples import Example
from .served import Served

if TYPE_CHECKING:
    from .workers import WorkerPool


@dataclass
class ServerContext:
    config: ServerConfig
    served: Served
    index: Index
    pool: WorkerPool
    public_url: str  #: ends with "/"
    examples: list[Example] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    cache: dict[str, bytes] = field(default_factory=dict)  #: dumps and metadata documents

    def url(self, path: str = "") -> str:
        """The public URL of a server path."""
        return self.public_url + path.lstrip("/")

    @property
    def endpoint(self) -> str:
        return self.url("sparql")

    def local_path(self, iri: str) -> str | None:
        """The server path where ``iri`` dereferences, when it is under the base IRI."""
        base = self.config.base_iri
        if iri.startswith(base) and len(iri) > len(base):
            return "/" + iri[len(base) :]
        return None

    def iri_for_path(self, path: str) -> URIRef:
        return URIRef(self.config.base_iri + path.lstrip("/"))

    def href(self, iri: str) -> str:
        """A link for an IRI on the pages: its local path, or the generic resource page."""
        local = self.local_path(iri)
        if local is not None:
            return local
        from urllib.parse import quote

        return "/resource?iri=" + quote(iri, safe="")


def get_ctx(request: Request) -> ServerContext:
    return request.app.state.ctx
