"""One ASGI middleware for what every response gets: open CORS for reads, security headers, and
one access-log line per request (method, path, status, time). It also names the client (its IP
address, :data:`.workers.CLIENT`) for the pool's sharing of workers, and refuses a path with a
NUL byte (``%00``) before any route sees it (no file name or IRI holds one)."""

from __future__ import annotations

import logging
import time
from typing import Any

from .. import formats
from .engine import ROWS_HEADER, TRUNCATED_HEADER
from .workers import CLIENT

log = logging.getLogger("bgraph.access")

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type"
EXPOSED = f"{ROWS_HEADER}, {TRUNCATED_HEADER}, Retry-After, Content-Location, Location"
#: Same-origin scripts only (no inline, no CDN); YASGUI needs inline styles and data: images.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_MAX_LOGGED_PATH = 300

Scope = dict[str, Any]


def _cors_headers() -> list[tuple[bytes, bytes]]:
    # "*" and never Access-Control-Allow-Credentials: any site may read, none with cookies.
    return [
        (b"access-control-allow-origin", b"*"),
        (b"access-control-expose-headers", EXPOSED.encode()),
    ]


def _preflight(scope: Scope) -> bool:
    """A CORS preflight: an OPTIONS request with Access-Control-Request-Method."""
    return any(k.lower() == b"access-control-request-method" for k, _v in scope["headers"])


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
        if scope["method"] == "OPTIONS" and _preflight(scope):
            await self._preflight(send)
            status_box[0] = 204
            self._log(scope, 204, start)
            return

        async def send_wrapper(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
                out = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if not k.lower().startswith(b"access-control-")
                ]
                out += _cors_headers()
                out.append((b"x-content-type-options", b"nosniff"))
                out.append((b"referrer-policy", b"strict-origin-when-cross-origin"))
                ctype = next((v for k, v in out if k.lower() == b"content-type"), b"")
                if ctype.split(b";")[0].strip().decode("latin-1") in formats.HTML_PAGE.media_types:
                    out.append((b"content-security-policy", CSP.encode()))
                    out.append((b"x-frame-options", b"DENY"))
                message = {**message, "headers": out}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self._log(scope, status_box[0] or 500, start)

    async def _refuse(self, send: Any, status: int, message: str) -> None:
        body = f"Error {status}: {message}\n".encode()
        headers = [
            *_cors_headers(),
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"x-content-type-options", b"nosniff"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _preflight(self, send: Any) -> None:
        headers = [
            *_cors_headers(),
            (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
            (b"access-control-allow-headers", ALLOWED_HEADERS.encode()),
            (b"access-control-max-age", b"86400"),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

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
        log.info('%s "%s %s" %d %.1fms', client[0], scope["method"], target, status, ms)
