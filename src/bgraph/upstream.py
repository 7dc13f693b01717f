"""Talking to another SPARQL server: authentication, its result formats, its quirks.

Shared by ``bgraph push`` (the Graph Store requests and the count check), ``bgraph query
--endpoint`` and ``bgraph serve --endpoint`` (:mod:`bgraph.server.remote`).

- **Authentication**: HTTP basic or digest (Virtuoso's ``/sparql-graph-crud-auth`` and
  ``/sparql-auth`` want digest), or ``auto``: the scheme of the server's first challenge
  (:func:`auth_for`).
- **Answers** are read by :func:`read_results` into pyoxigraph terms: SPARQL 1.1 Results JSON
  as Virtuoso writes it too (blank nodes named ``nodeID://b10000``, which Oxigraph's parser
  refuses; ``typed-literal``; an ASK answered as a one-column SELECT of ``__ASK_RETVAL``).
- **What is sent**: :func:`vet_remote` refuses, on top of the guard
  (:func:`bgraph.sparql.guard.check_query`), what a remote engine would read differently from
  bgraph: prefixed names whose prefix neither the query nor bgraph declares (Virtuoso
  predeclares ``bif:``, ``sql:`` and dozens more) and IRIs of Virtuoso's SQL built-in
  functions (``bif:``, ``sql:``), which can reach files or the network from a query.
- **Virtuoso's datasets**: its default graph is every graph, each triple once per graph, and
  its Graph Store endpoint has no default graph; ``bgraph push`` writes the union into the
  named graph :data:`UNION_GRAPH` there, and queries name it as their default graph
  (``default-graph-uri``, :class:`Dataset`). ``GRAPH ?g`` there also ranges over that graph and
  Virtuoso's own graphs: Virtuoso's ``define input:named-graph-exclude`` would leave them out,
  but on 7.2.5 it also empties the default graph when it names the union graph, and makes
  ``COUNT(*)`` over ``GRAPH <g>`` answer 1 (measured), so bgraph does not use it; the pages
  leave those graphs out of their lists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from .errors import BgraphError, UnsafeQueryError
from .iris import PREFIXES, UNION_GRAPH

if TYPE_CHECKING:
    from .sparql.guard import Token

#: Graphs a fresh Virtuoso 7 holds for itself (its RDF views' metadata, LDP, URIQA).
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
)
#: The ones of a fresh Virtuoso 7.2, by name (for a query sent without listing the graphs).
VIRTUOSO_FRESH_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)
#: IRIs of Virtuoso's SQL built-in functions: callable from SPARQL, some read files or URLs.
_SQL_FUNCTIONS = ("bif:", "sql:", "http://www.openlinksw.com/schemas/bif#")
SELECT_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


class RemoteError(BgraphError):
    """The remote server refused, failed or could not be reached (502 when fronting it)."""

    http_status = 502


class RemoteTimeout(RemoteError):
    """The remote server did not answer in time; the request was cancelled (504)."""

    http_status = 504


# -- authentication -------------------------------------------------------------------------------


def auth_for(user: str | None, password: str | None, kind: str = "auto") -> Any:
    """An httpx auth for ``kind`` (``basic``, ``digest`` or ``auto``), or None without a user."""
    if not user:
        return None
    secret = password or ""
    if kind == "basic":
        return httpx.BasicAuth(user, secret)
    if kind == "digest":
        return httpx.DigestAuth(user, secret)
    return _AutoAuth(user, secret)


class _AutoAuth(httpx.Auth):
    """The scheme the server's first challenge names: the first request goes without
    credentials, and the answer to its 401 (digest or basic) is kept for the rest. (Virtuoso
    answers a basic attempt with a bare 401, no challenge: a basic first try would learn
    nothing.)"""

    requires_response_body = True

    def __init__(self, user: str, password: str) -> None:
        self.basic = httpx.BasicAuth(user, password)
        self.digest = httpx.DigestAuth(user, password)
        self.scheme = ""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if not self.scheme:
            response = yield request
            challenge = response.headers.get("www-authenticate", "")
            if response.status_code != 401 or not challenge:
                return
            self.scheme = "digest" if challenge.lower().startswith("digest") else "basic"
            if self.scheme == "digest":
                try:  # answer this challenge rather than ask for another one
                    self.digest._last_challenge = self.digest._parse_challenge(
                        request, response, challenge
                    )
                except (AttributeError, httpx.ProtocolError):
                    pass
        yield from (self.digest if self.scheme == "digest" else self.basic).auth_flow(request)


# -- what is sent ---------------------------------------------------------------------------------


def vet_remote(
    text: str, known_graphs: list[str] | None = None, base: str | None = None
) -> tuple[str, list[Token]]:
    """The guard (:func:`bgraph.sparql.guard.read_query`: SERVICE, updates, foreign FROM
    refused), then the checks for a remote engine; the query form and its tokens."""
    from .sparql.guard import _unescape_iri, read_query

    form, tokens = read_query(text, known_graphs, prefixes=PREFIXES, base=base)
    declared = dict(PREFIXES)
    for i, (kind, value, _start, _end) in enumerate(tokens):
        if kind == "iri":
            _refuse_sql_function(_unescape_iri(value[1:-1]))
        elif kind == "pn":
            prefix, _, local = value.partition(":")
            previous = tokens[i - 1][1].upper() if i else ""
            if previous == "PREFIX" and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
                declared[prefix] = _unescape_iri(tokens[i + 1][1][1:-1])
                continue
            if prefix not in declared:
                raise UnsafeQueryError(
                    f"the prefix {prefix}: is not declared in the query (nor one of bgraph's): "
                    "the remote engine may predeclare it differently; declare it with PREFIX"
                )
            _refuse_sql_function(declared[prefix] + local)
    return form, tokens


def _refuse_sql_function(iri: str) -> None:
    if iri.lower().startswith(_SQL_FUNCTIONS):
        raise UnsafeQueryError(
            f"<{iri}>: SQL built-in functions of the remote engine (bif:, sql:) are refused"
        )


@dataclass
class Dataset:
    """How queries name the served dataset on a remote server."""

    default_graph: str | None = None  #: sent as default-graph-uri (the union graph there)
    exclude: list[str] = field(default_factory=list)  #: Virtuoso's own graphs (not listed)
    virtuoso: bool = False

    def text(self, query: str, base: str | None = None) -> str:
        """``query`` with bgraph's prefixes (and BASE) declared first."""
        if self.virtuoso and self.default_graph:
            query = graph_constants_as_variables(query)
        head = []
        if base:
            head.append(f"BASE <{base}>")
        head += [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()]
        return "\n".join(head) + "\n" + query

    def params(self, protocol_default: tuple[str, ...] = (), protocol_named: tuple[str, ...] = ()):
        """The protocol's dataset parameters: the client's, else the union graph's."""
        if protocol_default or protocol_named:
            return [("default-graph-uri", g) for g in protocol_default] + [
                ("named-graph-uri", g) for g in protocol_named
            ]
        return [("default-graph-uri", self.default_graph)] if self.default_graph else []


