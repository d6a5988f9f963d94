"""The command line as a ruff user and a CI engineer use it (issue 15), through the real
CLI: strict codes, config by path, a patch that `git apply` takes, the flags ruff users
reach for, validated config values, shards. Where a pipe, a terminal variable or git
matter, the installed console script runs in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, invoke

KEY = "sk-proj-Pc4Hk8Wm2Qs6Ty0Ub3Ve7Xf1Jn"
CLIENT = f'from openai import OpenAI\n\nclient = OpenAI(api_key="{KEY}")\nMODEL = "gpt-4o"\n'
ROUTING = 'def pick(model):\n    return 1 if model == "gpt-4o" else 2\n'
SCRIPT = Path(sys.executable).parent / "mistral-migrate"
GIT = shutil.which("git")


def cli(
    args: list[str], cwd: Path, stdin: bytes = b"", **env: str
) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env)
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=environment,
        timeout=300,
    )


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.fixture
def app(scratch: Path) -> Path:
    (scratch / "app.py").write_text(CLIENT)
    (scratch / "routing.py").write_text(ROUTING)
    return scratch


# 1. codes ------------------------------------------------------------------------------


def test_codes_are_case_insensitive(app: Path) -> None:
    upper = invoke(["check", "--output-format", "json", "--select", "MM206", "."], app)
    lower = invoke(["check", "--output-format", "json", "--select", "mm206", "."], app)
    assert upper.exit_code == lower.exit_code == 1
    assert upper.stdout == lower.stdout and json.loads(lower.stdout)[0]["code"] == "MM206"


@pytest.mark.parametrize(
    "args",
    [
        ["--select", "MM2O6"],
        ["--select", "XX9"],
        ["--ignore", "MM2,MM999"],
    ],
)
def test_unknown_code_on_the_command_line_is_a_usage_error(app: Path, args: list[str]) -> None:
    outcome = invoke(["check", *args, "."], app)
    assert outcome.exit_code == 2
    assert "unknown rule code or prefix" in outcome.stderr and "No findings" not in outcome.stdout


def test_unknown_code_offers_the_nearest(app: Path) -> None:
    outcome = invoke(["check", "--select", "MM2O6", "."], app)
    assert "did you mean MM206" in outcome.stderr


@pytest.mark.parametrize(
    "table",
    [
        'select = ["MM2O1"]',
        'ignore = ["XX9"]',
        '[tool.mistral-migrate.per-file-ignores]\n"tests/**" = ["MM2061"]',
    ],
)
def test_unknown_code_in_the_config_is_a_usage_error(app: Path, table: str) -> None:
    (app / "pyproject.toml").write_text(f"[tool.mistral-migrate]\n{table}\n")
    outcome = invoke(["check", "."], app)
    assert outcome.exit_code == 2 and "unknown rule code or prefix" in outcome.stderr


def test_diff_takes_select_and_ignore(app: Path) -> None:
    everything = invoke(["diff", "."], app).stdout
    # a bare constant is not shown to reach a client: `rewrite-models = "all"` changes it
    models_only = invoke(
        ["diff", "--config", "rewrite-models=all", "--select", "MM2", "."], app
    ).stdout
    assert 'os.environ["MISTRAL_API_KEY"]' in everything
    assert "MISTRAL_API_KEY" not in models_only and "mistral-large-latest" in models_only
    assert invoke(["diff", "--select", "nope", "."], app).exit_code == 2


# 2. and issue 18 item 11: a patch that applies ------------------------------------------


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_readme_patch_workflow_applies_with_git(tmp_path: Path) -> None:
    """`diff -o FILE` then `git apply FILE`, as the README shows, with a committed key,
    a notebook and file names git must quote (a space, a tab, a newline, non-ASCII)."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "sample-app", repo)
    shutil.copy(FIXTURES / "rag-app" / "notebooks" / "explore.ipynb", repo / "explore.ipynb")
    for name in ("with space.py", "tab\there.py", "new\nline.py", "café.py"):
        (repo / name).write_text(CLIENT)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    printed = cli(["diff", "."], repo)
    assert printed.returncode == 1, printed.stderr
    assert KEY.encode() not in printed.stdout and b"(cell " in printed.stdout
    assert b"masked" in printed.stderr  # the printed diff would not apply: say so
    readme = (ROOT / "README.md").read_text()
    workflow = readme[readme.index("The patch workflow") :]
    block = workflow[workflow.index("```console\n") + 11 :]
    lines = block[: block.index("```")]
    assert lines.splitlines() == [
        "mistral-migrate diff -q -o migration.patch .",
        "git apply migration.patch",
    ]
    made = shell(lines.splitlines()[0], repo)
    assert made.returncode == 1 and made.stdout == b"" and made.stderr == b"", made
    patch = (repo / "migration.patch").read_bytes()
    assert KEY.encode() in patch and b"(cell " not in patch
    assert b'"a/tab\\there.py"' in patch and b'"a/new\\nline.py"' in patch
    assert (repo / "migration.patch").stat().st_mode & 0o077 == 0  # it holds the keys
    to_stdout = cli(["diff", "-o", "-", "."], repo)
    assert to_stdout.stdout == patch and to_stdout.stderr == b""
    applied = shell(lines.splitlines()[1], repo)
    assert applied.returncode == 0, applied.stderr
    (repo / "migration.patch").unlink()
    after = cli(["diff", "."], repo)
    assert after.returncode == 0 and after.stdout == b"", after.stdout


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """A README line as written, with the installed console script first on PATH."""
    environment = dict(os.environ)
    environment["PATH"] = f"{SCRIPT.parent}{os.pathsep}{environment.get('PATH', '')}"
    return subprocess.run(
        command,
        shell=True,
        executable="/bin/bash",
        cwd=cwd,
        capture_output=True,
        env=environment,
        timeout=300,
    )


