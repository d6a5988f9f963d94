"""String literals the rewrites write, escaped for the language they are written in.

A value that reaches a new literal may come from the scanned file (an env var name
decoded from `"OPENAI_MODEL\\x22) or __import__(..."`) or from config. Written between
quotes as it is, such a value closes the literal and becomes code: `fix` would turn a
harmless string into a call. Every character that is not plainly printable, the quote and
the backslash are written as escapes, which Python and JavaScript read alike (`\\xNN`,
`\\uNNNN`); only characters beyond the BMP differ (`\\UNNNNNNNN` / `\\u{N}`).
"""

from __future__ import annotations

from typing import Literal

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def string_literal(
    value: str, quote: str = '"', language: Literal["python", "js"] = "python"
) -> str:
    """`value` as a literal of `language`, quoted with `quote` (`'` or `"`)."""
    out = []
    for char in value:
        if char == "\\" or char == quote:
            out.append("\\" + char)
        elif char in _SHORT:
            out.append(_SHORT[char])
        elif char.isprintable():
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}" if language == "python" else f"\\u{{{ord(char):x}}}")
    return quote + "".join(out) + quote
