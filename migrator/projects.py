"""Which settings each path runs under, which named files a run keeps, and CI shards.

As in ruff, a path's config is the nearest one above it, not the one above the working
directory: `cd /tmp && mistral-migrate check proj` reads `proj/pyproject.toml` (its
excludes, its code selection) and names files relative to `proj`. Paths given on one
command line that share a config run together.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pathspec

from migrator.discovery import (
    DEFAULT_EXCLUDES,
    PYTHON_SUFFIXES,
    discover,
    display_path,
    repo_root,
)
from migrator.settings import ConfigError, Settings, find_config, load_settings


def _fallback_root(folder: Path) -> Path:
    """Without a config: the git work tree holding the path, else the working directory."""
    top = repo_root(folder)
    return top if (top / ".git").exists() else Path.cwd().resolve()


def project_groups(
    paths: Sequence[Path], config: Path | None, overrides: Sequence[dict[str, Any]]
) -> list[tuple[Settings, list[Path]]]:
    """The paths grouped by the settings they run under, in the order first named."""
    if config is not None:
        return [(load_settings(config, overrides=overrides), list(paths))]
    groups: dict[Path, tuple[Settings, list[Path]]] = {}
    for path in paths:
        folder = (path if path.is_dir() else path.parent).resolve()
        found = find_config(folder)
        key = found or _fallback_root(folder)
        if key not in groups:
            settings = load_settings(found, start=folder, overrides=overrides)
            if found is None:
                settings = replace(settings, root=key)
            groups[key] = (settings, [])
        groups[key][1].append(path)
    return list(groups.values())


def display_root(settings: Settings) -> Path:
    """What paths in every output are relative to: the git work tree holding the project
    (so a patch applies and SARIF uris resolve from the repository root), else the
    folder of its config."""
    return repo_root(settings.root)


def force_excluded(path: Path, settings: Settings) -> bool:
    """Whether a file named on the command line is excluded by the config's `exclude` or
    the default excludes (`--force-exclude`, as ruff-pre-commit passes it)."""
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(settings.root.resolve()).as_posix()
    except ValueError:
        rel = None
    parts = absolute.parts[:-1] if rel is None else Path(rel).parts[:-1]
    if any(
        part == name or fnmatch.fnmatchcase(part, name)
        for part in parts
        for name in DEFAULT_EXCLUDES
    ):
        return True
    if rel is None or not settings.exclude:
        return False
    return pathspec.GitIgnoreSpec.from_lines(list(settings.exclude)).match_file(rel)


def parse_shard(text: str) -> tuple[int, int]:
    """`K/N` (1-based) as (K, N)."""
    k, sep, n = text.partition("/")
    if sep and k.strip().isdigit() and n.strip().isdigit():
        shard, total = int(k), int(n)
        if 1 <= shard <= total:
            return shard, total
    raise ConfigError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 2/4")


def in_shard(display: str, shard: tuple[int, int]) -> bool:
    """A stable hash of the file's project-relative path decides its shard: the same file
    lands in the same shard on every machine and every run, whatever else changes."""
    number, total = shard
    digest = hashlib.sha256(display.encode("utf-8", errors="surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % total == number - 1


def select_files(
    paths: Sequence[Path], settings: Settings, force_exclude: bool, shard: tuple[int, int] | None
) -> list[Path]:
    """The paths of one group after `--force-exclude` and `--shard` (a shard is a set of
    files, so folders are walked here)."""
    kept = [
        path
        for path in paths
        if path.is_dir() or not force_exclude or not force_excluded(path, settings)
    ]
    if shard is None:
        return kept
    root = display_root(settings)
    return [
        path
        for path in discover(kept, settings.exclude, settings.root)
        if in_shard(display_path(path, root), shard)
    ]


def outside_shard(
    paths: Sequence[Path], settings: Settings, force_exclude: bool, shard: tuple[int, int] | None
) -> list[Path]:
    """The Python files of the group that another shard runs: this shard reads them only
    for the model ids they send from its own modules (migrator/crossmodule.py)."""
    if shard is None:
        return []
    root = display_root(settings)
    return [
        path
        for path in discover(paths, settings.exclude, settings.root)
        if path.suffix in PYTHON_SUFFIXES
        and not in_shard(display_path(path, root), shard)
        and (not force_exclude or not force_excluded(path, settings))
    ]


class NestedConfigs:
    """Configs below the one a walk started under, as in ruff: a file uses the nearest
    config above it, so `check .` at a monorepo's root honours `services/a`'s own
    `[tool.mistral-migrate]` (its codes, its excludes) for the files under it."""

    def __init__(self, overrides: Sequence[dict[str, Any]], adjust: Any) -> None:
        self.overrides = overrides
        self.adjust = adjust  # the command line's --select/--ignore, applied to each
        self.nearest: dict[Path, Path | None] = {}
        self.loaded: dict[Path, Settings] = {}

    def config_of(self, folder: Path) -> Path | None:
        if folder not in self.nearest:
            self.nearest[folder] = find_config(folder)
        return self.nearest[folder]

    def split(self, files: Sequence[Path], settings: Settings) -> list[tuple[Settings, list[Path]]]:
        """`files` (folders walked) grouped by their nearest config; a walked file that
        its own config excludes is left out. `settings` keeps the files of its own."""
        named = {path for path in files if not path.is_dir()}
        groups: dict[Path | None, tuple[Settings, list[Path]]] = {
            settings.config_path: (settings, [])
        }
        for path in discover(files, settings.exclude, settings.root):
            config = self.config_of(Path(os.path.abspath(path)).parent)
            if config is None or config == settings.config_path:
                groups[settings.config_path][1].append(path)
                continue
            if config not in self.loaded:
                self.loaded[config] = self.adjust(load_settings(config, overrides=self.overrides))
            nested = self.loaded[config]
            if path not in named and force_excluded(path, nested):
                continue
            groups.setdefault(config, (nested, []))[1].append(path)
        return [(group_settings, paths) for group_settings, paths in groups.values() if paths]
