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


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in load_catalog().connection.secret_patterns))


def looks_like_secret(value: str) -> bool:
    return bool(_pattern().fullmatch(value))


def redact(text: str, known: Iterable[str] = ()) -> str:
    for secret in sorted(set(known), key=len, reverse=True):
        if len(secret) >= 8:
            text = text.replace(secret, mask(secret))
    return _pattern().sub(lambda match: mask(match.group(0)), text)
