"""Past one machine: push the enriched dataset to a SPARQL server, and query a remote endpoint.

:func:`push_dataset` speaks the SPARQL 1.1 Graph Store HTTP Protocol (tested against
``oxigraph serve`` and Virtuoso 7): each named graph is sent as N-Triples in batches (``PUT``
for the first batch of a graph when replacing, ``POST`` after), with retries and exponential
back-off on connection errors, 429 and 5xx, and HTTP basic or digest authentication
(:func:`bgraph.upstream.auth_for`). Blank nodes are scoped to one request, so every triple that
mentions a blank node travels in the same request. After each batch a state file records what
the server holds, so that a push that failed half-way continues where it stopped
(``resume=True``). At the end the number of triples of each graph is read back through the
server's SPARQL endpoint and compared: a push that lost data fails loudly.

Virtuoso's Graph Store endpoints (``/sparql-graph-crud``, ``/sparql-graph-crud-auth``) have no
default graph (Virtuoso's default graph is every graph): there the union goes to the named graph
:data:`bgraph.upstream.UNION_GRAPH`, which ``bgraph serve --endpoint`` and ``bgraph query
--endpoint`` read as the default graph.

:func:`query_endpoint` runs a (vetted, read-only) query on a remote SPARQL endpoint and returns
a :class:`bgraph.store.Answer` (pyoxigraph terms, read by Oxigraph's parsers), so
``bgraph query --endpoint`` formats it like a local answer.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .errors import UsageError
from .export import atomic_file, published_graphs, states_default
from .upstream import UNION_GRAPH, RemoteError, auth_for, status_message, vet_remote

ProgressFn = Callable[[int, int | None, str], None]
DEFAULT = ""  #: the key of the default graph in a QuadSource

_NT = "application/n-triples"
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}

__all__ = ["UNION_GRAPH", "PushOptions", "PushReport", "RemoteError", "push_dataset"]
VIRTUOSO_GSP = ("/sparql-graph-crud", "/sparql-graph-crud-auth")


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
    auth: str = "auto"  #: basic, digest or auto (digest when the server's challenge asks)
    #: the named graph that receives the union instead of the server's default graph (None:
    #: the default graph; Virtuoso's Graph Store endpoints: UNION_GRAPH)
    union_graph: str | None = None
    resume: bool = False  #: continue the push that the state file describes
    state: Path | None = None  #: the state file (default: .bgraph-push-<endpoint hash>.json)
    transport: Any = None  #: an httpx transport (tests)


@dataclass
class PushReport:
    graphs: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    requests: int = 0
    retried: int = 0
    seconds: float = 0.0
    skipped: int = 0  #: batches a resumed push did not send again
    union_graph: str | None = None  #: where the union went, when not to the default graph


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
    """The SPARQL query URL next to a Graph Store URL (Oxigraph /store -> /query, Virtuoso
    /sparql-graph-crud[-auth] -> /sparql, Fuseki /data -> /sparql); other servers answer both
    on one URL."""
    parts = urlsplit(gsp_url)
    path = parts.path.rstrip("/")
    pairs = (
        ("/store", "/query"),
        ("/sparql-graph-crud-auth", "/sparql"),
        ("/sparql-graph-crud", "/sparql"),
        ("/data", "/sparql"),
        ("/rdf-graphs/service", ""),
    )
    for gsp, query in pairs:
        if path.endswith(gsp):
            path = path[: -len(gsp)] + query
            break
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def is_virtuoso_gsp(url: str) -> bool:
    """Virtuoso's Graph Store endpoints, which have no default graph."""
    return urlsplit(url).path.rstrip("/").endswith(VIRTUOSO_GSP)


def state_path(endpoint: str) -> Path:
    """The default state file of a push to ``endpoint`` (in the current directory)."""
    digest = hashlib.sha256(endpoint.encode("utf-8")).hexdigest()[:12]
    return Path(f".bgraph-push-{digest}.json")


# -- sources --------------------------------------------------------------------------------------


def quads_from_store(opened: Any, inference: bool = True) -> QuadSource:
    """The graphs of an open store (:class:`bgraph.store.OpenStore`) that ``bgraph export``
    writes (:func:`bgraph.export.published_graphs`), and the default graph: the union, the
    store's own (materialised) with ``inference``, else made of the graphs pushed and the
    default graph's own triples (a built store's default graph holds the inferences)."""
    import pyoxigraph as ox

    store = opened.store
    graphs: dict[str, tuple[Callable[[], Iterable[str]], int]] = {}
    stated: list[Callable[[], Iterable[str]]] = []
    for name, read in published_graphs(store, inference, not inference and states_default(opened)):
        if isinstance(name, ox.DefaultGraph):
            stated.append(_lines(read))
        else:
            graphs[name.value] = (_lines(read), sum(1 for _ in read()))
    if inference:

        def union() -> Iterable[Any]:
            return store.quads_for_pattern(None, None, None, ox.DefaultGraph())

        graphs[DEFAULT] = (_lines(union), sum(1 for _ in union()))
    else:
        graphs[DEFAULT] = _union_of([lines for lines, _n in graphs.values()] + stated)
    return QuadSource(graphs)


