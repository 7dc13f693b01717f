"""``bgraph reason``: compute (or reuse) the OWL 2 RL closure and show what it added."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import click

from ..iris import OWL, RDF, RDF_TYPE, RDFS, curie
from ..labels import LABEL_IRIS, best_label, local_name
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
@click.option(
    "--diff",
    "old_ontology",
    type=click.Path(path_type=Path),
    default=None,
    metavar="OLD_ONTOLOGY",
    help="Compare with the closure under an older ontology file: the inferred triples the "
    "change adds and removes, each with its derivation.",
)
@click.option(
    "--limit",
    type=click.IntRange(0),
    default=20,
    show_default=True,
    help="With --diff: triples listed per section (--json lists them all).",
)
def reason(
    paths: tuple[Path, ...],
    output: Path | None,
    reasoner: str,
    no_cache: bool,
    as_json: bool,
    old_ontology: Path | None,
    limit: int,
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
        bgraph reason --diff old-ontology.ttl
    """
    if old_ontology is not None:
        from ._reason_diff import reason_diff

        if output is not None:
            from ..errors import UsageError

            raise UsageError("--diff reports a comparison: drop -o")
        reason_diff(old_ontology, list(paths), as_json, limit)
        return
    from ..export import serialize_triples, write_output
    from ..formats import rdf_format, rdf_format_for_path
    from ..store import open_dataset

    fmt = None
    if output is not None:
        if output.is_dir():
            from ..errors import UsageError

            raise UsageError(f"-o {output}: is a directory; give a file name")
        fmt = rdf_format("turtle") if str(output) == "-" else rdf_format_for_path(output)
    opened = open_dataset(
        list(paths),
        reasoner=reasoner,
        union=False,
        cluster=False,
        use_cache=not no_cache,
        keep_inferred=False,  # reported and written from the closure itself
        explain=False,
    )
    assert opened.info is not None and opened.info.closure is not None
    closure = opened.info.closure
    report = build_report(opened, closure)
    if output is not None and fmt is not None:
        if fmt.name in ("nt", "nquads") and not closure.blank_nodes:
            # the closure's lines are Oxigraph's N-Triples: sorted, they are what
            # serialize_triples writes (which canonicalises blank nodes first)
            text = closure.sorted_nt()
        else:
            text = serialize_triples(closure.inferred, fmt)
        write_output(text, output)
    to_stderr = output is not None and str(output) == "-"
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False), err=to_stderr)
    else:
        render_report(report, err=to_stderr)
        if output is not None and not to_stderr:
            click.echo(f"Wrote {report['inferred']} inferred triples to {output}")


class TBox:
    """The ontology's triples, indexed for the report's explanations (IRIs and labels)."""

    def __init__(self, triples: list[tuple[Any, Any, Any]]) -> None:
        self.size = len(triples)
        self.out: dict[tuple[str, str], list[Any]] = defaultdict(list)
        self.into: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for s, p, o in triples:
            self.out[(_id(s), p.value)].append(o)
            self.into[(p.value, _id(o))].append(s)

    def objects(self, subject: str, prop: str) -> list[Any]:
        return self.out.get((subject, prop), [])

    def subjects(self, prop: str, obj: str) -> list[Any]:
        return self.into.get((prop, obj), [])

    def items(self, head: Any) -> list[Any]:
        """The members of an RDF list."""
        found, node, seen = [], _id(head), set()
        while node != RDF + "nil" and node not in seen:
            seen.add(node)
            found.extend(self.objects(node, RDF + "first")[:1])
            rest = self.objects(node, RDF + "rest")
            if not rest:
                break
            node = _id(rest[0])
        return found

    def label(self, iri: str, lang: str = "en") -> str:
        """The label of :mod:`bgraph.labels`, from the ontology's triples."""

        def values(i: int) -> list[tuple[str, str | None]]:
            found = self.objects(iri, LABEL_IRIS[i])
            return [(v.value, v.language) for v in found if type(v).__name__ == "Literal"]

        text = best_label(values, lang)
        return text if text is not None else local_name(iri)


def _id(term: Any) -> str:
    """An IRI's value; a blank node as ``_:label`` (so it never equals an IRI)."""
    return f"_:{term.value}" if type(term).__name__ == "BlankNode" else term.value


