"""The README's first command: `mistral-migrate diff fixtures/sample-app`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT, copy_tree, golden, invoke


def test_sample_app_diff_is_the_reviewed_one() -> None:
    outcome = invoke(["diff", "fixtures/sample-app"], ROOT)
    assert outcome.exit_code == 1
    golden(FIXTURES / "sample-app.diff", outcome.stdout)


def test_sample_app_diff_masks_the_committed_key() -> None:
    outcome = invoke(["diff", "fixtures/sample-app"], ROOT)
    key = "sk-proj-7Rk2LmQ9vX4nB8cT1wZ5yH3jPd"
    assert key in (FIXTURES / "sample-app/helpdesk/chat.py").read_text()
    assert key not in outcome.stdout and "sk-...jPd" in outcome.stdout


def test_diff_applies_with_git_and_equals_fix(tmp_path: Path) -> None:
    if shutil.which("git") is None:  # pragma: no cover - git is in the test image
        return
    for name in ("applied", "fixed"):
        copy_tree(FIXTURES / "sample-app", tmp_path / name)
        subprocess.run(["git", "init", "-q"], cwd=tmp_path / name, check=True)
        (tmp_path / name / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    patch = invoke(["diff", "--show-secrets", "."], tmp_path / "applied").stdout
    (tmp_path / "m.patch").write_text(patch)
    subprocess.run(
        ["git", "apply", str(tmp_path / "m.patch")], cwd=tmp_path / "applied", check=True
    )
    invoke(["fix", "."], tmp_path / "fixed")
    for path in (tmp_path / "fixed" / "helpdesk").glob("*.py"):
        assert path.read_bytes() == (tmp_path / "applied" / "helpdesk" / path.name).read_bytes()
        compile(path.read_bytes(), str(path), "exec")


def test_python_dash_m_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "migrator", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "mistral-migrate" in done.stdout


def test_diff_of_bom_and_latin1_files_applies(tmp_path: Path) -> None:
    files = {
        "bom.py": b'\xef\xbb\xbffrom openai import OpenAI\nMODEL = "gpt-4o"\n',
        "latin.py": '# -*- coding: latin-1 -*-\nfrom openai import OpenAI\nNAME = "caf\xe9"\nMODEL = "gpt-4o"\n'.encode(
            "latin-1"
        ),
        "crlf.py": b'from openai import OpenAI\r\nMODEL = "gpt-4o"\r\n',
    }
    for name in ("applied", "fixed"):
        folder = tmp_path / name
        folder.mkdir()
        subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
        # encodings are the subject: every id in a naming position is rewritten
        (folder / "pyproject.toml").write_text(
            "[project]\nname = 'x'\n[tool.mistral-migrate]\nrewrite-models = \"all\"\n"
        )
        for file, data in files.items():
            (folder / file).write_bytes(data)
    patch = subprocess.run(
        [sys.executable, "-m", "migrator", "diff", "."],
        cwd=tmp_path / "applied",
        capture_output=True,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    ).stdout
    (tmp_path / "m.patch").write_bytes(patch)
    subprocess.run(
        ["git", "apply", str(tmp_path / "m.patch")], cwd=tmp_path / "applied", check=True
    )
    invoke(["fix", "."], tmp_path / "fixed")
    for file in files:
        assert (tmp_path / "applied" / file).read_bytes() == (
            tmp_path / "fixed" / file
        ).read_bytes()
        assert (tmp_path / "fixed" / file).read_bytes() != files[file]
