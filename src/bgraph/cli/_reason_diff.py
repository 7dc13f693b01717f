"""``bgraph reason --diff OLD_ONTOLOGY``: what an ontology change adds to and removes from the
closure of the same data, each triple with its derivation (:func:`bgraph.explain.ontology_diff`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import BgraphError


class DiffError(BgraphError):
    """An ontology beyond the fast reasoner's profile: no derivations to show (exit 1)."""


def reason_diff(old_ontology: Path, paths: list[Path], as_json: bool, limit: int) -> None:
    import pyoxigraph as ox

    from ..explain import ontology_diff, short
    from ..fastreason import Unsupported
    from ..graph import load_into_oxigraph
    from ..store import closure_inputs, open_dataset
    from ._files import require_files

    require_files([old_ontology, *paths])
    old_store = ox.Store()
    load_into_oxigraph(old_store, old_ontology, default_graph=True)
    old_tbox = old_store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    opened = open_dataset(paths, inference=False, union=False, cluster=False)
    new_tbox, abox = closure_inputs(opened.store, bool(paths))
    try:
        diff = ontology_diff(old_tbox, new_tbox, list(abox()))
    except Unsupported as exc:
        raise DiffError(
            f"the fast reasoner does not cover one of the ontologies ({exc}); --diff needs its "
            "derivations"
        ) from None
    if as_json:
        click.echo(json.dumps(diff.as_dict(), indent=2, ensure_ascii=False))
        return

    def axiom_text(axiom: tuple[str, str, str] | None) -> str:
        return short(axiom) if axiom else "no axiom: a schema rule"

    d = diff
    click.echo(
        f"Ontology: {d.new_axioms} triples, was {d.old_axioms} in {old_ontology}: "
        f"+{len(d.axioms_added)} -{len(d.axioms_removed)}"
    )
    for t in d.axioms_added[:limit]:
        click.echo(f"  + {short(t)}")
    for t in d.axioms_removed[:limit]:
        click.echo(f"  - {short(t)}")
    click.echo(
        f"Closure: {d.new_inferred} inferred triples, was {d.old_inferred}: "
        f"+{len(d.added)} -{len(d.removed)} (in {d.seconds:.2f} s)"
    )
    for title, changes, sign in (
        ("Added, each with its derivation", d.added, "+"),
        ("Removed, with the derivation the old ontology gave", d.removed, "-"),
    ):
        if not changes:
            continue
        click.echo(f"{title}; by axiom:")
        for axiom, n in d.by_axiom(changes)[:limit]:
            click.echo(f"  {n:6}  {axiom_text(axiom)}")
        for c in changes[:limit]:
            why = f"{c.rule}: {short(c.axiom)}" if c.axiom else c.rule
            click.echo(f"{sign} {short(c.triple)}   [{why}]")
            for p in c.premises:
                click.echo(f"      from {short(p)}")
        if len(changes) > limit:
            click.echo(f"  … and {len(changes) - limit} more (--limit, or --json for all)")
