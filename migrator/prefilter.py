"""Decide from bytes alone whether a file can hold anything a rule looks for.

Parsing and scope analysis dominate a run; most files in a repository never mention
OpenAI. The trigger tokens come from the rules data (SDK module, hosts, env vars, model
ids and id shapes, key shapes, the call rules' tokenizer module, the framework table's
packages, and this tool's own comment marker for unused-suppression reports), so a data
edit widens the filter with no code change. The filter may let a file through
needlessly; it must never turn away one a rule would flag.

Why each trigger is enough:
- clients, module settings, the v0 API and Azure clients are found through qualified
  names, which only exist after an import of the SDK module: its name is a trigger;
- OpenAI URLs contain an OpenAI host; renamed env reads name an SDK variable (or share
  the env prefix);
- a model id is a listed id (user overrides included) or has one of the id shapes, and
  the rules only see it when it starts a string literal or an f-string token, i.e. when
  no letter or digit comes right before it. The shapes are regexes written for whole
  string values, so their anchors are dropped here: removing an assertion from a regex
  only widens what it matches, which keeps the filter on the safe side.
- in Python source a model id must also sit inside a string literal (the Python pass
  looks up whole string values and the text tokens of f-strings, never names or
  numbers), so `o1 = list(...)` or `0o377` does not let a file through: an id right
  after a quote counts at once; elsewhere it counts when a string scan of the file
  (comments skipped, every kind of quote, prefix and f-string alike) puts it inside a
  literal. Notebooks, config files and JavaScript keep the plain word boundary (ids are
  unquoted in YAML and .env, and a notebook's code is itself inside JSON strings).
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterator
from typing import Any

from migrator.callrules import load_call_rules
from migrator.secrets import key_shapes
from migrator.settings import Settings
from migrator.suppressions import MARKER

try:  # the regex parser is how a shape's literal prefixes are read without hand-parsing
    import re._parser as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]

# A model id never starts in the middle of a word (see the module docstring).
_ID_START = rb"(?<![A-Za-z0-9])"

# Python string literals and comments, in the order the tokenizer meets them: a quote
# inside a comment opens no string, a `#` inside a string opens no comment. Any prefix
# (r, b, f, rb, ...) is left outside the match: every literal counts, f-strings included.
# An unterminated literal ends at its line end (single quotes) or at the end of the file.
_PY_STRINGS = re.compile(
    rb"#[^\r\n]*"
    rb'|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:"""|\Z)'
    rb"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\Z)"
    rb'|"[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*"?'
    rb"|'[^'\\\r\n]*(?:\\.[^'\\\r\n]*)*'?",
    re.DOTALL,
)


def string_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of every string literal in Python source `data`, quotes included.

    A plain scan, not Python's tokenizer: where the two could part (a quote of the same
    kind nested in an f-string's braces, Python 3.12+), each nested literal holds two
    quotes, so the text after it is still read as inside a literal.
    """
    return [match.span() for match in _PY_STRINGS.finditer(data) if match.group(0)[:1] != b"#"]


def literal_at(spans: list[tuple[int, int]], at: int) -> tuple[int, int] | None:
    """The span of `spans` that offset `at` lies in (after its opening quote), if any."""
    index = bisect.bisect_right(spans, (at, sys.maxsize)) - 1
    if index >= 0 and spans[index][0] < at < spans[index][1]:
        return spans[index]
    return None


_NAME_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def string_prefix(data: bytes, quote: int) -> bytes:
    """The lower-cased prefix (`f`, `rb`, ...) of the literal opening at `quote`.

    As Python's tokenizer reads it: the whole run of name characters before the quote is
    a prefix when it is one (`if"x"` is the keyword `if` and a plain literal).
    """
    start = quote
    while start > 0 and data[start - 1] in _NAME_CHARS and quote - start < 3:
        start -= 1
    run = data[start:quote].lower()
    if len(run) <= 2 and all(c in b"rbuf" for c in run):
        return run
    return b""


def literal_value(data: bytes, quote: int, content: bytes) -> str | None:
    """The value of a plain literal with this `content` as Python reads it, or None.

    Escapes are undone in ASCII text only (`unicode_escape` reads other bytes as
    Latin-1): None where that cannot be done, and the caller lets the file through.
    """
    raw = b"r" in string_prefix(data, quote)
    if b"\\" not in content or raw:
        return content.decode("utf-8", errors="replace")
    if not content.isascii():
        return None
    try:
        return content.decode("unicode_escape")
    except UnicodeDecodeError:
        return None


def literal_content(data: bytes, span: tuple[int, int]) -> tuple[int, bytes]:
    """(offset, bytes) of what lies between the quotes of the literal at `span`."""
    start, end = span
    quotes = 3 if data[start : start + 3] in (b'"""', b"'''") else 1
    closing = data[end - quotes : end] == data[start : start + quotes] and end - start > quotes
    return start + quotes, data[start + quotes : end - quotes if closing else end]


