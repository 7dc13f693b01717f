"""The query guard: read SPARQL as its grammar's terminals do, then refuse what must never run.

:func:`check_query` tokenises the whole query with one regular expression built from the
terminals of the SPARQL 1.1 grammar (https://www.w3.org/TR/sparql11-query/#grammar): comments
run from ``#`` to the next CR or LF; IRIREF; PNAME_NS / PNAME_LN with PLX escapes (``%XX`` and
backslash escapes) in local names; BLANK_NODE_LABEL; VAR1 / VAR2; the four string forms with
their ECHAR escapes; LANGTAG; numbers; punctuation; keywords (case-insensitive) and ``a``. A
character that no terminal accepts makes the query a syntax error: the guard never guesses.

On the tokens it refuses SERVICE (anywhere), SPARQL Update, FROM / FROM NAMED of a graph the
dataset does not hold, nesting deeper than :data:`MAX_DEPTH` and more than :data:`MAX_TOKENS`
tokens; it returns the query form.

The grammar is not the whole story: the engine behind the guard is Oxigraph, whose parser
(a PEG) reads keywords **without a word boundary** and decides between some terminals by
context. Measured on pyoxigraph 0.5 against a loopback listener, each of these runs a SERVICE
call: ``SERVICESILENT<…>{}``, ``?s ?p trueSERVICE<…>{}`` (``true`` then SERVICE),
``service:x {}`` (SERVICE then the prefixed name ``:x``, even when ``service:`` is declared),
``SERVICEex:x {}``; ``FROMNAMED<…>`` and ``FROM:g`` are FROM clauses. So, beyond the grammar:

- a keyword, language tag, or variable glued to a path (``:p?x``, which Oxigraph may read as
  the path modifier ``?`` then ``x``) that *contains* ``SERVICE`` in any case is refused, and so
  is a prefixed name whose prefix contains it when ``{`` follows (``service:x {``); local names
  (``ex:SERVICE``), strings, IRIs, ``?service`` and ``?s service:p ?o`` are not;
- a word or prefix that *starts with* an update keyword (INSERT, DELETE, LOAD, CLEAR, CREATE,
  DROP, COPY, MOVE, ADD, WITH, USING) is refused as an update;
- ``FROM`` glued to ``NAMED`` or to a prefixed name is read as Oxigraph reads it;
- inside an expression's parentheses, ``<`` after an operand may be the less-than operator,
  not the start of an IRI (``FILTER(?a<'x>')…``): when that second reading does not end where
  the IRI ends (a string or comment would start inside it) the query is refused as ambiguous;
- ``\\u`` escapes (which Oxigraph decodes in strings and IRIs, and the SPARQL text says to decode
  everywhere before parsing) may not spell a delimiter (quote, backslash, ``<`` ``>``, line end)
  or a line end inside a comment, so that both readings agree.

The guard is a first, fast layer: the query workers also run without network
(:mod:`bgraph.sandbox`), enforced by the kernel.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import cache, lru_cache
from typing import NamedTuple

from ..errors import (
    ForeignGraphError,
    QuerySyntaxError,
    ServiceRefusedError,
    UpdateRefusedError,
)

#: Oxigraph's parser and planner recurse: a query nested deeper, or longer, than this is refused
#: (past a few thousand levels they overflow the stack and the process dies).
MAX_DEPTH = 64
MAX_TOKENS = 100_000

FORMS = ("CONSTRUCT", "DESCRIBE", "SELECT", "ASK")
UPDATE_KEYWORDS = (
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
    "USING",
)

# --- the terminals ------------------------------------------------------------------------------
# The name classes hold most of Unicode: compiling them costs ~70 ms a pattern (the re module
# walks every character of their ranges). An ASCII text reads the same with their ASCII part
# only, so that cheap pattern (~2 ms) serves ASCII queries and the full one is compiled on the
# first query with a non-ASCII character (:func:`_terminals`).

_NON_ASCII_BASE = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NON_ASCII_CHARS = "\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"  # [170]-[173]
# UCHAR: Oxigraph decodes \uXXXX and \UXXXXXXXX in strings and IRIs (the SPARQL text decodes
# them before parsing); accepted there and checked in _check_escapes.
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"\\[tbnrf\\\"']|" + _UCHAR  # [160]
_EXP = "[eE][+-]?[0-9]+"  # [155]


def _pieces(unicode: bool) -> dict[str, str]:
    """The terminals by name; ``unicode=False``: the name classes' ASCII part only (which reads
    an ASCII text exactly as the full classes do)."""
    base = "A-Za-z" + (_NON_ASCII_BASE if unicode else "")  # [164] PN_CHARS_BASE
    extra = _NON_ASCII_CHARS if unicode else ""
    u = base + "_"  # [165] PN_CHARS_U
    chars = u + "\\-0-9" + extra  # [167] PN_CHARS
    varname = f"[{u}0-9][{u}0-9{extra}]*"  # [166]
    pn_prefix = f"[{base}](?:[{chars}.]*[{chars}])?"  # [168]
    pn_local = f"(?:[{u}:0-9]|{_PLX})(?:(?:[{chars}.:]|{_PLX})*(?:[{chars}:]|{_PLX}))?"  # [169]
    return {
        "ws": r"[ \t\r\n]+",  # [162] WS
        "comment": r"\#[^\r\n]*",  # comments end at CR or LF
        "iri": rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>",  # [139] IRIREF
        "s": (  # [158], [159], [156], [157]: the long forms first
            rf"'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''"
            rf'|"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*"""'
            rf"|'(?:[^'\\\n\r]|{_ECHAR})*'"
            rf'|"(?:[^"\\\n\r]|{_ECHAR})*"'
        ),
        # [145] LANGTAG, with SPARQL 1.2's base direction (Oxigraph reads "a"@en--ltr)
        "lang": r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?",
        "var": rf"[?$]{varname}",  # [143] VAR1, [144] VAR2
        "bnode": rf"_:[{u}0-9](?:[{chars}.]*[{chars}])?",  # [142]
        "pn": rf"(?:{pn_prefix})?:(?:{pn_local})?",  # [140] PNAME_NS, [141] PNAME_LN
        # [146]-[148]: DOUBLE, DECIMAL, INTEGER (signs are punctuation here)
        "num": rf"[0-9]+\.[0-9]*{_EXP}|\.[0-9]+{_EXP}|[0-9]+{_EXP}|[0-9]*\.[0-9]+|[0-9]+",
        "word": r"[A-Za-z][A-Za-z0-9_]*",  # keywords, built-in function names, a, true, false
        "p": r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*/+\-!=<>^|?~]",
        "err": r"[\s\S]",
    }


