"""Rich consoles that colour on a terminal and stay plain when piped or NO_COLOR is set."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def make_console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    plain = not stream.isatty() or "NO_COLOR" in os.environ
    return Console(
        file=stream,
        highlight=False,
        soft_wrap=True,
        no_color=plain,
        color_system=None if plain else "auto",
        width=None if not plain else 160,
    )
