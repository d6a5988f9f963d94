"""TOML files (pyproject.toml, app settings): tomlkit validates, a lexer finds spans.

tomlkit is the project's TOML reader and says whether the file is valid (and where it is
not). It does not expose offsets, so a small lexer over the already-valid text records
each key and string value with its position; edits replace only the characters inside
the quotes. Multi-line strings and strings with escapes are reported, never edited.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import tomlkit
from tomlkit.exceptions import ParseError as TomlParseError

from migrator.configfiles.engine import ConfigRewrite
from migrator.configfiles.spans import ParseError, Scalar

_BARE = re.compile(r"[A-Za-z0-9_\-]+")
_BLANK = re.compile(r"[ \t]*")
_ATOM = re.compile(r"[^,\]}\s#]+(?:[ T][0-9:.+\-Z]+)?")


@dataclass(frozen=True)
class Pair:
    key: Scalar
    value: Scalar | None
    path: tuple[str, ...]
    table: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    value: Scalar
    path: tuple[str, ...]


class Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 1 if text.startswith("\ufeff") else 0
        self.events: list[Pair | Item] = []
        self.headers: list[Scalar] = []

    def peek(self, count: int = 1) -> str:
        return self.text[self.pos : self.pos + count]

    def blank(self, newlines: bool = False) -> None:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.pos += 1
            elif char == "#" and newlines:
                while self.pos < len(self.text) and self.text[self.pos] not in "\r\n":
                    self.pos += 1
            else:
                return

    def document(self) -> None:
        table: tuple[str, ...] = ()
        while True:
            self.blank(newlines=True)
            if self.pos >= len(self.text):
                return
            if self.peek() == "[":
                double = self.peek(2) == "[["
                self.pos += 2 if double else 1
                keys = self.keys()
                self.headers.extend(keys)
                self.pos += 2 if double else 1
                table = tuple(k.value for k in keys)
            else:
                self.keyval(table, table)
            self.blank()
            if self.peek() == "#":
                self.blank(newlines=True)

    def keys(self) -> list[Scalar]:
        keys: list[Scalar] = []
        while True:
            self.blank()
            char = self.peek()
            if char in "\"'":
                keys.append(self.string())
            else:
                match = _BARE.match(self.text, self.pos)
                assert match is not None
                keys.append(Scalar(match.group(0), match.start(), match.end()))
                self.pos = match.end()
            self.blank()
            if self.peek() != ".":
                return keys
            self.pos += 1

    def keyval(self, base: tuple[str, ...], table: tuple[str, ...]) -> None:
        keys = self.keys()
        self.pos += 1  # "="
        self.blank()
        path = (*base, *(k.value for k in keys))
        owner = (*base, *(k.value for k in keys[:-1]))
        start = len(self.events)
        self.events.append(Pair(keys[-1], None, path, owner))
        value = self.value(path)
        if value is not None:
            self.events[start] = Pair(keys[-1], value, path, owner)

    def string(self) -> Scalar:
        text, start = self.text, self.pos
        for quote in ('"""', "'''"):
            if text.startswith(quote, start):
                end = text.index(quote, start + 3)
                while text.startswith(quote[0], end + 3):
                    end += 1
                self.pos = end + 3
                raw = text[start + 3 : end]
                return Scalar(raw, start + 3, end, exact=False)
        quote = text[start]
        index = start + 1
        while text[index] != quote:
            index += 2 if quote == '"' and text[index] == "\\" else 1
        self.pos = index + 1
        raw = text[start + 1 : index]
        exact = quote == "'" or "\\" not in raw
        value = raw if exact else _basic_value(raw)
        return Scalar(value, start + 1, index, exact)

    def value(self, path: tuple[str, ...]) -> Scalar | None:
        char = self.peek()
        if char in "\"'":
            return self.string()
        if char == "[":
            self.pos += 1
            while True:
                self.blank(newlines=True)
                if self.peek() == "]":
                    self.pos += 1
                    return None
                if self.peek() in "\"'":
                    self.events.append(Item(self.string(), path))
                else:
                    self.value(path)
                self.blank(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
        if char == "{":
            self.pos += 1
            while True:
                self.blank()
                if self.peek() == "}":
                    self.pos += 1
                    return None
                self.keyval(path, path)
                self.blank()
                if self.peek() == ",":
                    self.pos += 1
        match = _ATOM.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos + 1
        return None


def _basic_value(raw: str) -> str:
    try:
        return str(tomlkit.parse(f'v = "{raw}"')["v"])
    except TomlParseError:
        return raw


def validate(text: str) -> None:
    try:
        tomlkit.parse(text[1:] if text.startswith("\ufeff") else text)
    except TomlParseError as error:
        raise ParseError(str(error), error.line, error.col) from None


def migrate(text: str, rewrite: ConfigRewrite) -> None:
    validate(text)
    lexer = Lexer(text)
    lexer.document()
    for header in lexer.headers:
        rewrite.key(header)
    siblings: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for event in lexer.events:
        if isinstance(event, Pair):
            siblings[event.table].add(event.key.value)
    for event in lexer.events:
        if isinstance(event, Pair):
            rewrite.entry(event.key, event.value, event.path, siblings[event.table])
        else:
            rewrite.list_item(event.value, event.path)
