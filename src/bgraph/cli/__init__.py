"""The ``bgraph`` command: arguments, output and error -> exit code; nothing else.

Each command lives in its own module of this package and registers itself on :data:`main`;
modules are discovered, so adding a command never edits this file.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Any

import click

from .. import __version__
from ..errors import BgraphError, ExitCode

#: Whether ``bgraph query`` drops the network before evaluating (:mod:`bgraph.sandbox`). Set by
#: the console script (:func:`run`), a process that exits after its command; left off when
#: ``main`` runs inside another program (tests, Python callers), whose network it would take.
SANDBOX_QUERIES = False


class BgraphGroup(click.Group):
    """Turns every BgraphError into ``Error: ...`` on stderr and its exit code, no traceback."""

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


def _register_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_register_commands()


def run() -> None:  # pragma: no cover - console-script entry point
    global SANDBOX_QUERIES
    SANDBOX_QUERIES = True
    sys.exit(main(standalone_mode=True) or ExitCode.OK)
