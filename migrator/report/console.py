"""Rich consoles that colour on a terminal and stay plain when piped.

Colour: `--color always|never` wins; with `auto` (the default) NO_COLOR (any value)
turns it off, then FORCE_COLOR (any non-empty value) turns it on, else a terminal gets
colour and a pipe does not (the conventions of no-color.org and force-color.org). Width:
the terminal's, else COLUMNS, else 80, so piped tables fit a pull-request comment.
"""

from __future__ import annotations

import os
import sys

from rich.console import Console

COLOR_MODES = ("auto", "always", "never")
_mode = "auto"


def set_color(mode: str) -> None:
    """The run's `--color` choice, for every console made after it."""
    global _mode
    _mode = mode


def use_color(stream: object) -> bool:
    if _mode != "auto":
        return _mode == "always"
    if "NO_COLOR" in os.environ:
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def make_console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    color = use_color(stream)
    return Console(
        file=stream,
        highlight=False,
        soft_wrap=True,
        no_color=not color,
        force_terminal=True if color else None,
        color_system="auto" if color else None,
    )
