"""Text from the scanned files, made safe and short enough to show a person.

Source lines, messages that quote values, file names and diffs come from files the user
may not have written. An escape sequence in them would act on the terminal (erase a line
to hide a finding, OSC 52 to write the clipboard), and a newline inside a message would
start a line of its own (`::error::...` in a CI log). `printable` shows every control
character (and the bidirectional overrides of "Trojan source") as an escape instead. A
one-line JSON file can hold a 179 KB line: `window` shows the part around the column.
"""

from __future__ import annotations

import re

# C0 controls but tab, DEL, C1 controls, and the bidirectional embedding/override/isolate
# characters, which reorder what a reader sees.
_CONTROL = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
_CONTROL_KEEP_NEWLINE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2066-\u2069\ufeff]|\r(?!\n)"
)

_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """One line with every control character shown as an escape."""
    return _CONTROL.sub(_escape, text)


def printable_lines(text: str) -> str:
    """Like `printable` but keeps line breaks (`\\n`, and `\\r\\n` as a whole)."""
    return _CONTROL_KEEP_NEWLINE.sub(_escape, text)


def window(line: str, column: int, width: int = 160) -> str:
    """At most `width` characters of `line` around `column` (1-based), `…` where cut."""
    if len(line) <= width:
        return line
    half = width // 2
    start = max(0, min(column - 1 - half, len(line) - width))
    end = start + width
    return ("…" if start > 0 else "") + line[start:end] + ("…" if end < len(line) else "")
