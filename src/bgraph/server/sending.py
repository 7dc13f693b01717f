"""Sending results to clients that may read slowly, or never: bounded memory in the server.

A result body is at most ``--max-bytes`` (the worker cuts it; a header says so). It is sent
in :data:`CHUNK` pieces, each ``send`` waiting until the connection's buffer drains
(:mod:`.http` holds at most ~64 KiB per connection and disconnects a client that reads nothing
for its send timeout). :class:`SendBudget` bounds what waits: while a client's unsent results
exceed ``per_client`` bytes, or everyone's exceed ``total``, a new query gets ``503`` with
``Retry-After`` before it runs, and so does a result that arrives when it would not fit (its
body is dropped at once: results in transit are bounded by the number of workers).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from .workers import CLIENT, Overloaded

CHUNK = 256 * 1024


class SendBudget:
    def __init__(self, total: int, per_client: int) -> None:
        self.total = total
        self.per_client = per_client
        self.held = 0
        self.by_client: dict[str, int] = {}
        self.refused = 0

    def check(self, client: str, size: int = 0) -> None:
        """503 (Overloaded) when ``size`` more bytes would not fit: the client's unsent results
        past ``per_client``, or everyone's past ``total``."""
        mine = self.by_client.get(client, 0)
        if mine and mine + size > self.per_client:
            self.refused += 1
            raise Overloaded(
                f"{mine // 1024} KiB of your earlier results are still waiting to be read; "
                "read them, then retry",
                1,
            )
        if self.held and self.held + size > self.total:
            self.refused += 1
            raise Overloaded("the server is busy sending results; retry later", 1)

    def take(self, client: str, size: int) -> None:
        """:meth:`check`, then count ``size`` bytes for the client until :meth:`release`."""
        self.check(client, size)
        self.held += size
        self.by_client[client] = self.by_client.get(client, 0) + size

    def release(self, client: str, size: int) -> None:
        self.held -= size
        left = self.by_client.get(client, 0) - size
        if left > 0:
            self.by_client[client] = left
        else:
            self.by_client.pop(client, None)


class ChunkedResponse(Response):
    """A response whose body goes out in chunks; its bytes, taken from a :class:`SendBudget`
    by the caller, are given back once sent or once its client is gone."""

    def __init__(
        self,
        content: bytes,
        budget: SendBudget | None,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        media_type: str | None = None,
    ) -> None:
        super().__init__(content, status_code, headers, media_type)
        self.budget = budget
        self.client = CLIENT.get()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = memoryview(self.body)
        size = len(body)
        try:
            start_message = {"status": self.status_code, "headers": self.raw_headers}
            await send({"type": "http.response.start", **start_message})
            if scope.get("method") == "HEAD" or not size:
                await send({"type": "http.response.body", "body": b""})
                return
            for start in range(0, size, CHUNK):
                end = min(start + CHUNK, size)
                chunk = bytes(body[start:end])
                await send({"type": "http.response.body", "body": chunk, "more_body": end < size})
        finally:
            if self.budget is not None:
                self.budget.release(self.client, size)
