"""Unified diffs that `git apply` accepts.

`difflib` omits the "\\ No newline at end of file" marker and splits on every kind of
line break; this keeps each line's own ending (CRLF stays CRLF) and adds the marker, so
a patch of a file without a final newline still applies.
"""

from __future__ import annotations

import difflib
import re

NO_NEWLINE = "\\ No newline at end of file\n"


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> list[str]:
    """Lines split on \\n, \\r\\n and \\r only (str.splitlines also splits on form feeds)."""
    return _LINE.findall(text)


def unified_diff(display: str, before: str, after: str, context: int = 3) -> str:
    out: list[str] = []
    for line in difflib.unified_diff(
        _lines(before), _lines(after), f"a/{display}", f"b/{display}", n=context
    ):
        if line.startswith(("---", "+++")):
            out.append(line.rstrip("\r\n") + "\n")
        elif line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n" + NO_NEWLINE)
    return "".join(out)
