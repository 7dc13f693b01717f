"""Numbers about the knowledge base: triples, entities per class, facts per source article."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import Dataset, URIRef
from rdflib.namespace import PROV, RDF, SDO
from rich.console import Console
from rich.table import Table

from .labels import label
from .namespaces import BG, FACTS_GRAPH, ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH


@dataclass
class Stats:
    graphs: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    asserted_facts: int = 0
    entities: int = 0
    per_class: list[tuple[str, str, int]] = field(default_factory=list)
    per_article: list[tuple[str, str, int, int]] = field(default_factory=list)

    def as_dict(self) -> dict:
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


def compute_stats(ds: Dataset) -> Stats:
    s = Stats()
    fixed = (ONTOLOGY_GRAPH, FACTS_GRAPH, PROVENANCE_GRAPH, INFERRED_GRAPH)
    for name in fixed:
        if len(ds.graph(name)):
            s.graphs[str(name)] = len(ds.graph(name))
    claims = sum(1 for g in ds.graphs() if g.identifier not in fixed and len(g))
    if claims:
        s.graphs["claim graphs"] = claims
    s.triples = len(set(ds.triples((None, None, None))))
    facts = ds.graph(FACTS_GRAPH)
    s.asserted_facts = len(facts)
    entities = {x for x in facts.subjects() if isinstance(x, URIRef) and str(x).startswith(str(ID))}
    s.entities = len(entities)
    counts: Counter[URIRef] = Counter()
    for e in entities:
        for c in set(facts.objects(e, RDF.type)):
            counts[c] += 1
    s.per_class = sorted(
        ((str(c), label(ds, c), n) for c, n in counts.items()), key=lambda r: (-r[2], r[1])
    )
    prov = ds.graph(PROVENANCE_GRAPH)
    for article in sorted(set(prov.subjects(RDF.type, BG.NewsArticle))):
        claim_ids = set(prov.subjects(PROV.wasDerivedFrom, article))
        fact_set = set()
        for c in claim_ids:
            fact_set.update(ds.graph(c))
        ident = str(prov.value(article, SDO.identifier) or "")
        s.per_article.append((str(article), ident, len(claim_ids), len(fact_set)))
    return s


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
