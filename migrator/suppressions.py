"""Silencing findings: `# mistral-migrate: ignore[MM301]` on a line (or the first line of
the statement), `per-file-ignores`, and `select` / `ignore` prefixes.

Only real comments count (found with `tokenize`), so a docstring that quotes the syntax
neither silences anything nor shows up as an unused suppression.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pathspec

from migrator.settings import Settings

MARKER = b"mistral-migrate:"
_COMMENT = re.compile(r"#\s*mistral-migrate:\s*ignore(?:\[(?P<codes>[A-Za-z0-9,\s]+)\])?")


@dataclass
class Suppression:
    """One ignore comment: where it is, what it names (None: every code), what it silenced."""

    line: int
    column: int
    end_column: int
    codes: set[str] | None
    used: set[str] = field(default_factory=set)

    def covers(self, code: str) -> bool:
        return self.codes is None or code in self.codes


def _comments(source: bytes) -> Iterator[tuple[int, int, str]]:
    """(line, 0-based column, text) of every comment; falls back to a line scan when the
    tokenizer gives up (the parser has accepted the file, so that is rare)."""
    try:
        for token in tokenize.tokenize(io.BytesIO(source).readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.start[1], token.string
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError):
        text = source.decode("utf-8", errors="replace")
        for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
            if "#" in line:
                yield number, line.index("#"), line[line.index("#") :]


def find_suppressions(source: bytes) -> dict[int, Suppression]:
    """Line number -> the ignore comment on it."""
    found: dict[int, Suppression] = {}
    if MARKER not in source:
        return found
    for number, column, comment in _comments(source):
        match = _COMMENT.search(comment)
        if not match:
            continue
        codes = match.group("codes")
        found[number] = Suppression(
            line=number,
            column=column + match.start() + 1,
            end_column=column + match.end() + 1,
            codes={c.strip().upper() for c in codes.split(",") if c.strip()} if codes else None,
        )
    return found


def unused_codes(suppression: Suppression, enabled: Callable[[str], bool]) -> list[str] | None:
    """What to report as unused: the named codes that silenced nothing (only codes this
    run checks, so `--select MM2` does not call an `ignore[MM101]` unused); `[]` for a
    bare ignore that silenced nothing; None when the comment did its job."""
    if suppression.codes is None:
        return None if suppression.used else []
    unused = sorted(c for c in suppression.codes if c not in suppression.used and enabled(c))
    return unused or None


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


def line_ignores(source: bytes) -> dict[int, set[str] | None]:
    """Line number -> codes silenced there (None: every code), by a plain line scan.

    For config files (.env, YAML, TOML), whose `#` comments Python's tokenizer cannot
    find; Python files use `find_suppressions`.
    """
    found: dict[int, set[str] | None] = {}
    if MARKER not in source:
        return found
    text = source.decode("utf-8", errors="replace")
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        match = _COMMENT.search(line)
        if match:
            codes = match.group("codes")
            found[number] = (
                {c.strip().upper() for c in codes.split(",") if c.strip()} if codes else None
            )
    return found