@cache
def _terminals(unicode: bool, iri: bool = True) -> re.Pattern[str]:
    """One pattern of every terminal (``iri=False``: without IRIREF, how the text after ``<``
    reads when ``<`` is less-than); ``unicode``: with the full name classes, for a text that is
    not ASCII."""
    pieces = _pieces(unicode)
    return re.compile("|".join(f"(?P<{k}>{v})" for k, v in pieces.items() if iri or k != "iri"))


_SKIP = frozenset({"ws", "comment"})
_OPEN, _CLOSE = frozenset("{(["), frozenset("})]")
#: tokens after which ``<`` can be the less-than operator (an expression's left operand ends)
_OPERAND_END = frozenset({"iri", "s", "lang", "var", "bnode", "pn", "num", "word"})
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|.)", re.S)
_COMMENT_EOL = re.compile(r"\\(?:u000[aAdD]|U0000000[aAdD])")
_BAD_IN_STRING = frozenset("'\"\\\r\n")
_PLX_ESCAPE = re.compile(r"\\(.)")

Token = tuple[str, str, int, int]  #: kind, text, start, end


def tokenize(text: str, pos: int = 0) -> list[Token]:
    """Every significant token of ``text`` from ``pos`` on (whitespace and comments left out);
    QuerySyntaxError at the first character no SPARQL terminal accepts."""
    tokens: list[Token] = []
    append = tokens.append
    for m in _terminals(not text.isascii()).finditer(text, pos):
        kind = m.lastgroup or "err"
        if kind in _SKIP:
            if kind == "comment" and "\\" in m.group() and _COMMENT_EOL.search(m.group()):
                raise QuerySyntaxError(
                    _at(text, m.start(), "a \\u escape of a line end inside a comment")
                    + " (SPARQL decodes \\u escapes before it reads comments; refused because "
                    "readers disagree on it)"
                )
            continue
        if kind == "err":
            raise QuerySyntaxError(_at(text, m.start(), f"unexpected character {m.group()!r}"))
        append((kind, m.group(), m.start(), m.end()))
    return tokens


