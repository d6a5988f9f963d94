"""Results of earlier runs, so an unchanged file is never parsed twice (like ruff's cache).

An entry is keyed by the file's content hash and path, and lives in a folder named for
the tool (version and code) and the effective settings. Any change to the file, the
config (user overrides included), the rules data or the tool lands in a different key,
so nothing is ever invalidated by hand. One that cannot be read is a miss, never an error.

The cache is not trusted (issue 18: a pull request that force-added a cache folder made
`check` hide a committed key and `fix` write code of the attacker's choosing):
- it lives in the user's cache folder (`$MISTRAL_MIGRATE_CACHE_DIR`, else
  `$XDG_CACHE_HOME/mistral-migrate`, else `~/.cache/mistral-migrate`), one folder per
  project root, never inside the repository, so nothing a clone brings is ever read;
- every entry carries a MAC under a per-user secret (`<cache>/secret`, mode 0600, owned by
  the user: a file that git checked out has neither, so a planted one is replaced), so an
  entry this user's runs did not write is a miss, wherever the folder is;
- a cached rewrite passes the same output check as a fresh one (outputcheck.py);
- a file that holds a key (by shape or by place, as `secrets.redact` sees it) is never
  cached, so the cache holds no key, neither in findings nor in rewritten bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets as random_bytes
import stat
import tempfile
from collections import Counter
from dataclasses import fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import migrator
from migrator.crossmodule import ModelRead
from migrator.findings import Finding
from migrator.modelmap import ModelMap
from migrator.outputcheck import rewrite_is_safe
from migrator.rules_dir import rules_dir
from migrator.secrets import contains_secret
from migrator.settings import Settings

CACHE_ENV = "MISTRAL_MIGRATE_CACHE_DIR"
SECRET_FILE = "secret"
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


def content_key(data: bytes, display: str, salt: str = "") -> str:
    # surrogateescape: a file name that is not valid UTF-8 still has a key
    name = display.encode("utf-8", "surrogateescape")
    if salt:  # the facts from other files a result depends on (crossmodule.facts_digest)
        name += b"\0" + salt.encode()
    return hashlib.blake2b(name + b"\0" + data, digest_size=20).hexdigest()


def cache_home() -> Path:
    """The user's cache folder for this tool (never inside a repository)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen and Path(chosen).is_absolute():  # a relative one would follow the checkout
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "mistral-migrate"


def project_folder(root: Path) -> Path:
    """The cache folder of the project rooted at `root`."""
    project = hashlib.blake2b(os.fsencode(root.resolve()), digest_size=12).hexdigest()
    return cache_home() / "projects" / project


def _inside_a_checkout(home: Path, root: Path) -> bool:
    """Whether the cache folder is in the project or in any git work tree."""
    home = home.resolve()
    if home.is_relative_to(root.resolve()):
        return True
    return any((folder / ".git").exists() for folder in (home, *home.parents))


