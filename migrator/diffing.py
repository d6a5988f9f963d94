"""Unified diffs that `git apply` accepts.

`difflib` omits the "\\ No newline at end of file" marker and splits on every kind of
line break; this keeps each line's own ending (CRLF stays CRLF) and adds the marker, so
a patch of a file without a final newline still applies. File names are quoted as git
quotes them (`"a/tab\there.py"`, octal escapes for other bytes), so a tab, a newline or a
non-ASCII byte in one name does not break `git apply` for the whole patch.
"""

from __future__ import annotations

import difflib
import re

NO_NEWLINE = "\\ No newline at end of file\n"


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> list[str]:
    """Lines split on \\n, \\r\\n and \\r only (str.splitlines also splits on form feeds)."""
    return _LINE.findall(text)


_ESCAPES = {
    0x07: "\\a",
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0B: "\\v",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}


def quote_path(name: str) -> str:
    """`name` as git writes it in a patch header (quote_c_style with core.quotePath on):
    as it is when every byte is printable ASCII other than `"` and `\\`, else in double
    quotes with C escapes and octal for other bytes. Undecodable bytes of a file name
    (surrogate escapes) go back out as the bytes they were."""
    data = name.encode("utf-8", errors="surrogateescape")
    if all(0x20 <= byte < 0x7F and byte not in (0x22, 0x5C) for byte in data):
        return name
    quoted = "".join(
        _ESCAPES.get(byte) or (chr(byte) if 0x20 <= byte < 0x7F else f"\\{byte:03o}")
        for byte in data
    )
    return f'"{quoted}"'


def header(side: str, display: str, note: str = "") -> str:
    """`--- a/name` / `+++ b/name`; like git, a tab ends a name that holds a space. A
    `note` (a notebook's ` (cell 3)`) follows the name in a diff meant for reading."""
    quoted = quote_path(f"{side}/{display}")
    if note:
        return quoted + note
    return quoted + ("\t" if " " in quoted and not quoted.startswith('"') else "")


def unified_diff(display: str, before: str, after: str, context: int = 3, note: str = "") -> str:
    out: list[str] = []
    # the first two lines are the file headers (a removed line may also start with `---`)
    for number, line in enumerate(difflib.unified_diff(_lines(before), _lines(after), n=context)):
        if number < 2:
            out.append(f"{'---' if number == 0 else '+++'} {header('ab'[number], display, note)}\n")
        elif line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n" + NO_NEWLINE)
    return "".join(out)
