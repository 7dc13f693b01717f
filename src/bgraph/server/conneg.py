"""HTTP content negotiation (RFC 9110 section 12.5.1): pick one of the offered media types."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache


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


def rdf_offers(names: Sequence[str]) -> list[tuple[str, str]]:
    """(media type, format name) for RDF formats of the format table, in ``names``' order, then
    the media types clients send for N3 and plain text (answered with Turtle and N-Triples:
    :data:`bgraph.formats.GRAPH_ACCEPT_ALIASES`) for the formats among ``names``."""
    from .. import formats

    offers = [(mt, name) for name in names for mt in formats.rdf_format(name).media_types]
    return offers + [(mt, name) for mt, name in formats.GRAPH_ACCEPT_ALIASES if name in names]