_ABSOLUTE_IRI = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:[^\\]*>")  # a scheme, no escape


def needs_base(tokens: list[Token]) -> bool:
    """True when a query's answer may depend on the base IRI: it writes a relative IRI (or one
    with escapes, read as relative here), or calls IRI()/URI(), which resolve a string against
    it. Otherwise the base is left out: Oxigraph parses it for every query (~13 µs)."""
    for kind, value, _start, _end in tokens:
        if kind == "iri":
            if _ABSOLUTE_IRI.fullmatch(value) is None:
                return True
        elif kind == "word" and value.upper() in ("IRI", "URI"):
            return True
    return False


#: A prologue of plain PREFIX declarations (keyword, prefix name, an IRI without escapes),
#: which clients send before every query: it is read once per distinct prologue and base
#: (:func:`_plain_prologue`). It ends with an IRI's ``>``, where no token can run on into the
#: text that follows, so the text's tokens are the prologue's and then those of the rest; and
#: none of its tokens is one the guard refuses or that changes how it reads what follows.
_PLAIN_PROLOGUE = re.compile(
    r"(?:[ \t\r\n]*(?i:PREFIX)[ \t\r\n]+(?:[A-Za-z](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?:"
    r"[ \t\r\n]*<[^<>\"{}|^`\\\x00-\x20]*>)+"
)
#: characters at most: 32 cached prologues of short declarations take ~6 MB at worst (a
#: client's usual block is under 1 KiB; a longer one is read with the query)
_CACHED_PROLOGUE = 4 * 1024


class _Prologue(NamedTuple):
    tokens: tuple[Token, ...]
    prefixes: tuple[tuple[str, str], ...]  #: as declared, resolved against the base


_NO_PROLOGUE = _Prologue((), ())


def _plain_prologue(text: str, base: str | None) -> tuple[_Prologue, int]:
    """The plain PREFIX prologue ``text`` starts with (maybe none), and where it ends."""
    found = _PLAIN_PROLOGUE.match(text)
    if found is None or found.end() > _CACHED_PROLOGUE:
        return _NO_PROLOGUE, 0
    return _read_prologue(found.group(), base), found.end()


@lru_cache(maxsize=32)
def _read_prologue(prologue: str, base: str | None) -> _Prologue:
    tokens = tokenize(prologue)
    scope = _Scope({}, base)
    _prologue(tokens, scope)
    return _Prologue(tuple(tokens), tuple(scope.prefixes.items()))


def _at(text: str, pos: int, what: str) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"syntax error at line {line}, column {column}: {what}"


# --- the check ----------------------------------------------------------------------------------


def check_query(
    text: str,
    known_graphs: Collection[str] | None,
    *,
    prefixes: Mapping[str, str] | None = None,
    base: str | None = None,
) -> str:
    """Vet a SPARQL query before any engine sees it; return its form (SELECT, ASK, CONSTRUCT
    or DESCRIBE). :func:`read_query` says what is refused."""
    return read_query(text, known_graphs, prefixes=prefixes, base=base)[0]


