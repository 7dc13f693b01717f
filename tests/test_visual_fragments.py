"""The pictures' HTML fragments (:mod:`bgraph.visual.fragments`): names from the data are text,
and the graph's JSON payload cannot end its ``<script>`` element."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox

from bgraph.iris import BG
from bgraph.visual.fragments import graph_fragment, timeline_fragment

HOSTILE = '</script><b>"bold" & more</b>'


def payload() -> dict:
    nodes = [
        {"id": "n0", "label": "Focus", "kind": "k", "group": "series", "depth": 0, "href": None},
        {"id": "n1", "label": HOSTILE, "kind": "k", "group": "person", "depth": 1, "href": '/a"b'},
    ]
    edges = [{"source": "n0", "target": "n1", "label": HOSTILE, "predicate": "p"}]
    return {"focus": "n0", "depth": 1, "truncated": False, "nodes": nodes, "edges": edges}


def test_the_graph_payload_cannot_end_its_script_element() -> None:
    data = payload()
    html = graph_fragment(data, title=HOSTILE)
    scripts = re.findall(r'<script type="application/json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1 and json.loads(scripts[0]) == data  # the label's </script> is inside
    assert "</script><b>" not in html and "<b>" not in html
    assert (
        '<a href="/a&#34;b">&lt;/script&gt;&lt;b&gt;&#34;bold&#34; &amp; more&lt;/b&gt;</a>' in html
    )
    assert 'aria-label="&lt;/script&gt;&lt;b&gt;&#34;bold&#34; &amp; more&lt;/b&gt;"' in html
    assert re.findall(r"</span>(\w+)</li>", html) == ["series", "person"]  # the legend


def test_timeline_names_are_text() -> None:
    store = ox.Store()
    graph = ox.NamedNode("http://example.org/data")
    series = ox.NamedNode("http://example.org/s")
    for p, o in (
        (
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(BG + "TVSeries"),
        ),
        (ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(HOSTILE)),
        (
            ox.NamedNode(BG + "startDate"),
            ox.Literal("2014", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
        ),
    ):
        store.add(ox.Quad(series, p, o, graph))
    html = timeline_fragment(store, lambda iri: iri + '?"<>')
    assert '<time datetime="2014">2014</time>' in html
    assert '<a href="http://example.org/s?&#34;&lt;&gt;">&lt;/script&gt;&lt;b&gt;' in html
    assert "<b>" not in html
    assert timeline_fragment(ox.Store()) == ""
