"""Evaluate a vetted query with Oxigraph, as SPARQL answers it where Oxigraph refuses a valid one.

The one evaluator of every local query: the endpoint's workers (:mod:`bgraph.server.engine`) and
``bgraph query`` (:func:`bgraph.store.query_store`).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pyoxigraph as ox

from ..errors import UsageError
from ..iris import PREFIXES
from .syntax import syntax_error

#: Oxigraph reads LIMIT and OFFSET as 64-bit: a larger (valid) integer means "all" / "none".
_U64_MAX = 2**64 - 1
_UNKNOWN_FUNCTION = re.compile(r"The custom function <([^>]*)> is not supported")


def evaluate(store: Any, text: str, base: str | None, kwargs: dict[str, Any]) -> Any:
    """``store.query``, with SPARQL's answer where Oxigraph refuses a valid query: a call of an
    unknown extension function is an expression error (SPARQL 1.1, 17.6: the BIND leaves the
    variable unbound, the FILTER is false) rather than a failed query, and a LIMIT or OFFSET
    past 2^64 - 1 is read as that number (the same answer on any store)."""
    functions: dict[Any, Any] = {}
    for _ in range(32):
        try:
            return store.query(text, prefixes=PREFIXES, base_iri=base, **kwargs)
        except SyntaxError as exc:
            wider = _clamp_limits(text) if "should be a non negative integer" in str(exc) else None
            if wider is None or wider == text:
                raise syntax_error(text, exc) from None
            text = wider
        except RuntimeError as exc:
            unknown = _UNKNOWN_FUNCTION.search(str(exc))
            if unknown is None or len(functions) >= 16:
                raise
            functions[ox.NamedNode(unknown.group(1))] = _no_value
            kwargs = {**kwargs, "custom_functions": functions}
    raise UsageError("the query calls too many unknown functions")


def _no_value(*_args: Any) -> None:
    """An extension function this endpoint does not know: an error, so no value (SPARQL 17.6)."""
    return None


def _clamp_limits(text: str) -> str | None:
    """The query with every LIMIT/OFFSET integer larger than 2^64 - 1 written as 2^64 - 1."""
    from .guard import tokenize

    out, last, tokens = [], 0, tokenize(text)
    for previous, token in itertools.pairwise(tokens):
        _kind, value, start, end = token
        if previous[1].upper() in ("LIMIT", "OFFSET") and value.isdigit():
            if int(value) > _U64_MAX:
                out += [text[last:start], str(_U64_MAX)]
                last = end
    return "".join([*out, text[last:]]) if out else None
