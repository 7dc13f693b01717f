"""The HTTP layer: uvicorn's httptools protocol with the limits a public server needs.

Chosen on the evidence of ``bench/http_servers.py`` (README, "Safety"): uvicorn and granian
answer a request with the least overhead, but uvicorn never closes a connection that sends
nothing, half a request or half a body; granian closes slow headers but not slow bodies;
hypercorn closes all three at twice the per-request cost; none caps the connections one client
holds. This subclass of uvicorn's ``HttpToolsProtocol`` adds, per connection:

- a **read deadline**: a request's line and headers must arrive within ``read_timeout`` seconds
  of its first byte (or of the connection's opening), and its body within ``read_timeout`` of
  the headers; past it, ``408`` and the connection is closed (a trickle of bytes does not
  extend it);
- a **head size cap**: request line + headers larger than ``max_head`` bytes get ``400``
  (httptools itself has no limit);
- a **cap per client** (by IP address): at most ``per_client`` connections; a new one closes
  that client's oldest idle connection (silent, or between requests), or gets ``503`` when
  every one is in the middle of a request;
- a **send deadline**: a client that reads nothing for ``send_timeout`` seconds while a
  response waits is disconnected (uvicorn already stops writing past 64 KiB buffered and makes
  the application wait, so at most one chunk per response is held in the transport).
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


@dataclass(frozen=True)
class Limits:
    read_timeout: float = 10.0  #: seconds for a request's head, then again for its body
    send_timeout: float = 30.0  #: seconds a response may wait for the client to read
    per_client: int = 16  #: connections one IP address may hold open
    max_head: int = 1024 * 1024 + 64 * 1024  #: bytes of request line + headers


def _plain(status: bytes, message: str, extra: bytes = b"") -> bytes:
    body = message.encode("ascii") + b"\n"
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\n" + extra
        + b"connection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )  # fmt: skip


TIMEOUT_408 = _plain(b"408 Request Timeout", "the request did not arrive in time")
HEAD_TOO_BIG = _plain(b"400 Bad Request", "the request line and headers are too large")
BUSY_503 = _plain(
    b"503 Service Unavailable",
    "too many connections from your address are in the middle of a request; retry later",
    b"retry-after: 1\r\n",
)


class GuardedProtocol(HttpToolsProtocol):
    """One connection; the class holds the limits and the connections open per client."""

    limits: ClassVar[Limits] = Limits()
    by_client: ClassVar[dict[str, set[GuardedProtocol]]] = {}
    refused: ClassVar[int] = 0  #: connections refused (503) for a client at its cap
    recycled: ClassVar[int] = 0  #: idle connections closed to make room for a new one
    timed_out: ClassVar[int] = 0  #: connections closed at a read or send deadline

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._stall: asyncio.TimerHandle | None = None
        self._busy = False  #: a request is arriving or being answered
        self._in_head = True  #: reading a request line + headers
        self._head_bytes = 0
        self._idle_since = self.loop.time()
        self._ip = self.client[0] if self.client else "-"
        peers = self.by_client.setdefault(self._ip, set())
        if len(peers) >= self.limits.per_client:
            idle = [p for p in peers if not p._busy]
            if not idle:
                type(self).refused += 1
                self._ip = ""  # not counted
                transport.write(BUSY_503)
                transport.close()
                return
            oldest = min(idle, key=lambda p: p._idle_since)
            type(self).recycled += 1
            oldest._drop()
        peers.add(self)
        self._arm_read()

    def connection_lost(self, exc: Exception | None) -> None:
        self._forget()
        super().connection_lost(exc)

    def _forget(self) -> None:
        for timer in (self._deadline, self._stall):
            if timer is not None:
                timer.cancel()
        self._deadline = self._stall = None
        peers = self.by_client.get(self._ip)
        if peers is not None:
            peers.discard(self)
            if not peers:
                del self.by_client[self._ip]

    def _drop(self) -> None:
        self._forget()
        if not self.transport.is_closing():
            self.transport.close()

    # reading

    def _arm_read(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self.limits.read_timeout, self._read_timed_out)

    def _read_timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        type(self).timed_out += 1
        if self.cycle is None or self.cycle.response_complete or not self.cycle.response_started:
            self.transport.write(TIMEOUT_408)
        self._drop()

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > self.limits.max_head:
                self.transport.write(HEAD_TOO_BIG)
                self._drop()
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self._busy:
            self._busy = True
            if self._deadline is None:  # a keep-alive connection's next request
                self._arm_read()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._arm_read()  # the body, if any, within another read_timeout
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._busy = False
        self._in_head = True
        self._head_bytes = 0
        self._idle_since = self.loop.time()

    # writing

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stall is None:
            self._stall = self.loop.call_later(self.limits.send_timeout, self._send_timed_out)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None

    def _send_timed_out(self) -> None:
        self._stall = None
        type(self).timed_out += 1
        self._forget()
        self.transport.abort()  # drop what is buffered for this client now

    # status

    @classmethod
    def status(cls) -> dict[str, int]:
        return {
            "open": sum(len(p) for p in cls.by_client.values()),
            "clients": len(cls.by_client),
            "refused": cls.refused,
            "recycled_idle": cls.recycled,
            "timed_out": cls.timed_out,
        }


def guarded_protocol(limits: Limits) -> type[GuardedProtocol]:
    """A protocol class with these limits (and its own table of clients)."""
    return type("GuardedProtocol", (GuardedProtocol,), {"limits": limits, "by_client": {}})


def uvicorn_config(app: Any, limits: Limits, **kwargs: Any) -> Any:
    import uvicorn

    return uvicorn.Config(
        app,
        http=guarded_protocol(limits),
        log_level="warning",
        access_log=False,
        server_header=False,
        timeout_keep_alive=5,
        # every connection is bounded in time and per client; this is the last resort
        limit_concurrency=4096,
        lifespan="off",
        ws="none",  # no websockets: not importing wsproto and h11 saves ~25 ms of start-up
        **kwargs,
    )


def run_standalone(app: Any, host: str, port: int, limits: Limits | None = None) -> None:
    """Serve any ASGI app on this layer (bench/http_servers.py measures it so)."""
    import uvicorn

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    uvicorn.Server(uvicorn_config(app, limits or Limits())).run(sockets=[sock])