def read_query(
    text: str,
    known_graphs: Collection[str] | None,
    *,
    prefixes: Mapping[str, str] | None = None,
    base: str | None = None,
) -> tuple[str, list[Token]]:
    """:func:`check_query`'s form, and the query's tokens (for a caller that reads the query
    again: it need not tokenize it twice).

    Raises :class:`~bgraph.errors.QuerySyntaxError` (400) for text that is not made of SPARQL
    tokens, has no query form, or is nested deeper than :data:`MAX_DEPTH` / longer than
    :data:`MAX_TOKENS` tokens; :class:`~bgraph.errors.ServiceRefusedError` (400) for SERVICE;
    :class:`~bgraph.errors.UpdateRefusedError` (403) for SPARQL Update;
    :class:`~bgraph.errors.ForeignGraphError` (400) for FROM / FROM NAMED of an IRI not in
    ``known_graphs``. ``known_graphs=None`` skips that last check (the SPARQL protocol's
    ``default-graph-uri`` / ``named-graph-uri`` replace the query's FROM clauses). Prefixed
    names in FROM are expanded with the query's PREFIX declarations over ``prefixes``, and
    relative IRIs resolved against BASE over ``base``.
    """
    if not text.strip():
        raise QuerySyntaxError("empty query")
    head, end = _plain_prologue(text, base)
    tokens = [*head.tokens, *tokenize(text, end)]
    if len(tokens) > MAX_TOKENS:
        raise QuerySyntaxError(
            f"the query is too long: {len(tokens):,} tokens, at most {MAX_TOKENS:,} here"
        )
    scope = _Scope({**(prefixes or {}), **dict(head.prefixes)}, base)
    read = len(head.tokens)
    start = _prologue(tokens, scope, read)
    known = None if known_graphs is None else set(known_graphs)
    _scan(text, tokens, start, scope, known, read)
    return _form(text, tokens, start), tokens


class _Scope:
    __slots__ = ("base", "prefixes")

    def __init__(self, prefixes: dict[str, str], base: str | None) -> None:
        self.prefixes = prefixes
        self.base = base

    def iri(self, token_text: str) -> str:
        return resolve(self.base, _unescape_iri(token_text[1:-1]))

    def expand(self, prefix: str, local: str) -> str | None:
        namespace = self.prefixes.get(prefix)
        if namespace is None:
            return None
        return namespace + _PLX_ESCAPE.sub(r"\1", local)


def _prologue(tokens: list[Token], scope: _Scope, i: int = 0) -> int:
    """Read BASE and PREFIX declarations (also glued ones: ``PREFIXex:<…>``) from token ``i``
    on; the index of the first token after them."""
    n = len(tokens)
    while i < n:
        kind, value = tokens[i][0], tokens[i][1]
        upper = value.upper()
        if kind == "word" and upper == "BASE" and i + 1 < n and tokens[i + 1][0] == "iri":
            scope.base = scope.iri(tokens[i + 1][1])
            i += 2
            continue
        name: str | None = None
        if kind == "word" and upper == "PREFIX" and i + 1 < n and tokens[i + 1][0] == "pn":
            name, local = tokens[i + 1][1].split(":", 1)
            i += 1
        elif kind == "pn" and upper.startswith("PREFIX"):
            name, local = value[6:].split(":", 1)
        else:
            break
        if local or i + 1 >= n or tokens[i + 1][0] != "iri":
            raise QuerySyntaxError("PREFIX must be followed by a prefix name (ex:) and an <IRI>")
        scope.prefixes[name] = scope.iri(tokens[i + 1][1])
        i += 2
    return i