def test_diff_into_a_closed_pipe_ends_quietly(scratch: Path) -> None:
    """More diff than a pipe buffer holds, read by `head`: no traceback, no message."""
    for number in range(300):
        (scratch / f"m{number:03}.py").write_text(
            'from openai import OpenAI\n\nclient = OpenAI()\nMODEL = "gpt-4o"\n'
        )
    pipe = subprocess.run(
        f"'{SCRIPT}' diff --no-cache . | head -n 1; echo \"${{PIPESTATUS[0]}}\" >&2",
        shell=True,
        executable="/bin/bash",
        cwd=scratch,
        capture_output=True,
        timeout=300,
    )
    assert pipe.stdout.startswith(b"--- a/")
    assert pipe.stderr == b"141\n", pipe.stderr  # the status of a SIGPIPE, and nothing else


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_readme_ci_steps_run_as_written(tmp_path: Path) -> None:
    """Every `run: mistral-migrate ...` step of the README's workflows, in a checkout of
    the sample app: the SARIF steps exit 0 with valid SARIF, the shards cover every
    finding once, the gate fails on the committed key."""
    import re

    import jsonschema

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Use in CI\n") : readme.index("## pre-commit\n")]
    steps = re.findall(r"run: (mistral-migrate .*)", section)
    assert len(steps) == 3
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "sample-app", repo)
    git(repo, "init", "-q")
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    whole, gate, sharded = steps
    done = shell(whole, repo)
    assert done.returncode == 0, done.stderr
    log = json.loads((repo / "mistral-migrate.sarif").read_text())
    jsonschema.validate(log, schema)
    everything = sorted(json.dumps(r, sort_keys=True) for r in log["runs"][0]["results"])
    assert everything
    gated = shell(gate, repo)
    assert gated.returncode == 1 and b"MM102" in gated.stdout
    parts: list[str] = []
    for shard in (1, 2, 3, 4):
        assert shell(sharded.replace("${{ matrix.shard }}", str(shard)), repo).returncode == 0
        results = json.loads((repo / "mistral-migrate.sarif").read_text())["runs"][0]["results"]
        parts += [json.dumps(r, sort_keys=True) for r in results]
    assert sorted(parts) == everything


# 4. config by path ---------------------------------------------------------------------


