"""The project's Prettier print width, for the line length of rewritten JS/TS.

Prettier reads its options from `.prettierrc` (JSON or YAML), `.prettierrc.json`,
`.prettierrc.yaml`/`.yml` or the `prettier` key of `package.json`; its default width is
80. Only these static files are read: a `prettier.config.js` would have to be run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEFAULT_WIDTH = 80
_FILES = (".prettierrc", ".prettierrc.json", ".prettierrc.yaml", ".prettierrc.yml")


def _read(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except ValueError:
        import yaml  # only for a YAML .prettierrc: most runs never load a YAML parser

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ValueError(str(error)) from None


def print_width(root: Path) -> int | None:
    """`printWidth` from the project root's Prettier configuration, if it sets one."""
    candidates: list[Any] = []
    for name in _FILES:
        path = root / name
        if path.is_file():
            try:
                candidates.append(_read(path))
            except (OSError, UnicodeDecodeError, ValueError):
                return None
            break
    package = root / "package.json"
    if not candidates and package.is_file():
        try:
            candidates.append(
                (json.loads(package.read_text(encoding="utf-8")) or {}).get("prettier")
            )
        except (OSError, UnicodeDecodeError, ValueError, AttributeError):
            return None
    for config in candidates:
        width = config.get("printWidth") if isinstance(config, dict) else None
        if isinstance(width, int) and not isinstance(width, bool) and width > 0:
            return width
    return None
