"""The ``bgraph`` command: arguments, output and error -> exit code; nothing else.

Each command lives in its own module of this package and registers itself on :data:`main`. The
modules are imported when their command runs, not at start (``bgraph serve`` does not pay for
``bgraph validate``'s imports): :data:`COMMANDS` names each command's module and the first
sentence of its help, which ``bgraph --help`` lists. A module missing from the table is still
found (every module is imported when a name is not in it); tests/test_start_fast.py keeps the
table equal to the commands.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Any, NamedTuple

import click

from .. import __version__
from ..errors import BgraphError, ExitCode

#: Whether ``bgraph query`` drops the network before evaluating (:mod:`bgraph.sandbox`). Set by
#: the console script (:func:`run`), a process that exits after its command; left off when
#: ``main`` runs inside another program (tests, Python callers), whose network it would take.
SANDBOX_QUERIES = False


class Entry(NamedTuple):
    module: str  #: in this package
    summary: str  #: the first sentence of the command's help: what ``bgraph --help`` shows

    def short_help(self, limit: int) -> str:
        """The summary shortened as click shortens a command's help for ``--help``."""
        return click.Command(None, help=self.summary).get_short_help_str(limit)


#: Every command: its module, and the first sentence of its help.
COMMANDS: dict[str, Entry] = {
    "build": Entry("building", "Write the enriched dataset to an on-disk Oxigraph store, once."),
    "diagram": Entry(
        "drawing",
        "Draw the Bosch universe from the graph: series and novels on a time axis, spin-off and "
        "adaptation arrows, the cast as actor → character pairs, production companies and "
        "platforms.",
    ),
    "docs": Entry(
        "documenting",
        "Build the ontology's reference documentation: every class and property with its "
        "English and French labels, definition, domain and range, schema.org and Wikidata "
        "alignments, and the SHACL constraints that apply.",
    ),
    "export": Entry(
        "exporting", "Export the knowledge graph: asserted facts, provenance and inferences."
    ),
    "push": Entry(
        "building", "Load the enriched dataset into a SPARQL 1.1 Graph Store Protocol server."
    ),
    "queries": Entry("querying", "List the competency questions in queries/, or print one."),
    "query": Entry("querying", "Run a SPARQL query against the knowledge graph."),
    "reason": Entry(
        "reasoning",
        "Compute the OWL 2 RL closure of the ontology and the data, and show what it added.",
    ),
    "serve": Entry(
        "serving", "Serve the knowledge graph: SPARQL 1.1 endpoint, query UI and linked data."
    ),
    "stats": Entry("knowledge", "Count triples, entities per class and facts per source article."),
    "synth": Entry("synthesis", "Write a synthetic Bosch-like universe of exactly N statements."),
    "validate": Entry(
        "knowledge", "Check the data against the SHACL shapes (ontology/shapes.ttl)."
    ),
    "why": Entry(
        "why",
        "Explain why a triple holds: the OWL 2 RL rules, ontology axioms and asserted facts it "
        "follows from, each fact with the article and the quote that state it.",
    ),
}


class BgraphGroup(click.Group):
    """Commands imported on first use (:data:`COMMANDS`); every BgraphError turned into
    ``Error: ...`` on stderr and its exit code, no traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            entry = COMMANDS.get(cmd_name)
            if entry is not None:
                importlib.import_module(f"{__name__}.{entry.module}")
            else:
                load_all()
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``bgraph --help``, from :data:`COMMANDS` (nothing imported)."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in COMMANDS and name not in self.commands:
                rows.append((name, COMMANDS[name].short_help(limit)))
            else:
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BgraphError as exc:
            if ctx.meta.get("bgraph.traceback"):
                raise
            click.secho(f"Error: {exc}", fg="red", err=True)
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except BrokenPipeError:  # `bgraph stats | head -1`: the reader has what it wanted
            _silence_stdout()
            ctx.exit(int(ExitCode.OK))


def _silence_stdout() -> None:
    """Point standard output at /dev/null: the closed pipe's unflushed bytes would otherwise
    fail again at exit ("Exception ignored ... BrokenPipeError", status 120)."""
    import os

    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests' CliRunner)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _traceback(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta["bgraph.traceback"] = value


@click.group(cls=BgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bgraph")
@click.option(
    "--traceback",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_traceback,
    help="Show the Python traceback of an error (for debugging bgraph itself).",
)
def main() -> None:
    """bgraph: a linked-data knowledge graph of Michael Connelly's Bosch TV universe.

    \b
    Example:
        bgraph stats
    """


def load_all() -> dict[str, click.Command]:
    """Import every command module (tests, documentation); the commands by name."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return dict(main.commands)


def run() -> None:  # pragma: no cover - console-script entry point
    global SANDBOX_QUERIES
    SANDBOX_QUERIES = True
    try:
        code = main(standalone_mode=True) or ExitCode.OK
    except BrokenPipeError:  # raised outside a command (a flush at the end)
        _silence_stdout()
        code = ExitCode.OK
    sys.exit(code)
