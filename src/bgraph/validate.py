"""SHACL validation (pyshacl) of the asserted data against ontology/shapes.ttl."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Dataset, Graph
from rdflib.namespace import RDF, SDO, SH
from rich.console import Console
from rich.table import Table

from .graph import parse_into
from .labels import label
from .namespaces import BG, FACTS_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH
from .resources import resources


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


def shapes_graph() -> Graph:
    g = Graph()
    parse_into(g, resources().shapes)
    return g


def validation_graph(ds: Dataset) -> Graph:
    """Facts + provenance, plus ``?entity schema:subjectOf ?claim`` for every claim graph that
    describes the entity, so that SHACL (one graph at a time) can see provenance."""
    data = Graph()
    for name in (FACTS_GRAPH, PROVENANCE_GRAPH):
        for t in ds.graph(name):
            data.add(t)
    prov = ds.graph(PROVENANCE_GRAPH)
    for claim in set(prov.subjects(RDF.type, BG.Claim)):
        for subject in set(ds.graph(claim).subjects()):
            data.add((subject, SDO.subjectOf, claim))
    return data


def validate_dataset(ds: Dataset, shapes: Graph | None = None) -> Report:
    """Validate facts + provenance (data graph) with the ontology as the ont_graph."""
    import pyshacl

    data = validation_graph(ds)
    ont = ds.graph(ONTOLOGY_GRAPH)
    shapes = shapes if shapes is not None else shapes_graph()
    conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ont,
        inference="rdfs",
        advanced=True,
        allow_warnings=True,
    )
    report = Report(conforms=bool(conforms))
    report.checked_nodes = len(set(data.subjects()))
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        report.violations.append(
            Violation(
                severity=str(results.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                focus=f"{label(data, focus)} <{focus}>" if focus is not None else "",
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
