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

from migrator.discovery import DEFAULT_EXCLUDES, discover, display_path, repo_root
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
