"""One JS/TS file's bytes: positions as editors count them, literal values, house style.

tree-sitter counts columns in bytes; findings count characters (as the Python pass and
every editor do), so a line with non-ASCII text before a finding is measured again here.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from tree_sitter import Node

from migrator.stringlit import string_literal


class Point(NamedTuple):
    line: int  # 1-based
    column: int  # 0-based, in characters (as LibCST's CodeRange, which FileContext reads)


class Span(NamedTuple):
    start: Point
    end: Point


_INDENT = re.compile(rb"[ \t]*")


@dataclass
class Source:
    data: bytes

    def __post_init__(self) -> None:
        self._starts = [0] + [m.end() for m in re.finditer(rb"\r\n|\n|\r(?!\n)", self.data)]

    def point(self, offset: int) -> Point:
        index = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[index]
        if start == 0 and self.data.startswith(b"\xef\xbb\xbf"):
            start = min(3, offset)  # the BOM is not a column, as in every editor
        column = len(self.data[start:offset].decode("utf-8", errors="replace"))
        return Point(index + 1, column)

    def span(self, node: Node) -> Span:
        return Span(self.point(node.start_byte), self.point(node.end_byte))

    def indent_unit(self) -> bytes:
        return self._indent_unit

    def text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def line_start(self, offset: int) -> int:
        return self._starts[bisect.bisect_right(self._starts, offset) - 1]

    def indent_at(self, offset: int) -> bytes:
        """The indentation of the line holding `offset`."""
        start = self.line_start(offset)
        match = _INDENT.match(self.data, start)
        assert match is not None
        return match.group(0)

    @cached_property
    def newline(self) -> bytes:
        for ending in (b"\r\n", b"\n", b"\r"):
            if ending in self.data:
                return ending
        return b"\n"

    @cached_property
    def _indent_unit(self) -> bytes:
        """The file's indentation step: the smallest indent of any indented line."""
        sizes = []
        for start in self._starts[1:200]:
            match = _INDENT.match(self.data, start)
            if (
                match
                and match.group(0)
                and start + len(match.group(0)) < len(self.data)
                and self.data[start + len(match.group(0))] not in b"\r\n*"
            ):
                sizes.append(match.group(0))
        if not sizes:
            return b"  "
        if any(size.startswith(b"\t") for size in sizes):
            return b"\t"
        return b" " * min(len(size) for size in sizes)


def string_value(node: Node | None) -> str | None:
    """The value of a plain string literal (or a template with no `${}`), None otherwise.

    A literal with escapes is not read: its source text is not its value, and a rewrite
    claimed from a guessed value would be wrong.
    """
    if node is None or node.type not in ("string", "template_string"):
        return None
    parts = []
    for child in node.named_children:
        if child.type != "string_fragment":
            return None
        parts.append(child.text.decode("utf-8", errors="replace") if child.text else "")
    return "".join(parts)


def quote_of(node: Node) -> str:
    text = node.text or b'"'
    return text[:1].decode()


def quoted(value: str, quote: str) -> str:
    """A JS string literal; `quote` is the file's own style (a backtick becomes `"`)."""
    quote = quote if quote in ("'", '"') else '"'
    return string_literal(value, quote, "js")


def house_quote(strings: list[Node]) -> str:
    """The quote most string literals in the file use (ties and none: double)."""
    counts = {"'": 0, '"': 0}
    for node in strings:
        quote = quote_of(node)
        if quote in counts:
            counts[quote] += 1
    return "'" if counts["'"] > counts['"'] else '"'
