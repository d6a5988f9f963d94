"""Every case under fixtures/config/ through the real CLI.

A case holds `before/` (config files under their real names), `after/` (the files `fix`
must produce, byte for byte; a file missing there must not change), `findings.txt` (what
`check` reports) and an optional `pyproject.toml` (the project's config)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_tree, golden, invoke

CASES = sorted(p for p in (FIXTURES / "config").iterdir() if p.is_dir())


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def prepare(case: Path, scratch: Path) -> Path:
    if (case / "pyproject.toml").exists():
        shutil.copy(case / "pyproject.toml", scratch / "pyproject.toml")
    project = scratch / "project"
    copy_tree(case / "before", project)
    return project


def expected(case: Path) -> dict[str, bytes]:
    result = files(case / "before")
    if (case / "after").is_dir():
        result.update(files(case / "after"))
    return result


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fix_gives_after(case: Path, scratch: Path) -> None:
    project = prepare(case, scratch)
    assert invoke(["fix", "project"], scratch).exit_code in (0, 1)
    assert files(project) == expected(case)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fix_is_idempotent(case: Path, scratch: Path) -> None:
    project = prepare(case, scratch)
    invoke(["fix", "project"], scratch)
    once = files(project)
    invoke(["fix", "project"], scratch)
    assert files(project) == once
    assert invoke(["diff", "project"], scratch).exit_code == 0


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_findings(case: Path, scratch: Path) -> None:
    prepare(case, scratch)
    outcome = invoke(["check", "--format", "json", "--fail-on", "info", "project"], scratch)
    records = json.loads(outcome.stdout)
    assert outcome.exit_code == (1 if records else 0)
    lines = [f"{r['path']}:{r['line']}:{r['column']} {r['code']} {r['message']}\n" for r in records]
    golden(case / "findings.txt", "".join(lines))
