"""One SPARQL query, start to finish: vet, negotiate, evaluate (Oxigraph), cap, serialise.

This runs inside a query worker process (:mod:`bgraph.server.workers`), so everything that can
be slow or fail on hostile input (parsing included) happens under the worker's deadline. It is a
plain function of the store and a :class:`QueryJob`, and never raises: every outcome is a
:class:`Reply` (an error is a status and a message the main process renders).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .. import formats
from ..errors import BgraphError, QuerySyntaxError
from ..iris import PREFIXES
from ..sparql.guard import check_query
from .conneg import negotiate
from .writers import boolean_bytes, rdf_bytes, select_bytes

#: Response headers that report on the result (exposed to browsers by CORS).
ROWS_HEADER = "X-Bgraph-Result-Rows"
TRUNCATED_HEADER = "X-Bgraph-Result-Truncated"

SELECT_FORMATS = ("json", "xml", "csv", "tsv")
ASK_FORMATS = ("json", "xml")
GRAPH_FORMATS = ("turtle", "jsonld", "nt", "xml")


@dataclass(frozen=True)
class QueryJob:
    """What the protocol layer hands a worker."""

    text: str
    accept: str | None = None
    format: str | None = None  #: a format name (the ``format`` parameter), overrides Accept
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 10_000
    base: str | None = None  #: base IRI for relative IRIs in the query (the endpoint's URL)


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


class QueryError(BgraphError):
    """A query refused for what it says (400 unless stated)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.http_status = status


def failure_reply(exc: Exception, form: str) -> Reply:
    """The one mapping from an exception raised while answering to an HTTP reply."""
    if isinstance(exc, BgraphError):
        return Reply(getattr(exc, "http_status", 400), message=str(exc), form=form)
    if isinstance(exc, RecursionError):
        return Reply(400, message="the query is nested too deeply to evaluate", form=form)
    if isinstance(exc, MemoryError):
        return Reply(503, message="the query needed more memory than a query may use", form=form)
    # an engine failure: report it without a traceback
    return Reply(500, message=f"the query engine failed: {type(exc).__name__}: {_one_line(exc)}")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# --- content negotiation -------------------------------------------------------------------------


def _offers(form: str) -> list[tuple[str, str]]:
    """(media type, format name) pairs for a query form, in the server's order of preference."""
    if form in ("SELECT", "ASK"):
        names = SELECT_FORMATS if form == "SELECT" else ASK_FORMATS
        table: dict[str, Any] = {f.name: f for f in formats.RESULT_FORMATS}
    else:
        names = GRAPH_FORMATS
        table = {f.name: f for f in formats.RDF_FORMATS}
    return [(mt, name) for name in names for mt in table[name].media_types]


def choose_format(form: str, accept: str | None, format_name: str | None) -> tuple[str, str]:
    """(format name, media type) for the response, or a QueryError 400/406."""
    offers = _offers(form)
    names = list(dict.fromkeys(name for _mt, name in offers))
    if format_name:
        key = formats._ALIASES.get(format_name.lower(), format_name.lower())
        for mt, name in offers:
            if name == key:
                return name, mt
        raise QueryError(
            f"format={format_name!r} does not apply to {form} queries; use one of: "
            + ", ".join(names)
        )
    media_type = negotiate(accept, [mt for mt, _name in offers])
    if media_type is None:
        available = ", ".join(dict.fromkeys(mt for mt, _ in offers))
        raise QueryError(
            f"none of the accepted media types ({accept}) can carry {form} results; "
            f"available: {available}",
            406,
        )
    return dict(offers)[media_type], media_type


# --- evaluation ----------------------------------------------------------------------------------


def vet(text: str, known_graphs: list[str] | None, base: str | None = None) -> str:
    """Refuse SERVICE, updates, LOAD and FROM of graphs not held here before Oxigraph sees the
    query (it would call out over HTTP for SERVICE itself), reading it as the SPARQL grammar
    does (:func:`bgraph.sparql.guard.check_query`); the query form. ``known_graphs=None``: the
    protocol's dataset replaces the query's, no FROM check."""
    return check_query(text, known_graphs, prefixes=PREFIXES, base=base)


