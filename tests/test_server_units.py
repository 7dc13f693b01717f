"""The server's pure parts, in-process: content negotiation, protocol parsing, vendored files."""

from __future__ import annotations

import json

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
    """A page's body is HTML only when it is Markup: a plain string is text, escaped."""
    from bgraph.server.pages import page

    body = "<img src=x onerror=alert(1)>"  # a str, not Markup
    html = page("<script>alert(1)</script>", body)  # type: ignore[arg-type]
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; · bgraph</title>" in html


#: Text an attacker may put in the data, a search or a setting: it must reach the page as text.
HOSTILE = '<script>alert(1)</script>"'
HOSTILE_SHOWN = "&lt;script&gt;alert(1)&lt;/script&gt;&#34;"


def _page_context(base_iri: str = "http://example.org/"):
    """A server context for writing pages in-process: no store, no workers, no explanations."""
    from types import SimpleNamespace

    from bgraph.server.config import ServerConfig
    from bgraph.server.context import ServerContext

    served, config = SimpleNamespace(explained=False), ServerConfig(base_iri=base_iri)
    return ServerContext(config, served, None, "http://test/")  # type: ignore[arg-type]


def _scripts(html: str) -> list[tuple[dict[str, str | None], str]]:
    """The page's script elements as a browser reads them: (attributes, text). Each must be
    bgraph's own: a same-origin ``src`` or a data block (``type="application/..."``)."""
    from html.parser import HTMLParser

    found: list[tuple[dict[str, str | None], str]] = []

    class Scripts(HTMLParser):
        inside = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "script":
                found.append((dict(attrs), ""))
                self.inside = True

        def handle_endtag(self, tag: str) -> None:
            self.inside = self.inside and tag != "script"

        def handle_data(self, data: str) -> None:
            if self.inside:
                found[-1] = (found[-1][0], found[-1][1] + data)

    Scripts().feed(html)
    for attrs, text in found:
        src, kind = attrs.get("src") or "", attrs.get("type") or ""
        assert (src.startswith("/") and not text) or kind.startswith("application/"), attrs
    return found


def _data_block(html: str, kind: str) -> object:
    """The JSON of the page's one data block of type ``kind``."""
    blocks = [text for attrs, text in _scripts(html) if attrs.get("type") == kind]
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_entity_page_escapes_hostile_values_and_its_json_ld() -> None:
    from pyoxigraph import Literal, NamedNode

    from bgraph.server.describe import Fact, ResourceView, Source
    from bgraph.server.pages import resource_page

    iri = "http://example.org/thing"
    thing, note = NamedNode(iri), NamedNode("http://example.org/note")
    claim, article = NamedNode(iri + "/claim"), NamedNode(iri + "/article")
    source = Source(claim, article, HOSTILE, HOSTILE, "en")
    facts = [
        Fact(thing, note, Literal(HOSTILE), asserted=True, inferred=False, sources=[source]),
        Fact(thing, note, Literal(HOSTILE, language="en"), asserted=False, inferred=True),
    ]
    name = "</script><img src=x onerror=alert(2)>"  # would end the data block, then run
    jsonld = json.dumps({"@id": iri, "name": name})
    view = ResourceView(iri, HOSTILE, [], facts, [], labels={note: HOSTILE}, jsonld=jsonld)
    html = resource_page(_page_context(), view, "/thing")
    assert "<script>alert(1)" not in html
    assert f"<title>{HOSTILE_SHOWN} · bgraph</title>" in html
    assert f"<h1>{HOSTILE_SHOWN}</h1>" in html
    assert f'<span class="literal">{HOSTILE_SHOWN}</span>' in html
    assert f'<span class="literal" lang="en">{HOSTILE_SHOWN}</span>' in html
    assert f'<blockquote lang="en">« {HOSTILE_SHOWN} »</blockquote>' in html
    assert f'title="http://example.org/note">{HOSTILE_SHOWN}</a>' in html  # the relation's label
    assert _data_block(html, "application/ld+json") == {"@id": iri, "name": name}  # whole
    assert "<\\/script><img src=x onerror=alert(2)>" in html


def test_search_page_escapes_the_query() -> None:
    from pyoxigraph import NamedNode

    from bgraph.server.describe import SearchHit
    from bgraph.server.pages import search_page

    ctx = _page_context()
    for hits in ([], [SearchHit(NamedNode("http://example.org/x"), HOSTILE, HOSTILE + "!", ())]):
        html = search_page(ctx, HOSTILE, hits)
        assert "<script>alert(1)" not in html and not _scripts(html)
        assert f"<h1>Search: {HOSTILE_SHOWN}</h1>" in html
    assert f'<span class="muted">({HOSTILE_SHOWN}!)</span>' in html
    assert f"<title>Search: {HOSTILE_SHOWN} · bgraph</title>" in html


def test_query_ui_config_cannot_close_its_data_block() -> None:
    from bgraph.server.pages import ui_page

    base = "http://example.org/</script><script>alert(1)</script>/"
    html = ui_page(_page_context(base))
    config = _data_block(html, "application/json")
    assert isinstance(config, dict) and config["baseIri"] == base and config["examples"]
    assert "<\\/script><script>alert(1)<\\/script>" in html
    assert '<script type="application/json" id="bgraph-config">' in html
    head = html.split("</head>")[0]
    assert '<link rel="stylesheet" href="/static/vendor/yasgui/yasgui.min.css">' in head


@pytest.mark.parametrize("retry_after", [None, 1])
def test_http_error_pickles_with_its_status(retry_after: int | None) -> None:
    """The one refusal type crosses the query workers' boundary whole (pickled)."""
    import pickle

    again = pickle.loads(pickle.dumps(HttpError("no dump called 'x'", 404, retry_after)))
    assert type(again) is HttpError and str(again) == "no dump called 'x'"
    assert again.http_status == 404 and again.retry_after == retry_after
    assert HttpError("bad").http_status == 400  # 400 unless given


@pytest.mark.parametrize(
    "triple",
    [
        ("<http://example.org/id/a b>", "<http://schema.org/name>", '"x & y = 1 / 2 ?"@fr'),
        (
            "_:b0",
            "<http://example.org/p#frag>",
            '"+100%"^^<http://www.w3.org/2001/XMLSchema#string>',
        ),
        ("<http://example.org/é>", "<http://example.org/p>", '<<( <http://s> <http://p> "o" )>>'),
    ],
)
def test_why_links_are_the_query_string_urlencode_writes(triple: tuple[str, str, str]) -> None:
    """Each term is quoted once per process; the link is what urllib writes for the triple."""
    from urllib.parse import parse_qs, urlencode

    from bgraph.server.why_page import why_href

    s, p, o = triple
    for _ in range(2):  # the second time from the cache
        href = why_href(s, p, o)
        assert href == "/why?" + urlencode({"s": s, "p": p, "o": o})
        assert parse_qs(href.split("?", 1)[1]) == {"s": [s], "p": [p], "o": [o]}