def _private_folder(path: Path) -> None:
    """Create `path` (0700); refuse one that another user owns or others may write."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = path.stat()
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        raise PermissionError(f"{path} belongs to another user")
    if status.st_mode & 0o022:
        os.chmod(path, 0o700)


def _user_secret(home: Path) -> bytes:
    """The per-user MAC key; replaced when it is not a private, well-formed file."""
    path = home / SECRET_FILE
    try:
        status = path.lstat()
        good = (
            stat.S_ISREG(status.st_mode)
            # Windows has no owner bits: its st_mode is always 0o666 or 0o444
            and (os.name == "nt" or not status.st_mode & 0o077)
            and (not hasattr(os, "getuid") or status.st_uid == os.getuid())
            and status.st_size == 32
        )
        if good:
            return path.read_bytes()
        path.unlink()
    except FileNotFoundError:
        pass
    # written whole under a temporary name, then linked: a concurrent run sees no secret
    # or the whole secret, never an empty file it would replace
    key = random_bytes.token_bytes(32)
    handle, temp = tempfile.mkstemp(dir=home, prefix=".secret-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(key)
        try:
            os.link(temp, path)
        except FileExistsError:
            return path.read_bytes()  # another run made it first: use that one
    finally:
        os.unlink(temp)
    return key


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
        "model_reads": [read.to_json() for read in result.model_reads],
    }


class ResultCache:
    """Per-settings folder of signed entries; `get` and `put` never raise."""

    def __init__(self, root: Path, settings: Settings, secret: bytes = b"") -> None:
        self.home = cache_home()
        self.base = project_folder(root)
        self.folder = self.base / fingerprint(settings)
        self.settings = settings
        self.secret = secret

    @classmethod
    def open(cls, settings: Settings) -> ResultCache | None:
        """The project's cache, or None when its folder cannot be made private, or lies
        inside the project or any checkout (where a pull request could have put it)."""
        try:
            cache = cls(settings.root, settings)
            if _inside_a_checkout(cache.home, settings.root):
                return None
            _private_folder(cache.home)
            cache.secret = _user_secret(cache.home)
            for folder in (cache.home / "projects", cache.base, cache.folder):
                _private_folder(folder)
        except (OSError, RuntimeError):  # RuntimeError: no home folder at all
            return None
        return cache

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def _mac(self, name: str, payload: bytes) -> bytes:
        # the folder is signed too: an entry is valid for this project and settings only
        where = f"{self.folder.relative_to(self.home).as_posix()}/{name}".encode()
        return hmac.new(self.secret, where + b"\0" + payload, hashlib.sha256).hexdigest().encode()

    def _sign(self, name: str, payload: bytes) -> bytes:
        return self._mac(name, payload) + b"\n" + payload

    def _verified(self, name: str, stored: bytes) -> bytes | None:
        if not self.secret:
            return None
        mac, _, payload = stored.partition(b"\n")
        return payload if hmac.compare_digest(mac, self._mac(name, payload)) else None

    def get(self, data: bytes, display: str, path: Path, salt: str = "") -> Any | None:
        """The stored result; `salt` names what else it depends on (crossmodule.py)."""
        from migrator.pipeline import FileResult

        key = content_key(data, display, salt)
        try:
            payload = self._verified(key, self._path(key).read_bytes())
            if payload is None:
                return None
            entry = json.loads(payload)
            new = entry["new"]
            result = FileResult(
                path,
                display,
                original=data,
                new=None if new is None else base64.b64decode(new, validate=True),
                findings=[Finding(*f) for f in entry["findings"]],
                rewrites=Counter({str(k): int(v) for k, v in entry["rewrites"].items()}),
                env_vars=set(entry["env_vars"]),
                anchors={Finding(*f): int(line) for f, line in entry["anchors"]},
                cells={int(n): (str(before), str(after)) for n, before, after in entry["cells"]},
                model_reads=[ModelRead.from_json(read) for read in entry["model_reads"]],
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError, AssertionError):
            return None
        if result.new is not None and not rewrite_is_safe(display, data, result.new, self.settings):
            return None
        return result

    # -- files the prefilter turned away ------------------------------------------------
    # Most files of a repository never mention OpenAI. Remembering their stat signature
    # lets a warm run skip reading them at all, as ruff does; any change of size, mtime,
    # ctime or inode makes the file read again.
    UNAFFECTED = "unaffected.json"

    def load_unaffected(self) -> dict[str, list[int]]:
        try:
            payload = self._verified(self.UNAFFECTED, (self.folder / self.UNAFFECTED).read_bytes())
            if payload is None:
                return {}
            entries = json.loads(payload)
        except (OSError, ValueError):
            return {}
        if not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if isinstance(v, list) and len(v) == 4}

    def save_unaffected(self, entries: dict[str, list[int]]) -> None:
        try:
            payload = json.dumps(entries, separators=(",", ":")).encode()
            _write_atomic(self.folder / self.UNAFFECTED, self._sign(self.UNAFFECTED, payload))
        except (OSError, TypeError, ValueError):
            pass

    def put(self, result: Any, salt: str = "") -> None:
        if result.error is not None or not self.secret:
            return  # an internal failure is not a result worth keeping
        text = result.original.decode("utf-8", "replace")
        if contains_secret(text, result.secrets):
            return  # the cache must not become a second copy of a key
        key = content_key(result.original, result.display, salt)
        path = self._path(key)
        try:
            path.parent.mkdir(mode=0o700, exist_ok=True)
            payload = json.dumps(_encode(result), separators=(",", ":")).encode()
            _write_atomic(path, self._sign(key, payload))
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
