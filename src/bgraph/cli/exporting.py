"""``bgraph export``: the knowledge graph in any RDF format, or one entity as schema.org."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UsageError
from ..store import STORE_HELP
from . import main


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option(
    "-f",
    "--format",
    "format_name",
    metavar="FORMAT",
    help="jsonld, turtle, nt, nquads, trig or xml. Default: from the -o suffix, else turtle.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file instead of stdout.",
)
@click.option(
    "--no-inference", is_flag=True, help="Export the asserted graphs only (no inferred graph)."
)
@click.option(
    "--entity",
    metavar="ID",
    help="Only this entity (ballard, id:ballard or an IRI), as schema.org: with jsonld, a "
    "nested tree ready to embed in a web page.",
)
@click.option(
    "--depth",
    type=click.IntRange(0, 6),
    default=2,
    show_default=True,
    help="With --entity: how many links deep to describe linked entities.",
)
@click.option(
    "--lang",
    metavar="LANG",
    help="With --entity: keep one language (en, fr) where a value exists in it, as plain strings.",
)
@click.option("--store", default="memory", show_default=True, metavar="memory|DIR", help=STORE_HELP)
def export(
    paths: tuple[Path, ...],
    format_name: str | None,
    output: Path | None,
    no_inference: bool,
    entity: str | None,
    depth: int,
    lang: str | None,
    store: str,
) -> None:
    """Export the knowledge graph: asserted facts, provenance and inferences.

    Named-graph formats (jsonld, trig, nquads) keep the graphs (ontology, facts,
    provenance, one per claim, inferred); triple formats (turtle, nt, xml) merge
    them. Output is deterministic: the same input gives byte-identical Turtle,
    N-Triples and N-Quads. JSON-LD uses bgraph's own inline context: reading it
    never fetches anything. With PATHs, exports those RDF files (closed with
    bgraph's ontology) instead of the built-in graph. --store DIR exports a store
    written by `bgraph build` without parsing or reasoning anything, byte for byte
    what the same files give in memory. Numbers and dates are written as Oxigraph
    stores them, by value: "1.50"^^xsd:decimal comes out as "1.5"^^xsd:decimal.

    \b
    Examples:
        bgraph export --format jsonld -o ballard.jsonld
        bgraph export -o ballard.nq
        bgraph export --format jsonld --entity ballard --lang en
        bgraph export --store ballard.store -o ballard.nq
    """
    from ..export import serialize_graph, serialize_store, write_output
    from ..formats import rdf_format, rdf_format_for_path
    from ..store import open_dataset, resolve_store

    if format_name is not None:
        fmt = rdf_format(format_name)
    elif output is not None and str(output) != "-" and not output.is_dir():
        fmt = rdf_format_for_path(output)
    else:
        fmt = rdf_format("turtle")
    if entity is None and lang is not None:
        raise UsageError("--lang applies to --entity only")
    if lang is not None and not lang.replace("-", "").isalnum():
        raise UsageError(f"--lang {lang!r} is not a language tag (e.g. en, fr)")
    if output is not None and output.is_dir():
        raise UsageError(f"-o {output}: is a directory; give a file name")
    store = resolve_store(store)
    built = store != "memory"
    if built and no_inference and entity is not None:
        raise UsageError("--entity describes the built store's data with its inferences")
    # a built store holds its inferences: --no-inference leaves its inferred graph out
    opened = open_dataset(
        list(paths),
        store=store,
        inference=built or not no_inference,
        union=entity is not None,  # the whole export writes the named graphs
        cluster=False,
    )
    if entity is None:
        text = serialize_store(opened, fmt, inference=not no_inference)
    else:
        from ..entity import entity_jsonld, entity_view, resolve_entity

        iri = resolve_entity(opened, entity)  # lookups on the store: nothing listed or copied
        if fmt.name == "jsonld":
            import json

            doc = entity_jsonld(opened, iri, depth=depth, lang=lang)
            text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        else:
            text = serialize_graph(entity_view(opened, iri, depth=depth, lang=lang), fmt)
    write_output(text, output)
