"""One SPARQL query, start to finish: vet, negotiate, evaluate (Oxigraph), cap, serialise.

This runs inside a query worker process (:mod:`bgraph.server.workers`), so everything that can
be slow or fail on hostile input (parsing included) happens under the worker's deadline. It is a
plain function of the store and a :class:`QueryJob`, and never raises: every outcome is a
:class:`Reply` (an error is a status and a message the main process renders).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .. import formats
from ..errors import BgraphError, HttpError
from ..iris import PREFIXES
from ..sparql.columns import column_order
from ..sparql.evaluate import evaluate
from ..sparql.guard import Token, needs_base, read_query
from .conneg import choose
from .writers import boolean_bytes, rdf_bytes, select_bytes

#: Response headers that report on the result (exposed to browsers by CORS).
ROWS_HEADER = "X-Bgraph-Result-Rows"
TRUNCATED_HEADER = "X-Bgraph-Result-Truncated"


@dataclass(frozen=True)
class QueryJob:
    """What the protocol layer hands a worker."""

    text: str
    accept: str | None = None
    #: the ``format``/``output`` parameters' values (names or media types); override Accept
    format: tuple[str, ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 10_000
    base: str | None = None  #: base IRI for relative IRIs in the query (the endpoint's URL)
    max_bytes: int = 16 * 1024 * 1024  #: the serialised result's size at most (rows are cut)


@dataclass
class Reply:
    """A worker's answer: a body to send, or an error status + message."""

    status: int
    body: bytes = b""
    media_type: str = formats.TEXT
    headers: dict[str, str] = field(default_factory=dict)
    message: str = ""
    form: str = ""  #: SELECT, ASK, CONSTRUCT, DESCRIBE (for the log)

    @property
    def ok(self) -> bool:
        return self.status < 400

    def raise_for_status(self) -> None:
        """Raise the refusal this reply carries (a status of 400 or more) as an HttpError."""
        if not self.ok:
            retry = self.headers.get("Retry-After")
            raise HttpError(self.message, self.status, int(retry) if retry else None)


def failure_reply(exc: Exception, form: str) -> Reply:
    """The one mapping from an exception raised while answering to an HTTP reply."""
    if isinstance(exc, BgraphError):
        return Reply(exc.http_status, message=str(exc), form=form)
    if isinstance(exc, RecursionError):
        return Reply(400, message="the query is nested too deeply to evaluate", form=form)
    if isinstance(exc, MemoryError):
        reply = Reply(503, message="the query needed more memory than a query may use", form=form)
        reply.headers["Retry-After"] = "1"
        return reply
    if isinstance(exc, RuntimeError):  # Oxigraph could not evaluate this query (not the store)
        return Reply(400, message=f"the query cannot be evaluated: {_one_line(exc)}", form=form)
    # an engine failure: report it without a traceback
    return Reply(500, message=f"the query engine failed: {type(exc).__name__}: {_one_line(exc)}")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# --- content negotiation -------------------------------------------------------------------------


def offered(form: str) -> tuple[formats.Format, ...]:
    """What a query form is answered in: results formats for SELECT/ASK, RDF for a graph."""
    if form in ("SELECT", "ASK"):
        return formats.SPARQL_RESULT_FORMATS
    return formats.SPARQL_GRAPH_FORMATS


def choose_format(
    form: str, accept: str | None, format_values: tuple[str, ...] | str | None = ()
) -> tuple[str, str]:
    """(format name, media type) for the response, or a 400/406
    (:func:`bgraph.server.conneg.choose`: the ``format``/``output`` parameters win over
    Accept, each read as a results format for SELECT/ASK and a graph format for
    CONSTRUCT/DESCRIBE)."""
    fmt, media_type = choose(accept, offered(form), format_values, f"{form} results")
    return fmt.name, media_type


# --- evaluation ----------------------------------------------------------------------------------


def vet(
    text: str, known_graphs: list[str] | None, base: str | None = None
) -> tuple[str, list[Token]]:
    """Refuse SERVICE, updates, LOAD and FROM of graphs not held here before Oxigraph sees the
    query (it would call out over HTTP for SERVICE itself), reading it as the SPARQL grammar
    does (:func:`bgraph.sparql.guard.check_query`); the query form. ``known_graphs=None``: the
    protocol's dataset replaces the query's, no FROM check. With the query's tokens, which
    the SELECT * column order reads again."""
    return read_query(text, known_graphs, prefixes=PREFIXES, base=base)


