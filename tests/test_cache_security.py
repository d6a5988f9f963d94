"""A hostile cache must not change what is written or hide a finding (issue 18, items 1, 4).

The attack that worked against 0.1: a pull request force-adds the cache folder with
entries keyed by the content of a file it also adds; `check` then reported nothing on a
committed key and `fix` wrote the attacker's code. Each case goes through a real
`git clone`, as a CI job or a reviewer would get the tree.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.cache import ResultCache, cache_home, content_key, fingerprint, project_folder
from migrator.settings import load_settings

KEY = "sk-proj-Qx7Lm2Rk9Vb4Nc8Tz1Wy5Hd3"
MISTRAL_KEY = "Zq8Lw3Nv6Tb1Xc9Rm4Ks7Hd2Io0PaYe5"
APP = f'from openai import OpenAI\n\nclient = OpenAI(api_key="{KEY}")\n'
# the model constant is read by a call on the client, so the id is shown to reach Mistral
CLEAN = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'MODEL = "gpt-4o"\nreply = client.chat.completions.create(model=MODEL)\n'
)
INJECTED = 'import os; os.system("echo pwned > pwned.txt")\n'


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "migrator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def hostile_entry(display: str, data: str, new: str) -> bytes:
    """An entry that says: no findings, and write `new`."""
    entry = {
        "new": base64.b64encode(new.encode()).decode(),
        "findings": [],
        "anchors": [],
        "cells": [],
        "rewrites": {},
        "env_vars": [],
        "secrets": [],
    }
    return json.dumps(entry).encode()


def clone(source: Path, target: Path, umask: int = 0o022) -> Path:
    git("init", "-q", cwd=source)
    git("add", "-A", "-f", cwd=source)
    git("commit", "-q", "-m", "pr", cwd=source)
    subprocess.run(
        ["git", "clone", "-q", str(source), str(target)],
        check=True,
        preexec_fn=lambda: os.umask(umask),
    )
    return target


def test_cache_folder_in_the_repository_is_never_read(tmp_path: Path) -> None:
    """0.1's layout: `.mistral_migrate_cache/<fingerprint>/<key>` at the project root."""
    source = tmp_path / "pr"
    source.mkdir()
    (source / "pyproject.toml").write_text("[project]\nname = 'victim'\n")
    (source / "app.py").write_text(APP)
    (source / "lib.py").write_text(CLEAN)
    settings = load_settings(start=source)
    for name, text in (("app.py", APP), ("lib.py", CLEAN)):
        key = content_key(text.encode(), name)
        entry = source / ".mistral_migrate_cache" / fingerprint(settings) / key[:2] / key
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_bytes(hostile_entry(name, text, INJECTED))
    target = clone(source, tmp_path / "clone")
    checked = cli("check", "--format", "github", ".", cwd=target)
    assert checked.returncode == 1 and "MM102" in checked.stdout
    cli("fix", ".", cwd=target)
    for name in ("app.py", "lib.py"):
        assert "os.system" not in (target / name).read_text()
    assert not (target / "pwned.txt").exists()


@pytest.mark.parametrize("umask", [0o022, 0o077], ids=["umask-022", "umask-077"])
def test_planted_secret_and_signed_entries_are_not_trusted(tmp_path: Path, umask: int) -> None:
    """Worst case: the user's cache folder is inside the checkout (a CI that caches its
    workspace) and the pull request commits a MAC secret and entries signed with it.
    With umask 077 the checked-out secret is even private and the user's own: a cache
    folder inside a checkout is therefore not used at all."""
    source = tmp_path / "pr"
    source.mkdir()
    target = tmp_path / "clone"
    (source / "pyproject.toml").write_text("[project]\nname = 'victim'\n")
    (source / "lib.py").write_text(CLEAN)
    home = source / ".cache-home"
    planted = b"A" * 32
    old = os.environ.get("MISTRAL_MIGRATE_CACHE_DIR")
    os.environ["MISTRAL_MIGRATE_CACHE_DIR"] = str(target / ".cache-home")
    try:
        settings = load_settings(start=source)
        cache = ResultCache(target, settings, secret=planted)
        key = content_key(CLEAN.encode(), "lib.py")
        entry = home / cache._path(key).relative_to(target / ".cache-home")
        entry.parent.mkdir(parents=True)
        entry.write_bytes(cache._sign(key, hostile_entry("lib.py", CLEAN, INJECTED)))
        (home / "secret").write_bytes(planted)
        assert project_folder(target).is_relative_to(target)
    finally:
        if old is None:
            del os.environ["MISTRAL_MIGRATE_CACHE_DIR"]
        else:
            os.environ["MISTRAL_MIGRATE_CACHE_DIR"] = old
    clone(source, target, umask)
    env = {"MISTRAL_MIGRATE_CACHE_DIR": str(target / ".cache-home")}
    checked = cli("check", "--format", "json", ".", cwd=target, env=env)
    assert any(f["code"] == "MM201" for f in json.loads(checked.stdout))
    cli("fix", ".", cwd=target, env=env)
    assert "os.system" not in (target / "lib.py").read_text()
    stored = [p for p in (target / ".cache-home").rglob("*") if p.is_file()]
    assert len(stored) == 2, "the run used a cache folder inside the checkout"


