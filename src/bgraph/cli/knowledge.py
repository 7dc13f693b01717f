"""``bgraph stats`` and ``bgraph validate``: look at the knowledge base itself."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ExitCode
from ..store import STORE_HELP
from . import main
from ._console import console
from ._files import as_bgraph_layout, require_files

_PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")


@main.command()
@_PATHS
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@click.option("--no-inference", is_flag=True, help="Count the asserted graphs only.")
@click.option(
    "--store", "store", default="memory", show_default=True, metavar="memory|DIR", help=STORE_HELP
)
def stats(paths: tuple[Path, ...], as_json: bool, no_inference: bool, store: str) -> None:
    """Count triples, entities per class and facts per source article.

    With PATHs, counts those files instead of the Ballard data, laid out as bgraph's own: a
    triples file is the facts, a quads file (TriG, N-Quads) keeps its graphs (claims).

    \b
    Example:
        bgraph stats
        bgraph stats my-data.ttl --json
    """
    from ..stats import compute_stats, render_stats
    from ..store import open_dataset, resolve_store

    require_files(paths)
    quads, named = as_bgraph_layout(paths) if paths else ([], [])
    opened = open_dataset(
        quads, named, store=resolve_store(store), inference=not no_inference, cluster=False
    )
    report = compute_stats(opened)
    if as_json:
        import json

        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        render_stats(report, console())


@main.command()
@_PATHS
@click.option("--json", "as_json", is_flag=True, help="Print the SHACL report as JSON.")
def validate(paths: tuple[Path, ...], as_json: bool) -> None:
    """Check the data against the SHACL shapes (ontology/shapes.ttl).

    With PATHs, checks those files (with bgraph's ontology) instead of the Ballard data: a
    triples file is the facts, a quads file (TriG, N-Quads) keeps its graphs (claims).
    Exits 0 when the data conforms, 1 when there are violations.

    \b
    Example:
        bgraph validate
        bgraph validate my-data.ttl my-provenance.trig
    """
    from ..store import open_dataset
    from ..validate import render_report, validate_dataset

    require_files(paths)
    quads, named = as_bgraph_layout(paths) if paths else ([], [])
    opened = open_dataset(quads, named, inference=False, union=False, cluster=False)
    report = validate_dataset(opened)
    if as_json:
        import json

        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        render_report(report, console())
    raise SystemExit(ExitCode.OK if report.conforms else ExitCode.FAILURE)
