"""THE format table: name <-> rdflib parser/serialiser <-> media types <-> file suffixes.

Every module that reads, writes or negotiates a format asks this table; nothing else
hard-codes a media type or a suffix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import UnknownFormatError


@dataclass(frozen=True)
class RdfFormat:
    name: str  #: the name users type (--format)
    rdflib: str  #: rdflib's parser/serialiser name
    media_types: tuple[str, ...]  #: first one is canonical
    suffixes: tuple[str, ...]  #: first one is canonical
    quads: bool  #: keeps named graphs
    serialiser: str | None = None  #: rdflib serialiser when it differs (deterministic Turtle)

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def suffix(self) -> str:
        return self.suffixes[0]

    @property
    def oxigraph(self) -> Any:
        """pyoxigraph's ``RdfFormat`` for it (parsers, serialisers, bulk loads)."""
        return _oxigraph_rdf(self.media_type)


@dataclass(frozen=True)
class ResultFormat:
    """A SPARQL results format (SELECT/ASK)."""

    name: str
    rdflib: str | None  #: rdflib result serialiser, None when bgraph renders it itself
    media_types: tuple[str, ...]
    suffix: str

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def oxigraph(self) -> Any:
        """pyoxigraph's ``QueryResultsFormat`` for it (None for bgraph's own table)."""
        return None if self.rdflib is None else _oxigraph_results(self.media_type)


@cache
def _oxigraph_rdf(media_type: str) -> Any:
    import pyoxigraph as ox

    return ox.RdfFormat.from_media_type(media_type)


@cache
def _oxigraph_results(media_type: str) -> Any:
    import pyoxigraph as ox

    return ox.QueryResultsFormat.from_media_type(media_type)


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat(
        "turtle", "turtle", ("text/turtle", "application/x-turtle"), (".ttl",), False, "longturtle"
    ),
    RdfFormat("trig", "trig", ("application/trig",), (".trig",), True),
    RdfFormat("nt", "nt", ("application/n-triples",), (".nt",), False),
    RdfFormat("nquads", "nquads", ("application/n-quads",), (".nq",), True),
    RdfFormat(
        "jsonld", "json-ld", ("application/ld+json", "application/json"), (".jsonld", ".json"), True
    ),
    RdfFormat("xml", "xml", ("application/rdf+xml",), (".rdf", ".owl", ".xml"), False),
)

RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", "json", ("application/sparql-results+json", "application/json"), ".srj"),
    ResultFormat("xml", "xml", ("application/sparql-results+xml", "application/xml"), ".srx"),
    ResultFormat("csv", "csv", ("text/csv",), ".csv"),
    ResultFormat("tsv", "tsv", ("text/tab-separated-values",), ".tsv"),
    ResultFormat("table", None, ("text/plain",), ".txt"),
)

_BY_NAME = {f.name: f for f in RDF_FORMATS}
_ALIASES = {"ttl": "turtle", "json-ld": "jsonld", "ntriples": "nt", "nq": "nquads", "rdfxml": "xml"}


def rdf_format(name: str) -> RdfFormat:
    """The RDF format called ``name`` (or an alias); UnknownFormatError lists valid ones."""
    key = _ALIASES.get(name.lower(), name.lower())
    try:
        return _BY_NAME[key]
    except KeyError:
        valid = ", ".join(f.name for f in RDF_FORMATS)
        raise UnknownFormatError(f"unknown RDF format {name!r}; valid formats: {valid}") from None


def result_format(name: str) -> ResultFormat:
    for f in RESULT_FORMATS:
        if f.name == name.lower():
            return f
    valid = ", ".join(f.name for f in RESULT_FORMATS)
    raise UnknownFormatError(f"unknown result format {name!r}; valid formats: {valid}")


def rdf_format_for_path(path: Path | str) -> RdfFormat:
    """Guess an RDF format from a file's suffix."""
    suffix = Path(path).suffix.lower()
    for f in RDF_FORMATS:
        if suffix in f.suffixes:
            return f
    known = ", ".join(s for f in RDF_FORMATS for s in f.suffixes)
    raise UnknownFormatError(f"{path}: cannot tell the RDF format from {suffix!r}; known: {known}")


