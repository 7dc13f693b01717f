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

from .workers import Overloaded

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


async def send_in_chunks(
    send: Any,
    status: int,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    head: bool,
    budget: SendBudget | None,
    client: str,
) -> None:
    """Send a response (ASGI messages) whose body goes out in :data:`CHUNK` pieces (none for a
    HEAD request); the body's bytes, taken from ``budget`` for ``client`` by the caller, are
    given back once sent or once the client is gone."""
    size = len(body)
    try:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if head or not size:
            await send({"type": "http.response.body", "body": b""})
            return
        for start in range(0, size, CHUNK):  # a body of one chunk is sent as it is, uncopied
            end = min(start + CHUNK, size)
            chunk = body[start:end]
            await send({"type": "http.response.body", "body": chunk, "more_body": end < size})
    finally:
        if budget is not None:
            budget.release(client, size)
