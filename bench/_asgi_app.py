"""The tiny ASGI app that bench/http_servers.py serves with each candidate server layer:
``/`` a small SPARQL JSON answer, ``/big?mb=N`` N MB in 1 MB chunks, ``POST /`` reads the body."""

from __future__ import annotations

from typing import Any

SMALL = b'{"head": {"vars": []}, "boolean": true}\n'
CHUNK = b"x" * (1 << 20)


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    if scope["method"] == "POST":
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False) and message["type"] == "http.request"
    headers = [(b"content-type", b"application/sparql-results+json")]
    if scope["path"] == "/big":
        mb = int(scope["query_string"].decode().partition("=")[2] or 1)
        headers = [(b"content-type", b"application/octet-stream")]
        headers.append((b"content-length", str(mb << 20).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for i in range(mb):
            await send({"type": "http.response.body", "body": CHUNK, "more_body": i < mb - 1})
        return
    headers.append((b"content-length", str(len(SMALL)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": SMALL})
