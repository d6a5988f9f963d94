"""Shared helpers: run the real CLI (click's CliRunner) inside a scratch folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
UPDATE = os.environ.get("MM_UPDATE_GOLDEN") == "1"


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def invoke(args: list[str], cwd: Path) -> Outcome:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def golden(path: Path, actual: str | bytes) -> None:
    """Compare with a golden file; MM_UPDATE_GOLDEN=1 rewrites it (review the diff!)."""
    data = actual.encode() if isinstance(actual, str) else actual
    if UPDATE:
        path.write_bytes(data)
    assert path.exists(), f"missing golden file {path}; run with MM_UPDATE_GOLDEN=1"
    expected = path.read_bytes()
    if isinstance(actual, str):
        assert actual == expected.decode()
    else:
        assert data == expected


@pytest.fixture(autouse=True, scope="session")
def private_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The results cache lives in the user's cache folder: the tests get one of their own."""
    home = tmp_path_factory.mktemp("cache-home")
    old = os.environ.get("MISTRAL_MIGRATE_CACHE_DIR")
    os.environ["MISTRAL_MIGRATE_CACHE_DIR"] = str(home)
    yield home
    if old is None:
        del os.environ["MISTRAL_MIGRATE_CACHE_DIR"]
    else:
        os.environ["MISTRAL_MIGRATE_CACHE_DIR"] = old


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """An empty project folder (with its own pyproject so the repo's config is not read)."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    yield tmp_path


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True)
