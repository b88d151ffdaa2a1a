"""A progress bar on stderr for long loads; nothing at all when stderr is not a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from metro.cli.common import stderr

Update = Callable[[str, int], None]


@contextmanager
def load_progress(*, enabled: bool, console: Console | None = None) -> Iterator[Update | None]:
    """Yields ``update(file, rows_done)`` for the loader, or None when disabled. The bar shows
    one line per file: its name and the rows done (``40,000 rows``), on ``console`` (stderr
    unless given)."""
    if not enabled:
        yield None
        return
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=console or stderr,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def update(name: str, done: int) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=None)
        bar.update(tasks[name], completed=done)

    with bar:
        yield update
