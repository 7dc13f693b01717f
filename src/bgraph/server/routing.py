"""Routes as plain Starlette: a module lists its routes in a :class:`Routes` (``@routes.get``),
and reads its query parameters with :func:`query_int` (a clear 400 for a bad value; the
pictures' routes too, in a query worker)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from starlette.routing import BaseRoute, Route

from ..errors import HttpError

_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")


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
    params: Mapping[str, str], name: str, default: int, lo: int | None = None, hi: int | None = None
) -> int:
    """The integer query parameter ``name`` of ``params`` (a request's ``query_params``; ``default``
    when absent); HttpError (400) when it is not an integer or is out of [lo, hi]."""
    text = params.get(name)
    if text is None:
        return default
    digits = text.strip()
    if not _INTEGER.fullmatch(digits):
        raise HttpError(
            f"invalid request parameters: query.{name}: {text[:40]!r} is not an integer"
        )
    value = int(digits)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f"from {lo}" if hi is None else f"up to {hi}" if lo is None else f"{lo}-{hi}"
        raise HttpError(f"invalid request parameters: query.{name}: {value} is not {bounds}")
    return value
