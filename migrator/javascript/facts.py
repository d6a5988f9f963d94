"""`rules/javascript.toml`, read once: how the migration is spelled in JS/TS."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from migrator.catalog import read_toml
from migrator.rules_dir import rules_dir


@dataclass(frozen=True)
class Review:
    code: str
    advice: str
    # the value that needs no review (`streamUsage: false`), when there is one
    unless: object = None
    unless_key: str = ""
    when_key: str = ""


@dataclass(frozen=True)
class ClientKind:
    name: str
    callables: frozenset[str]
    new: bool
    kind: str  # "client" | "manual"
    api_key: tuple[str, ...] = ()
    base_url: tuple[str, ...] = ()
    model: tuple[str, ...] = ()
    default_model: str = ""
    returns: str = ""
    code: str = ""
    advice: str = ""
    plain: str = ""
    review: dict[str, Review] = field(default_factory=dict)
    # option -> why a client given it stays where it is bound (`provider: bedrock(...)`)
    bound: dict[str, str] = field(default_factory=dict)
    # the vectors change size when it moves (embeddings): the advice reported (MM211)
    resize: str = ""
    # variables a class left as it is reads itself (kept in a file that uses it)
    reads: tuple[str, ...] = ()


@dataclass(frozen=True)
class Factory:
    method: str
    api: str
    fix: str = ""
    code: str = ""
    mistral: str | None = None  # None: @ai-sdk/mistral has no equivalent
    advice: str = ""


@dataclass(frozen=True)
class Provider:
    target: str
    code: str
    package: str
    name: str
    reads: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProbeProvider:
    """An AI SDK provider as `probe` reads it ([probe.ai_sdk.providers.*])."""

    callables: frozenset[str]
    base_url: str
    factories: dict[str, str]
    settings: dict[str, str]
    stream: dict[str, Any]
    embeddings: dict[str, Any]


@dataclass(frozen=True)
class ProbeConstruction:
    """A class whose construction fixes the request it sends ([probe.constructions.*])."""

    api: str
    options: dict[str, str]
    merged: str = ""
    when: dict[str, Any] = field(default_factory=dict)
    adds: dict[str, Any] = field(default_factory=dict)
    unless: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProbeFacts:
    ai_sdk_calls: dict[str, bool]  # target -> whether it streams
    providers: dict[str, ProbeProvider]
    constructions: dict[str, ProbeConstruction]
    root_aliases: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()

    def mistral_provider(self, target: str | None) -> ProbeProvider | None:
        """The provider a ready-made instance (`mistral` of @ai-sdk/mistral) is, if any."""
        for provider in self.providers.values():
            if target is not None and target in provider.callables:
                return provider
        return None


@dataclass(frozen=True)
class EnvStyle:
    """How migrated code reads a variable in one runtime (Node's process.env, Deno's getter)."""

    read: str
    with_default: str
    key_read: str
    markers: tuple[re.Pattern[bytes], ...] = ()


@dataclass(frozen=True)
class JsFacts:
    env_read: str
    env_with_default: str
    env_key_read: str
    env_objects: frozenset[str]
    browser_env_objects: frozenset[str]
    model_keys: frozenset[str]
    camel_resources: bool
    clients: tuple[ClientKind, ...]
    providers: dict[str, Provider]
    factories: dict[str, Factory]
    local_import_hint: str
    ai_sdk_calls: frozenset[str]
    ai_sdk_review: dict[str, Review]
    legacy: frozenset[str]
    legacy_what: str
    module_prefixes: tuple[str, ...] = ()
    installed: str = "node_modules/"
    entry_files: frozenset[str] = frozenset()
    directives: tuple[str, ...] = ()
    browser_markers: tuple[tuple[re.Pattern[bytes], str], ...] = ()
    runtimes: tuple[EnvStyle, ...] = ()
    probe: ProbeFacts = field(default_factory=lambda: ProbeFacts({}, {}, {}))

    def env_style(self, data: bytes) -> EnvStyle:
        """How this file's migrated reads are spelled: its runtime's, else Node's."""
        for runtime in self.runtimes:
            if any(marker.search(data) for marker in runtime.markers):
                return runtime
        return EnvStyle(self.env_read, self.env_with_default, self.env_key_read)

    def canonical_module(self, specifier: str) -> str:
        """The package a specifier loads, as the tables name it: `npm:openai@4.20.1`,
        `openai/index.mjs` and `../node_modules/openai/index.js` are `openai`."""
        spec = specifier
        for prefix in self.module_prefixes:
            if spec.startswith(prefix):
                spec = spec[len(prefix) :]
                break
        if self.installed in spec:
            spec = spec.rsplit(self.installed, 1)[1]
        elif spec == specifier and spec.startswith("."):
            return specifier  # the project's own module
        parts = spec.split("/")
        size = 2 if spec.startswith("@") else 1
        if len(parts) < size:
            return specifier
        name, rest = parts[:size], parts[size:]
        name[-1] = name[-1].split("@", 1)[0] if not name[-1].startswith("@") else name[-1]
        if len(rest) == 1 and rest[0] in self.entry_files:
            rest = []
        return "/".join(name + rest)

    @property
    def packages(self) -> frozenset[str]:
        """The npm packages this file's entries name (`openai`, `@ai-sdk/openai`, ...)."""
        targets = [
            *self.legacy,
            *self.providers,
            *(c for kind in self.clients for c in kind.callables),
        ]
        return frozenset(_package_of(target) for target in targets)

    def browser_reason(self, data: bytes) -> str | None:
        """Why this file runs where there is no server `process.env` (browser, edge), in
        the words of a finding; None for server code. Reading a browser env object
        (`import.meta.env`) and no server one (`process.env`) is one sign; the markers of
        javascript.toml are the others."""
        if any(o.encode() in data for o in self.browser_env_objects) and not any(
            o.encode() in data for o in self.env_objects
        ):
            return "the file reads " + " and ".join(sorted(self.browser_env_objects))
        for pattern, name in self.browser_markers:
            if pattern.search(data):
                return name
        return None

    def client_kind(self, target: str | None, new: bool) -> ClientKind | None:
        if target is None:
            return None
        for kind in self.clients:
            if target in kind.callables and kind.new == new:
                return kind
        return None


