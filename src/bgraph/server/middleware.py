"""What every response gets, in two ASGI middlewares: open CORS for reads (Starlette's
:class:`~starlette.middleware.cors.CORSMiddleware`, :func:`cors`), and :class:`EdgeMiddleware`
for the rest: security headers, one access-log line per request (method, path, status, time),
the client's name (its IP address, :data:`.workers.CLIENT`) for the pool's sharing of workers,
and a 400 for a path with a NUL byte (``%00``) before any route sees it (no file name or IRI
holds one)."""

from __future__ import annotations

import sys
import time
from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from .. import formats
from .engine import ROWS_HEADER, TRUNCATED_HEADER
from .workers import CLIENT

#: Same-origin scripts only (no inline, no CDN); YASGUI needs inline styles and data: images.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: The headers of an HTML page, beside those of every response.
_PAGE_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
_MAX_LOGGED_PATH = 300

Scope = dict[str, Any]


def cors() -> Middleware:
    """Any site may read, none with cookies (``*``, never Access-Control-Allow-Credentials):
    the headers go to requests that carry an ``Origin`` (every cross-origin request a browser
    makes), with ``Vary: Origin``; a preflight is answered here."""
    return Middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Accept-Language", "Content-Type"],
        expose_headers=[
            ROWS_HEADER,
            TRUNCATED_HEADER,
            "Retry-After",
            "Content-Location",
            "Location",
        ],
        max_age=86400,
    )


class EdgeMiddleware:
    def __init__(self, app: Any, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        client = scope.get("client")
        CLIENT.set(client[0] if client else "-")
        status_box = [0]
        if "\x00" in scope.get("path", ""):
            await self._refuse(send, 400, "a path cannot contain a NUL byte (%00)")
            self._log(scope, 400, start)
            return

        async def send_wrapper(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
                out = [*message.get("headers", ()), (b"x-content-type-options", b"nosniff")]
                ctype = next((v for k, v in out if k.lower() == b"content-type"), b"")
                if ctype.split(b";")[0].strip().decode("latin-1") in formats.HTML_PAGE.media_types:
                    out += _PAGE_HEADERS
                message = {**message, "headers": out}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self._log(scope, status_box[0] or 500, start)

    async def _refuse(self, send: Any, status: int, message: str) -> None:
        body = f"Error {status}: {message}\n".encode()
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"x-content-type-options", b"nosniff"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _log(self, scope: Scope, status: int, start: float) -> None:
        if not self.access_log:
            return
        path = scope.get("raw_path") or scope.get("path", "").encode()
        qs = scope.get("query_string") or b""
        target = path.decode("latin-1") + ("?" + qs.decode("latin-1") if qs else "")
        if len(target) > _MAX_LOGGED_PATH:
            target = target[:_MAX_LOGGED_PATH] + "…"
        client = scope.get("client") or ("-", 0)
        ms = (time.perf_counter() - start) * 1000
        _access_line(f'{client[0]} "{scope["method"]} {target}" {status} {ms:.1f}ms')


_stamp = [-1, ""]  #: the second last written, and its local time as the log writes it


def _access_line(text: str) -> None:
    """One access-log line on stderr, after the local time, as ``logging`` wrote it
    (``2026-11-29 15:04:05 127.0.0.1 "GET /" 200 1.2ms``). Written directly: the logging module's
    record, caller lookup and formatter took 25–45 µs a line, a quarter of the server's own work
    on a small query (the time string is made once a second here)."""
    now = int(time.time())
    if now != _stamp[0]:
        _stamp[:] = [now, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))]
    try:
        sys.stderr.write(f"{_stamp[1]} {text}\n")  # line-buffered: one write per line
    except (OSError, ValueError):  # stderr closed: the request is answered all the same
        pass
