"""The server's pure parts, in-process: content negotiation, protocol parsing, vendored files."""

from __future__ import annotations

import pytest

from bgraph import formats
from bgraph.errors import HttpError
from bgraph.server.conneg import choose, negotiate
from bgraph.server.protocol import build_job


@pytest.mark.parametrize(
    ("accept", "offered", "chosen"),
    [
        (None, ["a/b", "c/d"], "a/b"),
        ("", ["a/b", "c/d"], "a/b"),
        ("c/d", ["a/b", "c/d"], "c/d"),
        ("*/*", ["a/b", "c/d"], "a/b"),
        ("c/*", ["a/b", "c/d"], "c/d"),
        ("a/b;q=0.5, c/d", ["a/b", "c/d"], "c/d"),
        ("text/html,*/*;q=0.8", ["application/json", "text/html"], "text/html"),
        ("*/*;q=0.8, a/b;q=0", ["a/b", "c/d"], "c/d"),
        ("x/y", ["a/b"], None),
        ("a/b;q=0", ["a/b"], None),
        ("garbage, ,;q=", ["a/b"], "a/b"),
        ("A/B", ["a/b"], "a/b"),
    ],
)
def test_negotiate(accept: str | None, offered: list[str], chosen: str | None) -> None:
    assert negotiate(accept, offered) == chosen
    assert negotiate(accept, offered) == chosen  # again: from the cache of answers
    assert negotiate(accept, tuple(offered)) == chosen


def test_negotiate_a_long_accept_header() -> None:
    """A header too long to keep in the cache of answers is read each time, the same way."""
    accept = "x/y;q=0.1, " * 200 + "c/d;q=0.5, a/b;q=0.4"
    assert len(accept) > 1000
    assert negotiate(accept, ["a/b", "c/d"]) == "c/d"
    assert negotiate(accept, ["a/b", "e/f"]) == "a/b"
    assert negotiate(accept + ", */*;q=0", ["e/f"]) is None


#: An entity's offers, as the linked-data routes, /ontology and the home page make them.
PAGE_OR_DATA = formats.PAGE_OR_DATA


@pytest.mark.parametrize(
    ("accept", "given", "name", "media_type"),
    [
        (None, (), "html", "text/html"),  # no Accept: the first offered
        ("*/*", (), "html", "text/html"),
        ("application/xhtml+xml", (), "html", "application/xhtml+xml"),
        ("application/trig", (), "trig", "application/trig"),
        ("application/*", (), "html", "application/xhtml+xml"),  # ties: the server's order
        ("application/*;q=0.5, text/*", (), "html", "text/html"),
        # media types that name no format: Turtle and N-Triples, labelled as asked
        ("text/n3, */*;q=0.1", (), "turtle", "text/n3"),
        ("text/plain, */*;q=0.1", (), "nt", "text/plain"),
        # format= wins over Accept, read leniently: a name, an alias or a media type
        ("text/html", ("ttl",), "turtle", "text/turtle"),
        ("text/html", ("N3",), "turtle", "text/turtle"),
        ("text/html", ("json",), "jsonld", "application/ld+json"),
        ("text/html", ("application/rdf+xml; charset=utf-8",), "xml", "application/rdf+xml"),
        ("text/html", ("nq",), "nquads", "application/n-quads"),
        ("text/turtle", ("htm",), "html", "text/html"),
        ("text/turtle", ("", " "), "turtle", "text/turtle"),  # empty values: Accept decides
        ("text/turtle", ("nt", "application/n-triples,text/plain"), "nt", "application/n-triples"),
    ],
)
def test_choose(accept: str | None, given: tuple[str, ...], name: str, media_type: str) -> None:
    fmt, label = choose(accept, PAGE_OR_DATA, given)
    assert (fmt.name, label) == (name, media_type)


def test_choose_reads_a_name_by_what_is_offered() -> None:
    """``json`` and ``xml`` name SPARQL results for SELECT/ASK and RDF for a graph."""
    results, graphs = formats.SPARQL_RESULT_FORMATS, formats.SPARQL_GRAPH_FORMATS
    assert choose(None, results, "json")[1] == "application/sparql-results+json"
    assert choose(None, graphs, "json")[1] == "application/ld+json"
    assert choose(None, results, "xml")[1] == "application/sparql-results+xml"
    assert choose(None, graphs, "xml")[1] == "application/rdf+xml"
    tie = "application/n-triples, application/ld+json"
    assert choose(tie, graphs)[1] == "application/ld+json"  # ties: the server's order


