"""One masking function for every output path: a key is never printed whole.

Reporters, diffs, summaries and error messages all pass their text through `redact`,
which masks the key shapes from `rules/connection.toml` and any literal the engine saw
used as an API key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from migrator.catalog import load_catalog


def mask(secret: str) -> str:
    """`sk-proj-abc...xyz` -> `sk-...xyz`: enough to recognise, never enough to use."""
    if len(secret) <= 8:
        return "***"
    head = secret[:3] if secret.startswith("sk-") else secret[:2]
    return f"{head}...{secret[-3:]}"


# The project's own `secret-patterns` (config), added once the settings are loaded.
_extra: tuple[str, ...] = ()


def add_patterns(patterns: Iterable[str]) -> None:
    """Mask the project's configured key shapes too, in every output of this run."""
    global _extra
    _extra = tuple(dict.fromkeys((*_extra, *patterns)))
    _pattern.cache_clear()


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    shapes = (*load_catalog().connection.secret_patterns, *_extra)
    # a key starts a word: "desk-reservation-system" holds no "sk-..." key
    return re.compile("|".join(f"(?<![A-Za-z0-9])(?:{p})" for p in shapes))


def secret_pattern() -> re.Pattern[str]:
    """Every key shape (shipped and configured), for a search inside a longer text."""
    return _pattern()


def looks_like_secret(value: str) -> bool:
    return bool(_pattern().fullmatch(value))


def redact(text: str, known: Iterable[str] = ()) -> str:
    for secret in sorted(set(known), key=len, reverse=True):
        if len(secret) >= 8:
            text = text.replace(secret, mask(secret))
    return _pattern().sub(lambda match: mask(match.group(0)), text)
