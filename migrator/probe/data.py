"""`rules/probe.toml`: the minimal bodies, stand-in values and verdict texts of probe."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from migrator.catalog import read_toml
from migrator.rules_dir import rules_dir


@dataclass(frozen=True)
class Endpoint:
    api: str
    path: str
    kind: str
    inputs: tuple[str, ...]
    body: dict[str, Any]


@dataclass(frozen=True)
class ProbeData:
    endpoints: dict[str, Endpoint]
    client_options: frozenset[str]
    wrapper_keywords: dict[str, frozenset[str]]
    extra_body: str
    timeout: float
    concurrency: int
    retries: int
    max_retry_after: float
    backoff: float
    max_tokens: int
    max_tokens_when: dict[str, int]
    capped: frozenset[str]
    samples: dict[str, Any]
    json_prompt: str
    unknown_model_types: frozenset[str]
    unknown_model_words: tuple[str, ...]
    rejected_code: str
    ignored_code: str
    verdicts: dict[str, dict[str, Any]]


@lru_cache(maxsize=1)
def load_probe_data() -> ProbeData:
    data = read_toml(rules_dir() / "probe.toml")
    request, limits, errors = data["request"], data["limits"], data["errors"]
    samples = dict(data["samples"])
    json_prompt = samples.pop("json_prompt")
    return ProbeData(
        endpoints={
            api: Endpoint(
                api=api,
                path=entry["path"],
                kind=entry["kind"],
                inputs=tuple(entry["inputs"]),
                body=dict(entry["body"]),
            )
            for api, entry in data["endpoints"].items()
        },
        client_options=frozenset(request["client_options"]),
        wrapper_keywords={
            module: frozenset(names)
            for module, names in data["wrappers"].items()
            if module != "source"
        },
        extra_body=request["extra_body"],
        timeout=float(request["default_timeout"]),
        concurrency=int(request["default_concurrency"]),
        retries=int(request["default_retries"]),
        max_retry_after=float(request["max_retry_after"]),
        backoff=float(request["backoff"]),
        max_tokens=int(limits["max_tokens"]),
        max_tokens_when=dict(limits["max_tokens_when"]),
        capped=frozenset(limits["capped"]),
        samples=samples,
        json_prompt=json_prompt,
        unknown_model_types=frozenset(errors["unknown_model_types"]),
        unknown_model_words=tuple(errors["unknown_model_words"]),
        rejected_code=data["overlay"]["rejected_code"],
        ignored_code=data["overlay"]["ignored_code"],
        verdicts=dict(data["verdicts"]),
    )


def verdict_doc(name: str) -> str | None:
    """The explain text of one verdict, or None when there is no such verdict."""
    entry = load_probe_data().verdicts.get(name.strip().lower())
    if entry is None:
        return None
    return (
        f"{name.strip().lower()}: {entry['title']}\n\n"
        f"What it means\n  {entry['what']}\n\n"
        f"What to do\n  {entry['next']}\n\n"
        f"Exit code\n  {entry['exit']} (when it is the worst verdict of the run)\n"
    )
