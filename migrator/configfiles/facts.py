"""The config-file facts from `rules/config.toml`, read once per process."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pathspec

from migrator.catalog import read_toml
from migrator.rules_dir import rules_dir


@dataclass(frozen=True)
class ConfigFacts:
    dotenv_prefix: str
    toml_suffixes: tuple[str, ...]
    yaml_suffixes: tuple[str, ...]
    json_suffixes: tuple[str, ...]
    example_markers: frozenset[str]
    skip_names: pathspec.PathSpec
    skip_dirs: pathspec.PathSpec
    model_keys: tuple[str, ...]
    env_mappings: frozenset[str]
    env_entry_name: str
    env_entry_value: str
    no_equivalent: frozenset[str]
    references: tuple[str, ...]
    default_expression: re.Pattern[str]
    secret_reference: re.Pattern[str]


@lru_cache(maxsize=1)
def config_facts() -> ConfigFacts:
    data = read_toml(rules_dir() / "config.toml")
    files, keys = data["files"], data["keys"]
    return ConfigFacts(
        dotenv_prefix=files["dotenv_prefix"],
        toml_suffixes=tuple(files["toml_suffixes"]),
        yaml_suffixes=tuple(files["yaml_suffixes"]),
        json_suffixes=tuple(files["json_suffixes"]),
        example_markers=frozenset(files["example_markers"]),
        skip_names=pathspec.GitIgnoreSpec.from_lines(files["skip_names"]),
        skip_dirs=pathspec.GitIgnoreSpec.from_lines(files["skip_dirs"]),
        model_keys=tuple(p.lower() for p in keys["model"]),
        env_mappings=frozenset(keys["env_mappings"]),
        env_entry_name=keys["env_entry_name"],
        env_entry_value=keys["env_entry_value"],
        no_equivalent=frozenset(data["variables"]["no_equivalent"]),
        references=tuple(data["variables"]["references"]),
        default_expression=re.compile(data["variables"]["default_expression"]),
        secret_reference=re.compile(data["github"]["secret_reference"]),
    )
