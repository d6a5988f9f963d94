"""The framework table: classes and functions of LangChain, LlamaIndex, litellm, instructor
(and any a project adds) that reach the OpenAI API, and which of their keywords carry the
model, the base URL and the key.

It is data (`rules/frameworks.toml`, plus `[tool.mistral-migrate.frameworks]`), so that a
framework a project uses can be taught to the tool without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("client", "function", "manual", "wrapper")
KNOWN_KEYS = {
    "classes",
    "kind",
    "model",
    "model_position",
    "base_url",
    "api_key",
    "add_missing",
    "default_model",
    "model_prefix",
    "strip_prefixes",
    "require",
    "review",
    "manual_code",
    "advice",
    "source",
}
REQUIRE_KEYS = {"value", "fix", "code", "advice"}
REVIEW_KEYS = {"code", "advice"}


class FrameworkError(ValueError):
    """A malformed framework entry; settings.py turns it into a ConfigError."""


@dataclass(frozen=True)
class Requirement:
    keyword: str
    value: bool | int | float | str
    fix: bool
    code: str
    advice: str


@dataclass(frozen=True)
class Review:
    keyword: str
    code: str
    advice: str


@dataclass(frozen=True)
class Framework:
    name: str
    classes: frozenset[str]
    kind: str
    model: tuple[str, ...] = ()
    model_position: int | None = None
    base_url: tuple[str, ...] = ()
    api_key: tuple[str, ...] = ()
    add_missing: bool = False
    default_model: str = ""
    model_prefix: str = ""
    strip_prefixes: tuple[str, ...] = ()
    require: tuple[Requirement, ...] = ()
    review: dict[str, Review] = field(default_factory=dict)
    manual_code: str = ""
    advice: str = ""

    def keyword_role(self, keyword: str) -> str | None:
        """'model', 'base_url' or 'api_key' for a keyword of this call, else None."""
        for role, names in (
            ("model", self.model),
            ("base_url", self.base_url),
            ("api_key", self.api_key),
        ):
            if keyword in names:
                return role
        return None

    def strip(self, value: str) -> str:
        """`openai/gpt-4o` -> `gpt-4o` for a framework that routes by provider prefix."""
        for prefix in self.strip_prefixes:
            if value.startswith(prefix):
                return value[len(prefix) :]
        return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FrameworkError(f"{where} must be a string or a list of strings, got {value!r}")
    return tuple(value)


def _typed(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise FrameworkError(f"{where} must be a {getattr(kind, '__name__', kind)}, got {value!r}")
    return value


def _table(value: Any, where: str, known: set[str]) -> dict[str, Any]:
    _typed(value, dict, where)
    for key in value:
        if key not in known:
            raise FrameworkError(f"unknown key {where}.{key} (known: {', '.join(sorted(known))})")
    return value


def parse_framework(name: str, entry: Any, where: str, codes: set[str] | None = None) -> Framework:
    """One entry, validated key by key (`where` names it in errors)."""
    entry = _table(entry, where, KNOWN_KEYS)
    if "classes" not in entry:
        raise FrameworkError(f"{where}.classes is required")
    kind = _typed(entry.get("kind", "client"), str, f"{where}.kind")
    if kind not in KINDS:
        raise FrameworkError(f"{where}.kind must be one of {', '.join(KINDS)}, got {kind!r}")

    def code(value: Any, at: str) -> str:
        value = _typed(value, str, at)
        if codes is not None and value not in codes:
            raise FrameworkError(f"{at}: unknown rule code {value!r}")
        return value

    require = []
    for keyword, spec in _typed(entry.get("require", {}), dict, f"{where}.require").items():
        spec = _table(spec, f"{where}.require.{keyword}", REQUIRE_KEYS)
        require.append(
            Requirement(
                keyword,
                _typed(
                    spec.get("value", True),
                    (bool, int, float, str),
                    f"{where}.require.{keyword}.value",
                ),
                bool(_typed(spec.get("fix", False), bool, f"{where}.require.{keyword}.fix")),
                code(spec.get("code", "MM112"), f"{where}.require.{keyword}.code"),
                _typed(spec.get("advice", ""), str, f"{where}.require.{keyword}.advice"),
            )
        )
    review = {}
    for keyword, spec in _typed(entry.get("review", {}), dict, f"{where}.review").items():
        spec = _table(spec, f"{where}.review.{keyword}", REVIEW_KEYS)
        review[keyword] = Review(
            keyword,
            code(spec.get("code", "MM310"), f"{where}.review.{keyword}.code"),
            _typed(spec.get("advice", ""), str, f"{where}.review.{keyword}.advice"),
        )
    position = entry.get("model_position")
    return Framework(
        name=name,
        classes=frozenset(_strings(entry["classes"], f"{where}.classes")),
        kind=kind,
        model=_strings(entry.get("model", []), f"{where}.model"),
        model_position=None
        if position is None
        else _typed(position, int, f"{where}.model_position"),
        base_url=_strings(entry.get("base_url", []), f"{where}.base_url"),
        api_key=_strings(entry.get("api_key", []), f"{where}.api_key"),
        add_missing=_typed(entry.get("add_missing", False), bool, f"{where}.add_missing"),
        default_model=_typed(entry.get("default_model", ""), str, f"{where}.default_model"),
        model_prefix=_typed(entry.get("model_prefix", ""), str, f"{where}.model_prefix"),
        strip_prefixes=_strings(entry.get("strip_prefixes", []), f"{where}.strip_prefixes"),
        require=tuple(require),
        review=review,
        manual_code=code(entry.get("manual_code", "MM111"), f"{where}.manual_code")
        if kind == "manual"
        else "",
        advice=_typed(entry.get("advice", ""), str, f"{where}.advice"),
    )


@dataclass(frozen=True)
class FrameworkTable:
    frameworks: tuple[Framework, ...] = ()

    def of(self, names: set[str]) -> Framework | None:
        """The entry whose classes include one of these qualified names."""
        for framework in self.frameworks:
            if names & framework.classes:
                return framework
        return None

    def callables(self, kind: str) -> frozenset[str]:
        return frozenset(c for f in self.frameworks if f.kind == kind for c in f.classes)


def load_frameworks(
    shipped: dict[str, Any],
    overrides: dict[str, Any] | None = None,
    where: str = "frameworks",
    codes: set[str] | None = None,
) -> FrameworkTable:
    """The shipped table with a project's entries on top (same name replaces, new name adds)."""
    entries = {
        name: parse_framework(name, entry, f"frameworks.{name}", codes)
        for name, entry in shipped.get("frameworks", {}).items()
    }
    for name, entry in (overrides or {}).items():
        entries[name] = parse_framework(name, entry, f"{where}.{name}", codes)
    return FrameworkTable(tuple(entries.values()))
