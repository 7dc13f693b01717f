"""One SPARQL query, start to finish: parse, refuse, negotiate, evaluate, cap, serialise.

This runs inside a query worker process (:mod:`bgraph.server.workers`), so everything that can
be slow or fail on hostile input (parsing included) happens under the worker's deadline. It is a
plain function of the dataset and a :class:`QueryJob`, and never raises: every outcome is a
:class:`Reply` (an error is a status and a message the main process renders).

Two engines: :func:`run` (rdflib, ``--store memory``) and :func:`run_oxigraph` (Oxigraph,
``--store oxigraph`` or a built store). Both refuse the same queries before evaluating them,
negotiate the same formats and cap, count and serialise results the same way.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result

from .. import formats
from ..errors import BgraphError
from ..namespaces import PREFIXES
from .conneg import negotiate
from .safety import check_query, check_service

#: Response headers that report on the result (exposed to browsers by CORS).
ROWS_HEADER = "X-Bgraph-Result-Rows"
TRUNCATED_HEADER = "X-Bgraph-Result-Truncated"

SELECT_FORMATS = ("json", "xml", "csv", "tsv")
ASK_FORMATS = ("json", "xml")
GRAPH_FORMATS = ("turtle", "jsonld", "nt", "xml")
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


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


# --- parsing -------------------------------------------------------------------------------------


def parse(text: str, base: str | None, known_graphs: list[URIRef] | None) -> Query:
    """The translated query, vetted by :func:`bgraph.sparql_guard.check_query` (syntax 400,
    update 403, SERVICE or FROM of a graph not held here 400). ``known_graphs=None`` skips the
    FROM check (the protocol's dataset replaces the query's)."""
    from ..sparql_guard import check_query as vet

    init_ns = {k: str(v) for k, v in PREFIXES.items()}
    try:
        return vet(text, init_ns=init_ns, known_graphs=known_graphs, base=base)
    except RecursionError:
        raise QueryError("the query is nested too deeply") from None


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
        table = {f.name: f for f in formats.RESULT_FORMATS}
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


def _dataset_clause(job: QueryJob) -> list[CompValue]:
    return [CompValue("DatasetClause", default=URIRef(g)) for g in job.default_graphs] + [
        CompValue("DatasetClause", named=URIRef(g)) for g in job.named_graphs
    ]


def run(ds: Dataset, job: QueryJob, known_graphs: list[URIRef]) -> Reply:
    """Answer one query. Never raises (except for BaseExceptions such as a kill)."""
    form = ""
    try:
        protocol_dataset = bool(job.default_graphs or job.named_graphs)
        query = parse(job.text, job.base, None if protocol_dataset else known_graphs)
        form = _FORMS.get(query.algebra.name, "")
        if not form:
            raise QueryError(f"unsupported query form {query.algebra.name}")
        fmt_name, media_type = choose_format(form, job.accept, job.format)
        if protocol_dataset:
            query.algebra["datasetClause"] = _dataset_clause(job)  # the protocol's dataset wins
            check_service(query.algebra)  # graphs it names that we lack are empty, never fetched
        else:
            check_query(query.algebra, known_graphs)  # second layer, independent of the guard
        reply = _evaluate(ds, query, form, fmt_name, job.max_rows)
        reply.media_type = media_type
        reply.form = form
        return reply
    except Exception as exc:  # every failure becomes a status and a message, never a traceback
        return failure_reply(exc, form)


def _evaluate(ds: Dataset, query: Query, form: str, fmt_name: str, max_rows: int) -> Reply:
    res: dict[str, Any] = evalQuery(ds, query)  # type: ignore[assignment]
    headers: dict[str, str] = {}
    if form == "ASK":
        result = Result("ASK")
        result.askAnswer = bool(res["askAnswer"])
        return Reply(200, _serialise_result(result, fmt_name), headers=headers)
    if form == "SELECT":
        rows = list(itertools.islice(res["bindings"], max_rows + 1))
        if len(rows) > max_rows:
            rows = rows[:max_rows]
            headers[TRUNCATED_HEADER] = f"true; max-rows={max_rows}"
        headers[ROWS_HEADER] = str(len(rows))
        result = Result("SELECT")
        result.vars = list(res["vars_"] or [])
        result.bindings = rows
        return Reply(200, _serialise_result(result, fmt_name), headers=headers)
    graph: Graph = res["graph"]
    if len(graph) > max_rows:
        cut = Graph()
        for triple in itertools.islice(graph, max_rows):
            cut.add(triple)
        graph = cut
        headers[TRUNCATED_HEADER] = f"true; max-rows={max_rows}"
    headers[ROWS_HEADER] = str(len(graph))
    return Reply(200, serialise_graph(graph, fmt_name), headers=headers)


# --- Oxigraph ------------------------------------------------------------------------------------


def run_oxigraph(store: Any, job: QueryJob, known_graphs: list[str]) -> Reply:
    """Answer one query with Oxigraph's engine. Never raises (except for BaseExceptions).

    The query is vetted lexically first (:func:`bgraph.store.vet_query`: SERVICE, updates, FROM
    of a graph not held here, too deep or too long), since Oxigraph would call out over HTTP for
    SERVICE itself. The default graph is the store's, which holds the distinct union of the
    graphs; the protocol's ``default-graph-uri`` / ``named-graph-uri`` replace the dataset.
    """
    form = ""
    try:
        import pyoxigraph as ox

        from ..store import syntax_error, vet_query

        protocol_dataset = bool(job.default_graphs or job.named_graphs)
        form = vet_query(job.text, None if protocol_dataset else known_graphs)
        fmt_name = media_type = ""
        if form:  # negotiated before evaluation, as rdflib's path does
            fmt_name, media_type = choose_format(form, job.accept, job.format)
        kwargs: dict[str, Any] = {}
        if protocol_dataset:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        try:
            answer = store.query(job.text, prefixes=_OX_PREFIXES, base_iri=job.base, **kwargs)
        except SyntaxError as exc:
            raise syntax_error(job.text, exc, job.base) from None
        actual = _ox_form(answer, ox, form)
        if actual != form:
            form = actual
            fmt_name, media_type = choose_format(form, job.accept, job.format)
        reply = _ox_reply(answer, ox, form, fmt_name, job.max_rows)
        reply.media_type = media_type
        reply.form = form
        return reply
    except Exception as exc:  # every failure becomes a status and a message, never a traceback
        return failure_reply(exc, form)


_OX_PREFIXES = {k: str(v) for k, v in PREFIXES.items()}


def _ox_form(answer: Any, ox: Any, lexical: str) -> str:
    if isinstance(answer, ox.QueryBoolean):
        return "ASK"
    if isinstance(answer, ox.QuerySolutions):
        return "SELECT"
    return lexical if lexical in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT"


def _ox_reply(answer: Any, ox: Any, form: str, fmt_name: str, max_rows: int) -> Reply:
    """Cap, count and serialise an Oxigraph answer: JSON results and N-Triples, Turtle and
    RDF/XML graphs straight from Oxigraph's terms (:mod:`.oxresults`), the rest as rdflib's
    path writes them."""
    from .oxresults import GRAPH_WRITERS, graph_bytes, select_json

    headers: dict[str, str] = {}
    if form == "ASK":
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return Reply(200, _serialise_result(result, fmt_name), headers=headers)
    if form == "SELECT":
        names = [v.value for v in answer.variables]
        rows = list(itertools.islice(answer, max_rows + 1))
        if len(rows) > max_rows:
            rows = rows[:max_rows]
            headers[TRUNCATED_HEADER] = f"true; max-rows={max_rows}"
        headers[ROWS_HEADER] = str(len(rows))
        if fmt_name == "json":
            return Reply(200, select_json(names, rows), headers=headers)
        return Reply(200, _serialise_result(_rdflib_rows(names, rows), fmt_name), headers=headers)
    triples: dict[Any, None] = {}  # distinct, in order
    for t in answer:
        triples[t] = None
        if len(triples) > max_rows:
            break
    kept = list(triples)
    if len(kept) > max_rows:
        kept = kept[:max_rows]
        headers[TRUNCATED_HEADER] = f"true; max-rows={max_rows}"
    headers[ROWS_HEADER] = str(len(kept))
    if fmt_name in GRAPH_WRITERS:
        return Reply(200, graph_bytes(kept, fmt_name), headers=headers)
    from ..oxterms import from_oxigraph

    graph = Graph()
    for t in kept:
        graph.add((from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)))
    return Reply(200, serialise_graph(graph, fmt_name), headers=headers)


def _rdflib_rows(names: list[str], rows: list[Any]) -> Result:
    from rdflib import Variable

    from ..oxterms import from_oxigraph

    result = Result("SELECT")
    result.vars = [Variable(n) for n in names]
    result.bindings = [
        {Variable(n): from_oxigraph(row[n]) for n in names if row[n] is not None} for row in rows
    ]
    return result


# --- serialisation -------------------------------------------------------------------------------


def _serialise_result(result: Result, fmt_name: str) -> bytes:
    """SELECT/ASK results as ``bgraph query`` writes them (one implementation)."""
    from ..query import format_results

    return format_results(result, formats.result_format(fmt_name), None).encode("utf-8")  # type: ignore[arg-type]


def serialise_graph(graph: Graph, fmt_name: str) -> bytes:
    """A graph as ``bgraph export`` writes it: deterministic, JSON-LD with bgraph's context."""
    from ..export import serialize_graph

    return serialize_graph(graph, formats.rdf_format(fmt_name)).encode("utf-8")