def run(store: Any, job: QueryJob, known_graphs: list[str]) -> Reply:
    """Answer one query. Never raises (except for BaseExceptions such as a kill).

    The default graph is the store's, which holds the distinct union of the graphs; the
    protocol's ``default-graph-uri`` / ``named-graph-uri`` replace the dataset.
    """
    form = ""
    try:
        protocol_dataset = bool(job.default_graphs or job.named_graphs)
        form, tokens = vet(job.text, None if protocol_dataset else known_graphs, job.base)
        fmt_name = media_type = ""
        if form:  # negotiated before evaluation: a 406 costs no evaluation
            fmt_name, media_type = choose_format(form, job.accept, job.format)
        kwargs: dict[str, Any] = {}
        if protocol_dataset:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        base = job.base if needs_base(tokens) else None
        answer = evaluate(store, job.text, base, kwargs)
        actual = _form(answer, form)
        if actual != form:
            form = actual
            fmt_name, media_type = choose_format(form, job.accept, job.format)
        reply = write_reply(answer, form, fmt_name, job, tokens)
        reply.media_type = media_type
        reply.form = form
        return reply
    except Exception as exc:  # every failure becomes a status and a message, never a traceback
        return failure_reply(exc, form)


def _form(answer: Any, lexical: str) -> str:
    if isinstance(answer, ox.QueryBoolean):
        return "ASK"
    if isinstance(answer, ox.QuerySolutions):
        return "SELECT"
    return lexical if lexical in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT"


@dataclass(frozen=True)
class Solutions:
    """A SELECT answer read from an upstream endpoint, shaped as Oxigraph's
    (:class:`pyoxigraph.QuerySolutions`) for :func:`write_reply`: its variables, then its rows."""

    names: list[str]
    rows: list[tuple[Any, ...]]

    @property
    def variables(self) -> list[ox.Variable]:
        return [ox.Variable(name) for name in self.names]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)


def write_reply(
    answer: Any, form: str, fmt_name: str, job: QueryJob, tokens: list[Token] | None = None
) -> Reply:
    """Cap (rows, then bytes), count and serialise an answer: Oxigraph's, or one read from an
    upstream endpoint (:mod:`.remote`: a bool, :class:`Solutions`, a list of triples). ``tokens``:
    the query's, if the caller has them (the SELECT * column order reads them)."""
    max_rows, max_bytes, text = job.max_rows, job.max_bytes, job.text
    headers: dict[str, str] = {}
    if form == "ASK":
        return Reply(200, boolean_bytes(answer, fmt_name), headers=headers)
    cut = []
    if form == "SELECT":
        variables = [v.value for v in answer.variables]
        names = column_order(text, variables, tokens)
        rows = [tuple(row) for row in itertools.islice(answer, max_rows + 1)]
        if names != variables:
            order = [variables.index(name) for name in names]
            rows = [tuple(row[i] for i in order) for row in rows]
        if len(rows) > max_rows:
            rows = rows[:max_rows]
            cut.append(f"max-rows={max_rows}")
        rows, body = fit(rows, lambda part: select_bytes(names, part, fmt_name), max_bytes)
    else:
        triples: dict[Any, None] = {}  # distinct, in Oxigraph's order
        for t in answer:
            triples[t] = None
            if len(triples) > max_rows:
                break
        rows = list(triples)
        if len(rows) > max_rows:
            rows = rows[:max_rows]
            cut.append(f"max-rows={max_rows}")
        rows, body = fit(rows, lambda part: rdf_bytes(part, fmt_name), max_bytes)
    if body is None:
        cut.append(f"max-bytes={max_bytes}")
        body = (
            select_bytes(names, rows, fmt_name) if form == "SELECT" else rdf_bytes(rows, fmt_name)
        )
    if cut:
        headers[TRUNCATED_HEADER] = "; ".join(["true", *cut])
    headers[ROWS_HEADER] = str(len(rows))
    return Reply(200, body, headers=headers)


def fit(rows: list[Any], write: Any, max_bytes: int) -> tuple[list[Any], bytes | None]:
    """``rows`` and their serialisation when it is at most ``max_bytes``; else the longest
    prefix of ``rows`` whose serialisation fits, and None (the caller writes it)."""
    body = write(rows)
    if len(body) <= max_bytes:
        return rows, body
    low, high = 0, len(rows)  # rows[:low] fit, rows[:high] do not
    guess = int(len(rows) * max_bytes / len(body))
    while high - low > 1:
        mid = min(max(guess, low + 1), high - 1)
        size = len(write(rows[:mid]))
        if size <= max_bytes:
            low = mid
        else:
            high = mid
        guess = (low + high) // 2
    return rows[:low], None