def _lines(read: Callable[[], Iterable[Any]]) -> Callable[[], Iterator[str]]:
    """The N-Triples lines of the quads ``read`` gives (their graph left out)."""
    return lambda: (f"{q.subject} {q.predicate} {q.object} .\n" for q in read())


def _union_of(
    parts: list[Callable[[], Iterable[str]]],
) -> tuple[Callable[[], Iterable[str]], int]:
    distinct = sorted({line for lines in parts for line in lines()})
    return (lambda: distinct), len(distinct)


# -- push -----------------------------------------------------------------------------------------


def push_dataset(
    source: QuadSource, options: PushOptions, progress: ProgressFn | None = None
) -> PushReport:
    """Send every graph of ``source`` to ``options.endpoint``; check the counts; report.

    After each batch the state file records how far the push got; with ``options.resume`` a
    push that failed continues from there (the same source, batch size and target required),
    and a push that succeeded removes the file."""
    import httpx

    check_url(options.endpoint)
    if options.batch < 1:
        raise UsageError("--batch must be at least 1")
    if options.retries < 0:
        raise UsageError("--retries must be zero or more")
    if options.auth not in ("auto", "basic", "digest"):
        raise UsageError(f"--auth {options.auth!r}: basic, digest or auto")
    query_url = check_url(options.query_endpoint or sparql_url_for(options.endpoint), "--query")
    graphs = dict(source.graphs)
    if options.only_graph is not None:
        if options.only_graph not in graphs or options.only_graph == DEFAULT:
            known = ", ".join(sorted(g for g in graphs if g))
            raise UsageError(f"--graph {options.only_graph!r}: no such graph; known: {known}")
        graphs = {options.only_graph: graphs[options.only_graph]}
    elif options.default_graph == "none":
        graphs.pop(DEFAULT, None)
    union_graph = options.union_graph
    if union_graph is None and is_virtuoso_gsp(options.endpoint):
        union_graph = UNION_GRAPH
    total = sum(n for _lines, n in graphs.values())
    report = PushReport(union_graph=union_graph if DEFAULT in graphs else None)
    start = time.perf_counter()
    state_file = options.state or state_path(options.endpoint)
    fingerprint = _fingerprint(options, union_graph, graphs)
    sent = _read_state(state_file, fingerprint) if options.resume else {}
    journal = _Journal(state_file, fingerprint, sent)
    auth = auth_for(options.user, options.password, options.auth)

    def params_for(name: str) -> tuple[dict[str, str], str]:
        if name == DEFAULT and union_graph:
            return {"graph": union_graph}, f"union -> {union_graph}"
        if name == DEFAULT:
            return {"default": ""}, "default graph (union)"
        return {"graph": name}, name

    try:
        with httpx.Client(
            timeout=options.timeout, auth=auth, follow_redirects=False, transport=options.transport
        ) as client:
            done = _push_graphs(client, options, graphs, params_for, journal, report, progress)
            if progress:
                progress(done, total, "checking counts")
            _check_counts(client, query_url, options, graphs, report, union_graph)
    except RemoteError as exc:
        if any(journal.sent.values()):
            exc.args = (
                f"{exc}; what was sent is recorded in {state_file}: run the same command "
                "with --resume to continue from there",
            )
        raise
    state_file.unlink(missing_ok=True)
    report.seconds = time.perf_counter() - start
    return report


@dataclass
class _Journal:
    """What the server already holds of this push: graph -> batches sent (-1: all of it),
    written to ``path`` after every batch."""

    path: Path
    fingerprint: str
    sent: dict[str, int] = field(default_factory=dict)

    def record(self, name: str, batches: int) -> None:
        self.sent[name] = batches
        body = {"fingerprint": self.fingerprint, "sent": self.sent}
        with atomic_file(self.path) as fh:
            fh.write(json.dumps(body).encode("utf-8"))


