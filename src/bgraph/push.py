"""Past one machine: push the enriched dataset to a SPARQL server, and query a remote endpoint.

:func:`push_dataset` speaks the SPARQL 1.1 Graph Store HTTP Protocol, which Oxigraph server,
Fuseki, Virtuoso, GraphDB, QLever and Amazon Neptune implement: each named graph is sent as
N-Triples in batches (``PUT`` for the first batch of a graph when replacing, ``POST`` after), with
retries and exponential back-off on connection errors, 429 and 5xx. Blank nodes are scoped to
one request, so every triple that mentions a blank node travels in the same request. At the end
the number of triples of each graph is read back through the server's SPARQL endpoint and
compared: a push that lost data fails loudly.

:func:`query_endpoint` runs a (vetted, read-only) query on a remote SPARQL endpoint and returns
a :class:`bgraph.store.Answer` (pyoxigraph terms, read by Oxigraph's parsers), so
``bgraph query --endpoint`` formats it like a local answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .errors import BgraphError, UsageError

ProgressFn = Callable[[int, int | None, str], None]
DEFAULT = ""  #: the key of the default graph in a QuadSource

_NT = "application/n-triples"
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


class RemoteError(BgraphError):
    """The remote server refused, failed or could not be reached."""


@dataclass
class PushOptions:
    endpoint: str
    only_graph: str | None = None
    default_graph: str = "union"  #: "union" or "none"
    replace: bool = True
    batch: int = 50_000
    retries: int = 3
    timeout: float = 60.0
    user: str | None = None
    password: str | None = None
    query_endpoint: str | None = None
    backoff: float = 0.5


@dataclass
class PushReport:
    graphs: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    requests: int = 0
    retried: int = 0
    seconds: float = 0.0


@dataclass
class QuadSource:
    """Graphs to push: name -> a function giving its triples as N-Triples lines, and its size."""

    graphs: dict[str, tuple[Callable[[], Iterable[str]], int]]


def check_url(url: str, what: str = "--endpoint") -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{what} {url!r}: not an http(s) URL")
    return url


def sparql_url_for(gsp_url: str) -> str:
    """The SPARQL query URL next to a Graph Store URL (Oxigraph /store -> /query, Fuseki
    /data -> /sparql); other servers answer both on one URL."""
    parts = urlsplit(gsp_url)
    path = parts.path
    for gsp, query in (("/store", "/query"), ("/data", "/sparql"), ("/rdf-graphs/service", "")):
        if path.endswith(gsp):
            path = path[: -len(gsp)] + query
            break
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


# -- sources --------------------------------------------------------------------------------------


def _nt_line(s: Any, p: Any, o: Any) -> str:
    return f"{s} {p} {o} .\n"


def quads_from_store(opened: Any, inference: bool = True) -> QuadSource:
    """The graphs of an open store (:class:`bgraph.store.OpenStore`); its default graph is the
    union (or, without ``inference``, the union is computed from the graphs pushed)."""
    import pyoxigraph as ox

    from .namespaces import INFERRED_GRAPH

    store = opened.store
    graphs: dict[str, tuple[Callable[[], Iterable[str]], int]] = {}
    for g in sorted(store.named_graphs(), key=lambda n: n.value):
        if not inference and g.value == str(INFERRED_GRAPH):
            continue

        def lines(g: Any = g) -> Iterator[str]:
            for q in store.quads_for_pattern(None, None, None, g):
                yield _nt_line(q.subject, q.predicate, q.object)

        count = sum(1 for _ in store.quads_for_pattern(None, None, None, g))
        graphs[g.value] = (lines, count)

    if inference:

        def union() -> Iterator[str]:
            for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
                yield _nt_line(q.subject, q.predicate, q.object)

        count = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        graphs[DEFAULT] = (union, count)
    else:
        graphs[DEFAULT] = _union_of(graphs)
    return QuadSource(graphs)


def _union_of(
    graphs: dict[str, tuple[Callable[[], Iterable[str]], int]],
) -> tuple[Callable[[], Iterable[str]], int]:
    seen: set[str] = set()
    for name, (lines, _n) in graphs.items():
        if name != DEFAULT:
            seen.update(lines())
    distinct = sorted(seen)
    return (lambda: distinct), len(distinct)


# -- push -----------------------------------------------------------------------------------------


def push_dataset(
    source: QuadSource, options: PushOptions, progress: ProgressFn | None = None
) -> PushReport:
    """Send every graph of ``source`` to ``options.endpoint``; check the counts; report."""
    import httpx

    check_url(options.endpoint)
    if options.batch < 1:
        raise UsageError("--batch must be at least 1")
    if options.retries < 0:
        raise UsageError("--retries must be zero or more")
    query_url = check_url(options.query_endpoint or sparql_url_for(options.endpoint), "--query")
    graphs = dict(source.graphs)
    if options.only_graph is not None:
        if options.only_graph not in graphs or options.only_graph == DEFAULT:
            known = ", ".join(sorted(g for g in graphs if g))
            raise UsageError(f"--graph {options.only_graph!r}: no such graph; known: {known}")
        graphs = {options.only_graph: graphs[options.only_graph]}
    elif options.default_graph == "none":
        graphs.pop(DEFAULT, None)
    total = sum(n for _lines, n in graphs.values())
    report = PushReport()
    start = time.perf_counter()
    auth = (options.user, options.password or "") if options.user else None
    done = 0
    with httpx.Client(timeout=options.timeout, auth=auth, follow_redirects=False) as client:
        for name, (lines, count) in graphs.items():
            label = "default graph (union)" if name == DEFAULT else name
            first = True
            for body, n in _batches(lines(), options.batch):
                method = "PUT" if (first and options.replace) else "POST"
                params = {"default": ""} if name == DEFAULT else {"graph": name}
                _send(client, method, options, params, body, report)
                first = False
                done += n
                if progress:
                    progress(done, total, f"pushing {label}")
            if first and options.replace:  # an empty graph: make it empty there too
                params = {"default": ""} if name == DEFAULT else {"graph": name}
                _send(client, "PUT", options, params, b"", report)
            report.graphs[name] = count
            report.triples += count
        if progress:
            progress(done, total, "checking counts")
        _check_counts(client, query_url, options, graphs, report)
    report.seconds = time.perf_counter() - start
    return report


def _batches(lines: Iterable[str], size: int) -> Iterator[tuple[bytes, int]]:
    """Batches of N-Triples; every line with a blank node goes into the last batch, together."""
    plain: list[str] = []
    with_bnodes: list[str] = []
    for line in lines:
        if "_:" in line and _has_bnode(line):
            with_bnodes.append(line)
            continue
        plain.append(line)
        if len(plain) >= size:
            yield "".join(plain).encode("utf-8"), len(plain)
            plain = []
    if plain:
        yield "".join(plain).encode("utf-8"), len(plain)
    if with_bnodes:
        yield "".join(with_bnodes).encode("utf-8"), len(with_bnodes)


def _has_bnode(line: str) -> bool:
    """Whether an N-Triples line has a blank-node subject or object (not inside a literal)."""
    return line.startswith("_:") or "> _:" in line.split('"', 1)[0]


def _send(
    client: Any,
    method: str,
    options: PushOptions,
    params: dict[str, str],
    body: bytes,
    report: PushReport,
) -> None:
    import httpx

    attempt = 0
    while True:
        report.requests += 1
        try:
            resp = client.request(
                method,
                options.endpoint,
                params=params,
                content=body,
                headers={"Content-Type": _NT},
            )
        except httpx.HTTPError as exc:
            problem = f"cannot reach {options.endpoint}: {exc}"
            retry = True
        else:
            if resp.status_code < 300:
                return
            problem = _status_message(resp, options.endpoint)
            retry = resp.status_code in _RETRY_STATUS
        if not retry or attempt >= options.retries:
            raise RemoteError(problem + (f" (after {attempt} retries)" if attempt else ""))
        attempt += 1
        report.retried += 1
        time.sleep(options.backoff * 2 ** (attempt - 1))


def _status_message(resp: Any, url: str) -> str:
    detail = resp.text.strip().splitlines()[0][:200] if resp.text.strip() else ""
    if resp.status_code in (401, 403):
        why = "authentication failed" if resp.status_code == 401 else "forbidden"
        return f"{url}: HTTP {resp.status_code}, {why} (check --user/--password-env)"
    return f"{url}: HTTP {resp.status_code}" + (f": {detail}" if detail else "")


def _check_counts(
    client: Any,
    query_url: str,
    options: PushOptions,
    graphs: dict[str, tuple[Callable[[], Iterable[str]], int]],
    report: PushReport,
) -> None:
    wrong = []
    for name, (_lines, expected) in graphs.items():
        if name == DEFAULT:
            query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        else:
            query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        result = _remote_select(client, query_url, query, options, report)
        got = int(result[0]["n"]["value"]) if result else 0
        if name == DEFAULT:
            # a server with a union default graph counts every graph's triples there
            if got < expected:
                wrong.append(f"default graph: {got:,} triples, expected at least {expected:,}")
        elif (options.replace and got != expected) or (not options.replace and got < expected):
            wrong.append(f"{name}: {got:,} triples there, {expected:,} pushed")
    if wrong:
        raise RemoteError("count check failed: " + "; ".join(wrong))


def _remote_select(
    client: Any, url: str, query: str, options: PushOptions, report: PushReport
) -> list[dict[str, Any]]:
    import httpx

    attempt = 0
    while True:
        report.requests += 1
        try:
            resp = client.post(
                url,
                data={"query": query},
                headers={"Accept": "application/sparql-results+json"},
            )
            if resp.status_code < 300:
                return resp.json()["results"]["bindings"]
            problem = _status_message(resp, url)
            retry = resp.status_code in _RETRY_STATUS
        except httpx.HTTPError as exc:
            problem, retry = f"cannot reach {url}: {exc}", True
        except (ValueError, KeyError):
            problem, retry = f"{url}: not a SPARQL JSON results answer", False
        if not retry or attempt >= options.retries:
            raise RemoteError(problem)
        attempt += 1
        report.retried += 1
        time.sleep(options.backoff * 2 ** (attempt - 1))


# -- remote query ---------------------------------------------------------------------------------


def query_endpoint(
    url: str,
    text: str,
    timeout: float = 60.0,
    user: str | None = None,
    password: str | None = None,
) -> Any:
    """Run ``text`` on the SPARQL endpoint at ``url``; a :class:`bgraph.store.Answer` comes back.

    The query is vetted locally first (SPARQL Update and SERVICE refused), then sent with
    bgraph's prefixes declared, so named queries run unchanged.
    """
    import httpx
    import pyoxigraph as ox

    from .iris import PREFIXES
    from .store import Answer, check_query_text

    check_url(url)
    form = check_query_text(text, None)
    declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    accept = "application/n-triples" if graph_form else "application/sparql-results+json"
    auth = (user, password or "") if user else None
    try:
        resp = httpx.post(
            url,
            data={"query": declared + text},
            headers={"Accept": accept},
            timeout=timeout,
            auth=auth,
        )
    except httpx.HTTPError as exc:
        raise RemoteError(f"cannot reach {url}: {exc}") from None
    if resp.status_code >= 300:
        raise RemoteError(_status_message(resp, url))
    try:
        if graph_form:
            quads = ox.parse(resp.content, ox.RdfFormat.N_TRIPLES)
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
            return Answer("GRAPH", triples=triples)
        results = ox.parse_query_results(resp.content, ox.QueryResultsFormat.JSON)
        return Answer.of(results)
    except (SyntaxError, ValueError) as exc:
        raise RemoteError(f"{url}: unreadable answer ({type(exc).__name__}: {exc})") from None
