"""Where each cell's `source` sits in a notebook's JSON text.

Writing a fixed notebook with `json.dumps` would re-indent it, reorder nothing but still
touch escapes and spacing all over the file. Instead the raw text is scanned once for the
character spans of every cell's `source` value (and of each of its strings), so a change
replaces exactly those spans and the git diff shows only the changed source lines.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class SourceSpan:
    start: int  # offset of the value's first character ('[' or '"')
    end: int  # offset just past it
    items: tuple[tuple[int, int], ...]  # spans of the JSON strings it holds
    values: tuple[str, ...]  # their decoded text
    is_list: bool

    @property
    def text(self) -> str:
        return "".join(self.values)


@dataclass(frozen=True)
class CellSpan:
    number: int  # 1-based, every cell counted
    cell_type: str
    source: SourceSpan | None


def _skip(text: str, index: int) -> int:
    match = _SPACE.match(text, index)
    assert match is not None
    return match.end()


def _expect(text: str, index: int, char: str) -> int:
    if index >= len(text) or text[index] != char:
        raise ValueError(f"expected {char!r} at offset {index}")
    return index + 1


def _members(text: str, index: int) -> list[tuple[str, int, int]]:
    """(key, value start, value end) of the object starting at `index`."""
    index = _skip(text, _expect(text, index, "{"))
    found: list[tuple[str, int, int]] = []
    if text.startswith("}", index):
        return found
    while True:
        key, index = scanstring(text, _expect(text, index, '"'))
        index = _skip(text, _expect(text, _skip(text, index), ":"))
        _, end = _DECODER.raw_decode(text, index)
        found.append((key, index, end))
        index = _skip(text, end)
        if text.startswith("}", index):
            return found
        index = _skip(text, _expect(text, index, ","))


def _elements(text: str, index: int) -> list[tuple[int, int]]:
    """(start, end) of each element of the array starting at `index`."""
    index = _skip(text, _expect(text, index, "["))
    found: list[tuple[int, int]] = []
    if text.startswith("]", index):
        return found
    while True:
        _, end = _DECODER.raw_decode(text, index)
        found.append((index, end))
        index = _skip(text, end)
        if text.startswith("]", index):
            return found
        index = _skip(text, _expect(text, index, ","))


def _source(text: str, start: int, end: int) -> SourceSpan | None:
    if text[start] == '"':
        return SourceSpan(start, end, ((start, end),), (json.loads(text[start:end]),), False)
    if text[start] != "[":
        return None
    items = tuple(_elements(text, start))
    values = tuple(json.loads(text[a:b]) for a, b in items)
    if not all(isinstance(value, str) for value in values):
        return None
    return SourceSpan(start, end, items, values, True)


def locate_cells(text: str) -> list[CellSpan]:
    """Every cell of an nbformat-4 notebook; ValueError when the text is not one."""
    start = _skip(text, 0)
    top = {key: (a, b) for key, a, b in _members(text, start)}
    if "cells" not in top or text[top["cells"][0]] != "[":
        raise ValueError('no "cells" list (only nbformat 4 notebooks are read)')
    cells: list[CellSpan] = []
    for number, (a, _b) in enumerate(_elements(text, top["cells"][0]), start=1):
        if text[a] != "{":
            raise ValueError(f"cell {number} is not an object")
        members = {key: (x, y) for key, x, y in _members(text, a)}
        cell_type = json.loads(text[slice(*members["cell_type"])]) if "cell_type" in members else ""
        source = _source(text, *members["source"]) if "source" in members else None
        cells.append(CellSpan(number, cell_type if isinstance(cell_type, str) else "", source))
    return cells


def uses_ascii_escapes(text: str) -> bool:
    """Whether the notebook was written with ensure_ascii=True (`\\u00e9` rather than `é`)."""
    if any(ord(char) > 127 for char in text):
        return False
    return (
        re.search(
            r"\\u(?:00[89a-fA-F][0-9a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]{2}|[1-9a-fA-F][0-9a-fA-F]{3})",
            text,
        )
        is not None
    )