def _push_graphs(
    client: Any,
    options: PushOptions,
    graphs: dict[str, tuple[Callable[[], Iterable[str]], int]],
    params_for: Callable[[str], tuple[dict[str, str], str]],
    journal: _Journal,
    report: PushReport,
    progress: ProgressFn | None,
) -> int:
    """Send the graphs' batches (those the journal does not list as sent); triples gone by."""
    total = sum(n for _lines, n in graphs.values())
    done = 0
    url, nt = options.endpoint, {"Content-Type": _NT}
    for name, (lines, count) in graphs.items():
        params, label = params_for(name)
        sent = journal.sent.get(name, 0)
        report.graphs[name] = count
        report.triples += count
        if sent == -1:  # this graph was complete
            done += count
            report.skipped += 1
            continue
        index = 0
        for body, n in _batches(lines(), options.batch):
            index += 1
            done += n
            if index <= sent:
                report.skipped += 1
                continue
            method = "PUT" if (index == 1 and options.replace) else "POST"
            _request(client, options, report, method, url, params=params, content=body, headers=nt)
            journal.record(name, index)
            if progress:
                progress(done, total, f"pushing {label}")
        if index == 0 and options.replace:  # an empty graph: make it empty there too
            _request(client, options, report, "PUT", url, params=params, content=b"", headers=nt)
        journal.record(name, -1)
    return done


def _fingerprint(
    options: PushOptions,
    union_graph: str | None,
    graphs: dict[str, tuple[Callable[[], Iterable[str]], int]],
) -> str:
    what = [options.endpoint, options.batch, options.replace, union_graph]
    what += sorted((name, n) for name, (_lines, n) in graphs.items())
    return hashlib.sha256(json.dumps(what).encode("utf-8")).hexdigest()


def _read_state(path: Path, fingerprint: str) -> dict[str, int]:
    """What an earlier push of the same data sent (graph -> batches; -1: all of it)."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--resume: no state file {path} (nothing to resume)") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"--resume: cannot read {path}: {exc}") from None
    if saved.get("fingerprint") != fingerprint:
        raise UsageError(
            f"--resume: {path} describes another push (other data, endpoint, --batch or "
            "--replace/--append); push again without --resume"
        )
    return {str(k): int(v) for k, v in saved.get("sent", {}).items()}


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


def _request(
    client: Any, options: PushOptions, report: PushReport, method: str, url: str, **kwargs: Any
) -> Any:
    """One request, sent again (backing off exponentially) after a failure to connect or a
    status worth retrying (``_RETRY_STATUS``), ``options.retries`` times at most; the response,
    or a RemoteError."""
    import httpx

    attempt = 0
    while True:
        report.requests += 1
        try:
            resp = client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            problem, retry = f"cannot reach {url}: {exc}", True
        else:
            if resp.status_code < 300:
                return resp
            problem, retry = status_message(resp, url), resp.status_code in _RETRY_STATUS
        if not retry or attempt >= options.retries:
            raise RemoteError(problem + (f" (after {attempt} retries)" if attempt else ""))
        attempt += 1
        report.retried += 1
        time.sleep(options.backoff * 2 ** (attempt - 1))


def _check_counts(
    client: Any,
    query_url: str,
    options: PushOptions,
    graphs: dict[str, tuple[Callable[[], Iterable[str]], int]],
    report: PushReport,
    union_graph: str | None = None,
) -> None:
    wrong = []
    for name, (_lines, expected) in graphs.items():
        if name == DEFAULT and union_graph:
            query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{union_graph}> {{ ?s ?p ?o }} }}"
            name = union_graph
        elif name == DEFAULT:
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
    headers = {"Accept": "application/sparql-results+json"}
    resp = _request(client, options, report, "POST", url, data={"query": query}, headers=headers)
    try:
        return resp.json()["results"]["bindings"]
    except (ValueError, KeyError):
        raise RemoteError(f"{url}: not a SPARQL JSON results answer") from None


# -- remote query ---------------------------------------------------------------------------------


def query_endpoint(
    url: str,
    text: str,
    timeout: float = 60.0,
    user: str | None = None,
    password: str | None = None,
    auth: str = "auto",
) -> Any:
    """Run ``text`` on the SPARQL endpoint at ``url``; a :class:`bgraph.store.Answer` comes back.

    The query is vetted locally first (:func:`bgraph.upstream.vet_remote`: SPARQL Update,
    SERVICE, Virtuoso's SQL functions and prefixes bgraph does not know refused), then sent
    with bgraph's prefixes declared, so named queries run unchanged; where ``bgraph push`` wrote
    the union into a named graph (Virtuoso), that graph is the query's default graph.
    """
    import httpx

    from .store import Answer
    from .upstream import (
        NTRIPLES,
        SELECT_JSON,
        post_query,
        quick_dataset,
        read_results,
        read_triples,
    )

    check_url(url)
    form, _tokens = vet_remote(text)
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    with httpx.Client(timeout=timeout, auth=auth_for(user, password, auth)) as client:
        dataset = quick_dataset(client, url)
        resp = post_query(
            client,
            url,
            dataset.text(text),
            NTRIPLES if graph_form else SELECT_JSON,
            dataset.params(),
        )
    if graph_form:
        return Answer("GRAPH", triples=read_triples(resp.content))
    kind, names, rows, boolean = read_results(resp.content, form)
    if kind == "ASK":
        return Answer("ASK", boolean=boolean)
    return Answer("SELECT", variables=names, rows=rows)
