"""``bgraph why S P O``: why a triple holds, as a proof tree down to the article quotes."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import BgraphError
from ..iris import CLAIM, curie
from . import main


class NotEntailed(BgraphError):
    """The triple is neither asserted nor inferred (exit 1: the command found a problem)."""


class NoExplanation(BgraphError):
    """The triple is inferred but the store holds no explanation of it (exit 1)."""


@main.command()
@click.argument("subject")
@click.argument("predicate")
@click.argument("object_", metavar="OBJECT")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: the proof tree; json: the same, for tools.",
)
@click.option(
    "--store",
    default="memory",
    show_default=True,
    metavar="memory|DIR",
    help="memory: load and close the data here, with its explanations; DIR: a store written "
    "by `bgraph build --explain`.",
)
def why(
    subject: str,
    predicate: str,
    object_: str,
    paths: tuple[Path, ...],
    format_name: str,
    store: str,
) -> None:
    """Explain why a triple holds: the OWL 2 RL rules, ontology axioms and asserted facts it
    follows from, each fact with the article and the quote that state it.

    Terms are prefixed names with bgraph's prefixes (id:, bg:, schema:, rdf:, ...), <IRI>s,
    `a` for rdf:type, or Turtle literals. An asserted triple is shown with its claims; a triple
    that is neither asserted nor inferred exits with status 1. With PATHs, explains the
    inferences of those files closed with bgraph's ontology.

    \b
    Examples:
        bgraph why id:ballard schema:actor id:titus-welliver
        bgraph why id:ballard a schema:CreativeWork --format json
        bgraph why id:ballard schema:actor id:maggie-q --store universe.store
    """
    from ..explain import Explainer, parse_triple, short, store_select
    from ..store import open_dataset, resolve_store

    triple = parse_triple(subject, predicate, object_)  # a bad term costs no loading
    store = resolve_store(store)
    if store != "memory" and paths:
        from ..errors import UsageError

        raise UsageError(f"--store {store}: a built store already holds its data; drop the PATHs")
    if paths:
        from ._files import require_files

        require_files(paths)
    opened = open_dataset(list(paths), store=store, explain=store == "memory", cluster=False)
    explainer = Explainer(store_select(opened.store))
    proof = explainer.explain(triple)
    if proof.status == "absent":
        hint = ""
        reverse = (triple[2], triple[1], triple[0])
        if not triple[2].startswith('"') and explainer.graphs_of(reverse):
            hint = f"; the reverse holds: bgraph why {short(reverse)}"
        raise NotEntailed(f"{short(triple)}: neither asserted nor inferred{hint}")
    if proof.status == "unexplained":
        raise NoExplanation(
            f"{short(triple)} is inferred, but {store} holds no explanations: build it with "
            "`bgraph build --explain`, or use --store memory"
        )
    if format_name == "json":
        click.echo(json.dumps(explainer.as_dict(proof), indent=2, ensure_ascii=False))
        return
    if proof.status == "asserted":
        click.echo(f"{short(proof.triple)}: asserted, not inferred.")
        graphs = [g for g in proof.graphs if not proof.sources or not g.startswith(_CLAIMS)]
        for src in proof.sources:
            click.echo(f"  {explainer.source_words(src)}")
        if graphs:
            click.echo(f"  in {', '.join(curie(g, angle=True) for g in graphs)}")
        return
    for line in explainer.text(proof):
        click.echo(line)


_CLAIMS = str(CLAIM)
