"""``bgraph stats``: numbers checked against counts made independently of the stats module."""

from __future__ import annotations

import json

from rdflib import Graph
from rdflib.namespace import PROV

from bgraph.namespaces import FACTS_GRAPH, INFERRED_GRAPH, PROVENANCE_GRAPH
from bgraph.resources import resources


def test_stats_json(cli, asserted) -> None:
    result = cli("stats", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    facts = Graph().parse(resources().data)
    assert report["asserted_facts"] == len(facts)
    assert report["entities"] == len({s for s in facts.subjects() if "/id/" in str(s)})
    assert str(INFERRED_GRAPH) in report["graphs"]
    per_class = {row["label"]: row["entities"] for row in report["entities_per_class"]}
    assert per_class["television series"] == 3
    assert per_class["person"] == 16
    articles = report["facts_per_article"]
    assert [a["identifier"] for a in articles] == [
        "000_2294e789d07cac28.txt",
        "001_eeb509711a76b266.txt",
        "002_2b29586fde0a6cd6.txt",
    ]
    prov = asserted.graph(PROVENANCE_GRAPH)
    assert sum(a["claims"] for a in articles) == len(set(prov.subjects(PROV.wasDerivedFrom)))
    assert all(a["facts"] > 0 for a in articles)
    # every fact is counted under at least one article
    assert sum(a["facts"] for a in articles) >= len(asserted.graph(FACTS_GRAPH))


def test_stats_without_inference(cli) -> None:
    report = json.loads(cli("stats", "--json", "--no-inference").stdout)
    assert str(INFERRED_GRAPH) not in report["graphs"]


def test_stats_table(cli) -> None:
    out = cli("stats").stdout
    assert "Facts per source article" in out and "television series" in out
