"""Routes as plain Starlette: a module lists its routes in a :class:`Routes` (``@routes.get``),
and reads its query parameters with :func:`query_int` (a clear 400 for a bad value)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from ..errors import BgraphError

_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")


class ParameterError(BgraphError):
    """A query parameter that does not read as its type: 400."""

    http_status = 400


class Routes(list[BaseRoute]):
    """A module's routes, in matching order. Starlette answers HEAD wherever GET is allowed."""

    def route(self, path: str, methods: tuple[str, ...] = ("GET",)) -> Callable[[Any], Any]:
        def add(endpoint: Any) -> Any:
            self.append(Route(path, endpoint, methods=list(methods)))
            return endpoint

        return add

    def get(self, path: str) -> Callable[[Any], Any]:
        return self.route(path, ("GET",))


def query_int(
    request: Request, name: str, default: int, lo: int | None = None, hi: int | None = None
) -> int:
    """The integer query parameter ``name`` (``default`` when absent); ParameterError (400) when
    it is not an integer or is out of [lo, hi]."""
    text = request.query_params.get(name)
    if text is None:
        return default
    digits = text.strip()
    if not _INTEGER.fullmatch(digits):
        raise ParameterError(
            f"invalid request parameters: query.{name}: {text[:40]!r} is not an integer"
        )
    value = int(digits)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f"from {lo}" if hi is None else f"up to {hi}" if lo is None else f"{lo}-{hi}"
        raise ParameterError(f"invalid request parameters: query.{name}: {value} is not {bounds}")
    return value
