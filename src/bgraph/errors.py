"""bgraph's exceptions and exit codes. The CLI and the server map these at the edges."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any


class ExitCode(IntEnum):
    """Process exit codes, as httpie does: one meaning each, tested."""

    OK = 0  # success; for `validate`, the data conforms
    FAILURE = 1  # the command ran and found a problem (e.g. SHACL violations) or an input error
    USAGE = 2  # bad command line: unknown option or format, query syntax error, unknown query name


class BgraphError(Exception):
    """Base class: a problem bgraph reports as one clear message, without a traceback."""

    exit_code: ExitCode = ExitCode.FAILURE
    http_status: int = 400
    retry_after: int | None = None  #: seconds, sent as Retry-After (with a 503)


class HttpError(BgraphError):
    """A request the server refuses with ``status`` (400 unless given) and a message: a bad
    parameter, a protocol violation, nothing found (404), no acceptable format (406), a too
    large body (413). Every server module raises it (or another BgraphError), and
    :func:`bgraph.server.app.bgraph_error` alone turns it into a response. It pickles with its
    status: a query worker sends any BgraphError back to the server as one."""

    def __init__(self, message: str, status: int = 400, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.http_status = status
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.http_status, self.retry_after))


class InputError(BgraphError):
    """A file that cannot be read or parsed."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.detail = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class UsageError(BgraphError):
    """A bad option, format or argument."""

    exit_code = ExitCode.USAGE


class FormatCannotCarryError(BgraphError):
    """Data a format cannot write: RDF 1.2 triple terms or base directions in JSON-LD (406 at
    the endpoint: ask for another format)."""

    http_status = 406

    def __init__(self, format_name: str) -> None:
        super().__init__(
            f"{format_name} cannot carry this data: it holds RDF 1.2 triple terms (<<( s p o )>>)"
            ' or base directions ("…"@en--ltr); write Turtle, TriG, N-Triples, N-Quads or '
            "RDF/XML instead"
        )


class QuerySyntaxError(UsageError):
    """A SPARQL query that does not parse."""


class UnknownFormatError(UsageError):
    """A format name that the format table does not know."""


class UnsafeQueryError(UsageError):
    """A query that would reach outside the dataset (SERVICE, a FROM naming a graph not held):
    refused before any evaluation (400, like the rest of the query's client errors)."""


class UpdateRefusedError(UnsafeQueryError):
    """SPARQL Update (INSERT, DELETE, LOAD, CLEAR…): bgraph's data is read-only (403)."""

    http_status = 403


class ServiceRefusedError(UnsafeQueryError):
    """A query with SERVICE: bgraph never sends queries to other endpoints (400)."""


class ForeignGraphError(UnsafeQueryError):
    """FROM / FROM NAMED of a graph this dataset does not hold; bgraph never fetches one (400)."""
