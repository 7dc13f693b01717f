"""HTTP content negotiation (RFC 9110 section 12.5.1): pick one of the offered media types;
:func:`choose`, the one entry point of every route, with ``format=`` and the format table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from ..errors import HttpError
from ..formats import Format, RdfFormat, named


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...] = ()

    def matches(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: -1 no match, 0 */*, 1 t/*, 2 t/s."""
        mtype, _, msub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != mtype:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == msub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are ignored, as browsers do."""
    ranges: list[MediaRange] = []
    for item in (header or "").split(","):
        parts = [p.strip() for p in item.split(";")]
        mtype, sep, subtype = parts[0].lower().partition("/")
        if not sep or not mtype or not subtype:
            continue
        q = 1.0
        params: list[tuple[str, str]] = []
        for param in parts[1:]:
            key, _, value = param.partition("=")
            key = key.strip().lower()
            if key == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
            elif key:
                params.append((key, value.strip().strip('"')))
        ranges.append(MediaRange(mtype, subtype, q, tuple(params)))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q-value the client gives ``media_type``: that of the most specific matching range."""
    best, q = -1, 0.0
    for r in ranges:
        spec = r.matches(media_type)
        if spec > best:
            best, q = spec, r.q
    return q if best >= 0 else 0.0


#: Accept headers up to this length have their answers kept (a client sends the same one with
#: every request; a longer one, rare and maybe hostile, is read each time).
_CACHED_ACCEPT = 512


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers; ties go to the server's order (``offered``).

    No Accept header (or an empty one) means the first offered type. None: nothing acceptable.
    """
    if not offered:
        return None
    if accept is None or len(accept) <= _CACHED_ACCEPT:
        return _negotiate_cached(accept, tuple(offered))
    return _negotiate(accept, offered)


@lru_cache(maxsize=1024)
def _negotiate_cached(accept: str | None, offered: tuple[str, ...]) -> str | None:
    return _negotiate(accept, offered)


def _negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    scored = [(quality(ranges, m), -i, m) for i, m in enumerate(offered)]
    q, _, media_type = max(scored)
    return media_type if q > 0 else None


def choose(
    accept: str | None,
    offered: Sequence[Format],
    given: Sequence[str] | str | None = (),
    what: str = "this document",
    fallback: Format | None = None,
) -> tuple[Format, str]:
    """THE content negotiation of every route: the format to answer with (one of ``offered``,
    formats of :mod:`bgraph.formats`, in the server's order of preference) and the media type
    to label the answer with.

    ``given``, the values of the ``format`` (and, at ``/sparql``, ``output``) parameters, wins
    over Accept: each a name, alias or media type of an offered format
    (:func:`bgraph.formats.named`); repeated values, and the parts of a comma-separated value,
    must name the same one; empty ones are ignored (SPARQLWrapper sends
    ``format=json-ld&format=application/ld+json,application/x-json+ld``). It is labelled with
    the format's own media type. A value naming no offered format: HttpError 400.

    Else Accept picks among the offered formats' media types, then their ``accept_aliases``
    (``text/n3`` for Turtle, ``text/plain`` for N-Triples), labelled as asked. Nothing
    acceptable: ``fallback``, else HttpError 406. ``what``: the answer, for messages.
    """
    values = (given,) if isinstance(given, str) else given or ()
    asked = [v.strip() for value in values for v in value.split(",") if v.strip()]
    if asked:
        return _given(asked, offered, what)
    media_types, by_type = _offers(tuple(offered))
    media_type = negotiate(accept, media_types)
    if media_type is not None:
        return by_type[media_type], media_type
    if fallback is not None:
        return fallback, fallback.media_type
    raise HttpError(
        f"none of the accepted media types ({accept}) can carry {what}; "
        f"available: {', '.join(media_types)}",
        406,
    )


@cache
def _offers(offered: tuple[Format, ...]) -> tuple[tuple[str, ...], dict[str, Format]]:
    by_type: dict[str, Format] = {}
    for f in offered:
        for media_type in f.media_types:
            by_type.setdefault(media_type, f)
    for f in offered:
        for media_type in f.accept_aliases:
            by_type.setdefault(media_type, f)
    return tuple(by_type), by_type


def _given(asked: list[str], offered: Sequence[Format], what: str) -> tuple[Format, str]:
    chosen = {v: named(v, offered) for v in asked}
    names = ", ".join(f.name for f in offered)
    for value, fmt in chosen.items():
        if fmt is None:
            if named(value) is not None:
                message = f"format={value!r} does not apply to {what}; use one of: {names}"
            else:
                kind = "RDF " if any(isinstance(f, RdfFormat) for f in offered) else ""
                message = f"unknown {kind}format {value!r}; use one of: {names}"
            raise HttpError(message)
    found = set(chosen.values())
    if len(found) > 1:
        listed = ", ".join(f"{v!r}" for v in asked)
        raise HttpError(f"the format/output parameters name different formats ({listed}); send one")
    fmt = found.pop()
    assert fmt is not None
    return fmt, fmt.media_type
