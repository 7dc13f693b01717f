"""Numbers about the knowledge base, from queries on the store: triples, entities per class,
facts per source article."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from .iris import (
    BG,
    EXPLANATIONS_GRAPH,
    FACTS_GRAPH,
    ID,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    PROV,
    PROVENANCE_GRAPH,
    RDF_TYPE,
    SCHEMA_INFERRED_GRAPH,
    SDO,
)
from .labels import LABEL_IRIS, best_label, local_name

FIXED_GRAPHS = (
    ONTOLOGY_GRAPH,
    FACTS_GRAPH,
    PROVENANCE_GRAPH,
    INFERRED_GRAPH,
    SCHEMA_INFERRED_GRAPH,
    EXPLANATIONS_GRAPH,
)

PER_CLASS = f"""
SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  GRAPH <{FACTS_GRAPH}> {{ ?e <{RDF_TYPE}> ?c }}
  FILTER (isIRI(?e) && STRSTARTS(STR(?e), "{ID}"))
}} GROUP BY ?c"""
ENTITIES = f"""
SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  GRAPH <{FACTS_GRAPH}> {{ ?e ?p ?o }} FILTER (isIRI(?e) && STRSTARTS(STR(?e), "{ID}"))
}}"""
_ARTICLE = f"""GRAPH <{PROVENANCE_GRAPH}> {{
    ?a <{RDF_TYPE}> ?t FILTER (?t IN (<{BG}NewsArticle>, <{SDO}NewsArticle>)) }}"""
ARTICLES = f"""
SELECT ?a (SAMPLE(?i) AS ?id) (COUNT(DISTINCT ?c) AS ?claims) WHERE {{
  {_ARTICLE}
  OPTIONAL {{ GRAPH <{PROVENANCE_GRAPH}> {{ ?a <{SDO}identifier> ?i }} }}
  OPTIONAL {{ GRAPH <{PROVENANCE_GRAPH}> {{ ?c <{PROV}wasDerivedFrom> ?a }} }}
}} GROUP BY ?a"""
FACTS_PER_ARTICLE = f"""
SELECT ?a (COUNT(*) AS ?n) WHERE {{
  SELECT DISTINCT ?a ?s ?p ?o WHERE {{
    {_ARTICLE}
    GRAPH <{PROVENANCE_GRAPH}> {{ ?c <{PROV}wasDerivedFrom> ?a }}
    GRAPH ?c {{ ?s ?p ?o }}
  }}
}} GROUP BY ?a"""


@dataclass
class Stats:
    graphs: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    asserted_facts: int = 0
    entities: int = 0
    per_class: list[tuple[str, str, int]] = field(default_factory=list)
    per_article: list[tuple[str, str, int, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "triples": self.triples,
            "asserted_facts": self.asserted_facts,
            "entities": self.entities,
            "graphs": self.graphs,
            "entities_per_class": [
                {"class": c, "label": lab, "entities": n} for c, lab, n in self.per_class
            ],
            "facts_per_article": [
                {"article": a, "identifier": i, "claims": c, "facts": f}
                for a, i, c, f in self.per_article
            ],
        }


def _rows(store: Any, text: str) -> list[Any]:
    return list(store.query(text))


def compute_stats(opened: Any) -> Stats:
    """The numbers of an :class:`bgraph.store.OpenStore` (its default graph is the union)."""
    from .store import graph_sizes

    store = opened.store
    s = Stats()
    sizes = graph_sizes(store)
    for name in FIXED_GRAPHS:
        if sizes.get(name):
            s.graphs[name] = sizes[name]
    claims = sum(1 for g, n in sizes.items() if g and g not in FIXED_GRAPHS and n)
    if claims:
        s.graphs["claim graphs"] = claims
    s.triples = sizes.get("", 0)
    s.asserted_facts = sizes.get(FACTS_GRAPH, 0)
    s.entities = int(_rows(store, ENTITIES)[0]["n"].value)
    counts = {row["c"].value: int(row["n"].value) for row in _rows(store, PER_CLASS)}
    labels = class_labels(store, list(counts))
    s.per_class = sorted(
        ((c, labels[c], n) for c, n in counts.items()), key=lambda r: (-r[2], r[1])
    )
    facts = {row["a"].value: int(row["n"].value) for row in _rows(store, FACTS_PER_ARTICLE)}
    for row in sorted(_rows(store, ARTICLES), key=lambda r: r["a"].value):
        article = row["a"].value
        ident = row["id"].value if row["id"] is not None else ""
        s.per_article.append((article, ident, int(row["claims"].value), facts.get(article, 0)))
    return s


def class_labels(store: Any, iris: list[str], lang: str = "en") -> dict[str, str]:
    """The label of :mod:`bgraph.labels` of each IRI (its local name when it has none), read in
    one query for them all."""
    if not iris:
        return {}
    values = " ".join(f"<{iri}>" for iri in iris)
    props = " ".join(f"<{p}>" for p in LABEL_IRIS)
    text = (
        f"SELECT ?x ?p ?l {{ VALUES ?x {{ {values} }} VALUES ?p {{ {props} }} ?x ?p ?l "
        "FILTER (isLiteral(?l)) }"
    )
    found: dict[str, list[list[tuple[str, str | None]]]] = {
        iri: [[] for _ in LABEL_IRIS] for iri in iris
    }
    for row in store.query(text):
        lit = row["l"]
        found[row["x"].value][LABEL_IRIS.index(row["p"].value)].append((lit.value, lit.language))
    out = {}
    for iri in iris:
        label = best_label(found[iri].__getitem__, lang)
        out[iri] = label if label is not None else local_name(iri)
    return out


def render_stats(s: Stats, console: Console | None = None) -> None:
    console = console or Console()
    console.print(
        f"[bold]{s.triples}[/] triples, [bold]{s.asserted_facts}[/] asserted facts, "
        f"[bold]{s.entities}[/] entities"
    )
    t = Table(title="Named graphs")
    t.add_column("graph")
    t.add_column("triples", justify="right")
    for g, n in s.graphs.items():
        t.add_row(g, str(n))
    console.print(t)
    t = Table(title="Entities per class (asserted types)")
    t.add_column("class")
    t.add_column("entities", justify="right")
    for _c, lab, n in s.per_class:
        t.add_row(lab, str(n))
    console.print(t)
    t = Table(title="Facts per source article")
    t.add_column("article")
    t.add_column("claims", justify="right")
    t.add_column("facts", justify="right")
    for _a, ident, c, f in s.per_article:
        t.add_row(ident, str(c), str(f))
    console.print(t)
