"""Exact span replacement: the one way config files are rewritten.

Every format module locates values as character offsets into the decoded text; edits
replace those spans and nothing else, so comments, quoting, ordering, indentation, line
endings and a missing final newline all survive untouched.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Scalar:
    """A value (or key) as written: `start`/`end` bound its text inside any quotes.

    `exact` is False when the written text differs from the value (escapes, folding):
    such a scalar is reported but never edited. `empty` is how an empty value is written
    in place of the span (a bare YAML scalar needs `""`, or it would become null).
    """

    value: str
    start: int
    end: int
    exact: bool = True
    empty: str = ""

    def sub(self, start: int, end: int) -> Scalar:
        """The part value[start:end] as its own scalar (only for exact scalars)."""
        return Scalar(self.value[start:end], self.start + start, self.start + end, self.exact)


@dataclass(frozen=True, order=True)
class Edit:
    start: int
    end: int
    text: str


class ParseError(Exception):
    """A config file that does not parse; reported as MM901 and left untouched."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Offset -> 1-based (line, column), with the same line breaks as suppressions."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in _BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Replace the spans, skipping any edit that overlaps one already taken."""
    out: list[str] = []
    position = 0
    for edit in sorted(edits):
        if edit.start < position:
            continue
        out.append(text[position : edit.start])
        out.append(edit.text)
        position = edit.end
    out.append(text[position:])
    return "".join(out)
