"""Why bgraph does not use rdflib-endpoint: the measurements the README quotes.

    python -m venv /tmp/rdfe && /tmp/rdfe/bin/pip install rdflib-endpoint==0.6.3 uvicorn
    /tmp/rdfe/bin/python bench/why_not_rdflib_endpoint.py > bench/results/rdflib_endpoint.txt

Serves data/ballard.ttl with rdflib-endpoint's ``SparqlEndpoint`` on 127.0.0.1 and measures:
a cheap query's latency while one slow query runs, whether the slow query has a deadline,
whether ``SERVICE`` reaches a loopback canary listener, where its UI loads assets from, and
rdflib's parse cost per query. Everything stays on 127.0.0.1 (the UI's CDN links are only read
from the HTML, never fetched).
"""

import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

DATA = str(Path(__file__).resolve().parents[1] / "data" / "ballard.ttl")


def serve(port: int) -> None:
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    ds = Dataset(default_union=True)
    ds.parse(DATA, format="turtle")
    uvicorn.run(SparqlEndpoint(graph=ds), host="127.0.0.1", port=port, log_level="warning")


def main() -> None:
    port = 8791
    srv = subprocess.Popen([sys.executable, __file__, "serve", str(port)])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)

    def ask(q: str, timeout: float = 120) -> tuple[float, object, bytes]:
        data = urllib.parse.urlencode({"query": q}).encode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/",
            data=data,
            headers={"Accept": "application/sparql-results+json"},
        )
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                body = r.read()
                st = r.status
        except Exception as e:
            body, st = str(e).encode(), getattr(e, "code", "ERR")
        return time.perf_counter() - t, st, body

    cheap = "ASK { ?s ?p ?o }"
    base = [ask(cheap)[0] for _ in range(20)]
    print(f"cheap ASK alone: p50 {statistics.median(base) * 1000:.1f} ms")
    slow = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) < STR(?f)) }"
    res: dict[str, tuple[float, object, bytes]] = {}
    th = threading.Thread(target=lambda: res.setdefault("slow", ask(slow, 600)))
    th.start()
    time.sleep(0.5)
    t, st, _ = ask(cheap, 600)
    print(f"cheap ASK while one slow query runs: {t:.1f} s (status {st})")
    th.join()
    print(f"the slow query: {res['slow'][0]:.1f} s, status {res['slow'][1]} (no deadline)")
    # SERVICE: a canary on loopback
    canary = socket.socket()
    canary.bind(("127.0.0.1", 0))
    canary.listen(5)
    cport = canary.getsockname()[1]
    hits: list[bytes] = []

    def accept() -> None:
        canary.settimeout(10)
        try:
            c, _ = canary.accept()
            hits.append(c.recv(200))
            c.close()
        except OSError:
            pass

    threading.Thread(target=accept, daemon=True).start()
    _t, st, _body = ask(
        f"SELECT * {{ SERVICE <http://127.0.0.1:{cport}/sparql> {{ ?s ?p ?o }} }}", 30
    )
    time.sleep(0.5)
    print(
        f"SERVICE to a loopback canary: status {st}; "
        f"canary received a connection: {bool(hits)} {hits[:1]}"
    )
    # UI from a CDN
    with urllib.request.urlopen(
        urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Accept": "text/html"})
    ) as r:
        html = r.read().decode()
    print("UI assets:", sorted(set(re.findall(r'(?:src|href)="(https?://[^"]+)"', html)))[:5])
    srv.terminate()
    # parse cost
    from rdflib.plugins.sparql import prepareQuery

    q = (
        "PREFIX schema: <https://schema.org/> SELECT ?s ?n WHERE { ?s a schema:TVSeries ; "
        "schema:name ?n OPTIONAL { ?s schema:genre ?g } FILTER(REGEX(?n, 'B')) } "
        "ORDER BY ?n LIMIT 10"
    )
    prepareQuery(q)
    ts = []
    for _ in range(50):
        t = time.perf_counter()
        prepareQuery(q)
        ts.append(time.perf_counter() - t)
    print(f"rdflib prepareQuery of a 1-line query: p50 {statistics.median(ts) * 1000:.1f} ms")


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(int(sys.argv[2]))
    else:
        main()
