"""Byte-span edits: the only way the JS pass changes a file.

Everything outside the spans stays byte for byte. Edits never overlap; an insertion
(an empty span) at the end of a replaced span is applied after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Edit:
    start: int
    end: int
    order: int
    text: bytes = field(compare=False)


class OverlappingEdits(Exception):
    """Two rules claimed the same bytes: a defect, reported as MM903, nothing written."""


@dataclass
class Edits:
    items: list[Edit] = field(default_factory=list)

    def replace(self, start: int, end: int, text: str) -> None:
        self.items.append(Edit(start, end, len(self.items), text.encode("utf-8")))

    def insert(self, offset: int, text: str) -> None:
        self.replace(offset, offset, text)

    def apply(self, data: bytes) -> bytes:
        out: list[bytes] = []
        position = 0
        for edit in sorted(self.items):
            if edit.start < position:
                raise OverlappingEdits(f"edits overlap at byte {edit.start}")
            out.append(data[position : edit.start])
            out.append(edit.text)
            position = edit.end
        out.append(data[position:])
        return b"".join(out)
