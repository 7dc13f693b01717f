"""Progress bars (rich, on stderr) for the steps that can take more than two seconds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


def columns() -> tuple[ProgressColumn, ...]:
    return (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )


@contextmanager
def progress(enabled: bool = True) -> Iterator[Progress]:
    """A transient progress display on stderr; disabled, it draws nothing."""
    console = Console(stderr=True)
    with Progress(*columns(), transient=True, console=console, disable=not enabled) as bar:
        yield bar
