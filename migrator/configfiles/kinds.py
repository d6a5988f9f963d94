"""Which config format a file is, if any, and whether it is a committed template.

Decided from the file name alone, so discovery stays cheap: lock files, package
manifests and vendored copies are never treated as app configuration.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from migrator.configfiles.facts import config_facts

ConfigKind = Literal["dotenv", "toml", "yaml", "json"]


def config_kind(path: Path) -> ConfigKind | None:
    facts = config_facts()
    name = path.name
    if name == facts.dotenv_prefix or name.startswith(facts.dotenv_prefix + "."):
        return "dotenv"
    if facts.skip_names.match_file(name) or facts.skip_dirs.match_file(path.as_posix()):
        return None
    suffix = path.suffix.lower()
    if suffix in facts.toml_suffixes:
        return "toml"
    if suffix in facts.yaml_suffixes:
        return "yaml"
    if suffix in facts.json_suffixes:
        return "json"
    return None


def is_example(path: Path) -> bool:
    """`.env.example`, `settings.sample.yaml`, `config-template.json`: safe to blank secrets."""
    parts = {part.lower() for part in re.split(r"[.\-_]", path.name) if part}
    return bool(parts & config_facts().example_markers)


def is_skipped_config(path: Path) -> bool:
    """A lock file, manifest or vendored copy named explicitly: read by nobody."""
    facts = config_facts()
    suffixes = (*facts.toml_suffixes, *facts.yaml_suffixes, *facts.json_suffixes)
    return config_kind(path) is None and path.suffix.lower() in suffixes
