"""Keys: what counts as one, and the one masking function every output goes through.

A key is recognised two ways, and both are needed:
- by shape (`sk-proj-...`, a 32-character Mistral-style key, the project's
  `secret-patterns`), wherever it stands;
- by place: the value after a credential name (`api_key = ...`, `"apiKey": ...`,
  `MISTRAL_API_KEY=...`, `x-api-key: ...`), after an auth scheme (`Bearer ...`), and the
  password of a URL (`https://user:KEY@host`). A key of an unknown shape is caught here.

`redact` applies both (plus the literals the engine saw used as keys) to any text before
it is printed: reporters, diffs, summaries, error messages, `explain`'s echo. Detection for
findings (MM102, MM117, MM508) uses the shapes only, and `is_real_key` tells a committed
key from a placeholder (`"test-key"`, `"ADD YOUR KEY HERE"`, `"ollama"`), so a committed-key
error is raised only on a value shaped like a real key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from migrator.catalog import Connection, load_catalog


def mask(secret: str) -> str:
    """`sk-proj-abc...xyz` -> `sk-...xyz`: enough to recognise, never enough to use."""
    if len(secret) <= 12:
        return "***"
    head = secret[:3] if secret.startswith("sk-") else secret[:2]
    return f"{head}...{secret[-3:]}"


# The project's own `secret-patterns` (config), added once the settings are loaded.
_extra: tuple[str, ...] = ()


def add_patterns(patterns: Iterable[str]) -> None:
    """Mask and detect the project's configured key shapes too, in every output of this run."""
    global _extra
    _extra = tuple(dict.fromkeys((*_extra, *patterns)))
    _pattern.cache_clear()
    _masking.cache_clear()


def _connection() -> Connection:
    return load_catalog().connection


def _alternation(shapes: Iterable[str]) -> str:
    # a key starts a word: "desk-reservation-system" holds no "sk-..." key
    return "|".join(f"(?<![A-Za-z0-9])(?:{p})" for p in shapes)


