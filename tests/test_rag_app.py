"""A small RAG app mixing LangChain chat and embeddings, litellm and a notebook, as a new
user would run the tool on it: the reviewed diff, the reviewed findings, and a patch
(`diff --notebook-json --show-secrets`) that `git apply` accepts and equals `fix`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import nbformat
from conftest import FIXTURES, ROOT, copy_tree, golden, invoke

APP = FIXTURES / "rag-app"


def test_rag_app_diff_is_the_reviewed_one() -> None:
    outcome = invoke(["diff", "fixtures/rag-app"], ROOT)
    assert outcome.exit_code == 1
    golden(FIXTURES / "rag-app.diff", outcome.stdout)


def test_rag_app_findings_are_the_reviewed_ones() -> None:
    outcome = invoke(["check", "--format", "json", "--fail-on", "info", "fixtures/rag-app"], ROOT)
    records = json.loads(outcome.stdout)
    lines = [
        f"{r['path']}:{'cell ' + str(r['cell']) + ':' if 'cell' in r else ''}{r['line']}:{r['column']} "
        f"{r['code']} {r['message']}\n"
        for r in records
    ]
    golden(FIXTURES / "rag-app.findings.txt", "".join(lines))


def test_rag_app_json_patch_applies_and_equals_fix(tmp_path: Path) -> None:
    if shutil.which("git") is None:  # pragma: no cover - git is in the test image
        return
    for name in ("applied", "fixed"):
        copy_tree(APP, tmp_path / name)
        subprocess.run(["git", "init", "-q"], cwd=tmp_path / name, check=True)
        (tmp_path / name / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    patch = invoke(["diff", "--show-secrets", "--notebook-json", "."], tmp_path / "applied").stdout
    (tmp_path / "m.patch").write_text(patch)
    subprocess.run(
        ["git", "apply", str(tmp_path / "m.patch")], cwd=tmp_path / "applied", check=True
    )
    invoke(["fix", "."], tmp_path / "fixed")
    for path in sorted((tmp_path / "fixed").rglob("*.py")) + sorted(
        (tmp_path / "fixed").rglob("*.ipynb")
    ):
        twin = tmp_path / "applied" / path.relative_to(tmp_path / "fixed")
        assert path.read_bytes() == twin.read_bytes(), path
    nbformat.validate(
        nbformat.read(tmp_path / "fixed" / "notebooks" / "explore.ipynb", as_version=4)
    )
