"""Every case under fixtures/python/ through the real CLI: `fix` must turn before.py into
after.py byte for byte (or leave it alone when there is no after.py), a second `fix` must
change nothing, and `check` must report exactly the findings in findings.txt."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, golden, invoke

CASES = sorted(p for p in (FIXTURES / "python").iterdir() if p.is_dir())


def _prepare(case: Path, scratch: Path) -> Path:
    if (case / "pyproject.toml").exists():
        shutil.copy(case / "pyproject.toml", scratch / "pyproject.toml")
    target = scratch / "case.py"
    target.write_bytes((case / "before.py").read_bytes())
    return target


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fix_gives_after(case: Path, scratch: Path) -> None:
    target = _prepare(case, scratch)
    before = target.read_bytes()
    expected = (case / "after.py").read_bytes() if (case / "after.py").exists() else before
    assert invoke(["fix", "case.py"], scratch).exit_code in (0, 1)
    assert target.read_bytes() == expected
    compile(expected, str(target), "exec")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fix_is_idempotent(case: Path, scratch: Path) -> None:
    target = _prepare(case, scratch)
    invoke(["fix", "case.py"], scratch)
    once = target.read_bytes()
    invoke(["fix", "case.py"], scratch)
    assert target.read_bytes() == once
    assert invoke(["diff", "case.py"], scratch).exit_code == 0


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_findings(case: Path, scratch: Path) -> None:
    _prepare(case, scratch)
    outcome = invoke(["check", "--format", "json", "--fail-on", "info", "case.py"], scratch)
    records = json.loads(outcome.stdout)
    assert outcome.exit_code == (1 if records else 0)
    lines = [f"{r['line']}:{r['column']} {r['code']} {r['message']}\n" for r in records]
    golden(case / "findings.txt", "".join(lines))
