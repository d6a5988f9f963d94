"""`.env` files: `[export ]NAME=value` lines, quoted or bare, with `#` comments.

The dialect is the one python-dotenv and docker-compose read: a bare value ends at
` #`; single quotes are literal; double quotes may span lines and hold escapes (such a
value is reported but never edited). Any other non-blank line does not parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from migrator.configfiles.engine import ConfigRewrite
from migrator.configfiles.spans import ParseError, Scalar

_ASSIGN = re.compile(r"[ \t]*(?:export[ \t]+)?(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*")
_LINE_END = re.compile(r"\r\n|\r|\n|\Z")


@dataclass(frozen=True)
class Assignment:
    name: Scalar
    value: Scalar


def _bare(text: str, start: int) -> Scalar:
    end = _LINE_END.search(text, start).start()  # type: ignore[union-attr]
    line = text[start:end]
    comment = re.search(r"(?:^|[ \t])#", line)
    raw = (line[: comment.start()] if comment else line).rstrip(" \t")
    return Scalar(raw, start, start + len(raw))


def _quoted(text: str, start: int, quote: str) -> tuple[Scalar, int]:
    position = start + 1
    while True:
        close = text.find(quote, position)
        if close < 0:
            raise ParseError(f"unterminated {quote} string")
        if quote == '"' and _escaped(text, close):
            position = close + 1
            continue
        raw = text[start + 1 : close]
        exact = "\\" not in raw and "\n" not in raw and "\r" not in raw
        return Scalar(raw, start + 1, close, exact), close + 1


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def parse(text: str) -> Iterator[Assignment]:
    position = 1 if text.startswith("\ufeff") else 0
    while position < len(text):
        end = _LINE_END.search(text, position)
        assert end is not None
        line = text[position : end.start()]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            position = end.end() if end.end() > position else len(text)
            continue
        match = _ASSIGN.match(text, position)
        if match is None:
            line_number = text.count("\n", 0, position) + 1
            raise ParseError(f"line {line_number} is not NAME=value", line_number)
        name = Scalar(match.group("name"), match.start("name"), match.end("name"))
        start = match.end()
        if start < len(text) and text[start] in "\"'":
            value, after = _quoted(text, start, text[start])
            rest = _LINE_END.search(text, after)
            assert rest is not None
            tail = text[after : rest.start()].strip()
            if tail and not tail.startswith("#"):
                raise ParseError(f"text after the closing quote of {name.value}")
            position = rest.end() if rest.end() > after else len(text)
        else:
            value = _bare(text, start)
            position = end.end() if end.end() > position else len(text)
        yield Assignment(name, value)


def migrate(text: str, rewrite: ConfigRewrite) -> None:
    assignments = list(parse(text))
    names = {a.name.value for a in assignments}
    for assignment in assignments:
        rewrite.entry(assignment.name, assignment.value, (assignment.name.value,), names)
