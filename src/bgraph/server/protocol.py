"""The SPARQL 1.1 Protocol's query operation: from an HTTP request to a :class:`QueryJob`.

Strict where the protocol is (https://www.w3.org/TR/sparql11-protocol/): one ``query``, a POST
body of ``application/x-www-form-urlencoded`` or ``application/sparql-query`` in UTF-8, and
``default-graph-uri`` / ``named-graph-uri`` as the dataset. Everything else is refused with a
status and a message: updates 403 (read-only), bad requests 400, bodies over the cap 413.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import formats
from ..errors import HttpError
from .engine import QueryJob

#: Parameters naming the answer's format (a name or a media type; they override Accept):
#: ``format`` (Virtuoso) and ``output`` (Fuseki); SPARQLWrapper sends both.
FORMAT_PARAMS = ("format", "output")
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def read_only() -> HttpError:
    return HttpError(
        "SPARQL Update is not available: this endpoint is read-only (queries only)", 403
    )


@dataclass(frozen=True)
class MediaType:
    essence: str  #: type/subtype, lower case
    charset: str | None


def media_type(header: str | None) -> MediaType | None:
    if not header or not header.strip():
        return None
    essence, *params = (p.strip() for p in header.split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return MediaType(essence.lower(), charset)


def parse_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    """URL-encoded parameters, strictly: percent-escapes must decode to UTF-8."""
    try:
        raw.decode("ascii")
    except UnicodeDecodeError:
        raise HttpError(f"the {where} is not URL-encoded (non-ASCII bytes)") from None
    pairs = []
    try:
        for field in raw.split(b"&"):
            if field:
                name, _, value = field.partition(b"=")
                pairs.append((_unquote(name), _unquote(value)))
    except UnicodeDecodeError as exc:
        raise HttpError(
            f"the {where} is not valid UTF-8 once percent-decoded ({exc.reason})"
        ) from None
    return pairs


def _unquote(raw: bytes) -> str:
    """``urllib.parse.unquote_plus``, strict UTF-8, at C speed: a query with its PREFIX lines has
    hundreds of escapes, which urllib decodes one by one in Python (~0.1 ms a query)."""
    import codecs
    from urllib.parse import unquote_to_bytes

    raw = raw.replace(b"+", b" ")
    if b"%" in raw:
        try:  # %41 -> \x41 -> "A" (existing backslashes kept as they are)
            raw = codecs.escape_decode(raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]
        except ValueError:  # a malformed escape (%zz): urllib leaves it as it is
            raw = unquote_to_bytes(raw)
    return raw.decode("utf-8")


def _utf8(body: bytes, charset: str | None) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise HttpError(
            f"charset={charset} is not supported: send the query in UTF-8 (charset=utf-8)"
        )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(
            f"the request body is not valid UTF-8 (byte {exc.start}: {exc.reason})"
        ) from None


def _iris(params: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    values = tuple(v for k, v in params if k == name)
    for v in values:
        if not v or _IRI_BAD.search(v) or ":" not in v:
            raise HttpError(f"{name}={v!r} is not an absolute IRI")
    return values


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        distinct = "" if len(set(values)) == 1 else " with different values"
        raise HttpError(f"{len(values)} {name} parameters given{distinct}; send one")
    return values[0] if values else None


def build_job(
    method: str,
    query_string: bytes,
    content_type: str | None,
    body: bytes,
    accept: str | None,
    max_rows: int,
    base: str | None,
    max_bytes: int = QueryJob.max_bytes,
) -> QueryJob | None:
    """The query a protocol request asks for; None for a GET without ``query`` (describe the
    service). Raises HttpError for everything the protocol does not allow."""
    url_params = parse_params(query_string, "query string")
    names = {k for k, _ in url_params}
    if method == "GET":
        if names & set(UPDATE_PARAMS):
            raise read_only()
        query = _one(url_params, "query")
        if query is None:
            if names & {"default-graph-uri", "named-graph-uri"}:
                raise HttpError("default-graph-uri/named-graph-uri given without query")
            return None
        return _job(query, url_params, accept, max_rows, base, max_bytes)
    if method != "POST":
        raise HttpError(f"{method} is not allowed here; use GET or POST", 405)
    mt = media_type(content_type)
    if mt is None:
        raise HttpError(
            f"a POST needs a Content-Type: {formats.FORM} (query=...) or "
            f"{formats.SPARQL_QUERY} (the query as the body)"
        )
    if mt.essence == formats.SPARQL_UPDATE or names & set(UPDATE_PARAMS):
        raise read_only()
    if mt.essence == formats.FORM:
        text = _utf8(body, mt.charset)
        form = parse_params(text.encode("utf-8"), "form body") if text else []
        form_names = {k for k, _ in form}
        if form_names & set(UPDATE_PARAMS):
            if "query" in form_names:
                raise HttpError("both query and update given; send one operation")
            raise read_only()
        if "query" in names:
            raise HttpError("query given both in the URL and in the form body; send it in the body")
        query = _one(form, "query")
        if query is None:
            raise HttpError("the form body has no query parameter")
        return _job(query, url_params + form, accept, max_rows, base, max_bytes)
    if mt.essence == formats.SPARQL_QUERY:
        if "query" in names:
            raise HttpError(
                f"query given both in the URL and as the {formats.SPARQL_QUERY} body; send one"
            )
        return _job(_utf8(body, mt.charset), url_params, accept, max_rows, base, max_bytes)
    raise HttpError(
        f"Content-Type {mt.essence} is not a SPARQL query request: use {formats.FORM} "
        f"(query=...) or {formats.SPARQL_QUERY} (the query as the body)"
    )


def _job(
    query: str,
    params: list[tuple[str, str]],
    accept: str | None,
    max_rows: int,
    base: str | None,
    max_bytes: int,
) -> QueryJob:
    if not query.strip():
        raise HttpError("the query is empty")
    if "\x00" in query:
        raise HttpError("the query contains a NUL character")
    return QueryJob(
        text=query,
        accept=accept,
        format=tuple(v for k, v in params if k in FORMAT_PARAMS),
        default_graphs=_iris(params, "default-graph-uri"),
        named_graphs=_iris(params, "named-graph-uri"),
        max_rows=max_rows,
        base=base,
        max_bytes=max_bytes,
    )
