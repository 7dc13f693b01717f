"""A minimal SPARQL endpoint over a built bgraph store, for the bench (not the product server).

It answers ``GET/POST /query`` the way ``bgraph serve --store DIR`` does at its core: the query
is vetted by :func:`bgraph.store.vet_query` (no SERVICE, no update, no unknown FROM), then run by
Oxigraph on the read-only store, results serialised by Oxigraph. What it does not have is the
product server's per-query worker processes with deadlines: the bench reports it as such.

    python bench/endpoint.py --store DIR --port 7881
"""

from __future__ import annotations

import argparse
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--memory", action="store_true", help="copy the store into RAM at start")
    args = ap.parse_args(argv)

    import pyoxigraph as ox

    from bgraph.errors import BgraphError
    from bgraph.namespaces import PREFIXES
    from bgraph.store import open_store, vet_query

    opened = open_store(args.store, memory=args.memory)
    known = opened.graph_names()
    prefixes = {k: str(v) for k, v in PREFIXES.items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms stall)

        def log_message(self, *_args: object) -> None:
            pass

        def _answer(self, text: str | None) -> None:
            if not text:
                return self._send(400, b"missing query", "text/plain")
            try:
                vet_query(text, known)
                answer = opened.store.query(text, prefixes=prefixes)
            except BgraphError as exc:
                return self._send(400, str(exc).encode(), "text/plain")
            except SyntaxError as exc:
                return self._send(400, str(exc).encode(), "text/plain")
            if isinstance(answer, (ox.QuerySolutions, ox.QueryBoolean)):
                body = answer.serialize(format=ox.QueryResultsFormat.JSON)
                return self._send(200, body, "application/sparql-results+json")
            body = ox.serialize(answer, format=ox.RdfFormat.N_TRIPLES)
            return self._send(200, body, "application/n-triples")

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != "/query":
                return self._send(404, b"not found", "text/plain")
            self._answer(parse_qs(parts.query).get("query", [None])[0])

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length).decode("utf-8")
            if self.headers.get("Content-Type", "").startswith("application/sparql-query"):
                return self._answer(data)
            self._answer(parse_qs(data).get("query", [None])[0])

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print("ready", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
