"""``bgraph diagram``: draw the franchise, or one entity's neighbourhood."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..store import STORE_HELP
from . import main
from ._files import require_files


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option(
    "-f",
    "--format",
    "fmt",
    metavar="FORMAT",
    default=None,
    help="svg (default), png or dot. Without it, the suffix of -o decides.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE instead of standard output.",
)
@click.option(
    "--focus",
    metavar="ID",
    default=None,
    help="Draw this entity's neighbourhood instead of the franchise "
    "(an id such as 'ballard', 'id:ballard' or a full IRI).",
)
@click.option(
    "--depth",
    type=int,
    default=None,
    metavar="N",
    help="With --focus: how many hops around the entity to draw (0-6, default 1).",
)
@click.option("--lang", default="en", show_default=True, help="Language of the labels.")
@click.option(
    "--store", "store", default="memory", show_default=True, metavar="memory|DIR", help=STORE_HELP
)
def diagram(
    paths: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    focus: str | None,
    depth: int | None,
    lang: str,
    store: str,
) -> None:
    """Draw the Bosch universe from the graph: series and novels on a time axis, spin-off and
    adaptation arrows, the cast as actor → character pairs, production companies and platforms.

    With PATHs, draws those files (closed with bgraph's ontology) instead of the Ballard data.

    SVG is drawn in pure Python (Graphviz is not needed); dot writes Graphviz source; png
    needs CairoSVG and the Cairo library.

    \b
    Examples:
        bgraph diagram -o docs/universe.svg
        bgraph diagram --focus ballard --depth 2 -o ballard.png
        bgraph diagram --format dot | dot -Tpdf -o universe.pdf
        bgraph diagram --store universe.store --focus synth/series-1
        bgraph diagram my-universe.ttl -o my-universe.svg
    """
    from ..diagram import diagram_format, render_diagram
    from ..errors import UsageError
    from ..export import write_output
    from ..store import open_dataset, resolve_store

    kind = diagram_format(fmt, output)
    if output is None and kind == "png" and sys.stdout.isatty():
        raise UsageError("PNG is binary: give -o FILE (or redirect standard output)")
    require_files(paths)
    opened = open_dataset(list(paths), store=resolve_store(store))
    data = render_diagram(opened, kind, focus=focus, depth=depth, lang=lang)
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream
    else:
        write_output(data, output)
        click.echo(f"Wrote {output} ({kind}, {len(data):,} bytes)", err=True)
