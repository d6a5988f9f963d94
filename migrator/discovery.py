"""Which files a run reads.

A directory is walked honouring `.gitignore` files (nested ones too), the default
excludes and the config's `exclude`; a file named on the command line is always read
(pre-commit passes names). Symlinks are never followed out of the tree.
"""

from __future__ import annotations

import fnmatch
import os
import stat
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


def read_regular(path: str | Path, limit: int | None = None) -> bytes:
    """A regular file's bytes, at most `limit` + 1 of them (so an over-limit file is known
    without reading it whole). Anything else raises NotRegularFile before a byte is read:
    opening is non-blocking, so a FIFO named `x.py` cannot hang the run and a character
    device named `zero.py` cannot fill the memory."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFile(_kind(status.st_mode))
        if limit is not None and status.st_size > limit:
            raise OverLimit(status.st_size)
        chunks = []
        left = limit + 1 if limit is not None else -1
        while left:
            chunk = os.read(fd, min(left, 1 << 20) if left > 0 else 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            left = max(left - len(chunk), 0) if left > 0 else left
        data = b"".join(chunks)
        if limit is not None and len(data) > limit:  # grew while it was read
            raise OverLimit(len(data))
        return data
    finally:
        os.close(fd)


class NotRegularFile(OSError):
    """A FIFO, a device, a socket or a folder where a source file was expected."""


class OverLimit(OSError):
    """A file larger than the size limit; `args[0]` is its size in bytes."""


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _gitignore(folder: str) -> pathspec.GitIgnoreSpec | None:
    try:
        data = read_regular(os.path.join(folder, ".gitignore"), 10_000_000)
    except OSError:  # absent (the common case), a folder, a FIFO, unreadable, huge
        return None
    lines = data.decode("utf-8", errors="replace").splitlines()
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
    root_real = _real(root)
    anchor = _real(project_root or root)
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
                    target = _real(real)
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
    """Files to process, each once, in a stable order. Named files are always read.

    A file reached twice (`check . ./sub $PWD/a.py`, a link to a walked file) is the same
    file: it is kept under the first name it was reached by, so its findings are
    reported once."""
    seen: dict[object, Path] = {}
    for path in paths:
        found = walk(path, exclude, project_root) if _is_dir(path) else (path,)
        for item in found:
            seen.setdefault(file_identity(item), item)
    return list(seen.values())


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def file_identity(path: Path) -> object:
    """The file behind a name: device and inode where it can be stat'ed (links, `./`,
    absolute and relative spellings agree), else its real path."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return _real(path)
    return (status.st_dev, status.st_ino)


def _real(path: str | Path) -> Path:
    """`Path.resolve` without its RuntimeError on a symlink loop (Python 3.11): a loop
    resolves to where the loop starts, and later reads of it fail as OSError."""
    return Path(os.path.realpath(path))


def repo_root(start: Path) -> Path:
    """The git work tree holding `start` (for a/ b/ diff paths), else `start` itself."""
    start = _real(start)
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


# a git work tree first; without one, the nearest project file
PROJECT_MARKERS = ((".git",), ("pyproject.toml", "package.json"))


def tree_root(path: Path) -> Path:
    """The tree a file named `path` belongs to, for the check that no write leaves it.

    Found from the file's own location as written, not from the working directory (a
    file in `repo/` named from a folder without `.git` belongs to `repo/`), and only
    among folders not reached through a symlinked folder: `linkdir/x.py`, where
    `linkdir` points elsewhere, belongs to the tree holding `linkdir`, so its real
    location is outside it. Without a `.git` above, the folder of the nearest
    pyproject.toml or package.json, else the file's own folder."""
    absolute = Path(os.path.abspath(path))
    folders = list(absolute.parents)  # nearest first
    for index in range(len(folders) - 1, -1, -1):  # from the top: the first symlinked one
        if os.path.islink(folders[index]):
            folders = folders[index + 1 :]
            break
    for markers in PROJECT_MARKERS:
        for folder in folders:
            if any(os.path.lexists(folder / marker) for marker in markers):
                return _real(folder)
    return _real(folders[0]) if folders else _real(absolute.parent)


def display_path(path: Path, root: Path) -> str:
    """`path` relative to `root` (resolved), in posix form; absolute when outside it.

    String arithmetic first: `Path.resolve` per file was a third of a warm run's time."""
    absolute = os.path.abspath(path)
    prefix = str(root).rstrip(os.sep) + os.sep
    if absolute.startswith(prefix):
        return Path(absolute[len(prefix) :]).as_posix()
    try:
        return _real(path).relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
