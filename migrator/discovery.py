"""Which files a run reads.

A directory is walked honouring `.gitignore` files (nested ones too), the default
excludes and the config's `exclude`; a file named on the command line is always read
(pre-commit passes names). Symlinks are never followed out of the tree.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pathspec

from migrator.configfiles.kinds import config_kind

# ruff's default excludes, this tool's cache and JS build output: directory names, never files.
DEFAULT_EXCLUDES = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pycache__",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
    ".mistral_migrate_cache",
    "*.egg-info",
    # JavaScript frameworks' build output and caches
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".turbo",
    ".vercel",
    ".output",
    "out",
    "coverage",
)
_EXCLUDED_NAMES = frozenset(name for name in DEFAULT_EXCLUDES if "*" not in name)
_EXCLUDED_GLOBS = tuple(name for name in DEFAULT_EXCLUDES if "*" in name)
PYTHON_SUFFIXES = (".py", ".pyi")
NOTEBOOK_SUFFIXES = (".ipynb",)
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
# Bundler output and type declarations, not source: a person edits the file they were
# built from, and a declaration file holds no call to migrate.
_GENERATED_JS = (".min.js", ".bundle.js", ".d.ts", ".d.mts", ".d.cts")


def is_candidate(path: Path) -> bool:
    """Python and JS/TS sources, Jupyter notebooks, and the config files
    `migrator.configfiles` reads."""
    if path.suffix in JS_SUFFIXES:
        return not path.name.endswith(_GENERATED_JS)
    return path.suffix in PYTHON_SUFFIXES + NOTEBOOK_SUFFIXES or config_kind(path) is not None


def _default_excluded(name: str) -> bool:
    return name in _EXCLUDED_NAMES or any(
        fnmatch.fnmatchcase(name, glob) for glob in _EXCLUDED_GLOBS
    )


def _gitignore(folder: str) -> pathspec.GitIgnoreSpec | None:
    try:
        with open(os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace") as stream:
            lines = stream.read().splitlines()
    except OSError:  # absent (the common case), a folder, unreadable
        return None
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except (ValueError, TypeError):  # a pattern pathspec cannot compile: ignore the file
        return None


class _Ignores:
    """The `.gitignore` files in force for one folder, outermost first.

    As in git, the deepest file with a pattern matching a path decides (so a nested
    `!name` re-includes what a parent ignored), and within a file the last match wins.
    """

    def __init__(self, specs: list[tuple[str, pathspec.GitIgnoreSpec]]) -> None:
        self.specs = specs

    def ignored(self, path: str, is_dir: bool) -> bool:
        for base, spec in reversed(self.specs):
            rel = path[len(base) + 1 :] + ("/" if is_dir else "")
            decision = spec.check_file(rel).include
            if decision is not None:
                return decision
        return False


def _outer_gitignores(folder: Path) -> list[tuple[str, pathspec.GitIgnoreSpec]]:
    """`.gitignore` files above a walked folder, up to its git work tree (not beyond)."""
    top = repo_root(folder)
    if top == folder or not folder.is_relative_to(top):
        return []
    specs = []
    for parent in reversed(folder.parents):
        if parent.is_relative_to(top):
            spec = _gitignore(str(parent))
            if spec is not None:
                specs.append((str(parent), spec))
    return specs


def walk(
    root: Path, exclude: Sequence[str] = (), project_root: Path | None = None
) -> Iterator[Path]:
    """Candidate files below `root`, in sorted order.

    `exclude` patterns (gitignore syntax) are relative to `project_root` (the folder of
    the config), else to `root`. Symlinked folders are never entered (no loops, no way
    out of the tree); a symlinked file is kept only when it points inside `root`.
    """
    root_real = root.resolve()
    anchor = (project_root or root).resolve()
    excluded = pathspec.GitIgnoreSpec.from_lines(list(exclude)) if exclude else None
    top = str(root_real)

    def user_excluded(real: str, is_dir: bool) -> bool:
        if excluded is None:
            return False
        rel = os.path.relpath(real, anchor)
        if rel.startswith(".."):
            return False
        return excluded.match_file(rel.replace(os.sep, "/") + ("/" if is_dir else ""))

    def visit(folder: str, shown: str, ignores: _Ignores) -> Iterator[tuple[Path, bool]]:
        spec = _gitignore(folder)
        if spec is not None:
            ignores = _Ignores([*ignores.specs, (folder, spec)])
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            real = os.path.join(folder, entry.name)
            path = os.path.join(shown, entry.name)
            try:
                if entry.is_symlink():
                    target = Path(real).resolve()
                    if (
                        not target.is_relative_to(root_real)
                        or not target.is_file()
                        or not is_candidate(Path(entry.name))
                    ):
                        continue  # leaves the tree, dangles, or is a folder (loops)
                    if not ignores.ignored(real, False) and not user_excluded(real, False):
                        yield Path(path), True
                elif entry.is_dir(follow_symlinks=False):
                    if (
                        not _default_excluded(entry.name)
                        and not ignores.ignored(real, True)
                        and not user_excluded(real, True)
                    ):
                        yield from visit(real, path, ignores)
                elif (
                    is_candidate(Path(entry.name))
                    and not ignores.ignored(real, False)
                    and not user_excluded(real, False)
                ):
                    yield Path(path), False
            except OSError:
                continue

    seen: dict[str, int] = {}
    found: list[Path | None] = []
    for path, is_link in visit(top, str(root), _Ignores(_outer_gitignores(root_real))):
        # a link to a file that is walked too is the same file: keep the file itself
        real = os.path.realpath(path) if is_link else str(root_real / path.relative_to(root))
        if real in seen:
            if is_link:
                continue
            found[seen[real]] = None
        seen[real] = len(found)
        found.append(path)
    yield from (path for path in found if path is not None)


def discover(
    paths: Sequence[Path], exclude: Sequence[str] = (), project_root: Path | None = None
) -> list[Path]:
    """Files to process, de-duplicated, in a stable order. Named files are always read."""
    seen: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for found in walk(path, exclude, project_root):
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
    """`path` relative to `root` (resolved), in posix form; absolute when outside it.

    String arithmetic first: `Path.resolve` per file was a third of a warm run's time."""
    absolute = os.path.abspath(path)
    prefix = str(root).rstrip(os.sep) + os.sep
    if absolute.startswith(prefix):
        return Path(absolute[len(prefix) :]).as_posix()
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