def test_a_relative_cache_folder_is_not_used(scratch: Path) -> None:
    """`MISTRAL_MIGRATE_CACHE_DIR=.mmcache` would follow whatever checkout the run is in."""
    (scratch / "lib.py").write_text(CLEAN)
    env = {"MISTRAL_MIGRATE_CACHE_DIR": ".mmcache"}
    assert cli("check", ".", cwd=scratch, env=env).returncode == 1
    assert not (scratch / ".mmcache").exists()


def test_no_home_folder_means_no_cache_not_a_failure(scratch: Path) -> None:
    (scratch / "lib.py").write_text(CLEAN)
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "MISTRAL_MIGRATE_CACHE_DIR")}
    env.pop("XDG_CACHE_HOME", None)
    script = (  # no HOME and no passwd entry: Path.home() raises
        "import pwd\n"
        "def absent(uid): raise KeyError(uid)\n"
        "pwd.getpwuid = absent\n"
        "from migrator.cli import main\n"
        "main()\n"
    )
    outcome = subprocess.run(
        [sys.executable, "-c", script, "check", "."],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert outcome.returncode == 1, outcome.stderr
    assert "internal error" not in outcome.stderr


@pytest.mark.parametrize(
    ("name", "original", "broken"),
    [
        ("app.py", CLEAN, "client = OpenAI(\n"),
        ("nb.ipynb", '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "{"),
        ("config.yaml", "model: gpt-4o\n", "model: [gpt-4o\n"),
    ],
)
def test_a_signed_entry_that_would_break_the_file_is_not_written(
    scratch: Path, name: str, original: str, broken: str
) -> None:
    """The MAC proves who wrote an entry, not that it is right: cached output runs the
    same check as fresh output (a one-bit flip wrote broken .ipynb and YAML in 0.1)."""
    (scratch / name).write_text(original)
    settings = load_settings(start=scratch)
    cache = ResultCache.open(settings)
    assert cache is not None
    key = content_key(original.encode(), name)
    cache._path(key).parent.mkdir(parents=True, exist_ok=True)
    cache._path(key).write_bytes(cache._sign(key, hostile_entry(name, original, broken)))
    cli("fix", name, cwd=scratch)
    assert (scratch / name).read_text() != broken


def test_the_cache_holds_no_key(scratch: Path) -> None:
    (scratch / "app.py").write_text(APP)
    (scratch / ".env").write_text(f"MISTRAL_API_KEY={MISTRAL_KEY}\nOPENAI_MODEL=gpt-4o\n")
    (scratch / "lib.py").write_text(CLEAN)
    assert cli("check", ".", cwd=scratch).returncode == 1
    assert cli("check", ".", cwd=scratch).returncode == 1  # warm
    keyed = content_key(APP.encode(), "app.py")
    assert not [p for p in cache_home().rglob(keyed)], "a file holding a key was cached"
    stored = b"".join(p.read_bytes() for p in cache_home().rglob("*") if p.is_file())
    assert project_folder(scratch).is_dir()
    for key in (KEY, MISTRAL_KEY):
        assert key.encode() not in stored
        assert base64.b64encode(key.encode())[:20] not in stored