#: Variables bgraph adds to a query sent to Virtuoso (left out of the answer it shows).
ADDED_VARIABLE = "bgraph_graph_"


def graph_constants_as_variables(text: str) -> str:
    """``GRAPH <g> { P }`` as ``GRAPH ?bgraph_graph_1 { P } FILTER(sameTerm(?bgraph_graph_1,
    <g>))``, the same solutions (the added variable is constant; answers drop it).

    Virtuoso 7.2.5, once a query names its default graph (``default-graph-uri``, FROM or
    ``define input:default-graph-uri``), answers nothing for ``GRAPH <g>`` while ``GRAPH ?g``
    still ranges over every graph (measured): without this, a query over bgg:facts would come
    back empty, and a "must be none" check would pass for the wrong reason."""
    from .sparql.guard import tokenize

    if ADDED_VARIABLE in text:
        raise UnsafeQueryError(f"variables named {ADDED_VARIABLE}... are reserved by bgraph")
    tokens = tokenize(text)
    edits: list[tuple[int, int, str]] = []
    count = 0
    for i, (kind, value, _start, _end) in enumerate(tokens):
        if kind != "word" or value.upper() != "GRAPH" or i + 2 >= len(tokens):
            continue
        name, brace = tokens[i + 1], tokens[i + 2]
        if name[0] not in ("iri", "pn") or brace[1] != "{":
            continue
        depth, close = 0, None
        for j in range(i + 2, len(tokens)):
            if tokens[j][0] == "p" and tokens[j][1] == "{":
                depth += 1
            elif tokens[j][0] == "p" and tokens[j][1] == "}":
                depth -= 1
                if depth == 0:
                    close = tokens[j]
                    break
        if close is None:
            continue
        count += 1
        var = f"?{ADDED_VARIABLE}{count}"
        edits.append((name[2], name[3], var))
        edits.append((close[3], close[3], f" FILTER(sameTerm({var}, {name[1]}))"))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def is_virtuoso(response: Any) -> bool:
    return "virtuoso" in response.headers.get("server", "").lower()


