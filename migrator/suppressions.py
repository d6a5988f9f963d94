"""Silencing findings: `# mistral-migrate: ignore[MM301]` on a line (or the first line of
the statement), `per-file-ignores`, and `select` / `ignore` prefixes."""

from __future__ import annotations

import re
from collections.abc import Callable

import pathspec

from migrator.settings import Settings

_COMMENT = re.compile(r"#\s*mistral-migrate:\s*ignore(?:\[(?P<codes>[A-Za-z0-9,\s]+)\])?")


def line_ignores(source: bytes) -> dict[int, set[str] | None]:
    """Line number -> codes silenced there (None: every code)."""
    found: dict[int, set[str] | None] = {}
    if b"mistral-migrate" not in source:
        return found
    text = source.decode("utf-8", errors="replace")
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        match = _COMMENT.search(line)
        if match:
            codes = match.group("codes")
            found[number] = {c.strip().upper() for c in codes.split(",") if c.strip()} if codes else None
    return found


def code_filter(settings: Settings, display: str) -> Callable[[str], bool]:
    """Whether a code is reported for this file, from select/ignore/per-file-ignores."""
    ignored = list(settings.ignore)
    for pattern, codes in settings.per_file_ignores.items():
        if pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(display):
            ignored.extend(codes)
    select = settings.select

    def enabled(code: str) -> bool:
        if select and not any(code.startswith(prefix) for prefix in select):
            return False
        return not any(code.startswith(prefix) for prefix in ignored)

    return enabled
