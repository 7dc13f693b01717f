"""rich consoles for command output: a closed pipe ends the command quietly, with status 0.

rich's own reaction to a closed pipe (``Console.on_broken_pipe``) is ``SystemExit(1)``; these
consoles raise BrokenPipeError instead, which the ``bgraph`` group turns into a quiet exit 0
(``bgraph stats | head -1`` is a success: the reader had what it wanted).
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _console_class() -> type:
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return PipeConsole


def console(**kwargs: Any) -> Any:
    """A ``rich.console.Console(**kwargs)`` that raises BrokenPipeError on a closed pipe."""
    return _console_class()(**kwargs)