def run(store: Any, job: QueryJob, known_graphs: list[str]) -> Reply:
    """Answer one query. Never raises (except for BaseExceptions such as a kill).

    The default graph is the store's, which holds the distinct union of the graphs; the
    protocol's ``default-graph-uri`` / ``named-graph-uri`` replace the dataset.
    """
    form = ""
    try:
        protocol_dataset = bool(job.default_graphs or job.named_graphs)
        form = vet(job.text, None if protocol_dataset else known_graphs, job.base)
        fmt_name = media_type = ""
        if form:  # negotiated before evaluation: a 406 costs no evaluation
            fmt_name, media_type = choose_format(form, job.accept, job.format)
        kwargs: dict[str, Any] = {}
        if protocol_dataset:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        try:
            answer = store.query(job.text, prefixes=PREFIXES, base_iri=job.base, **kwargs)
        except SyntaxError as exc:
            raise syntax_error(job.text, exc) from None
        actual = _form(answer, form)
        if actual != form:
            form = actual
            fmt_name, media_type = choose_format(form, job.accept, job.format)
        reply = _reply(answer, form, fmt_name, job.max_rows)
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


def _reply(answer: Any, form: str, fmt_name: str, max_rows: int) -> Reply:
    """Cap, count and serialise an answer."""
    headers: dict[str, str] = {}
    if form == "ASK":
        return Reply(200, boolean_bytes(answer, fmt_name), headers=headers)
    if form == "SELECT":
        names = [v.value for v in answer.variables]
        rows = list(itertools.islice(answer, max_rows + 1))
        if len(rows) > max_rows:
            rows = rows[:max_rows]
            headers[TRUNCATED_HEADER] = f"true; max-rows={max_rows}"
        headers[ROWS_HEADER] = str(len(rows))
        return Reply(200, select_bytes(names, rows, fmt_name), headers=headers)
    triples: dict[Any, None] = {}  # distinct, in Oxigraph's order
    for t in answer:
        triples[t] = None
        if len(triples) > max_rows:
            break
    kept = list(triples)
    if len(kept) > max_rows:
        kept = kept[:max_rows]
        headers[TRUNCATED_HEADER] = f"true; max-rows={max_rows}"
    headers[ROWS_HEADER] = str(len(kept))
    return Reply(200, rdf_bytes(kept, fmt_name), headers=headers)


# --- errors --------------------------------------------------------------------------------------

_WHERE = re.compile(r"error at (\d+):(\d+): ?")
_PN_CHARS = re.compile(r"[\w\-.\u00b7\u0300-\u036f\u203f\u2040%\\]")


def syntax_error(text: str, exc: SyntaxError) -> QuerySyntaxError:
    """Oxigraph's parse error, readable: where it is, the line with a caret, what was expected
    (character classes left out), and the prefix when an undeclared one is the cause."""
    message = str(exc).strip()
    match = _WHERE.match(message)
    if not match:
        first = message.splitlines()[0] if message else "invalid query"
        return QuerySyntaxError(f"syntax error: {first}")
    line_no, column = int(match.group(1)), int(match.group(2))
    detail = message[match.end() :]
    lines = text.splitlines() or [""]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    where = f"syntax error at line {line_no}, column {column}"
    if "Prefix not found" in detail and (prefix := _prefix_before(line, column - 1)):
        return QuerySyntaxError(f"{where}: the prefix {prefix}: is not declared")
    expected = _expected(detail)
    caret = f"\n  {line}\n  {' ' * max(column - 1, 0)}^" if line.strip() else ""
    return QuerySyntaxError(f"{where}{': ' + expected if expected else ''}{caret}")


def _prefix_before(line: str, end: int) -> str:
    """The prefix of the prefixed name that ends just before ``end`` on ``line``."""
    start = min(end, len(line))
    while start > 0 and (line[start - 1] == ":" or _PN_CHARS.match(line[start - 1])):
        start -= 1
    name = line[start:end]
    return name.split(":", 1)[0] if ":" in name else ""


def _expected(detail: str) -> str:
    """'expected one of "a", "b", [...]' without the character classes."""
    if not detail.startswith("expected"):
        return detail.splitlines()[0] if detail else ""
    body = detail.removeprefix("expected one of").removeprefix("expected").strip()
    items, depth, current, quote = [], 0, "", ""
    for ch in body:
        if quote:
            quote = "" if ch == quote and not current.endswith("\\") else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0 and not quote:
            items.append(current.strip())
            current = ""
        else:
            current += ch
    items.append(current.strip())
    kept = [i for i in items if i and not i.startswith("[")]
    return "expected one of " + ", ".join(kept) if kept else "unexpected input"