def _tbox(opened: Any) -> TBox:
    import pyoxigraph as ox

    from ..iris import ONTOLOGY_GRAPH

    quads = list(opened.store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))
    if not quads:  # user files: closed with bgraph's ontology, read apart
        from ..graph import parse_quads
        from ..resources import resources

        quads = parse_quads(resources().ontology)
    return TBox([(q.subject, q.predicate, q.object) for q in quads])


def _data_triples(opened: Any) -> int:
    """Distinct triples of the data graphs (not the ontology, provenance or inferred ones)."""
    from ..iris import FACTS_GRAPH, NOT_DATA_GRAPHS

    sizes = opened.info.graphs if opened.info else {}
    if sizes.get(FACTS_GRAPH):
        return sizes[FACTS_GRAPH]  # claim graphs are subsets of the facts
    data = [g for g in sizes if g not in NOT_DATA_GRAPHS]
    if len(data) == 1 and opened.info and not opened.info.union:
        return sizes[data[0]]  # one data graph (a triples file), the default graph empty
    skip = ", ".join(f"<{g}>" for g in sorted(NOT_DATA_GRAPHS))
    text = (
        "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } "
        f"FILTER (?g NOT IN ({skip})) }} }}"
    )
    return int(next(iter(opened.store.query(text)))["n"].value)


def build_report(opened: Any, closure: Any) -> dict[str, Any]:
    """What the closure added, counted per property and per class, with the axioms behind."""
    from ..reason import inference_stats

    tbox = _tbox(opened)
    stats = inference_stats(closure)

    def rows(counter: Any, explain: Any) -> list[dict[str, Any]]:
        ordered = sorted(counter.items(), key=lambda kv: (-kv[1], curie(kv[0])))
        return [
            {
                "iri": iri,
                "name": curie(iri),
                "label": tbox.label(iri),
                "count": count,
                "via": explain(tbox, iri),
            }
            for iri, count in ordered
        ]

    return {
        "reasoner": closure.reasoner,
        "seconds": round(closure.seconds, 3),
        "cached": closure.cached,
        "cache_key": closure.key[:16],
        "ontology_triples": tbox.size,
        "data_triples": _data_triples(opened),
        "inferred": closure.count,
        "raw": None if closure.cached else closure.raw_count,
        "properties": rows(stats["properties"], explain_property),
        "classes": rows(stats["classes"], explain_class),
    }


def explain_property(tbox: TBox, prop: str) -> str:
    """The ontology axioms that can produce ``prop`` triples (for the report's "via" column)."""

    if prop == RDF_TYPE:
        return "sub-class, equivalent class, domain, range"
    if prop in (RDFS + "subClassOf", RDFS + "subPropertyOf"):
        return "transitivity"
    if prop in (OWL + "equivalentClass", OWL + "equivalentProperty"):
        return "symmetry"
    why: list[str] = []
    for other in tbox.objects(prop, OWL + "inverseOf"):
        why.append(f"inverse of {curie(other.value)}")
    for other in tbox.subjects(OWL + "inverseOf", prop):
        why.append(f"inverse of {curie(other.value)}")
    for chain in tbox.objects(prop, OWL + "propertyChainAxiom"):
        steps = " / ".join(curie(step.value) for step in tbox.items(chain))
        why.append(f"chain {steps}")
    if any(t.value == OWL + "SymmetricProperty" for t in tbox.objects(prop, RDF_TYPE)):
        why.append("symmetric")
    subs = sorted(curie(s.value) for s in tbox.subjects(RDFS + "subPropertyOf", prop))
    subs += sorted(curie(s.value) for s in tbox.objects(prop, OWL + "equivalentProperty"))
    subs += sorted(curie(s.value) for s in tbox.subjects(OWL + "equivalentProperty", prop))
    if subs:
        why.append("super-property of " + _few(subs))
    return "; ".join(why)


def explain_class(tbox: TBox, cls: str) -> str:

    subs = sorted(
        curie(s.value)
        for s in tbox.subjects(RDFS + "subClassOf", cls)
        if type(s).__name__ == "NamedNode"
    )
    equivalent = sorted(
        {
            curie(s.value)
            for s in (
                *tbox.subjects(OWL + "equivalentClass", cls),
                *tbox.objects(cls, OWL + "equivalentClass"),
            )
        }
    )
    props = {_id(p) for p in tbox.subjects(RDFS + "domain", cls)}
    props |= {_id(p) for p in tbox.subjects(RDFS + "range", cls)}
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
    from rich.table import Table

    from ._console import console as make_console

    console = make_console(file=sys.stderr if err else sys.stdout, highlight=False)
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
