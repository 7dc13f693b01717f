"""Everything a request handler needs, built once at start-up and kept on ``app.state.ctx``."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from ..errors import BgraphError
from .config import ServerConfig
from .links import Links
from .served import Served

if TYPE_CHECKING:
    from .workers import WorkerPool


class PageTimeout(BgraphError):
    """A page's lookups ran past their deadline (their worker was killed): 503."""

    http_status = 503
    retry_after = 1


@dataclass
class ServerContext:
    config: ServerConfig
    served: Served
    pool: WorkerPool
    public_url: str  #: ends with "/"
    started: float = field(default_factory=time.time)
    cache: dict[str, Any] = field(default_factory=dict)  #: summaries and metadata documents
    dump_dir: str = ""  #: where the workers write the dumps
    _pending: dict[str, asyncio.Future[Any]] = field(default_factory=dict)

    def url(self, path: str = "") -> str:
        """The public URL of a server path."""
        return self.public_url + path.lstrip("/")

    @property
    def endpoint(self) -> str:
        return self.url("sparql")

    @cached_property
    def links(self) -> Links:
        """Where IRIs link on this server's pages (made once: every link of a page asks)."""
        return Links(self.config.base_iri)

    def local_path(self, iri: str) -> str | None:
        """The server path where ``iri`` dereferences, when it is under the base IRI."""
        return self.links.local_path(iri)

    def iri_for_path(self, path: str) -> str:
        return self.config.base_iri + path.lstrip("/")

    def href(self, iri: str) -> str:
        """A link for an IRI on the pages: its local path, or the generic resource page."""
        return self.links.href(iri)

    async def lookup(self, job: Any, what: str, factor: float = 1.0) -> Any:
        """The reply to a page job, computed in a query worker under the query deadline (times
        ``factor``); a PageTimeout (503) names ``what`` took too long."""
        from .workers import DeadlineExceeded

        timeout = self.config.timeout * factor
        try:
            return await self.pool.run(job, timeout=timeout)
        except DeadlineExceeded:
            raise PageTimeout(
                f"{what} took longer than the {timeout:g} s limit and was stopped; "
                "the SPARQL endpoint can answer a more selective question"
            ) from None

    async def once(self, key: str, job: Any, what: str, factor: float = 1.0) -> Any:
        """A page job's reply computed once per server (concurrent requests share it); a
        failure is not kept: the next request tries again."""
        if key in self.cache:
            return self.cache[key]
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self.lookup(job, what, factor))
            self._pending[key] = pending

            def keep(done: asyncio.Future[Any]) -> None:
                self._pending.pop(key, None)
                if not done.cancelled() and done.exception() is None:
                    self.cache[key] = done.result()

            pending.add_done_callback(keep)
        return await asyncio.shield(pending)


def get_ctx(request: Request) -> ServerContext:
    return request.app.state.ctx
