"""Which files a run reads.

A directory is walked honouring `.gitignore` files (nested ones too), the default
excludes and the config's `exclude`; a file named on the command line is always read
(pre-commit passes names). Symlinks are never followed out of the tree.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pathspec

from migrator.configfiles.kinds import config_kind

# ruff's default excludes, plus this tool's cache; directories only (a trailing slash).
DEFAULT_EXCLUDES = tuple(
    f"{name}/"
    for name in (
        ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints",
        ".mypy_cache", ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache",
        ".svn", ".tox", ".venv", ".vscode", "__pycache__", "__pypackages__", "_build",
        "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
        ".mistral_migrate_cache", "*.egg-info",
    )
)
PYTHON_SUFFIXES = (".py", ".pyi")
NOTEBOOK_SUFFIXES = (".ipynb",)


def is_candidate(path: Path) -> bool:
    """Python sources, Jupyter notebooks, and the config files `migrator.configfiles` reads."""
    return path.suffix in PYTHON_SUFFIXES + NOTEBOOK_SUFFIXES or config_kind(path) is not None


def _gitignore(folder: Path) -> pathspec.PathSpec | None:
    ignore = folder / ".gitignore"
    if not ignore.is_file():
        return None
    try:
        return pathspec.GitIgnoreSpec.from_lines(ignore.read_text(encoding="utf-8", errors="replace").splitlines())
    except (OSError, ValueError):
        return None


def walk(root: Path, exclude: Sequence[str] = ()) -> Iterator[Path]:
    """Candidate files below `root`, in sorted order."""
    root_real = root.resolve()
    excluded = pathspec.GitIgnoreSpec.from_lines([*DEFAULT_EXCLUDES, *exclude])
    specs: list[tuple[Path, pathspec.PathSpec]] = []

    def ignored(path: Path, is_dir: bool) -> bool:
        rel = path.relative_to(root).as_posix() + ("/" if is_dir else "")
        if excluded.match_file(rel):
            return True
        for base, spec in specs:
            if path.is_relative_to(base):
                if spec.match_file(path.relative_to(base).as_posix() + ("/" if is_dir else "")):
                    return True
        return False

    def visit(folder: Path) -> Iterator[Path]:
        spec = _gitignore(folder)
        if spec is not None:
            specs.append((folder, spec))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            entries = []
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root_real) or target.is_dir():
                    continue
            if entry.is_dir(follow_symlinks=False):
                if not ignored(path, True):
                    yield from visit(path)
            elif is_candidate(path) and not ignored(path, False):
                yield path
        if spec is not None:
            specs.pop()

    yield from visit(root)


def discover(paths: Sequence[Path], exclude: Sequence[str] = ()) -> list[Path]:
    """Files to process, de-duplicated, in a stable order."""
    seen: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for found in walk(path, exclude):
                seen.setdefault(found, None)
        else:
            seen.setdefault(path, None)
    return list(seen)


def repo_root(start: Path) -> Path:
    """The git work tree holding `start` (for a/ b/ diff paths), else `start` itself."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
