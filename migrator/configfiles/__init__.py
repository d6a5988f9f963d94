"""Config files (.env, TOML, YAML, JSON): the same findings and fixes as Python code.

`migrate_config` decodes the bytes, lets the format's module locate keys and values as
spans, lets `engine.ConfigRewrite` decide, and replaces only the decided spans. The
result is parsed again before it is accepted, so a fix can never leave a broken file.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from migrator.configfiles.kinds import ConfigKind, config_kind, is_example
from migrator.configfiles.spans import ParseError, apply_edits
from migrator.findings import Finding
from migrator.settings import Settings
from migrator.suppressions import code_filter, line_ignores

if TYPE_CHECKING:
    from migrator.configfiles.engine import ConfigRewrite

__all__ = ["ConfigOutcome", "ParseError", "config_kind", "migrate_config"]

# Each format's module, imported when a file of that kind is met: discovery asks
# `config_kind` of every path, and a run that meets no YAML need not load a YAML parser.
MODULES: dict[str, str] = {
    "dotenv": "dotenv",
    "toml": "toml_file",
    "yaml": "yaml_file",
    "json": "json_file",
}


def format_module(kind: ConfigKind) -> ModuleType:
    """The module that walks files of `kind` (`migrate(text, rewrite)`)."""
    return importlib.import_module(f"migrator.configfiles.{MODULES[kind]}")


def new_rewrite(text: str, display: str, settings: Settings, **options: Any) -> ConfigRewrite:
    from migrator.configfiles.engine import ConfigRewrite

    return ConfigRewrite(text, display, settings, **options)


@dataclass
class ConfigOutcome:
    new: bytes | None = None
    findings: list[Finding] = field(default_factory=list)
    rewrites: Counter[str] = field(default_factory=Counter)
    env_vars: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)


def check_parses(kind: ConfigKind, text: str, settings: Settings) -> None:
    """Raise ParseError if `text` is not valid `kind` (a dry run of the format walker)."""
    probe = new_rewrite(text, "", settings, example=False, ignores={}, enabled=lambda code: False)
    format_module(kind).migrate(text, probe)


def migrate_config(
    data: bytes, path: Path, display: str, kind: ConfigKind, settings: Settings
) -> ConfigOutcome:
    """Raises UnicodeDecodeError (not UTF-8) and ParseError (not valid `kind`)."""
    text = data.decode("utf-8")
    rewrite = new_rewrite(
        text,
        display,
        settings,
        example=is_example(path),
        ignores=line_ignores(data),
        enabled=code_filter(settings, display),
    )
    format_module(kind).migrate(text, rewrite)
    rewrite.finish()
    outcome = ConfigOutcome(
        findings=sorted(rewrite.findings, key=lambda f: (f.line, f.column, f.code)),
        rewrites=rewrite.rewrites,
        env_vars=rewrite.env_vars,
        secrets=rewrite.secrets,
    )
    if rewrite.edits:
        new_text = apply_edits(text, rewrite.edits)
        try:
            check_parses(kind, new_text, settings)
        except ParseError as error:
            raise RuntimeError(
                f"the rewrite would not parse ({error.reason}); file left as it was"
            ) from None
        outcome.new = new_text.encode("utf-8")
    return outcome
