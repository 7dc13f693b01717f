"""Oxigraph's SPARQL parse errors, made readable: the one message for the CLI and the server."""

from __future__ import annotations

import re

from ..errors import BgraphError, QuerySyntaxError
from ..iris import PREFIXES

_WHERE = re.compile(r"error at (\d+):(\d+): ?")


def syntax_error(text: str, exc: SyntaxError) -> BgraphError:
    """An undeclared prefix by name; else where the error is (line, column, the line with a
    caret) and what Oxigraph expected there (its character classes left out)."""
    from .guard import tokenize

    declared = set(PREFIXES)
    try:
        tokens = tokenize(text)
    except BgraphError as not_even_tokens:
        return not_even_tokens
    for i, (kind, value, _start, _end) in enumerate(tokens):
        if kind != "pn":
            continue
        prefix = value.split(":", 1)[0]
        if i > 0 and tokens[i - 1][1].upper() == "PREFIX":
            declared.add(prefix)
        elif prefix not in declared:
            return QuerySyntaxError(
                f"unknown prefix {prefix!r} in {value}: declare it with PREFIX {prefix}: <…>"
            )
    message = str(exc).strip()
    match = _WHERE.match(message)
    if not match:
        return QuerySyntaxError(f"syntax error: {message.splitlines()[0] if message else '?'}")
    line_no, column = int(match.group(1)), int(match.group(2))
    lines = text.splitlines() or [""]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    expected = _expected(message[match.end() :])
    caret = f"\n  {line}\n  {' ' * max(column - 1, 0)}^" if line.strip() else ""
    where = f"syntax error at line {line_no}, column {column}"
    return QuerySyntaxError(f"{where}{': ' + expected if expected else ''}{caret}")


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