def _form(text: str, tokens: list[Token], start: int) -> str:
    if start < len(tokens) and tokens[start][0] in ("word", "pn"):
        upper = tokens[start][1].upper()
        for form in FORMS:
            if upper.startswith(form):
                return form
    where = tokens[start][2] if start < len(tokens) else len(text)
    raise QuerySyntaxError(_at(text, where, "expected SELECT, ASK, CONSTRUCT or DESCRIBE"))


def _scan(
    text: str,
    tokens: list[Token],
    body: int,
    scope: _Scope,
    known: set[str] | None,
    first: int = 0,
) -> None:
    """Refuse what must not run; ``body`` is the index of the first token after the prologue;
    the tokens before ``first`` are a plain prologue's (nothing in them to refuse)."""
    depth = 0
    #: open brackets: "{", "[", "(" (an expression's, where < may be less-than), "d" (data)
    stack: list[str] = []
    values_block = False  # after VALUES: its "(" lists variables, its "{" holds data rows
    prev: Token | None = tokens[first - 1] if first else None
    for i in range(first, len(tokens)):
        token = tokens[i]
        kind, value, start, _end = token
        if kind == "p":
            if value in _OPEN:
                depth += 1
                if depth > MAX_DEPTH:
                    raise QuerySyntaxError(
                        f"the query is nested too deeply (more than {MAX_DEPTH} levels)"
                    )
                if value == "(":
                    data = values_block or (bool(stack) and stack[-1] in "Vd")
                    stack.append("d" if data else "(")
                elif value == "{" and values_block:
                    stack.append("V")
                    values_block = False
                else:
                    stack.append(value)
            elif value in _CLOSE:
                depth -= 1
                if stack:
                    stack.pop()
        elif kind == "word":
            upper = value.upper()
            if "SERVICE" in upper:
                raise ServiceRefusedError(_service_message(tokens, i))
            if upper.startswith(UPDATE_KEYWORDS):
                raise UpdateRefusedError(_UPDATE_MESSAGE)
            if upper == "VALUES":
                values_block = True
            elif upper.startswith("FROM") and known is not None:
                _from_clause(tokens, i, value[4:], scope, known)
        elif kind == "pn":
            prefix = value.split(":", 1)[0].upper()
            if "SERVICE" in prefix and _opens_group(tokens, i, prev):
                raise ServiceRefusedError(_service_message(tokens, i))
            if depth == 0 and i >= body and prefix.startswith("FROM") and known is not None:
                _from_clause(tokens, i, value[4:], scope, known)
        elif kind == "var":
            glued = prev is not None and prev[3] == start and value[0] == "?"
            if glued and "SERVICE" in value.upper() and _path_end(prev):
                raise ServiceRefusedError(_service_message(tokens, i))
        elif kind == "lang":
            if "SERVICE" in value.upper():
                raise ServiceRefusedError(_service_message(tokens, i))
        elif kind == "iri":
            if "\\" in value:
                _check_escapes(text, token, '<>"{}|^`\\')
            if stack and stack[-1] == "(" and prev is not None and _operand_end(prev):
                _less_than_reading(text, token)
        elif kind == "s" and "\\" in value:
            _check_escapes(text, token, _BAD_IN_STRING)
        prev = token


def _operand_end(token: Token) -> bool:
    return token[0] in _OPERAND_END or token[1] in (")", "]")


def _opens_group(tokens: list[Token], i: int, prev: Token | None) -> bool:
    """Is the prefixed name at ``i`` followed by ``{`` (and not GRAPH's name)? Then Oxigraph may
    read ``service:x {`` as ``SERVICE :x {``."""
    after = i + 1 < len(tokens) and tokens[i + 1][1] == "{"
    return after and not (prev is not None and prev[1].upper() == "GRAPH")


def _path_end(token: Token) -> bool:
    """Could ``?`` right after this token be a path modifier (``:p?``, ``a?``, ``(…)?``)?"""
    return token[0] in ("iri", "pn", "word") or token[1] == ")"


