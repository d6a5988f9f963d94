"""Every case under fixtures/javascript/ through the real CLI: `fix` must turn the case's
`before.<ext>` into `after.<ext>` byte for byte (or leave it alone when there is no
after file), a second `fix` must change nothing, `check` must report exactly the
findings in findings.txt, and every rewritten file must still parse: with tree-sitter
(no ERROR or MISSING node) and, for JavaScript, with `node --check`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, golden, invoke

from migrator.javascript.syntax import first_error, grammar_of, parse_tolerant

CASES = sorted(p for p in (FIXTURES / "javascript").iterdir() if p.is_dir())
NODE = shutil.which("node")


def _before(case: Path) -> Path:
    return next(case.glob("before.*"))


def _prepare(case: Path, scratch: Path) -> Path:
    if (case / "pyproject.toml").exists():
        shutil.copy(case / "pyproject.toml", scratch / "pyproject.toml")
    before = _before(case)
    target = scratch / ("case" + before.name[len("before") :])
    target.write_bytes(before.read_bytes())
    return target


def _expected(case: Path) -> bytes:
    before = _before(case)
    after = case / ("after" + before.name[len("before") :])
    return after.read_bytes() if after.exists() else before.read_bytes()


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fix_gives_after(case: Path, scratch: Path) -> None:
    target = _prepare(case, scratch)
    assert invoke(["fix", target.name], scratch).exit_code in (0, 1)
    assert target.read_bytes() == _expected(case)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fix_is_idempotent(case: Path, scratch: Path) -> None:
    target = _prepare(case, scratch)
    invoke(["fix", target.name], scratch)
    once = target.read_bytes()
    invoke(["fix", target.name], scratch)
    assert target.read_bytes() == once
    assert invoke(["diff", target.name], scratch).exit_code == 0


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_findings(case: Path, scratch: Path) -> None:
    target = _prepare(case, scratch)
    outcome = invoke(["check", "--format", "json", "--fail-on", "info", target.name], scratch)
    records = json.loads(outcome.stdout)
    assert outcome.exit_code == (1 if records else 0)
    lines = [f"{r['line']}:{r['column']} {r['code']} {r['message']}\n" for r in records]
    golden(case / "findings.txt", "".join(lines))


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_after_parses(case: Path) -> None:
    before = _before(case)
    expected = _expected(case)
    if expected == before.read_bytes():
        return  # nothing rewritten: the broken-input cases stay as broken as they came
    assert first_error(parse_tolerant(expected, grammar_of(before.name)).root_node) is None


JS_CASES = [c for c in CASES if _before(c).suffix in (".js", ".mjs", ".cjs")]


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
@pytest.mark.parametrize("case", JS_CASES, ids=lambda p: p.name)
def test_node_accepts_after(case: Path, tmp_path: Path) -> None:
    before = _before(case)
    expected = _expected(case)
    if expected == before.read_bytes():
        return
    target = tmp_path / ("after" + before.name[len("before") :])
    target.write_bytes(expected)
    outcome = subprocess.run(
        [NODE, "--check", str(target)], capture_output=True, text=True, check=False
    )
    assert outcome.returncode == 0, outcome.stderr


def test_line_length_follows_prettier_print_width(scratch: Path) -> None:
    """A one-line client the rewrite lengthens is laid out once it passes printWidth."""
    (scratch / "package.json").write_text('{"name": "app", "prettier": {"printWidth": 200}}')
    source = 'import OpenAI from "openai";\n\nexport const client = new OpenAI({ timeout: 5 });\n'
    (scratch / "a.mjs").write_text(source)
    invoke(["fix", "a.mjs"], scratch)
    wide = (scratch / "a.mjs").read_text()
    assert wide.count("\n") == 3  # 163 columns: fits 200, kept on one line
    (scratch / "package.json").write_text('{"name": "app"}')  # Prettier's default: 80
    (scratch / "a.mjs").write_text(source)
    invoke(["fix", "a.mjs"], scratch)
    assert (scratch / "a.mjs").read_text().count("\n") > 3
