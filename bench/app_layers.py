"""What the server's Python costs one query, layer by layer, before any worker or socket.

    python bench/app_layers.py          # about 20 s; writes bench/results/app_layers.json

In one process, on the seed graph: the ASGI app ``bgraph serve`` runs (:func:`create_app`), called
directly with the request bench/run.py sends for the ASK of bench/queries (a POST with the
PREFIX lines, httpx's headers), its worker pool replaced by one that hands back the worker's
answer at once. Median per request (µs) of 40 batches of 200, the variants interleaved:

- ``app``: the app as served (the access log written to /dev/null);
- ``no access log``, ``no gzip``: the same app without that layer;
- ``Starlette core``: no middleware of bgraph's (only Starlette's error and exception layers,
  the router and /sparql);
- ``bare endpoint``: an ASGI function that reads the body, builds the same job and sends the
  same answer: the least any Python endpoint does.

Cache and scheduling effects of a real server (three processes on two cores) make each layer
cost more there; ``bench/compare_revisions.py`` measures a change end to end.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
QUERY = HERE / "queries" / "12-has-spin-off.rq"


def main() -> None:
    import uvloop
    from starlette.middleware.gzip import GZipMiddleware

    from bgraph.iris import PREFIXES
    from bgraph.server import app as app_module
    from bgraph.server.config import ServerConfig
    from bgraph.server.context import ServerContext
    from bgraph.server.links import Links
    from bgraph.server.protocol import build_job
    from bgraph.server.run import _configure_logging, http_config, make_handler
    from bgraph.server.served import load_served

    sys.stderr = open(os.devnull, "w", buffering=1)  # the access log's lines
    _configure_logging()  # as bgraph serve does
    served = load_served()
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    body = urlencode({"query": head + QUERY.read_text("utf-8")}).encode()
    accept = "application/sparql-results+json"
    endpoint = "http://127.0.0.1:8000/sparql"
    job = build_job(
        "POST", b"", "application/x-www-form-urlencoded", body, accept, 10_000, endpoint
    )
    reply = make_handler(served, Links(ServerConfig().base_iri))(job)

    class AnswerAtOnce:
        sandbox = "seccomp"

        async def run(self, job: Any, timeout: float | None = None) -> Any:
            return reply

    def app(log: bool = True, gzip: bool = True, core: bool = False) -> Any:
        config = ServerConfig(access_log=log)
        made = app_module.create_app(ServerContext(config, served, AnswerAtOnce(), endpoint[:-6]))
        if core:
            made.user_middleware = []
        elif not gzip:
            made.user_middleware = [m for m in made.user_middleware if m.cls is not GZipMiddleware]
        http_config(made, config)
        return made

    async def bare(scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        headers = dict(scope["headers"])
        build_job(
            "POST",
            scope["query_string"],
            headers[b"content-type"].decode(),
            message["body"],
            headers[b"accept"].decode(),
            10_000,
            endpoint,
        )
        out = [(b"content-type", accept.encode()), (b"content-length", b"%d" % len(reply.body))]
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send({"type": "http.response.body", "body": reply.body})

    raw_headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"accept", accept.encode()),
        (b"accept-encoding", b"gzip, deflate"),
        (b"connection", b"keep-alive"),
        (b"user-agent", b"python-httpx/0.28.1"),
        (b"content-length", b"%d" % len(body)),
        (b"content-type", b"application/x-www-form-urlencoded"),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/sparql",
        "raw_path": b"/sparql",
        "query_string": b"",
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }

    async def request(target: Any) -> None:
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop()
            await asyncio.sleep(3600)  # the client stays
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            pass

        await target({**scope, "state": {}}, receive, send)

    variants = {
        "app": app(),
        "no access log": app(log=False),
        "no gzip": app(gzip=False),
        "Starlette core": app(core=True),
        "bare endpoint": bare,
    }

    async def measure() -> dict[str, float]:
        times: dict[str, list[float]] = {name: [] for name in variants}
        for target in variants.values():
            for _ in range(300):  # warm up
                await request(target)
        for _ in range(40):
            for name, target in variants.items():
                started = time.perf_counter()
                for _ in range(200):
                    await request(target)
                times[name].append((time.perf_counter() - started) / 200 * 1e6)
        return {name: round(statistics.median(t), 1) for name, t in times.items()}

    result = uvloop.run(measure())
    for name, us in result.items():
        print(f"{name:16s} {us:7.1f} µs", file=sys.__stdout__)
    out = {"query": QUERY.name, "per_request_us": result}
    (HERE / "results" / "app_layers.json").write_text(json.dumps(out, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
