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
"""

from __future__ import annotations

import re
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
        self.pattern = re.compile(
            b"|".join([*escaped, _ID_START + rb"(?:" + ids_or_shapes + rb")", *keys])
        )
        starts: set[str] | None = set(words) | set(ids)
        for shape in (*shapes, *secrets):
            prefixes = literal_prefixes(shape)
            starts = None if prefixes is None or starts is None else starts | prefixes
        self.anchors = minimal_anchors({s.encode() for s in starts}) if starts else None

    def search(self, data: bytes) -> bool:
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


def build_prefilter(settings: Settings) -> Prefilter:
    return Prefilter(settings)


_last: tuple[Settings, Prefilter] | None = None


def prefilter_for(settings: Settings) -> Prefilter:
    """The prefilter of these settings, built once per process (a run has one Settings)."""
    global _last
    if _last is None or _last[0] is not settings:
        _last = (settings, Prefilter(settings))
    return _last[1]
