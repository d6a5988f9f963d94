"""Results of earlier runs, so an unchanged file is never parsed twice (like ruff's cache).

An entry is keyed by the file's content hash and path, and lives in a folder named for
the tool (version and code) and the effective settings, under `.mistral_migrate_cache/`
at the project root. Any change to the file, the config (user overrides included), the
rules data or the tool lands in a different key, so nothing is ever invalidated by hand.
Entries are JSON, written atomically; one that cannot be read is a miss, never an error.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from collections import Counter
from dataclasses import fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import migrator
from migrator.findings import Finding
from migrator.modelmap import ModelMap
from migrator.rules_dir import rules_dir
from migrator.settings import Settings

CACHE_DIR = ".mistral_migrate_cache"
# Settings that decide which files are read or how the exit code is computed, not what
# a file's result is.
_NOT_RESULT = {"catalog", "root", "config_path", "exclude", "fail_on"}


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The tool's own source, so a development checkout never reuses stale results."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(migrator.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _stable(value: Any) -> Any:
    """A representation whose repr does not depend on hash randomisation."""
    if isinstance(value, ModelMap):
        return (sorted(value.entries.items()), sorted(value.targets().items()))
    if isinstance(value, (set, frozenset)):
        return sorted(repr(_stable(v)) for v in value)
    if isinstance(value, dict):
        return sorted((repr(k), repr(_stable(v))) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            [(f.name, _stable(getattr(value, f.name))) for f in fields(value)],
        )
    return value


def fingerprint(settings: Settings) -> str:
    """Hash of everything that can change a file's result: tool, rules data, settings."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{migrator.__version__}\0{_code_digest()}\0".encode())
    for path in sorted(Path(rules_dir()).glob("*.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for item in fields(settings):
        if item.name not in _NOT_RESULT:
            digest.update(f"{item.name}={_stable(getattr(settings, item.name))!r}\0".encode())
    return digest.hexdigest()


def content_key(data: bytes, display: str) -> str:
    return hashlib.blake2b(display.encode() + b"\0" + data, digest_size=20).hexdigest()


def _finding_fields(finding: Finding) -> list[Any]:
    return [getattr(finding, item.name) for item in fields(Finding)]


def _encode(result: Any) -> dict[str, Any]:
    return {
        "new": None if result.new is None else base64.b64encode(result.new).decode("ascii"),
        "findings": [_finding_fields(f) for f in result.findings],
        # what annotate (anchors) and the per-cell notebook diff (cells) need on a warm run
        "anchors": [[_finding_fields(f), line] for f, line in result.anchors.items()],
        "cells": [[number, before, after] for number, (before, after) in result.cells.items()],
        "rewrites": dict(result.rewrites),
        "env_vars": sorted(result.env_vars),
        "secrets": sorted(result.secrets),
    }


class ResultCache:
    """Per-settings folder of entries; `get` and `put` never raise."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.base = root / CACHE_DIR
        self.folder = self.base / fingerprint(settings)

    @classmethod
    def open(cls, settings: Settings) -> ResultCache | None:
        """The project's cache, or None when its folder cannot be created."""
        cache = cls(settings.root, settings)
        try:
            cache.folder.mkdir(parents=True, exist_ok=True)
            ignore = cache.base / ".gitignore"
            if not ignore.exists():
                _write_atomic(
                    ignore,
                    b"# Created by mistral-migrate; its cache is not for version control.\n*\n",
                )
        except OSError:
            return None
        return cache

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, data: bytes, display: str, path: Path) -> Any | None:
        from migrator.pipeline import FileResult

        try:
            entry = json.loads(self._path(content_key(data, display)).read_bytes())
            new = entry["new"]
            result = FileResult(
                path,
                display,
                original=data,
                new=None if new is None else base64.b64decode(new, validate=True),
                findings=[Finding(*f) for f in entry["findings"]],
                rewrites=Counter({str(k): int(v) for k, v in entry["rewrites"].items()}),
                env_vars=set(entry["env_vars"]),
                secrets=set(entry["secrets"]),
                anchors={Finding(*f): int(line) for f, line in entry["anchors"]},
                cells={int(n): (str(before), str(after)) for n, before, after in entry["cells"]},
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return result

    # -- files the prefilter turned away ------------------------------------------------
    # Most files of a repository never mention OpenAI. Remembering their stat signature
    # lets a warm run skip reading them at all, as ruff does; any change of size, mtime,
    # ctime or inode makes the file read again.
    UNAFFECTED = "unaffected.json"

    def load_unaffected(self) -> dict[str, list[int]]:
        try:
            entries = json.loads((self.folder / self.UNAFFECTED).read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if isinstance(v, list) and len(v) == 4}

    def save_unaffected(self, entries: dict[str, list[int]]) -> None:
        try:
            _write_atomic(
                self.folder / self.UNAFFECTED, json.dumps(entries, separators=(",", ":")).encode()
            )
        except (OSError, TypeError, ValueError):
            pass

    def put(self, result: Any) -> None:
        if result.error is not None:
            return  # an internal failure is not a result worth keeping
        path = self._path(content_key(result.original, result.display))
        try:
            path.parent.mkdir(exist_ok=True)
            _write_atomic(path, json.dumps(_encode(result), separators=(",", ":")).encode())
        except (OSError, TypeError, ValueError):
            pass


def _write_atomic(path: Path, data: bytes) -> None:
    """Readers see the old entry or the whole new one, never a torn write."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