@pytest.mark.parametrize(
    ("accept", "given", "status", "message"),
    [
        ("image/png", (), 406, "none of the accepted media types (image/png) can carry the thing"),
        (None, ("docx",), 400, "unknown RDF format 'docx'; use one of: html, turtle, jsonld"),
        (None, ("csv",), 400, "format='csv' does not apply to the thing"),
        (None, ("turtle", "json"), 400, "name different formats ('turtle', 'json')"),
        (None, ("turtle,application/ld+json",), 400, "name different formats"),
    ],
)
def test_choose_refuses(
    accept: str | None, given: tuple[str, ...], status: int, message: str
) -> None:
    with pytest.raises(HttpError) as refused:
        choose(accept, PAGE_OR_DATA, given, "the thing")
    assert refused.value.http_status == status
    assert message in str(refused.value)


def test_choose_falls_back_instead_of_406() -> None:
    offered = (formats.PLAIN_TEXT, formats.HTML_PAGE, formats.JSON_DATA)
    assert choose("image/png", offered, fallback=formats.PLAIN_TEXT) == (
        formats.PLAIN_TEXT,
        "text/plain",
    )
    assert choose("application/json", offered, fallback=formats.PLAIN_TEXT)[0] is formats.JSON_DATA


def job(method: str, qs: bytes = b"", ctype: str | None = None, body: bytes = b""):
    return build_job(method, qs, ctype, body, None, 10, "http://x/sparql")


def test_build_job_reads_the_protocol() -> None:
    j = job(
        "GET", b"query=ASK%7B%7D&default-graph-uri=http%3A%2F%2Fa&named-graph-uri=http%3A%2F%2Fb"
    )
    assert j is not None and j.text == "ASK{}"
    assert j.default_graphs == ("http://a",) and j.named_graphs == ("http://b",)
    assert job("GET") is None  # the service description
    form = job("POST", b"default-graph-uri=http%3A%2F%2Fa", "application/x-www-form-urlencoded",
               b"query=ASK+%7B%7D&format=xml")  # fmt: skip
    assert form is not None and form.text == "ASK {}" and form.default_graphs == ("http://a",)
    assert form.format == ("xml",)
    direct = job("POST", b"", "application/sparql-query; charset=UTF-8", "ASK { 'é' }".encode())
    assert direct is not None and direct.text == "ASK { 'é' }"


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (("GET", b"update=x"), 403),
        (("GET", b"query=a&query=b"), 400),
        (("GET", b"query=%C3"), 400),
        (("GET", "query=é".encode()), 400),
        (("POST", b"", None, b"ASK {}"), 400),
        (("POST", b"", "application/sparql-update", b"CLEAR ALL"), 403),
        (("POST", b"", "application/sparql-query; charset=latin-1", b"ASK {}"), 400),
        (("POST", b"", "text/plain", b"ASK {}"), 400),
        (("PATCH", b""), 405),
    ],
)
def test_build_job_refuses(args: tuple, status: int) -> None:
    with pytest.raises(HttpError) as info:
        job(*args)
    assert info.value.http_status == status
    assert str(info.value)


def test_vendored_yasgui_is_untouched() -> None:
    from bgraph import vendor

    assert vendor.check([vendor.YASGUI]) == []
    record = vendor.record(vendor.YASGUI)
    assert record["package"] == "@triply/yasgui"
    assert record["integrity"].startswith("sha512-")
    assert record["tarball"].startswith("https://registry.npmjs.org/")
    assert {"yasgui.min.js", "yasgui.min.css"} <= record["files"].keys()  # what the UI page loads


def test_pages_escape_what_the_data_says() -> None:
    from bgraph.server.pages import esc, page

    html = page("<script>alert(1)</script>", esc("<img src=x onerror=alert(1)>"))
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("retry_after", [None, 1])
def test_http_error_pickles_with_its_status(retry_after: int | None) -> None:
    """The one refusal type crosses the query workers' boundary whole (pickled)."""
    import pickle

    again = pickle.loads(pickle.dumps(HttpError("no dump called 'x'", 404, retry_after)))
    assert type(again) is HttpError and str(again) == "no dump called 'x'"
    assert again.http_status == 404 and again.retry_after == retry_after
    assert HttpError("bad").http_status == 400  # 400 unless given