def _package_of(target: str) -> str:
    """`@ai-sdk/openai.createOpenAI` -> `@ai-sdk/openai`; `openai.default.OpenAI` -> `openai`."""
    if target.startswith("@"):
        scope, _, rest = target.partition("/")
        return f"{scope}/{rest.split('.')[0]}"
    return target.split(".")[0]


def _reviews(data: dict[str, Any]) -> dict[str, Review]:
    return {
        key: Review(
            value["code"],
            value["advice"],
            value.get("unless"),
            value.get("unless_key", ""),
            value.get("when_key", ""),
        )
        for key, value in data.get("review", {}).items()
    }


def _client(name: str, data: dict[str, Any]) -> ClientKind:
    return ClientKind(
        name=name,
        callables=frozenset(data["callables"]),
        new=bool(data["new"]),
        kind=data["kind"],
        api_key=tuple(data.get("api_key", ())),
        base_url=tuple(data.get("base_url", ())),
        model=tuple(data.get("model", ())),
        default_model=data.get("default_model", ""),
        returns=data.get("returns", ""),
        code=data.get("code", ""),
        advice=data.get("advice", ""),
        plain=data.get("plain", ""),
        review=_reviews(data),
        bound=dict(data.get("bound", {})),
        resize=data.get("resize", ""),
        reads=tuple(data.get("reads", ())),
    )


def _probe(data: dict[str, Any]) -> ProbeFacts:
    ai_sdk = data.get("ai_sdk", {})
    return ProbeFacts(
        ai_sdk_calls={
            target: bool(entry.get("stream", False))
            for target, entry in ai_sdk.get("calls", {}).items()
        },
        providers={
            name: ProbeProvider(
                callables=frozenset(entry.get("callables", ())),
                base_url=entry.get("base_url", ""),
                factories=dict(entry.get("factories", {})),
                settings=dict(entry["settings"]),
                stream=dict(entry.get("stream", {})),
                embeddings=dict(entry.get("embeddings", {})),
            )
            for name, entry in ai_sdk.get("providers", {}).items()
        },
        constructions={
            target: ProbeConstruction(
                entry["api"],
                dict(entry.get("options", {})),
                entry.get("merged", ""),
                dict(entry.get("when", {})),
                dict(entry.get("adds", {})),
                dict(entry.get("unless", {})),
            )
            for target, entry in data.get("constructions", {}).items()
        },
        root_aliases=tuple(data.get("modules", {}).get("root_aliases", ())),
        extensions=tuple(data.get("modules", {}).get("extensions", ())),
    )


@lru_cache(maxsize=1)
def load_js_facts(directory: Path | None = None) -> JsFacts:
    data = read_toml((directory or rules_dir()) / "javascript.toml")
    return JsFacts(
        env_read=data["env"]["read"],
        env_with_default=data["env"]["with_default"],
        env_key_read=data["env"]["key_read"],
        env_objects=frozenset(data["env"]["objects"]),
        browser_env_objects=frozenset(data["env"]["browser_objects"]),
        model_keys=frozenset(data["models"]["keys"]),
        camel_resources=data["resources"]["case"] == "camel",
        clients=tuple(_client(name, entry) for name, entry in data["clients"].items()),
        providers={
            target: Provider(
                target,
                entry["code"],
                entry["package"],
                entry["name"],
                tuple(entry.get("reads", ())),
            )
            for target, entry in data["providers"].items()
        },
        local_import_hint=data["receivers"]["local_import_hint"].lower(),
        ai_sdk_calls=frozenset(data["ai_sdk"]["calls"]),
        ai_sdk_review=_reviews(data["ai_sdk"]),
        legacy=frozenset(data["legacy"]["callables"]),
        legacy_what=data["legacy"]["what"],
        module_prefixes=tuple(data["modules"]["prefixes"]),
        installed=data["modules"]["installed"],
        entry_files=frozenset(data["modules"]["entry_files"]),
        directives=tuple(data["layout"]["directives"]),
        runtimes=tuple(
            EnvStyle(
                entry["read"],
                entry["with_default"],
                entry["key_read"],
                tuple(re.compile(m.encode()) for m in entry["markers"]),
            )
            for entry in data.get("runtimes", {}).values()
        ),
        browser_markers=tuple(
            (re.compile(marker["pattern"].encode()), marker["name"])
            for marker in data["env"].get("browser_markers", ())
        ),
        probe=_probe(data.get("probe", {})),
        factories={
            method: Factory(
                method,
                entry["api"],
                entry.get("fix", ""),
                entry.get("code", ""),
                entry.get("mistral"),
                entry.get("advice", ""),
            )
            for method, entry in data["factories"].items()
        },
    )
