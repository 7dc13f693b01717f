"""``bgraph synth``: write a deterministic synthetic universe of any size."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import main


@main.command()
@click.option(
    "--triples",
    "-n",
    "count",
    type=int,
    required=True,
    help="Exactly how many statements (triples, or quads with provenance) to write.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "-o",
    "--output",
    required=True,
    help="File to write; its suffix gives the format (.nt .nq .ttl .trig .jsonld .rdf). "
    "'-' writes to standard output (N-Triples unless --format says otherwise).",
)
@click.option("--format", "-f", "fmt_name", default=None, help="Override the output format.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
def synth(count: int, seed: int, output: str, fmt_name: str | None, quiet: bool) -> None:
    """Write a synthetic Bosch-like universe of exactly N statements.

    Same --triples and --seed, same bytes. The data uses bgraph's ontology with the shape of the
    real data: franchises, novels, series and spin-offs, seasons, people, characters,
    performances, companies, places, measures. Formats with named graphs (.trig, .nq) also get
    provenance: articles, claims and one graph per claim, counted in N.

    \b
    Example:
        bgraph synth --triples 100000 --seed 1 -o universe.nt
        bgraph reason universe.nt -o closure.nt
    """
    from ..formats import rdf_format, rdf_format_for_path
    from ..synth import write_synthetic

    if output == "-":
        fmt = rdf_format(fmt_name or "nt")
        import tempfile

        with tempfile.TemporaryDirectory() as tmpdir:
            path = Path(tmpdir) / f"synth{fmt.suffix}"
            write_synthetic(path, count, seed, fmt)
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        return

    path = Path(output)
    fmt = rdf_format(fmt_name) if fmt_name else rdf_format_for_path(path)
    if quiet or count < 200_000:
        report = write_synthetic(path, count, seed, fmt)
    else:
        from ._progress import progress

        with progress() as bar:
            task = bar.add_task("synthesising", total=count)
            report = write_synthetic(
                path, count, seed, fmt, progress=lambda k: bar.advance(task, k)
            )
    if not quiet:
        extra = f" ({report.facts:,} facts + {report.provenance:,} provenance)"
        click.echo(
            f"Wrote {report.statements:,} statements{extra if report.provenance else ''} "
            f"to {path} ({report.format}, seed {seed}).",
            err=True,
        )