# --- Media types of the SPARQL protocol and of web pages (the server negotiates these) ---
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
FORM = "application/x-www-form-urlencoded"
HTML_TYPES = ("text/html", "application/xhtml+xml")  #: first one is canonical
TEXT = "text/plain"
JSON = "application/json"
HTML_SUFFIX = ".html"

_W3C = "http://www.w3.org/ns/formats/"
#: W3C's IRIs for formats (https://www.w3.org/ns/formats/), by format name, for service
#: descriptions and VoID.
RDF_FORMAT_IRIS = {
    "turtle": _W3C + "Turtle",
    "trig": _W3C + "TriG",
    "nt": _W3C + "N-Triples",
    "nquads": _W3C + "N-Quads",
    "jsonld": _W3C + "JSON-LD",
    "xml": _W3C + "RDF_XML",
}
RESULT_FORMAT_IRIS = {
    "json": _W3C + "SPARQL_Results_JSON",
    "xml": _W3C + "SPARQL_Results_XML",
    "csv": _W3C + "SPARQL_Results_CSV",
    "tsv": _W3C + "SPARQL_Results_TSV",
}


# --- What clients ask for: the ``format``/``output`` parameters and extra Accept types ---------
#
# Endpoints in the wild read ``format=`` (Virtuoso) or ``output=`` (Fuseki, Joseki) as a short
# name or a media type, and clients such as SPARQLWrapper send both, with both spellings. A name
# means a results format for SELECT/ASK and a graph format for CONSTRUCT/DESCRIBE: ``json`` is
# SPARQL JSON for a SELECT and JSON-LD for a graph, ``xml`` SPARQL XML or RDF/XML; ``n3`` is
# answered with Turtle (every Turtle document is N3), ``text/plain`` with N-Triples (its media
# type before application/n-triples was registered).

_RESULT_PARAMS: dict[str, str] = {
    "json": "json",
    "srj": "json",
    "sparql-results+json": "json",
    "xml": "xml",
    "srx": "xml",
    "sparql-results+xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "tab-separated-values": "tsv",
}
_GRAPH_PARAMS: dict[str, str] = {
    "turtle": "turtle",
    "ttl": "turtle",
    "n3": "turtle",
    "rdf+n3": "turtle",
    "text/n3": "turtle",
    "text/rdf+n3": "turtle",
    "application/n3": "turtle",
    "application/turtle": "turtle",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "application/x-json+ld": "jsonld",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "text/plain": "nt",
    "xml": "xml",
    "rdf": "xml",
    "rdf+xml": "xml",
    "rdfxml": "xml",
    "application/xml": "xml",
    "trig": "trig",
    "nquads": "nquads",
    "nq": "nquads",
    "n-quads": "nquads",
}
for _f in RESULT_FORMATS:
    _RESULT_PARAMS.update(dict.fromkeys(_f.media_types, _f.name))
for _r in RDF_FORMATS:
    _GRAPH_PARAMS.update(dict.fromkeys(_r.media_types, _r.name))
_GRAPH_PARAMS["application/json"] = "jsonld"
del _f, _r

#: Media types a client may put in Accept for a graph that name no format of the table: the
#: format answered, and the media type it is labelled with (the one the client asked for).
GRAPH_ACCEPT_ALIASES: tuple[tuple[str, str], ...] = (
    ("text/n3", "turtle"),
    ("text/rdf+n3", "turtle"),
    ("application/n3", "turtle"),
    ("application/turtle", "turtle"),
    ("text/plain", "nt"),
)


def format_param(value: str, graph: bool) -> str | None:
    """The format a ``format``/``output`` value names (a short name or a media type, parameters
    and case ignored), as a results format (``graph=False``) or a graph format; None when it
    names none of that kind."""
    key = value.split(";", 1)[0].strip().lower()
    return (_GRAPH_PARAMS if graph else _RESULT_PARAMS).get(key)
