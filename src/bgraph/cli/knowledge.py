"""``bgraph stats`` and ``bgraph validate``: look at the knowledge base itself."""

from __future__ import annotations

import click

from ..errors import ExitCode
from . import main


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@click.option("--no-inference", is_flag=True, help="Count the asserted graphs only.")
def stats(as_json: bool, no_inference: bool) -> None:
    """Count triples, entities per class and facts per source article.

    \b
    Example:
        bgraph stats
    """
    from ..stats import compute_stats, render_stats
    from ..store import open_dataset

    report = compute_stats(open_dataset(inference=not no_inference, cluster=False))
    if as_json:
        import json

        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        render_stats(report)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the SHACL report as JSON.")
def validate(as_json: bool) -> None:
    """Check the data against the SHACL shapes (ontology/shapes.ttl).

    Exits 0 when the data conforms, 1 when there are violations.

    \b
    Example:
        bgraph validate
    """
    from ..store import open_dataset
    from ..validate import render_report, validate_dataset

    report = validate_dataset(open_dataset(inference=False, union=False, cluster=False))
    if as_json:
        import json

        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        render_report(report)
    raise SystemExit(ExitCode.OK if report.conforms else ExitCode.FAILURE)
