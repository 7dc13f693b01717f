"""The columns of ``SELECT *``: the query's variables in the order they first appear.

SPARQL leaves the order of ``SELECT *``'s columns to the engine; Oxigraph sorts them by name
(``?s ?p ?o`` comes back as ``o, p, s``). Readers expect the order they wrote, as Jena and
rdflib give it, so bgraph puts the columns in order of first appearance after the outer SELECT.
"""

from __future__ import annotations

from collections.abc import Sequence

from .guard import Token, tokenize

_MODIFIERS = {"DISTINCT", "REDUCED"}


def column_order(
    text: str, names: Sequence[str], tokens: Sequence[Token] | None = None
) -> list[str]:
    """``names`` (the engine's columns) reordered as the query writes them when it projects
    ``*``; unchanged otherwise (an explicit projection keeps its own order). ``tokens``: the
    query's, when the caller has them already (:func:`.guard.read_query`)."""
    if tokens is None:
        try:
            tokens = tokenize(text)
        except Exception:  # the query was answered, so it reads; never fail on the order alone
            return list(names)
    for i, (kind, value, _start, _end) in enumerate(tokens):
        if kind == "word" and value.upper() == "SELECT":
            j = i + 1
            while j < len(tokens) and tokens[j][1].upper() in _MODIFIERS:
                j += 1
            if j >= len(tokens) or tokens[j][1] != "*":
                return list(names)
            wanted = set(names)
            seen: dict[str, None] = {}
            for kind2, var, _s, _e in tokens[j + 1 :]:
                if kind2 == "var" and var[1:] in wanted:
                    seen.setdefault(var[1:], None)
            return [*seen, *(n for n in names if n not in seen)]
    return list(names)