def key_shapes(extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The regexes (text) of committed-key shapes: shipped, this run's and `extra`."""
    return tuple(dict.fromkeys((*_connection().secret_patterns, *_extra, *extra)))


@lru_cache(maxsize=8)
def _pattern(extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    return re.compile(_alternation(key_shapes(extra)))


def secret_pattern(extra: Iterable[str] = ()) -> re.Pattern[str]:
    """Every key shape (shipped, configured, `extra`), for a search inside a longer text."""
    return _pattern(tuple(extra))


def looks_like_secret(value: str) -> bool:
    return bool(_pattern().fullmatch(value))


# -- committed key or placeholder ---------------------------------------------------------
_TOKEN = re.compile(r"[A-Za-z0-9_\-.+/=~]+")


def is_placeholder(value: str) -> bool:
    """A value that only stands in for a key: `"sk-..."`, `"<your key>"`, `"test-key"`."""
    connection = _connection()
    lowered = value.lower()
    if any(mark in lowered for mark in connection.placeholder_marks):
        return True
    words = set(re.split(r"[^a-z0-9]+", lowered))
    if words & {w.lower() for w in connection.placeholder_words}:
        return True
    if any(w.lower() in lowered for w in connection.placeholder_words if not w.isalnum()):
        return True
    body = value[3:] if value.startswith("sk-") else value
    return len(set(body.lower())) < 6  # "sk-xxxxxxxxxxxxxxxx", "AAAAAAAAAAAA"


def _random_looking(value: str) -> bool:
    """Long, one token, letters and digits mixed, many distinct characters."""
    return (
        len(value) >= 20
        and _TOKEN.fullmatch(value) is not None
        and any(c.isalpha() for c in value)
        and any(c.isdigit() for c in value)
        and len(set(value)) >= 10
    )


def is_real_key(value: str) -> bool:
    """Whether a literal given as a key is shaped like a real one (a committed-key error)."""
    if is_placeholder(value):
        return False
    return looks_like_secret(value) or _random_looking(value)


# -- masking by shape and by place ----------------------------------------------------------
@lru_cache(maxsize=1)
def _masking() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    connection = _connection()
    shapes = re.compile(_alternation((*key_shapes(), *connection.mask_only_patterns)))
    names = "|".join(connection.credential_names)  # regexes (rules/connection.toml)
    # a name ending in a credential word (or the bare name `key`), an optional closing
    # quote and bracket, a separator (`=`, `:`, `=>`, the comma of `setdefault("K", v)`, or
    # a fallback: `cfg.key || v`, `?? v`, `or v`),
    # an optional string prefix and opening quote, then the value (one token)
    by_name = re.compile(
        rf"(?i)(?:(?<![A-Za-z0-9])[A-Za-z0-9_.\-]*(?:{names})|(?<![A-Za-z0-9_\-])key)"
        r"(?![a-z0-9])[\"']?\]?[ \t]*(?:=>|:=|=|:|,|\|\||\?\?|\bor\b)[ \t]*"
        r"(?:[rRbBuUfF]{0,2}[\"'`])?(?P<value>[A-Za-z0-9_\-.+/=~]{8,})"
    )
    schemes = "|".join(re.escape(s) for s in connection.auth_schemes)
    by_scheme = re.compile(rf"(?i)\b(?:{schemes})[ \t]+(?P<value>[A-Za-z0-9_\-.+/=~]{{8,}})")
    userinfo = re.compile(r"://(?P<user>[^/\s:@'\"`]*)(?::(?P<value>[^/\s@'\"`]+))?@")
    return shapes, by_name, by_scheme, userinfo


@lru_cache(maxsize=1)
def _readable() -> re.Pattern[str]:
    """Values that stand after a credential-like name but are plainly not keys: model
    ids (OpenAI's shapes and Mistral's families, from the rules data), paths, dates."""
    models = load_catalog().models
    families = sorted({name.split("-")[0] for name in models.get("targets", {})})
    shapes = [f"(?:{models['recognise']['openai_like'].lstrip('^')}).*"]
    shapes += [rf"(?:{re.escape(f)})-[A-Za-z0-9.\-]*" for f in families]
    return re.compile(rf"(?:{'|'.join(shapes)})|[~.]?/.*|.*\d{{4}}-\d{{2}}-\d{{2}}.*")


def _credential_value(value: str) -> bool:
    """A value after a credential name is masked unless it plainly is a name or a reference."""
    if is_placeholder(value) or _readable().fullmatch(value):
        return False
    has_digit = any(c.isdigit() for c in value)
    # identifiers and dotted paths (`settings.api_key`, `MISTRAL_API_KEY`) stay readable
    if not has_digit and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", value):
        return False
    return len(value) >= 12 or has_digit


def _spans(text: str) -> list[tuple[int, int]]:
    shapes, by_name, by_scheme, userinfo = _masking()
    spans = [m.span() for m in shapes.finditer(text)]
    for pattern in (by_name, by_scheme):
        for m in pattern.finditer(text):
            if _credential_value(m.group("value")):
                spans.append(m.span("value"))
    for m in userinfo.finditer(text):
        if m.group("value") is not None:
            spans.append(m.span("value"))
        elif _random_looking(m.group("user")):
            spans.append(m.span("user"))
    return spans


def contains_secret(text: str, known: Iterable[str] = ()) -> bool:
    """Whether `redact` would mask anything in `text`."""
    return any(s in text for s in known if len(s) >= 8) or bool(_spans(text))


def redact(text: str, known: Iterable[str] = ()) -> str:
    """`text` with every key masked: the literals in `known`, key shapes, and values that
    stand where a credential goes."""
    for secret in sorted(set(known), key=len, reverse=True):
        if len(secret) >= 8:
            text = text.replace(secret, mask(secret))
    spans = _spans(text)
    if not spans:
        return text
    out, at = [], 0
    for start, end in sorted(spans):
        if end <= at:
            continue
        start = max(start, at)
        out.append(text[at:start])
        out.append(mask(text[start:end]))
        at = end
    out.append(text[at:])
    return "".join(out)