def test_config_and_paths_follow_the_path_not_the_working_directory(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "legacy").mkdir(parents=True)
    (project / "app.py").write_text(CLIENT)
    (project / "legacy" / "old.py").write_text(CLIENT)
    (project / "pyproject.toml").write_text('[tool.mistral-migrate]\nexclude = ["legacy/"]\n')
    outcome = invoke(["check", "--output-format", "json", "proj"], tmp_path)
    paths = {record["path"] for record in json.loads(outcome.stdout)}
    assert paths == {"app.py"}
    sarif = json.loads(invoke(["check", "--output-format", "sarif", "proj"], tmp_path).stdout)
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for location in result["locations"]
    }
    assert uris == {"app.py"}


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_a_nested_config_governs_the_files_below_it(tmp_path: Path) -> None:
    """`check .` at a monorepo's root: `services/a` has its own config (codes, excludes);
    paths stay relative to the repository root."""
    repo = tmp_path / "mono"
    (repo / "services" / "a" / "gen").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "pyproject.toml").write_text('[tool.mistral-migrate]\nrewrite-models = "all"\n')
    (repo / "top.py").write_text(CLIENT)
    (repo / "services" / "a" / "x.py").write_text(CLIENT)
    (repo / "services" / "a" / "gen" / "y.py").write_text(CLIENT)
    (repo / "services" / "a" / "mistral-migrate.toml").write_text(
        'ignore = ["MM2"]\nexclude = ["gen/"]\nrewrite-models = "all"\n'
    )
    for cwd, target in ((repo, "."), (tmp_path, "mono")):
        records = json.loads(invoke(["check", "--output-format", "json", target], cwd).stdout)
        by_path: dict[str, set[str]] = {}
        for record in records:
            by_path.setdefault(record["path"], set()).add(record["code"])
        assert set(by_path) == {"top.py", "services/a/x.py"}
        assert "MM201" in by_path["top.py"]
        assert not any(code.startswith("MM2") for code in by_path["services/a/x.py"])


@pytest.mark.parametrize("name", ["mistral-migrate.toml", ".mistral-migrate.toml"])
def test_standalone_config_file(app: Path, name: str) -> None:
    (app / name).write_text('ignore = ["MM2"]\n')
    codes = {r["code"] for r in json.loads(invoke(["check", "--format", "json", "."], app).stdout)}
    assert codes and not any(code.startswith("MM2") for code in codes)


def test_config_overrides_on_the_command_line(app: Path) -> None:
    base = ["check", "--output-format", "json", "."]
    overridden = invoke([*base[:1], "--config", 'ignore=["MM2"]', *base[1:]], app)
    codes = {r["code"] for r in json.loads(overridden.stdout)}
    assert codes and not any(code.startswith("MM2") for code in codes)
    renamed = invoke(["diff", "--config", "env.api-key=LLM_KEY", "."], app)
    assert 'os.environ["LLM_KEY"]' in renamed.stdout
    bare = invoke(["check", "--config", "fail-on=error", "--select", "MM206", "."], app)
    assert bare.exit_code == 0  # MM206 is a warning, below fail-on = "error"
    bad = invoke(["check", "--config", "line-length=-5", "."], app)
    assert bad.exit_code == 2 and "line-length" in bad.stderr


# 5. fix keeps the committed-key finding and names what it wrote --------------------------


def test_fix_keeps_the_committed_key_finding_and_names_files(app: Path) -> None:
    (app / ".env").write_text("OPENAI_MODEL=gpt-4o\n")
    outcome = invoke(["fix", "."], app)
    assert KEY not in (app / "app.py").read_text()
    assert "MM102" in outcome.stdout and "Revoke the key" in outcome.stdout
    assert KEY not in outcome.stdout
    assert "2 files changed" in outcome.stdout
    for name in ("app.py", ".env"):
        assert f"\n  {name}\n" in outcome.stdout
    reads = next(line for line in outcome.stdout.splitlines() if "the code now reads" in line)
    assert "MISTRAL_API_KEY" in reads and "MISTRAL_MODEL" not in reads.split(":")[1].split(", ")
    assert outcome.exit_code == 1