def probe_dataset(client: Any, url: str) -> tuple[Dataset, dict[str, int]]:
    """The graphs a SPARQL endpoint holds (IRI -> triples) and how to name bgraph's dataset
    there: its union graph when ``bgraph push`` wrote one, Virtuoso's system graphs left out."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    resp = post_query(client, url, query, SELECT_JSON)
    virtuoso = is_virtuoso(resp)
    variables, rows = read_select(resp.content)
    at_g, at_n = variables.index("g"), variables.index("n")
    sizes: dict[str, int] = {}
    for row in rows:
        g, n = row[at_g], row[at_n]
        if g is not None and n is not None:
            sizes[g.value] = int(n.value)
    exclude = [g for g in sizes if virtuoso and g.startswith(VIRTUOSO_SYSTEM_GRAPHS)]
    dataset = Dataset(UNION_GRAPH if UNION_GRAPH in sizes else None, exclude, virtuoso)
    return dataset, {g: n for g, n in sizes.items() if g not in exclude and g != UNION_GRAPH}


def quick_dataset(client: Any, url: str) -> Dataset:
    """How to name bgraph's dataset on ``url``, from one cheap question (is the union graph
    there?) rather than a count of every graph: for one query (``bgraph query --endpoint``)."""
    query = f"SELECT ?s WHERE {{ GRAPH <{UNION_GRAPH}> {{ ?s ?p ?o }} }} LIMIT 1"
    resp = post_query(client, url, query, SELECT_JSON)
    _names, rows = read_select(resp.content)
    union = UNION_GRAPH if rows else None
    if not is_virtuoso(resp):
        return Dataset(union)
    return Dataset(union, list(VIRTUOSO_FRESH_GRAPHS), virtuoso=True)


def post_query(
    client: Any,
    url: str,
    text: str,
    accept: str,
    params: list[tuple[str, str]] | None = None,
    timeout: float | None = None,
) -> Any:
    """POST a query (form-encoded, SPARQL protocol); the response, or a RemoteError.
    ``timeout``: seconds for this request (else the client's own)."""
    import httpx

    extra = {} if timeout is None else {"timeout": timeout}
    try:
        resp = client.post(
            url, data={"query": text}, params=params or None, headers={"Accept": accept}, **extra
        )
    except httpx.TimeoutException:
        within = "in time" if timeout is None else f"within {timeout:.3g} s"
        raise RemoteTimeout(f"{url} did not answer {within}") from None
    except httpx.HTTPError as exc:
        raise RemoteError(f"cannot reach {url}: {exc}") from None
    check_response(resp, url)
    return resp


def check_response(resp: Any, url: str) -> None:
    """A RemoteError for an error status, or for Virtuoso's partial ("anytime") answer."""
    if resp.status_code >= 300:
        if 400 <= resp.status_code < 500 and resp.status_code not in (401, 403, 407, 408, 429):
            raise _refused(resp, url)
        raise RemoteError(status_message(resp, url))
    state = resp.headers.get("x-sql-state")
    if state:  # Virtuoso stopped at its time limit and sent what it had
        message = resp.headers.get("x-sql-message", "")
        raise RemoteTimeout(f"{url} stopped the query at its time limit ({state} {message})")


def _refused(resp: Any, url: str) -> BgraphError:
    """The remote server refused the query itself (4xx): the client's error, reported as 400."""
    from .errors import QuerySyntaxError

    return QuerySyntaxError(
        f"the remote endpoint refused the query: {_detail(resp) or 'HTTP ' + str(resp.status_code)}"
    )


def _detail(resp: Any) -> str:
    text = resp.text.strip()
    if resp.headers.get("content-type", "").startswith("text/html"):
        text = re.sub(r"<[^>]+>", " ", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(lines)[:300]


def status_message(resp: Any, url: str) -> str:
    detail = _detail(resp)
    if resp.status_code in (401, 403):
        why = "authentication failed" if resp.status_code == 401 else "forbidden"
        return f"{url}: HTTP {resp.status_code}, {why} (check --user/--password-env/--auth)"
    return f"{url}: HTTP {resp.status_code}" + (f": {detail}" if detail else "")


# -- answers --------------------------------------------------------------------------------------

_BNODE_SAFE = re.compile(r"[^A-Za-z0-9_]")
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _term(value: dict[str, Any] | None) -> Any:
    import pyoxigraph as ox

    if value is None:
        return None
    kind = value.get("type")
    text = value.get("value", "")
    if kind == "uri":
        return ox.NamedNode(text)
    if kind == "bnode":
        label = _BNODE_SAFE.sub("_", text.removeprefix("nodeID://")) or "b"
        return ox.BlankNode(label if label[0].isalpha() else "b" + label)
    if kind in ("literal", "typed-literal"):
        language = value.get("xml:lang") or value.get("lang")
        if language:
            return ox.Literal(text, language=language)
        datatype = value.get("datatype")
        if not datatype:
            return ox.Literal(text)
        if datatype == _BOOLEAN and text in ("1", "0"):  # Virtuoso stores booleans as 1 and 0
            text = "true" if text == "1" else "false"
        return ox.Literal(text, datatype=ox.NamedNode(datatype))
    if kind == "triple":
        inner = value["value"]
        return ox.Triple(_term(inner["subject"]), _term(inner["predicate"]), _term(inner["object"]))
    raise ValueError(f"unknown term type {kind!r}")


def read_select(content: bytes) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Variables and rows (pyoxigraph terms, None when unbound) of a SPARQL JSON answer."""
    try:
        doc = json.loads(content)
        names = list(doc["head"].get("vars", []))
        rows = [
            tuple(_term(b.get(n)) for n in names)
            for b in doc.get("results", {}).get("bindings", [])
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RemoteError(
            f"not a SPARQL JSON results answer ({type(exc).__name__}: {exc})"
        ) from None
    return names, rows


def read_results(
    content: bytes, form: str
) -> tuple[str, list[str], list[tuple[Any, ...]], bool | None]:
    """(form, variables, rows, boolean) of a SPARQL JSON answer to a ``form`` query."""
    try:
        doc = json.loads(content)
    except ValueError as exc:
        raise RemoteError(f"not a SPARQL JSON results answer ({exc})") from None
    if isinstance(doc, dict) and "boolean" in doc:
        return "ASK", [], [], bool(doc["boolean"])
    names, rows = read_select(content)
    if any(n.startswith(ADDED_VARIABLE) for n in names):
        keep = [i for i, n in enumerate(names) if not n.startswith(ADDED_VARIABLE)]
        names = [names[i] for i in keep]
        rows = [tuple(r[i] for i in keep) for r in rows]
    if form == "ASK" and names == ["__ASK_RETVAL"]:  # Virtuoso 7
        return (
            "ASK",
            [],
            [],
            any(r[0] is not None and r[0].value not in ("0", "false") for r in rows),
        )
    return "SELECT", names, rows, None


def read_triples(content: bytes) -> list[Any]:
    """The triples of an N-Triples answer."""
    import pyoxigraph as ox

    try:
        return [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(content, ox.RdfFormat.N_TRIPLES)
        ]
    except (SyntaxError, ValueError) as exc:
        raise RemoteError(f"unreadable N-Triples answer ({exc})") from None
