"""The effective model map: shipped `rules/models.toml` plus the user's overrides.

Recognition is deliberately strict: a string is a model id only when it equals a listed
id (after dropping a snapshot date), is an OpenAI fine-tune, or has the shape of an
OpenAI id. Prose that merely mentions a model is never matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

MatchKind = Literal["mapped", "unmapped", "fine_tune", "unknown"]


@dataclass(frozen=True)
class ModelEntry:
    openai_id: str
    mistral: str
    env: str
    context_window: int | None
    mistral_context_window: int | None
    review: str
    note: str


@dataclass(frozen=True)
class ModelMatch:
    kind: MatchKind
    text: str
    openai_id: str
    entry: ModelEntry | None

    @property
    def rewritable(self) -> bool:
        return self.kind == "mapped"


def fallback_env_name(mistral_id: str) -> str:
    """Env var for a target the user added without naming one."""
    return re.sub(r"[^A-Z0-9]+", "_", mistral_id.upper()).strip("_") + "_MODEL"


class ModelMap:
    def __init__(
        self,
        data: dict[str, Any],
        overrides: dict[str, Any] | None = None,
        env_overrides: dict[str, str] | None = None,
    ) -> None:
        recognise = data["recognise"]
        self._dated = re.compile(recognise["dated_suffix"])
        self._fine_tune = re.compile(recognise["fine_tune"])
        self._openai_like = re.compile(recognise["openai_like"])
        self._targets: dict[str, dict[str, Any]] = {k: dict(v) for k, v in data["targets"].items()}
        for mistral_id, env in (env_overrides or {}).items():
            self._targets.setdefault(mistral_id, {})["env"] = env
        raw: dict[str, dict[str, Any]] = {k: dict(v) for k, v in data["openai"].items()}
        for openai_id, value in (overrides or {}).items():
            entry = raw.setdefault(openai_id, {"review": "", "note": "added in project config"})
            if isinstance(value, str):
                entry["mistral"] = value
                entry["review"] = "" if value else entry.get("review", "")
            else:
                entry.update(value)
        self.entries: dict[str, ModelEntry] = {
            openai_id: self._entry(openai_id, fields) for openai_id, fields in raw.items()
        }

    def _entry(self, openai_id: str, fields: dict[str, Any]) -> ModelEntry:
        mistral = fields.get("mistral", "")
        target = self._targets.get(mistral, {})
        env = (
            fields.get("env")
            or target.get("env")
            or (fallback_env_name(mistral) if mistral else "")
        )
        return ModelEntry(
            openai_id=openai_id,
            mistral=mistral,
            env=env,
            context_window=fields.get("context_window"),
            mistral_context_window=target.get("context_window"),
            review=fields.get("review", ""),
            note=fields.get("note", ""),
        )

    def canonical(self, value: str) -> str | None:
        if value in self.entries:
            return value
        undated = self._dated.sub("", value)
        return undated if undated in self.entries else None

    def lookup(self, value: str) -> ModelMatch | None:
        """Classify a string literal's value, or None when it is not a model id."""
        if len(value) > 120 or not value or value != value.strip():
            return None
        canonical = self.canonical(value)
        if canonical is not None:
            entry = self.entries[canonical]
            return ModelMatch("mapped" if entry.mistral else "unmapped", value, canonical, entry)
        tuned = self._fine_tune.match(value)
        if tuned:
            base = self.canonical(tuned.group("base"))
            tuned_entry = self.entries[base] if base else None
            return ModelMatch("fine_tune", value, base or tuned.group("base"), tuned_entry)
        if self._openai_like.match(value) and " " not in value:
            return ModelMatch("unknown", value, value, None)
        return None

    def targets(self) -> dict[str, str]:
        """Mistral id -> env var, for every target some OpenAI id maps to."""
        return {e.mistral: e.env for e in self.entries.values() if e.mistral}