_UPDATE_MESSAGE = (
    "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) is not allowed: bgraph's data is read-only"
)


def _service_message(tokens: list[Token], i: int) -> str:
    value = tokens[i][1]
    if value.upper() == "SERVICE":
        j = i + 1
        if j < len(tokens) and tokens[j][1].upper() == "SILENT":
            j += 1
        target = f" {tokens[j][1]}" if j < len(tokens) and tokens[j][0] in ("iri", "pn") else ""
        target = target if len(target) <= 200 else target[:200] + "…"
        return f"SERVICE{target} is not allowed: bgraph never sends queries to other endpoints"
    shown = value if len(value) <= 60 else value[:60] + "…"
    return (
        f"SERVICE is not allowed, and {shown!r} contains it: SPARQL engines read keywords "
        "without a space after them, so this may be read as SERVICE; bgraph never sends "
        "queries to other endpoints (rename the prefix or variable)"
    )


def _from_clause(tokens: list[Token], i: int, rest: str, scope: _Scope, known: set[str]) -> None:
    """Check the graph a FROM (or FROM NAMED) at ``tokens[i]`` names. ``rest`` is what the token
    holds after ``FROM`` (``NAMED``, a prefixed name, or nothing)."""
    readings: list[tuple[bool, Token | tuple[str, str]]] = []  # (named?, IRI token / pname)
    upper = rest.upper()
    kind = tokens[i][0]
    if kind == "pn":  # FROM:g, FROMex:g, FROMNAMEDex:g
        readings.append((False, ("pn", rest)))
        if upper.startswith("NAMED"):
            readings.append((True, ("pn", rest[5:])))
    elif upper == "NAMED" or upper == "":
        j = i + 1
        named = upper == "NAMED"
        if not named and j < len(tokens) and tokens[j][0] == "word":
            if tokens[j][1].upper() != "NAMED":
                raise QuerySyntaxError("FROM must be followed by NAMED or a graph IRI")
            named, j = True, j + 1
        if j >= len(tokens) or tokens[j][0] not in ("iri", "pn"):
            raise QuerySyntaxError("FROM must be followed by NAMED or a graph IRI")
        target = tokens[j]
        readings.append((named, target))
        if not named and target[0] == "pn" and target[1].upper().startswith("NAMED"):
            readings.append((True, ("pn", target[1][5:])))  # FROM NAMEDex:g, FROM named:g
    else:
        raise QuerySyntaxError(f"unexpected {tokens[i][1]!r}: FROM run into another word")
    resolved = 0
    for named, target in readings:
        if target[0] == "iri":
            iri: str | None = scope.iri(target[1])
        else:
            prefix, local = target[1].split(":", 1)
            iri = scope.expand(prefix, local)
            if iri is None:
                continue
        resolved += 1
        if iri not in known:
            keyword = "FROM NAMED" if named else "FROM"
            raise ForeignGraphError(
                f"{keyword} <{iri}> is not a graph of this dataset, and bgraph never fetches "
                "graphs from elsewhere (query the named graphs it has, e.g. with GRAPH ?g)"
            )
    if not resolved:
        shown = readings[0][1][1]
        raise QuerySyntaxError(f"unknown prefix in FROM {shown}: declare it with PREFIX")


def _less_than_reading(text: str, token: Token) -> None:
    """``?a <…>`` inside an expression: read ``<`` as less-than too. Accept only when that
    reading ends exactly where the IRI ends and holds nothing to refuse."""
    _kind, value, start, end = token
    pos = start
    pattern = _terminals(not text.isascii(), iri=False)
    while pos < end:
        m = pattern.match(text, pos)
        assert m is not None  # "err" matches any character
        kind = m.lastgroup or "err"
        if m.end() > end or kind == "err" or (kind == "p" and m.group() in "()[]{}"):
            raise QuerySyntaxError(
                _at(text, start, f"ambiguous {value[:40]!r}")
                + ": after an operand, '<' may be less-than or the start of an IRI; write "
                "'< ' for less-than, or name the IRI with a prefix"
            )
        if kind in ("word", "pn", "lang", "var") and "SERVICE" in m.group().upper():
            raise ServiceRefusedError(
                f"SERVICE is not allowed, and {value[:60]!r} contains it: bgraph never sends "
                "queries to other endpoints"
            )
        pos = m.end()