def strip_anchors(pattern: str) -> str:
    """`pattern` without `^`/`$` anchors and with named groups made anonymous.

    The result matches a superset of what `pattern` matches anywhere in a text, so it can
    be searched for inside a whole file and combined with other patterns.
    """
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            if pattern[index + 1 : index + 2] == "^":
                out.append("^")
                index += 1
            if pattern[index + 1 : index + 2] == "]":
                out.append("]")
                index += 1
        elif char in "^$":
            pass
        elif pattern.startswith("(?P<", index):
            out.append("(?:")
            index = pattern.index(">", index) + 1
            continue
        else:
            out.append(char)
        index += 1
    return "".join(out)


def trigger_words(settings: Settings) -> list[str]:
    """Literal words any one of which lets a file through."""
    connection = settings.catalog.connection
    words = {connection.sdk_module, *connection.openai_hosts, connection.env_prefix}
    words |= connection.env_api_key | connection.env_base_url
    words |= set(load_call_rules().tokenizers.modules)
    # the framework table's packages (langchain_openai, litellm, ...), config additions too
    words |= {name.split(".")[0] for f in settings.frameworks.frameworks for name in f.classes}
    # this tool's own comment marker, so unused suppressions are reported everywhere
    words.add(MARKER.decode())
    return sorted(words)


def secret_patterns(settings: Settings) -> list[str]:
    """Committed-key shapes (shipped and from config), anchors dropped."""
    return [strip_anchors(p) for p in key_shapes(settings.secret_patterns)]


def id_patterns(settings: Settings) -> list[str]:
    """Regexes (text) for model ids: the shapes from the data, anchors dropped."""
    recognise = settings.catalog.models["recognise"]
    return [strip_anchors(recognise[key]) for key in ("openai_like", "fine_tune")]


_MAX_PREFIXES = 64


def _prefixes(items: Any, start: set[str]) -> set[str] | None:
    """Literal prefixes every match of the parsed `items` starts with (None: unknown)."""
    found = set(start)
    for op, arg in items:
        name = str(op)
        if name == "AT":
            continue
        if name == "LITERAL":
            found = {p + chr(arg) for p in found}
            continue
        if name == "IN":
            chars = _class_chars(arg)
            if chars is None or len(found) * len(chars) > _MAX_PREFIXES:
                break
            found = {p + c for p in found for c in chars}
            continue
        if name == "SUBPATTERN" or name == "BRANCH":
            body = arg[-1]
            branches = (
                body[0][1][1]
                if name == "SUBPATTERN" and len(body) == 1 and str(body[0][0]) == "BRANCH"
                else (arg[1] if name == "BRANCH" else [body])
            )
            extended: set[str] = set()
            for branch in branches:
                sub = _prefixes(branch, found)
                if sub is None:
                    return None
                extended |= sub
            found = extended
        break
    if "" in found or len(found) > _MAX_PREFIXES:
        return None
    return found


def _class_chars(items: Any) -> list[str] | None:
    chars: list[str] = []
    for op, arg in items:
        if str(op) == "LITERAL":
            chars.append(chr(arg))
        elif str(op) == "RANGE" and arg[1] - arg[0] < 16:
            chars.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        else:
            return None
    return chars


def literal_prefixes(pattern: str) -> set[str] | None:
    """Literals one of which starts every match of `pattern`, or None when not derivable."""
    try:
        return _prefixes(_sre_parse.parse(pattern), {""})
    except (re.error, IndexError, TypeError, ValueError):
        return None


# Stage one compares in a folded alphabet (digits as 0, letters lower-case), so that
# `o1`..`o9` or `OPENAI_`/`openai` need one scan each; the fold maps byte to byte, so a
# position found there is the same position in the file.
_FOLD = bytes.maketrans(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"0000000000abcdefghijklmnopqrstuvwxyz"
)


def minimal_anchors(words: set[bytes]) -> list[bytes]:
    """Folded `words` without those another one starts with (that one finds them too)."""
    kept: list[bytes] = []
    for word in sorted({w.translate(_FOLD) for w in words}, key=len):
        if not any(word.startswith(shorter) for shorter in kept):
            kept.append(word)
    return kept