# 6. SARIF --------------------------------------------------------------------------------


def test_sarif_has_information_help_uris_and_stable_fingerprints(app: Path) -> None:
    (app / "café file.py").write_text(CLIENT)
    first = json.loads(invoke(["check", "--output-format", "sarif", "."], app).stdout)
    driver = first["runs"][0]["tool"]["driver"]
    assert driver["informationUri"].startswith("https://")
    assert all(rule["helpUri"].startswith("https://") for rule in driver["rules"])
    results = first["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "caf%C3%A9%20file.py" in uris
    (app / "app.py").write_text("# a comment\n\n" + CLIENT)
    moved = json.loads(invoke(["check", "--output-format", "sarif", "."], app).stdout)

    def prints(log: dict) -> dict[str, str]:
        return {
            r["partialFingerprints"]["primaryLocationLineHash"]: r["ruleId"]
            for r in log["runs"][0]["results"]
        }

    assert prints(first) == prints(moved)  # lines moved, the alerts are the same


# 7. ruff's flags -------------------------------------------------------------------------


def test_exit_zero_statistics_quiet_and_concise(app: Path) -> None:
    assert invoke(["check", "--exit-zero", "."], app).exit_code == 0
    assert invoke(["fix", "--exit-zero", "."], app).exit_code == 0
    stats = invoke(["check", "--statistics", "."], app)
    assert stats.exit_code == 1
    assert any(line.split("\t")[1:2] == ["MM206"] for line in stats.stdout.splitlines())
    quiet = invoke(["check", "-q", "."], app)
    assert "Summary" not in quiet.stdout and "MM206" in quiet.stdout


def test_concise_format_and_its_environment_variable(app: Path) -> None:
    concise = invoke(["check", "--output-format", "concise", "-q", "."], app)
    assert "routing.py:2:26: MM206 OpenAI model gpt-4o" in concise.stdout
    via_env = cli(["check", "-q", "."], app, MISTRAL_MIGRATE_OUTPUT_FORMAT="concise")
    assert via_env.stdout.decode() == concise.stdout
    alias = invoke(["check", "--format", "concise", "-q", "."], app)
    assert alias.stdout == concise.stdout


def test_standard_input_with_a_file_name(app: Path) -> None:
    checked = cli(
        ["check", "--output-format", "concise", "--stdin-filename", "src/x.py", "-"],
        app,
        stdin=CLIENT.encode(),
    )
    assert checked.returncode == 1 and b"src/x.py:3:" in checked.stdout
    assert KEY.encode() not in checked.stdout
    fixed = cli(["fix", "--stdin-filename", "src/x.py", "-"], app, stdin=CLIENT.encode())
    assert b'os.environ["MISTRAL_API_KEY"]' in fixed.stdout and b"MM102" in fixed.stderr
    ts = cli(
        ["diff", "--stdin-filename", "web/route.ts", "-"],
        app,
        stdin=b'import OpenAI from "openai";\nconst c = new OpenAI();\n',
    )
    assert b"process.env.MISTRAL_API_KEY" in ts.stdout


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ([], {}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (["--color", "always"], {"NO_COLOR": "1"}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
    ],
)
def test_color(app: Path, args: list[str], env: dict[str, str], coloured: bool) -> None:
    outcome = cli(["check", *args, "."], app, **env)
    assert (b"\x1b[" in outcome.stdout) is coloured


def test_verbose_after_the_subcommand(app: Path) -> None:
    (app / "pyproject.toml").write_text("[tool.mistral-migrate]\n")
    outcome = invoke(["check", "-v", "."], app)
    assert outcome.exit_code == 1 and "pyproject.toml" in outcome.stderr


# 8. 80 columns ---------------------------------------------------------------------------


def test_piped_tables_fit_80_columns(app: Path) -> None:
    text = cli(["check", "."], app).stdout.decode()
    table = text[text.index("Summary") :].splitlines()[:-1]
    assert table and max(len(line) for line in table) <= 80
    fixed = cli(["fix", "."], app).stdout.decode()
    summary = fixed[fixed.index("mistral-migrate fix:") :].splitlines()
    assert max(len(line) for line in summary) <= 80
    for command in ("models", "rules"):
        printed = cli([command], app).stdout.decode()
        assert max(len(line) for line in printed.splitlines()) <= 80, command
    assert "gpt-4o -> mistral-large-latest" in cli(["models"], app).stdout.decode()


# 9. config values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("line-length = -5", "line-length"),
        ("line-length = true", "line-length"),
        ("max-file-size = -1", "max-file-size"),
        ('[tool.mistral-migrate.env]\napi-key = "not a var!"', "env.api-key"),
        ('[tool.mistral-migrate.model-env]\n"mistral-large-latest" = "9LIVES"', "model-env"),
        ('[tool.mistral-migrate.models]\n"gpt-4o" = { mistral = "m", env = "a-b" }', "env"),
    ],
)
def test_bad_config_values_are_usage_errors_naming_the_key(app: Path, table: str, key: str) -> None:
    (app / "pyproject.toml").write_text(f"[tool.mistral-migrate]\n{table}\n")
    for command in ("check", "fix", "diff"):
        outcome = invoke([command, "."], app)
        assert outcome.exit_code == 2 and key in outcome.stderr, (command, outcome.stderr)
    assert KEY in (app / "app.py").read_text()


