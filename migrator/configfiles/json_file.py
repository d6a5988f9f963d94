"""JSON app config: a small span-keeping parser over the text.

`json.loads` validates (its error position is reported); a recursive walk then records
every string's offsets, so edits replace exactly the characters inside the quotes. A
string holding escapes is reported but never edited.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]

from migrator.configfiles.engine import ConfigRewrite
from migrator.configfiles.spans import ParseError, Scalar

_SPACE = re.compile(r"[ \t\r\n]*")
_ATOM = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")


class Walker:
    def __init__(self, text: str, rewrite: ConfigRewrite) -> None:
        self.text, self.rewrite = text, rewrite

    def skip(self, position: int) -> int:
        return _SPACE.match(self.text, position).end()  # type: ignore[union-attr]

    def string(self, position: int) -> tuple[Scalar, int]:
        value, end = scanstring(self.text, position + 1)
        raw = self.text[position + 1 : end - 1]
        return Scalar(value, position + 1, end - 1, raw == value), end

    def value(self, position: int, path: tuple[str, ...], in_list: bool = False) -> int:
        position = self.skip(position)
        char = self.text[position]
        if char == "{":
            return self.object(position, path)
        if char == "[":
            return self.array(position, path)
        if char == '"':
            found, end = self.string(position)
            if in_list:
                self.rewrite.list_item(found, path)
            elif path:
                self.rewrite.value(found, path)
            return end
        return _ATOM.match(self.text, position).end()  # type: ignore[union-attr]

    def object(self, position: int, path: tuple[str, ...]) -> int:
        pairs: list[tuple[Scalar, int]] = []
        position = self.skip(position + 1)
        while self.text[position] != "}":
            key, position = self.string(position)
            position = self.skip(self.skip(position) + 1)
            pairs.append((key, position))
            position = self.skip(self.end_of(position))
            if self.text[position] == ",":
                position = self.skip(position + 1)
        siblings = {key.value for key, _ in pairs}
        for key, start in pairs:
            child = (*path, key.value)
            if self.text[start] == '"':
                found, _ = self.string(start)
                self.rewrite.entry(key, found, child, siblings)
            else:
                self.rewrite.entry(key, None, child, siblings)
                self.value(start, child)
        return position + 1

    def end_of(self, position: int) -> int:
        """Where the value starting at `position` ends, without reporting anything."""
        depth, index, text = 0, position, self.text
        while True:
            char = text[index]
            if char == '"':
                _, index = scanstring(text, index + 1)
                if depth == 0:
                    return index
                continue
            if char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
                if depth == 0:
                    return index + 1
            elif depth == 0:
                return _ATOM.match(text, index).end()  # type: ignore[union-attr]
            index += 1

    def array(self, position: int, path: tuple[str, ...]) -> int:
        position = self.skip(position + 1)
        while self.text[position] != "]":
            position = self.skip(self.value(position, path, in_list=True))
            if self.text[position] == ",":
                position = self.skip(position + 1)
        return position + 1


def migrate(text: str, rewrite: ConfigRewrite) -> None:
    body = text[1:] if text.startswith("\ufeff") else text
    try:
        json.loads(body)
    except json.JSONDecodeError as error:
        raise ParseError(
            f"line {error.lineno}, column {error.colno}: {error.msg}", error.lineno, error.colno
        ) from None
    Walker(text, rewrite).value(len(text) - len(body), ())