class Prefilter:
    """`search(data)` is true when the file may be flagged by some rule.

    `pattern` is the exact test (every trigger, with its left boundary). Python's regex
    engine runs such an alternation at ~20 MB/s, so it is only tried where a match can
    start: every alternative begins with one of a few literal anchors, which plain
    substring scans (`bytes.find`, memory speed) locate in the folded text.
    """

    def __init__(self, settings: Settings) -> None:
        words = trigger_words(settings)
        ids = sorted(settings.models.entries, key=len, reverse=True)
        shapes = id_patterns(settings)
        secrets = secret_patterns(settings)
        escaped = [re.escape(w.encode()) for w in words]
        listed = [re.escape(i.encode()) for i in ids]
        ids_or_shapes = b"|".join([*listed, *(s.encode() for s in shapes)])
        keys = [b"(?:" + secret.encode() + b")" for secret in secrets]
        model_ids = _ID_START + rb"(?:" + ids_or_shapes + rb")"
        self.pattern = re.compile(b"|".join([*escaped, model_ids, *keys]))
        # Python source: the triggers that count anywhere, and the model ids on their own
        self.words_pattern = re.compile(b"|".join([*escaped, *keys]))
        self.ids_pattern = re.compile(model_ids)
        self.lookup = settings.models.lookup
        starts: set[str] | None = set(words) | set(ids)
        for shape in (*shapes, *secrets):
            prefixes = literal_prefixes(shape)
            starts = None if prefixes is None or starts is None else starts | prefixes
        self.anchors = minimal_anchors({s.encode() for s in starts}) if starts else None

    def search(self, data: bytes, python: bool = False) -> bool:
        """True when a rule may flag `data`; `python`: the bytes are Python source."""
        if python:
            return self._search_python(data)
        if self.anchors is None:
            return self.pattern.search(data) is not None
        folded = data.translate(_FOLD)
        match = self.pattern.match
        for anchor in self.anchors:
            at = folded.find(anchor)
            while at != -1:
                if match(data, at):
                    return True
                at = folded.find(anchor, at + 1)
        return False

    def _search_python(self, data: bytes) -> bool:
        """`search` for Python source, where a model id counts only as the Python pass
        reads one: as a plain literal's whole value, or anywhere in an f-string's text."""
        words, ids = self.words_pattern.match, self.ids_pattern.match
        spans: list[tuple[int, int]] | None = None
        if self.anchors is None:
            candidates: Any = (m.start() for m in self.pattern.finditer(data))
        else:
            folded = data.translate(_FOLD)
            candidates = (at for anchor in self.anchors for at in _finds(folded, anchor))
        for at in candidates:
            if words(data, at):
                return True
            if not ids(data, at):
                continue
            if spans is None:
                spans = string_spans(data)
            span = literal_at(spans, at)
            if span is not None and self._id_in_literal(data, span, at):
                return True
        return False

    def _id_in_literal(self, data: bytes, span: tuple[int, int], at: int) -> bool:
        """Whether the Python pass could read a model id at `at` in the literal `span`."""
        if b"f" in string_prefix(data, span[0]):
            return True  # f-strings are searched token by token
        start, content = literal_content(data, span)
        if at != start:
            return False  # a plain literal is looked up whole
        value = literal_value(data, span[0], content)
        return value is None or self.lookup(value) is not None

    def anchor_offsets(self, data: bytes) -> list[int] | None:
        """Every offset where an anchor occurs in any letter case, or None without anchors.

        A superset of where the exact pattern can match (every alternative starts with an
        anchor), and case-blind as well: this is what the Python pass uses to find the
        statements worth looking at (see migrator/python/slicing.py), where erring wide
        only costs time.
        """
        if self.anchors is None:
            return None
        folded = data.translate(_FOLD)
        offsets: list[int] = []
        for anchor in self.anchors:
            at = folded.find(anchor)
            while at != -1:
                offsets.append(at)
                at = folded.find(anchor, at + 1)
        return offsets


def _finds(folded: bytes, anchor: bytes) -> Iterator[int]:
    at = folded.find(anchor)
    while at != -1:
        yield at
        at = folded.find(anchor, at + 1)


def build_prefilter(settings: Settings) -> Prefilter:
    return Prefilter(settings)


_last: tuple[Settings, Prefilter] | None = None


def prefilter_for(settings: Settings) -> Prefilter:
    """The prefilter of these settings, built once per process (a run has one Settings)."""
    global _last
    if _last is None or _last[0] is not settings:
        _last = (settings, Prefilter(settings))
    return _last[1]