# 10. fix --annotate twice ----------------------------------------------------------------


def test_fix_annotate_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "sample-app", tmp_path / "app")
    (tmp_path / "app" / "pyproject.toml").write_text("[tool.mistral-migrate]\n")
    invoke(["fix", "--annotate", "--no-cache", "."], tmp_path / "app")
    first = {p: p.read_bytes() for p in sorted((tmp_path / "app").rglob("*.py"))}
    assert any(b"TODO(mistral-migrate): MM407" in data for data in first.values())
    invoke(["fix", "--annotate", "--no-cache", "."], tmp_path / "app")
    second = {p: p.read_bytes() for p in sorted((tmp_path / "app").rglob("*.py"))}
    assert first == second


def test_fix_annotate_drops_a_todo_that_is_no_longer_true(scratch: Path) -> None:
    (scratch / "app.py").write_text(
        "# TODO(mistral-migrate): MM206 stale\nLIMIT = 3\n"
        '# TODO(mistral-migrate): MM206 still true\nok = model == "gpt-4o"\n'
    )
    invoke(["fix", "--annotate", "app.py"], scratch)
    text = (scratch / "app.py").read_text()
    assert "stale" not in text and "still true" in text and "LIMIT = 3" in text


# 11. packaging ---------------------------------------------------------------------------


def test_license_and_metadata() -> None:
    import tomlkit

    assert "MIT License" in (ROOT / "LICENSE").read_text()
    project = tomlkit.parse((ROOT / "pyproject.toml").read_text()).unwrap()["project"]
    assert project["name"] == "mistral-migrator" and project["license"] == "MIT"
    assert "LICENSE" in project["license-files"]
    readme = (ROOT / "README.md").read_text()
    assert "pip install mistral-migrator" in readme
    assert "pipx run --spec mistral-migrator mistral-migrate" in readme
    assert "<owner>" not in readme


# 12. shards ------------------------------------------------------------------------------


def test_shards_split_the_files_stably_and_completely(tmp_path: Path) -> None:
    for number in range(30):
        (tmp_path / f"m{number:02}.py").write_text(ROUTING)

    def paths(shard: str) -> set[str]:
        outcome = invoke(["check", "--output-format", "json", "--shard", shard, "."], tmp_path)
        return {record["path"] for record in json.loads(outcome.stdout)}

    shards = [paths(f"{k}/3") for k in (1, 2, 3)]
    assert set().union(*shards) == {f"m{n:02}.py" for n in range(30)}
    assert sum(len(s) for s in shards) == 30 and all(shards)
    assert paths("2/3") == shards[1]
    assert invoke(["check", "--shard", "4/3", "."], tmp_path).exit_code == 2
