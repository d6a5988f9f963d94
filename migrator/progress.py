"""A transient progress bar on stderr, for runs long enough to wonder about.

Shown only when stderr is a terminal, outside CI and without NO_COLOR, and when the run
has many files to parse; piped or scripted output never carries it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

MIN_FILES = 200


def wanted(count: int) -> bool:
    if count < MIN_FILES or os.environ.get("CI") or "NO_COLOR" in os.environ:
        return False
    return sys.stderr.isatty()


@contextmanager
def progress(total: int, enabled: bool) -> Iterator[Callable[[], None]]:
    """A function to call once per finished file (a no-op when not shown)."""
    if not enabled:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("mistral-migrate"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("files", total=total)
    with bar:
        yield lambda: bar.advance(task)
