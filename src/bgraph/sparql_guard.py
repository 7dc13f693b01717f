"""SPARQL that never leaves the machine: parse, vet and fence queries before rdflib runs them.

rdflib evaluates ``SERVICE <url>`` with urlopen and can fetch the IRIs of ``FROM``/``FROM NAMED``
(SSRF); SPARQL Update can ``LOAD`` URLs and change the store. bgraph is read-only and offline, so:

- :func:`check_query` parses a query (with bgraph's prefixes) and refuses updates, ``SERVICE``
  and any ``FROM``/``FROM NAMED`` that is not one of the dataset's own graphs, before any
  evaluation;
- :func:`install` is the engine-level second layer: ``SPARQL_LOAD_GRAPHS = False`` (rdflib never
  loads a ``FROM`` IRI) and a ``CUSTOM_EVALS`` hook that raises on any ``ServiceGraphPattern``;
- :func:`no_network` is the third layer: a process audit hook that, inside the block, refuses
  every socket connection or URL request (``block_network`` turns it on for a whole process).

The CLI and the server share this module; its errors are :class:`BgraphError` subclasses.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import sys
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from pyparsing import ParseBaseException
from rdflib import URIRef
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

from .errors import QuerySyntaxError, UnsafeQueryError, UpdateRefusedError

_HOOK_NAME = "bgraph_no_service"
_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix\s*:\s*(\S*)")
_NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.sendto",
        "socket.sendmsg",
        "urllib.Request",
        "http.client.connect",
    }
)
_network_blocked: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "bgraph_network_blocked", default=False
)
_process_blocked = False
_audit_hook_added = False


class NetworkRefusedError(UnsafeQueryError):
    """Something tried to open a network connection while queries were fenced off."""


def install() -> None:
    """Configure rdflib's engine so that no query can fetch anything. Idempotent."""
    import rdflib.plugins.sparql as sparql

    sparql.SPARQL_LOAD_GRAPHS = False
    sparql.CUSTOM_EVALS[_HOOK_NAME] = _refuse_service
    _add_audit_hook()


def _refuse_service(_ctx: Any, part: CompValue) -> Any:
    if part.name == "ServiceGraphPattern":
        raise UnsafeQueryError(_service_message(part))
    raise NotImplementedError  # rdflib: "not mine, evaluate as usual"


def _service_message(part: CompValue) -> str:
    term = part.get("term")
    where = f" <{term}>" if isinstance(term, URIRef) else ""
    return f"SERVICE{where} is not allowed: bgraph never sends queries to other endpoints"


def check_query(
    text: str,
    init_ns: Mapping[str, Any] | None = None,
    known_graphs: Collection[URIRef] | None = (),
    base: str | None = None,
) -> Query:
    """Parse and vet ``text``; return the translated query, ready for ``graph.query``.

    Raises QuerySyntaxError (with line and column) when it does not parse, UpdateRefusedError
    for SPARQL Update, UnsafeQueryError for SERVICE or a FROM/FROM NAMED naming a graph that is
    not in ``known_graphs`` (bgraph never fetches one). ``known_graphs=None`` skips that last
    check, for a caller that vets the query again once its dataset is loaded.
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if not text.strip():
        raise QuerySyntaxError("empty query")
    try:
        tree = parseQuery(text)
    except ParseBaseException as exc:
        if _is_update(text, parseUpdate):
            raise UpdateRefusedError(
                "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) is not allowed: "
                "bgraph's data is read-only"
            ) from None
        raise QuerySyntaxError(syntax_message(text, exc)) from None
    except RecursionError:
        raise QuerySyntaxError("query is nested too deeply to parse") from None
    try:
        query = translateQuery(tree, base=base, initNs=dict(init_ns or {}))
    except ParseBaseException as exc:
        raise QuerySyntaxError(syntax_message(text, exc)) from None
    except Exception as exc:  # rdflib raises bare Exception for an unknown prefix, etc.
        message = str(exc).strip() or type(exc).__name__
        if unknown := _UNKNOWN_PREFIX.match(message):
            known = ", ".join(f"{p}:" for p in sorted(init_ns or {}))
            message = f"unknown prefix {unknown.group(1)!r}: declare it with PREFIX"
            message += f" (predeclared: {known})" if known else ""
        raise QuerySyntaxError(message) from None
    if known_graphs is not None:
        _check_dataset_clause(query, known_graphs)
    service = _find(query.algebra, "ServiceGraphPattern")
    if service is not None:
        raise UnsafeQueryError(_service_message(service))
    return query


def _is_update(text: str, parse_update: Any) -> bool:
    try:
        parse_update(text)
    except Exception:
        return False
    return True


def syntax_message(text: str, exc: ParseBaseException) -> str:
    """The parser's message with its position, and the offending line with a caret."""
    line_no, col = exc.lineno, exc.col
    lines = text.splitlines() or [""]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    found = ""
    if exc.loc < len(text):
        token = text[exc.loc :].split(None, 1)
        found = f", found {token[0][:30]!r}" if token else ""
    message = exc.msg.replace("\n", " ")
    caret = " " * max(col - 1, 0) + "^"
    return f"syntax error at line {line_no}, column {col}: {message}{found}\n  {line}\n  {caret}"


def _check_dataset_clause(query: Query, known_graphs: Collection[URIRef]) -> None:
    clauses = query.algebra.get("datasetClause") or []
    known = set(known_graphs)
    for clause in clauses:
        # CompValue.get returns the key itself when missing: read it as a plain dict
        default = dict.get(clause, "default")
        iri = default if default is not None else dict.get(clause, "named")
        keyword = "FROM" if default is not None else "FROM NAMED"
        if iri not in known:
            raise UnsafeQueryError(
                f"{keyword} <{iri}> is not a graph of this dataset, and bgraph never fetches "
                "graphs from elsewhere (query the named graphs it has, e.g. with GRAPH ?g)"
            )


def walk(node: Any) -> Iterator[CompValue]:
    """Every CompValue of an algebra or parse tree (expressions and sub-queries included)."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)


def _find(node: Any, name: str) -> CompValue | None:
    """The first algebra or parse-tree node called ``name`` below ``node``."""
    return next((item for item in walk(node) if item.name == name), None)


# --- third layer: no sockets while a query runs ------------------------------------------------


def _audit(event: str, _args: tuple[Any, ...]) -> None:
    if event in _NETWORK_EVENTS and (_process_blocked or _network_blocked.get()):
        raise NetworkRefusedError(
            f"network access ({event}) refused: bgraph never goes online while answering"
        )


def _add_audit_hook() -> None:
    global _audit_hook_added
    if not _audit_hook_added:
        sys.addaudithook(_audit)
        _audit_hook_added = True


@contextlib.contextmanager
def no_network() -> Iterator[None]:
    """Inside this block (this thread or task), any socket connection or URL request raises."""
    _add_audit_hook()
    token = _network_blocked.set(True)
    try:
        yield
    finally:
        _network_blocked.reset(token)


def block_network() -> None:
    """Refuse network access for the rest of this process (e.g. in a query worker)."""
    global _process_blocked
    _add_audit_hook()
    _process_blocked = True
