"""SHACL validation (pyshacl) of the asserted data against ontology/shapes.ttl.

pyshacl speaks rdflib: it reads Oxigraph stores through oxrdflib. The data graph is the facts,
the provenance and, for every claim graph, ``?entity schema:subjectOf ?claim`` for the entities
it describes (so that SHACL, which sees one graph, can check provenance): Oxigraph builds it with
one CONSTRUCT into a scratch store. pyshacl's RDFS pre-inference (owlrl) needs a graph that
takes literal subjects: pyshacl copies that data graph into rdflib's memory for it (facts and
provenance only; never the whole dataset).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib.namespace import RDF, SH
from rich.console import Console
from rich.table import Table

from .errors import BgraphError
from .iris import BG, FACTS_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH, SDO
from .labels import label
from .resources import resources
from .store import oxigraph_store

VALIDATION_DATA = f"""
CONSTRUCT {{ ?s ?p ?o . ?e <{SDO}subjectOf> ?claim }} WHERE {{
  {{ GRAPH <{FACTS_GRAPH}> {{ ?s ?p ?o }} }}
  UNION {{ GRAPH <{PROVENANCE_GRAPH}> {{ ?s ?p ?o }} }}
  UNION {{
    SELECT DISTINCT ?e ?claim {{
      GRAPH <{PROVENANCE_GRAPH}> {{ ?claim a <{BG}Claim> }}
      GRAPH ?claim {{ ?e ?cp ?co }}
    }}
  }}
}}"""


@dataclass(frozen=True)
class Violation:
    severity: str
    focus: str
    path: str
    message: str
    shape: str


@dataclass
class Report:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    checked_nodes: int = 0

    def as_dict(self) -> dict:
        return {
            "conforms": self.conforms,
            "checked_nodes": self.checked_nodes,
            "violations": [v.__dict__ for v in self.violations],
        }


def shapes_graph() -> Any:
    from .graph import rdflib_graph

    return rdflib_graph(resources().shapes)


def validation_graph(data: Any) -> Any:
    """The data graph pyshacl validates (see the module docstring), an rdflib Graph over a
    scratch Oxigraph store."""
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    scratch = ox.Store()
    scratch.extend(
        ox.Quad(t.subject, t.predicate, t.object)
        for t in oxigraph_store(data).query(VALIDATION_DATA)
    )
    if scratch.query("ASK { ?s ?p ?o FILTER(isTRIPLE(?o)) }"):
        raise BgraphError(
            "the data holds RDF 1.2 triple terms (<<( s p o )>>), which the SHACL validator "
            "(pyshacl, on rdflib's RDF 1.1 model) cannot read; validate the data without them"
        )
    return Graph(store=OxigraphStore(store=scratch), identifier=DATASET_DEFAULT_GRAPH_ID)


def validate_dataset(data: Any, shapes: Any = None) -> Report:
    """Validate facts + provenance of an OpenStore (or an rdflib Dataset over an Oxigraph
    store), with the ontology as the ont_graph."""
    import pyshacl
    from oxrdflib import OxigraphStore
    from rdflib import Graph, URIRef

    graph = validation_graph(data)
    checked = len(set(graph.subjects()))
    ont = Graph(store=OxigraphStore(store=oxigraph_store(data)), identifier=URIRef(ONTOLOGY_GRAPH))
    shapes = shapes if shapes is not None else shapes_graph()
    conforms, results, _text = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        ont_graph=ont,
        inference="rdfs",
        # not inplace: RDFS inference (owlrl) writes literal-subject triples, which no RDF
        # store holds; pyshacl copies the (small) data graph into rdflib's memory for them
        advanced=True,
        allow_warnings=True,
    )
    report = Report(conforms=bool(conforms))
    report.checked_nodes = checked
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        report.violations.append(
            Violation(
                severity=str(results.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                focus=f"{label(graph, focus)} <{focus}>" if focus is not None else "",
                path=str(path) if path is not None else "",
                message=str(results.value(r, SH.resultMessage) or ""),
                shape=str(results.value(r, SH.sourceShape) or ""),
            )
        )
    report.violations.sort(key=lambda v: (v.severity, v.focus, v.path))
    return report


def render_report(report: Report, console: Console | None = None) -> None:
    console = console or Console()
    if report.conforms and not report.violations:
        console.print(f"[green]Conforms[/]: {report.checked_nodes} nodes checked, no violations.")
        return
    t = Table(title="SHACL results")
    for col in ("severity", "focus node", "path", "message"):
        t.add_column(col, overflow="fold")
    for v in report.violations:
        t.add_row(v.severity, v.focus, v.path, v.message)
    console.print(t)
    status = "[green]Conforms[/] (warnings only)" if report.conforms else "[red]Does not conform[/]"
    console.print(f"{status}: {len(report.violations)} results over {report.checked_nodes} nodes.")
