"""Where the shipped `rules/` data lives.

In a wheel it is packaged as `migrator/rules`; in a source checkout (and an editable
install) it is the top-level `rules/` beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def rules_dir() -> Path:
    for candidate in (_PACKAGE / "rules", _PACKAGE.parent / "rules"):
        if (candidate / "catalog.toml").is_file():
            return candidate
    raise FileNotFoundError("mistral-migrate's rules/ data is missing from this installation")
