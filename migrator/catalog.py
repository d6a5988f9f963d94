"""Load the knowledge in `rules/*.toml` into typed, read-only records.

Everything the engine knows about OpenAI and Mistral comes through here, so a monthly
fact update is a data edit. Files are read with tomllib (tomlkit is for editing users. TOML).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from migrator.rules_dir import rules_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    severity: str
    fixable: bool
    message: str
    what: str = ""
    why: str = ""
    example: str = ""
    use_instead: str = ""
    fix_safety: str = ""
    references: tuple[str, ...] = ()
    examples: tuple[dict[str, Any], ...] = ()
    # still true after `fix` rewrote the site (a committed key stays in the history), so
    # `fix` reports it too
    kept_after_fix: bool = False

    def format(self, **fields: object) -> str:
        return self.message.format(**fields)

    def format_js(self, **fields: object) -> str:
        """The message for a JS/TS finding. Messages are written with Python's argument
        syntax (`seed=`); in JS the same setting is an object property (`seed: 7`)."""
        template = self.message
        for name in ("param", "keyword"):
            template = template.replace(f"{{{name}}}={{value}}", f"{{{name}}}: {{value}}")
            template = template.replace(f"{{{name}}}=", f"{{{name}}}")
        template = template.replace("**{kwargs}", "{kwargs}")  # `...options` in JS
        template = template.replace("`# mistral-migrate:", "`// mistral-migrate:")
        # advice written for Python names keyword arguments (`max_tokens=`): in JS, the name
        return _KEYWORD_MENTION.sub(r"\1", template.format(**fields))


_KEYWORD_MENTION = re.compile(r"\b([a-z][a-z0-9_]*)=(?=[\s,;:)`]|$)")


@dataclass(frozen=True)
class Connection:
    mistral_base_url: str
    openai_hosts: tuple[str, ...]
    sdk_module: str
    clients: frozenset[str]
    azure_clients: frozenset[str]
    api_key_keyword: str
    base_url_keyword: str
    module_api_key: tuple[str, ...]
    module_base_url: tuple[str, ...]
    env_api_key: frozenset[str]
    env_base_url: frozenset[str]
    legacy_v0: tuple[str, ...]
    env_prefix: str
    settings_classes: frozenset[str]
    presets: dict[str, dict[str, str]]
    model_keywords: frozenset[str]
    model_dict_keys: frozenset[str]
    secret_patterns: tuple[str, ...]
    # migrator/secrets.py: what is masked by shape or by place, what is a placeholder
    mask_only_patterns: tuple[str, ...] = ()
    credential_names: tuple[str, ...] = ()
    auth_schemes: tuple[str, ...] = ()
    placeholder_words: tuple[str, ...] = ()
    placeholder_marks: tuple[str, ...] = ()
    # how findings name the plain client an Azure one becomes, and the legacy API
    azure_plain: str = ""
    legacy_what: str = ""
    # constructor keyword -> why a client given it stays where it is bound
    bound_keywords: dict[str, str] = field(default_factory=dict)
    # OpenAI host that is not the plain API -> why a client aimed there stays
    bound_hosts: dict[str, str] = field(default_factory=dict)
    # names that exist only in openai<1.0 (the file configures the legacy module client)
    legacy_markers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalog:
    rules: dict[str, Rule]
    connection: Connection
    models: dict[str, Any] = field(repr=False)
    # rules/frameworks.toml as read; migrator.frameworks validates it into records
    frameworks: dict[str, Any] = field(default_factory=dict, repr=False)

    def rule(self, code: str) -> Rule:
        return self.rules[code]


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as plain data, read with the standard library.

    tomlkit, which keeps comments and layout, is only for editing users' files: as a
    reader it costs about ten times as much, which a one-file pre-commit run would feel.
    """
    with path.open("rb") as stream:
        return tomllib.load(stream)


def _connection(data: dict[str, Any]) -> Connection:
    sdk, endpoint = data["sdk"], data["endpoint"]
    return Connection(
        mistral_base_url=endpoint["mistral_base_url"],
        openai_hosts=tuple(endpoint["openai_hosts"]),
        sdk_module=sdk["module"],
        clients=frozenset(sdk["clients"]),
        azure_clients=frozenset(sdk["azure_clients"]),
        azure_plain=sdk.get("azure_plain", ""),
        legacy_what=sdk.get("legacy_what", ""),
        api_key_keyword=sdk["api_key_keyword"],
        base_url_keyword=sdk["base_url_keyword"],
        module_api_key=tuple(sdk["module_api_key"]),
        module_base_url=tuple(sdk["module_base_url"]),
        env_api_key=frozenset(sdk["env_api_key"]),
        env_base_url=frozenset(sdk["env_base_url"]),
        legacy_v0=tuple(sdk["legacy_v0"]),
        env_prefix=sdk["env_prefix"],
        settings_classes=frozenset(sdk.get("settings_classes", ())),
        presets=data["presets"],
        model_keywords=frozenset(data["models"]["keywords"]),
        model_dict_keys=frozenset(data["models"]["dict_keys"]),
        secret_patterns=tuple(data["secrets"]["patterns"]),
        mask_only_patterns=tuple(data["secrets"].get("mask_only_patterns", ())),
        credential_names=tuple(data["secrets"].get("credential_names", ())),
        auth_schemes=tuple(data["secrets"].get("auth_schemes", ())),
        placeholder_words=tuple(data["secrets"].get("placeholder_words", ())),
        placeholder_marks=tuple(data["secrets"].get("placeholder_marks", ())),
        bound_keywords=dict(sdk.get("bound_keywords", {})),
        bound_hosts=dict(endpoint.get("bound_hosts", {})),
        legacy_markers=tuple(sdk.get("legacy_markers", ())),
    )


def _rules(data: dict[str, Any]) -> dict[str, Rule]:
    rules = {}
    for code, entry in data["rules"].items():
        entry = dict(entry)
        entry["references"] = tuple(entry.get("references", ()))
        entry["examples"] = tuple(entry.get("examples", ()))
        rules[code] = Rule(code=code, **entry)
    return rules


@lru_cache(maxsize=1)
def load_catalog(directory: Path | None = None) -> Catalog:
    """The shipped catalog; user config is layered on top by `migrator.settings`."""
    base = directory or rules_dir()
    rules = _rules(read_toml(base / "catalog.toml"))
    for extra in sorted(base.glob("catalog-*.toml")):
        rules.update(_rules(read_toml(extra)))
    return Catalog(
        rules=dict(sorted(rules.items())),
        connection=_connection(read_toml(base / "connection.toml")),
        models=read_toml(base / "models.toml"),
        frameworks=read_toml(base / "frameworks.toml")
        if (base / "frameworks.toml").is_file()
        else {},
    )
