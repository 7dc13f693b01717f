"""``bgraph reason``: compute (or reuse) the OWL 2 RL closure and show what it added."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from ..reason import REASONERS
from . import main


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the inferred graph to this file (format from the suffix; - for Turtle on "
    "stdout, the report then goes to stderr).",
)
@click.option(
    "--reasoner",
    type=click.Choice(REASONERS),
    default=REASONERS[0],
    show_default=True,
    help="The OWL 2 RL reasoner.",
)
@click.option("--no-cache", is_flag=True, help="Recompute the closure even if it is cached.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def reason(
    paths: tuple[Path, ...],
    output: Path | None,
    reasoner: str,
    no_cache: bool,
    as_json: bool,
) -> None:
    """Compute the OWL 2 RL closure of the ontology and the data, and show what it added.

    Inferred triples are kept in their own graph (bgg:inferred), cleaned of owlrl's
    noise (reflexive owl:sameAs, literal subjects, owl:Thing on every node, axioms
    about rdf/owl terms). The closure is cached, keyed by the content of its
    inputs: later commands reuse it while the inputs are unchanged. With PATHs,
    closes those RDF files with bgraph's ontology.

    \b
    Examples:
        bgraph reason
        bgraph reason -o inferred.ttl
        bgraph reason --json
    """
    from ..dataset import load_with_closure
    from ..export import serialize_graph, write_output
    from ..formats import rdf_format, rdf_format_for_path

    fmt = None
    if output is not None:
        if output.is_dir():
            from ..errors import UsageError

            raise UsageError(f"-o {output}: is a directory; give a file name")
        fmt = rdf_format("turtle") if str(output) == "-" else rdf_format_for_path(output)
    ds, closure = load_with_closure(
        list(paths) or None, inference=True, reasoner=reasoner, use_cache=not no_cache
    )
    assert closure is not None
    tbox = _tbox(ds)
    report = build_report(ds, tbox, closure, reasoner)
    if output is not None and fmt is not None:
        write_output(serialize_graph(closure.inferred, fmt), output)
    to_stderr = output is not None and str(output) == "-"
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False), err=to_stderr)
    else:
        render_report(report, err=to_stderr)
        if output is not None and not to_stderr:
            click.echo(f"Wrote {report['inferred']} inferred triples to {output}")


def _tbox(ds: Dataset) -> Graph:
    from ..namespaces import ONTOLOGY_GRAPH

    tbox = ds.graph(ONTOLOGY_GRAPH)
    if len(tbox):
        return tbox
    from ..graph import parse_into
    from ..resources import resources

    tbox = Graph()
    parse_into(tbox, resources().ontology)
    return tbox


def build_report(ds: Dataset, tbox: Graph, closure: Any, reasoner: str) -> dict[str, Any]:
    """What the closure added, counted per property and per class, with the axioms behind."""
    from ..labels import label
    from ..namespaces import FACTS_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH
    from ..reason import inference_stats

    stats = inference_stats(closure.inferred)
    nm = ds.namespace_manager
    if len(ds.graph(FACTS_GRAPH)):
        data = len(ds.graph(FACTS_GRAPH))  # claim graphs are subsets of the facts
    else:
        skip = (ONTOLOGY_GRAPH, INFERRED_GRAPH, PROVENANCE_GRAPH)
        data = len({t for g in ds.graphs() if g.identifier not in skip for t in g})

    def rows(counter: Any, explain: Any) -> list[dict[str, Any]]:
        ordered = sorted(counter.items(), key=lambda kv: (-kv[1], _curie(nm, kv[0])))
        return [
            {
                "iri": str(term),
                "name": _curie(nm, term),
                "label": label(tbox, term),
                "count": count,
                "via": explain(tbox, term),
            }
            for term, count in ordered
        ]

    return {
        "reasoner": reasoner,
        "seconds": round(closure.seconds, 3),
        "cached": closure.cached,
        "cache_key": closure.key[:16],
        "ontology_triples": len(tbox),
        "data_triples": data,
        "inferred": len(closure.inferred),
        "raw": None if closure.cached else closure.raw_count,
        "properties": rows(stats["properties"], explain_property),
        "classes": rows(stats["classes"], explain_class),
    }


def _curie(nm: Any, term: Node) -> str:
    try:
        return nm.normalizeUri(term).strip("<>")
    except Exception:  # pragma: no cover
        return str(term)


def explain_property(tbox: Graph, prop: Node) -> str:
    """The ontology axioms that can produce ``prop`` triples (for the report's "via" column)."""
    if prop == RDF.type:
        return "sub-class, equivalent class, domain, range"
    if prop in (RDFS.subClassOf, RDFS.subPropertyOf):
        return "transitivity"
    if prop in (OWL.equivalentClass, OWL.equivalentProperty):
        return "symmetry"
    nm = tbox.namespace_manager
    why: list[str] = []
    for other in tbox.objects(prop, OWL.inverseOf):
        why.append(f"inverse of {_curie(nm, other)}")
    for other in tbox.subjects(OWL.inverseOf, prop):
        why.append(f"inverse of {_curie(nm, other)}")
    for chain in tbox.objects(prop, OWL.propertyChainAxiom):
        from rdflib.collection import Collection

        steps = " / ".join(_curie(nm, step) for step in Collection(tbox, chain))
        why.append(f"chain {steps}")
    if (prop, RDF.type, OWL.SymmetricProperty) in tbox:
        why.append("symmetric")
    subs = sorted(_curie(nm, s) for s in tbox.subjects(RDFS.subPropertyOf, prop))
    subs += sorted(_curie(nm, s) for s in tbox.objects(prop, OWL.equivalentProperty))
    subs += sorted(_curie(nm, s) for s in tbox.subjects(OWL.equivalentProperty, prop))
    if subs:
        why.append("super-property of " + _few(subs))
    return "; ".join(why)


def explain_class(tbox: Graph, cls: Node) -> str:
    nm = tbox.namespace_manager
    subs = sorted(
        _curie(nm, s) for s in tbox.subjects(RDFS.subClassOf, cls) if isinstance(s, URIRef)
    )
    equivalent = sorted(
        _curie(nm, s)
        for s in {*tbox.subjects(OWL.equivalentClass, cls), *tbox.objects(cls, OWL.equivalentClass)}
    )
    props = {p for p in tbox.subjects(RDFS.domain, cls)} | set(tbox.subjects(RDFS.range, cls))
    why = []
    if subs:
        why.append("super-class of " + _few(subs))
    if equivalent:
        why.append("equivalent to " + _few(equivalent))
    if props:
        why.append(f"domain/range of {len(props)} properties")
    return "; ".join(why)


def _few(names: list[str], limit: int = 3) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" (+{len(names) - limit})"


def render_report(report: dict[str, Any], err: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=sys.stderr if err else sys.stdout, highlight=False)
    if report["cached"]:
        how = f"read from the cache (key {report['cache_key']}…, inputs unchanged)"
    else:
        how = f"computed by {report['reasoner']} and cached (key {report['cache_key']}…)"
        dropped = (report["raw"] or 0) - report["inferred"]
        if dropped > 0:
            how += f"; of {report['raw']} raw triples, {dropped} dropped as noise or asserted"
    console.print(
        f"OWL 2 RL closure: [bold]{report['inferred']}[/bold] inferred triples "
        f"from {report['ontology_triples']} ontology + {report['data_triples']} data triples, "
        f"in {report['seconds']:.2f} s — {how}."
    )
    for key, title, head in (
        ("properties", "Inferred triples per property", "property"),
        ("classes", "Inferred rdf:type triples per class", "class"),
    ):
        table = Table(title=title, title_justify="left")
        table.add_column(head, no_wrap=True)
        table.add_column("label")
        table.add_column("triples", justify="right")
        table.add_column("via (ontology axioms)")
        for row in report[key]:
            table.add_row(row["name"], row["label"], str(row["count"]), row["via"])
        console.print(table)