def _check_escapes(text: str, token: Token, forbidden: str | frozenset[str]) -> None:
    """Each ``\\u`` escape in a string or IRI must spell an ordinary character of it: decoding
    escapes before parsing (as the SPARQL text says) then reads the same tokens."""
    _kind, value, start, _end = token
    for m in _ESCAPE.finditer(value):
        digits = m.group(1) or m.group(2)
        if digits is None:
            continue
        code = int(digits, 16)
        char = chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""
        if not char or char in forbidden or (token[0] == "iri" and code <= 0x20):
            raise QuerySyntaxError(
                _at(text, start + m.start(), f"the escape {m.group()!r} is not accepted here")
                + " (it spells a delimiter or no character; write the character itself, or "
                "a %-escape in an IRI)"
            )


def _unescape_iri(body: str) -> str:
    if "\\" not in body:
        return body
    return _ESCAPE.sub(_decode, body)


def _decode(m: re.Match[str]) -> str:
    digits = m.group(1) or m.group(2)
    return chr(int(digits, 16)) if digits else m.group()


# --- RFC 3986 reference resolution (section 5.2), for BASE and relative FROM IRIs ---------------

_URI = re.compile(
    r"^(?:([A-Za-z][A-Za-z0-9+.\-]*):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.S
)


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def resolve(base: str | None, ref: str) -> str:
    """``ref`` resolved against ``base`` (RFC 3986 section 5.2); ``ref`` itself without a base."""
    if base is None:
        return ref
    scheme = _SCHEME.match(ref)
    if scheme is not None and "/." not in ref and not ref.startswith(".", scheme.end()):
        return ref  # absolute, with no dot segment: itself (section 5.2.2)
    r = _URI.match(ref)
    b = _URI.match(base)
    if r is None or b is None:
        return ref
    r_scheme, r_auth, r_path, r_query, r_frag = r.groups()
    b_scheme, b_auth, b_path, b_query, _ = b.groups()
    if r_scheme is not None:
        scheme, auth, path, query = r_scheme, r_auth, _remove_dots(r_path), r_query
    elif r_auth is not None:
        scheme, auth, path, query = b_scheme, r_auth, _remove_dots(r_path), r_query
    elif r_path == "":
        scheme, auth, path = b_scheme, b_auth, b_path
        query = r_query if r_query is not None else b_query
    else:
        if r_path.startswith("/"):
            path = _remove_dots(r_path)
        elif b_auth is not None and b_path == "":
            path = _remove_dots("/" + r_path)
        else:
            path = _remove_dots(b_path[: b_path.rfind("/") + 1] + r_path)
        scheme, auth, query = b_scheme, b_auth, r_query
    out = f"{scheme}:" if scheme is not None else ""
    out += f"//{auth}" if auth is not None else ""
    out += path
    out += f"?{query}" if query is not None else ""
    out += f"#{r_frag}" if r_frag is not None else ""
    return out


def _remove_dots(path: str) -> str:
    if not path.startswith(".") and "/." not in path:
        return path  # no "." or ".." segment: nothing to remove (most IRIs)
    out: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./"):
            path = path[2:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../"):
            path = path[3:]
            if out:
                out.pop()
        elif path == "/..":
            path = "/"
            if out:
                out.pop()
        elif path in (".", ".."):
            path = ""
        else:
            cut = path.find("/", 1)
            segment = path if cut < 0 else path[:cut]
            out.append(segment)
            path = "" if cut < 0 else path[cut:]
    return "".join(out)
