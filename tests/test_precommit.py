"""The hooks in .pre-commit-hooks.yaml, run by the real `pre-commit try-repo`.

pre-commit installs the hook's package from the hook repository itself (pip, from PyPI
for the dependencies), so this needs network access to the package index. The hook
repository is a snapshot of this checkout's working tree committed into a temporary git
repo: try-repo on a path only sees committed files plus changes to tracked ones, and the
suite must also run from an sdist or with uncommitted edits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PROJECT_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "migrator", "rules")
KEY = "sk-proj-Pc4Hk8Wm2Qs6Ty0Ub3Ve7Xf1Jn"
CLIENT = f'from openai import OpenAI\n\nclient = OpenAI(api_key="{KEY}")\n'

IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **IDENTITY}
    )


def commit_all(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "snapshot")


def make_repo(path: Path) -> Path:
    path.mkdir()
    git(path, "init", "-q")
    return path


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("hooks") / "mistral-migrate")
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            shutil.copy(source, repo / name)
    commit_all(repo)
    return repo


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    values = dict(os.environ)
    values.update(
        IDENTITY, PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")), NO_COLOR="1"
    )
    values.pop("VIRTUAL_ENV", None)
    return values


def try_repo(
    hook_repo: Path, project: Path, hook: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_check_hook_fails_on_a_hard_coded_client_and_passes_after_fix(
    hook_repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    project = make_repo(tmp_path / "app")
    (project / "app.py").write_text(CLIENT)
    (project / "route.ts").write_text(
        f'import OpenAI from "openai";\nexport const client = new OpenAI({{ apiKey: "{KEY}" }});\n'
    )
    (project / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    commit_all(project)

    failing = try_repo(hook_repo, project, "mistral-migrate-check", env)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "MM102" in failing.stdout and "app.py" in failing.stdout and "route.ts" in failing.stdout
    assert KEY not in failing.stdout and "sk-...1Jn" in failing.stdout

    fixing = try_repo(hook_repo, project, "mistral-migrate-fix", env)
    assert fixing.returncode == 1, fixing.stdout + fixing.stderr  # files were modified
    assert 'os.environ["MISTRAL_API_KEY"]' in (project / "app.py").read_text()
    assert "apiKey: process.env.MISTRAL_API_KEY" in (project / "route.ts").read_text()
    git(project, "add", "-A")

    passing = try_repo(hook_repo, project, "mistral-migrate-check", env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout


def test_hook_file_pattern_covers_every_source_kind_the_tool_reads() -> None:
    import re

    import yaml

    from migrator.discovery import is_candidate

    hooks = yaml.safe_load(
        (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text()
    )
    names = [
        "a.py",
        "a.pyi",
        "n.ipynb",
        "pyproject.toml",
        "c.yaml",
        "c.yml",
        "c.json",
        ".env",
        ".env.local",
        "a.js",
        "a.mjs",
        "a.cjs",
        "a.jsx",
        "a.ts",
        "a.mts",
        "a.cts",
        "a.tsx",
        "README.md",
        "a.txt",
    ]
    for hook in hooks:
        pattern = re.compile(hook["files"])
        for name in names:
            assert bool(pattern.search(name)) == is_candidate(Path(name)), (hook["id"], name)


def test_hooks_run_in_one_process_and_honour_the_config_exclude(
    hook_repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    """require_serial: 16 files give one report and one summary (pre-commit would split
    them over processes); --force-exclude: a named file under `exclude` is not read."""
    project = make_repo(tmp_path / "many")
    for number in range(16):
        (project / f"m{number:02}.py").write_text(CLIENT)
    (project / "legacy").mkdir()
    (project / "legacy" / "old.py").write_text(CLIENT)
    (project / "pyproject.toml").write_text('[tool.mistral-migrate]\nexclude = ["legacy/"]\n')
    commit_all(project)

    outcome = try_repo(hook_repo, project, "mistral-migrate-check", env)
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert outcome.stdout.count(" findings in 16 files") == 1, outcome.stdout
    assert "legacy/old.py" not in outcome.stdout
    assert "m15.py" in outcome.stdout

    fixing = try_repo(hook_repo, project, "mistral-migrate-fix", env)
    assert fixing.stdout.count("mistral-migrate fix: 16 files changed") == 1, fixing.stdout
    assert KEY in (project / "legacy" / "old.py").read_text()  # excluded: not rewritten
    assert "MM102" in fixing.stdout  # the key is still in the history: revoke it


def test_readme_local_hook_runs_as_written(
    hook_repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    """The README's `.pre-commit-config.yaml`, with its pinned requirement pointed at this
    checkout (the only change), run by `pre-commit run`."""
    import re

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## pre-commit\n") :]
    block = re.search(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", section, re.S)
    assert block is not None
    config = block.group(1).replace("mistral-migrator==0.1.0", str(hook_repo))
    assert config != block.group(1)
    project = make_repo(tmp_path / "local")
    (project / "app.py").write_text(CLIENT)
    (project / "vendor").mkdir()
    (project / "vendor" / "lib.py").write_text(CLIENT)
    (project / "pyproject.toml").write_text('[tool.mistral-migrate]\nexclude = ["vendor/"]\n')
    (project / ".pre-commit-config.yaml").write_text(config)
    commit_all(project)
    outcome = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert "app.py" in outcome.stdout and "MM102" in outcome.stdout
    assert "vendor/lib.py" not in outcome.stdout
