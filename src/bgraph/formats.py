"""THE format table: name <-> media types <-> file suffixes <-> the names clients use.

Every module that reads, writes or negotiates a format asks this table; nothing else
hard-codes a media type or a suffix. Each format is one object (compared by identity):
RDF formats, SPARQL results formats, and the other files bgraph serves or draws.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import UnknownFormatError

_W3C = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True, eq=False, kw_only=True)
class Format:
    name: str  #: the name users type (--format, ?format=)
    media_types: tuple[str, ...]  #: first one is canonical
    suffixes: tuple[str, ...] = ()  #: first one is canonical
    aliases: tuple[str, ...] = ()  #: other names users type (--format, ?format=)
    #: more names and media types the ``format``/``output`` parameters may call it by
    params: tuple[str, ...] = ()
    #: media types an Accept header may ask for it by (they name no format of the table); they
    #: are offered after every format's own, and the answer is labelled with the one asked for
    accept_aliases: tuple[str, ...] = ()
    iri: str | None = None  #: W3C's IRI for it (https://www.w3.org/ns/formats/)

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def suffix(self) -> str:
        return self.suffixes[0]

    def called(self, key: str) -> bool:
        """True when ``key`` (lower case, no parameters) names this format in a ``format=``."""
        return (
            key == self.name
            or key in self.aliases
            or key in self.params
            or key in self.media_types
            or key in self.accept_aliases
        )


@dataclass(frozen=True, eq=False, kw_only=True)
class RdfFormat(Format):
    quads: bool  #: keeps named graphs
    sparql: bool = False  #: the endpoint answers CONSTRUCT/DESCRIBE in it

    @property
    def oxigraph(self) -> Any:
        """pyoxigraph's ``RdfFormat`` for it (parsers, serialisers, bulk loads)."""
        return _oxigraph_rdf(self.media_type)


@dataclass(frozen=True, eq=False, kw_only=True)
class ResultFormat(Format):
    """A SPARQL results format (SELECT/ASK)."""

    served: bool = True  #: the endpoint answers in it (False: the CLI's own table)

    @property
    def oxigraph(self) -> Any:
        """pyoxigraph's ``QueryResultsFormat`` for it (None for bgraph's own table)."""
        return _oxigraph_results(self.media_type) if self.served else None


@cache
def _oxigraph_rdf(media_type: str) -> Any:
    import pyoxigraph as ox

    return ox.RdfFormat.from_media_type(media_type)


@cache
def _oxigraph_results(media_type: str) -> Any:
    import pyoxigraph as ox

    return ox.QueryResultsFormat.from_media_type(media_type)


# Endpoints in the wild read ``format=`` (Virtuoso) or ``output=`` (Fuseki, Joseki) as a short
# name or a media type, and clients such as SPARQLWrapper send both, with both spellings. A name
# means a results format for SELECT/ASK and a graph format for CONSTRUCT/DESCRIBE (the formats
# offered decide): ``json`` is SPARQL JSON for a SELECT and JSON-LD for a graph, ``xml`` SPARQL
# XML or RDF/XML; ``n3`` is answered with Turtle (every Turtle document is N3), ``text/plain``
# with N-Triples (its media type before application/n-triples was registered).

RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat(
        name="turtle",
        media_types=("text/turtle", "application/x-turtle"),
        suffixes=(".ttl",),
        aliases=("ttl",),
        params=("n3", "rdf+n3"),
        accept_aliases=("text/n3", "text/rdf+n3", "application/n3", "application/turtle"),
        iri=_W3C + "Turtle",
        quads=False,
        sparql=True,
    ),
    RdfFormat(
        name="trig",
        media_types=("application/trig",),
        suffixes=(".trig",),
        iri=_W3C + "TriG",
        quads=True,
    ),
    RdfFormat(
        name="nt",
        media_types=("application/n-triples",),
        suffixes=(".nt",),
        aliases=("ntriples",),
        params=("n-triples",),
        accept_aliases=("text/plain",),
        iri=_W3C + "N-Triples",
        quads=False,
        sparql=True,
    ),
    RdfFormat(
        name="nquads",
        media_types=("application/n-quads",),
        suffixes=(".nq",),
        aliases=("nq",),
        params=("n-quads",),
        iri=_W3C + "N-Quads",
        quads=True,
    ),
    RdfFormat(
        name="jsonld",
        media_types=("application/ld+json", "application/json"),
        suffixes=(".jsonld", ".json"),
        aliases=("json-ld",),
        params=("json", "application/x-json+ld"),
        iri=_W3C + "JSON-LD",
        quads=True,
        sparql=True,
    ),
    RdfFormat(
        name="xml",
        media_types=("application/rdf+xml",),
        suffixes=(".rdf", ".owl", ".xml"),
        aliases=("rdfxml",),
        params=("rdf", "rdf+xml", "application/xml"),
        iri=_W3C + "RDF_XML",
        quads=False,
        sparql=True,
    ),
)

RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat(
        name="json",
        media_types=("application/sparql-results+json", "application/json"),
        suffixes=(".srj",),
        params=("srj", "sparql-results+json"),
        iri=_W3C + "SPARQL_Results_JSON",
    ),
    ResultFormat(
        name="xml",
        media_types=("application/sparql-results+xml", "application/xml"),
        suffixes=(".srx",),
        params=("srx", "sparql-results+xml"),
        iri=_W3C + "SPARQL_Results_XML",
    ),
    ResultFormat(
        name="csv",
        media_types=("text/csv",),
        suffixes=(".csv",),
        iri=_W3C + "SPARQL_Results_CSV",
    ),
    ResultFormat(
        name="tsv",
        media_types=("text/tab-separated-values",),
        suffixes=(".tsv",),
        params=("tab-separated-values",),
        iri=_W3C + "SPARQL_Results_TSV",
    ),
    ResultFormat(name="table", media_types=("text/plain",), suffixes=(".txt",), served=False),
)

# --- web pages and the other files bgraph serves or draws ----------------------------------------
HTML_PAGE = Format(
    name="html",
    media_types=("text/html", "application/xhtml+xml"),
    suffixes=(".html",),
    params=("htm",),
)
PLAIN_TEXT = Format(name="text", media_types=("text/plain",), suffixes=(".txt",))
JSON_DATA = Format(name="json", media_types=("application/json",), suffixes=(".json",))
SVG = Format(name="svg", media_types=("image/svg+xml",), suffixes=(".svg",))
PNG = Format(name="png", media_types=("image/png",), suffixes=(".png",))
DOT = Format(name="dot", media_types=("text/vnd.graphviz",), suffixes=(".dot", ".gv"))

#: What ``bgraph diagram`` draws.
DIAGRAM_FORMATS: tuple[Format, ...] = (SVG, PNG, DOT)
FILE_FORMATS: tuple[Format, ...] = (HTML_PAGE, PLAIN_TEXT, JSON_DATA, *DIAGRAM_FORMATS)

TEXT = PLAIN_TEXT.media_type
JSON = JSON_DATA.media_type

# --- what the server offers, in its order of preference (ties in Accept go to the first) --------
#: Every document the server writes (entities, the ontology, VoID, dumps...).
DOCUMENT_FORMATS: tuple[RdfFormat, ...] = tuple(
    next(f for f in RDF_FORMATS if f.name == name)
    for name in ("turtle", "jsonld", "nt", "xml", "trig", "nquads")
)
#: The endpoint's SELECT and ASK answers (CSV/TSV for ASK too: SPARQL 1.1 Protocol 2.1.5).
SPARQL_RESULT_FORMATS: tuple[ResultFormat, ...] = tuple(f for f in RESULT_FORMATS if f.served)
#: The endpoint's CONSTRUCT and DESCRIBE answers.
SPARQL_GRAPH_FORMATS: tuple[RdfFormat, ...] = tuple(f for f in DOCUMENT_FORMATS if f.sparql)
#: What a thing with a page of its own (an entity, the ontology, the site) is offered as: the
#: page, for browsers and a bare ``*/*``, then its RDF documents.
PAGE_OR_DATA: tuple[Format, ...] = (HTML_PAGE, *DOCUMENT_FORMATS)

_RDF_BY_NAME = {key: f for f in RDF_FORMATS for key in (f.name, *f.aliases)}
_EVERY_FORMAT: tuple[Format, ...] = (*RESULT_FORMATS, *RDF_FORMATS, *FILE_FORMATS)


_TEXT_RDF = frozenset(mt for f in RDF_FORMATS for mt in f.media_types if not mt.endswith("json"))


def content_type(media_type: str) -> str:
    """The Content-Type header value: UTF-8 declared for text-based formats (``text/*``, XML,
    the RDF syntaxes; not JSON, which is UTF-8 by definition: RFC 8259)."""
    if media_type.startswith("text/") or media_type.endswith("+xml") or media_type in _TEXT_RDF:
        return f"{media_type}; charset=utf-8"
    return media_type


def rdf_format(name: str) -> RdfFormat:
    """The RDF format called ``name`` (or an alias); UnknownFormatError lists valid ones."""
    try:
        return _RDF_BY_NAME[name.lower()]
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


def named(value: str, among: Iterable[Format] = _EVERY_FORMAT) -> Format | None:
    """The format among ``among`` (the first) that a ``format``/``output`` value names: a name,
    an alias or a media type, case and ``;`` parameters ignored. None: it names none."""
    key = value.split(";", 1)[0].strip().lower()
    return next((f for f in among if f.called(key)), None)


# --- Media types of the SPARQL protocol's requests ------------------------------------------------
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
FORM = "application/x-www-form-urlencoded"
