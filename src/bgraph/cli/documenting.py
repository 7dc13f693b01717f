"""``bgraph docs``: the ontology's reference documentation as HTML."""

from __future__ import annotations

from pathlib import Path

import click

from ..store import STORE_HELP
from . import main


@main.command()
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("site/ontology"),
    show_default=True,
    help="Folder to write index.html, ontology.ttl, ontology.jsonld and shapes.ttl into.",
)
@click.option(
    "--store", "store", default="memory", show_default=True, metavar="memory|DIR", help=STORE_HELP
)
def docs(out_dir: Path, store: str) -> None:
    """Build the ontology's reference documentation: every class and property with its English
    and French labels, definition, domain and range, schema.org and Wikidata alignments, and the
    SHACL constraints that apply. One self-contained HTML page, plus the ontology itself.

    `bgraph serve` serves the same page at /ontology (HTML for browsers, Turtle or JSON-LD for
    machines). Examples and counts of use come from the data: bgraph's own (default) or a
    built store's (--store DIR).

    \b
    Example:
        bgraph docs -o site/ontology
    """
    from ..docs import build_docs
    from ..store import open_dataset, resolve_store

    written = build_docs(out_dir, source=open_dataset(store=resolve_store(store)))
    for path in written:
        click.echo(f"Wrote {path}")
