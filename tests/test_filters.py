"""What a run reports: --select/--ignore by code or prefix, per-file-ignores, --fail-on,
and the unused-suppression report (MM904), through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import invoke

# the suppression tests are about MM201 on a lone constant: every id in a naming position
ALL_IDS = '[tool.mistral-migrate]\nrewrite-models = "all"\n'

APP = """from openai import OpenAI

client = OpenAI()
MODEL = "gpt-4o"
reply = client.chat.completions.create(model=MODEL, messages=[])
LOCAL = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")


def budget(model):
    if model == "gpt-4o":
        return 4096
    return 1024
"""


def codes(folder: Path, *args: str) -> list[str]:
    outcome = invoke(["check", "--format", "json", "--fail-on", "info", *args], folder)
    return sorted({record["code"] for record in json.loads(outcome.stdout)})


@pytest.fixture
def app(scratch: Path) -> Path:
    (scratch / "app.py").write_text(APP)
    # (a folder of app code: tests/ would not be migrated at all, see test_file_kinds.py)
    (scratch / "legacy").mkdir()
    (scratch / "legacy" / "old_app.py").write_text('EXPECTED = "gpt-4o"\n')
    return scratch


def test_everything_by_default(app: Path) -> None:
    # MM212: tests/test_app.py's constant, which no migrated call reads
    assert codes(app) == ["MM103", "MM105", "MM201", "MM206", "MM212"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "MM2"], ["MM201", "MM206", "MM212"]),
        (["--select", "MM103,MM206"], ["MM103", "MM206"]),
        (["--ignore", "MM2"], ["MM103", "MM105"]),
        (["--ignore", "MM105, MM201"], ["MM103", "MM206", "MM212"]),
        (["--select", "MM2", "--ignore", "MM206"], ["MM201", "MM212"]),
    ],
)
def test_select_and_ignore_by_code_or_prefix(
    app: Path, args: list[str], expected: list[str]
) -> None:
    assert codes(app, *args) == expected


def test_config_select_and_ignore(app: Path) -> None:
    (app / "pyproject.toml").write_text(
        '[tool.mistral-migrate]\nselect = ["MM1"]\nignore = ["MM105"]\n'
    )
    assert codes(app) == ["MM103"]


def test_per_file_ignores(app: Path) -> None:
    assert codes(app, "legacy") == ["MM212"]
    (app / "pyproject.toml").write_text(
        '[tool.mistral-migrate.per-file-ignores]\n"legacy/**" = ["MM2"]\n'
    )
    assert codes(app, "legacy") == []
    assert codes(app, "app.py") == ["MM103", "MM105", "MM201", "MM206"]


def test_per_file_ignores_by_exact_name(app: Path) -> None:
    (app / "pyproject.toml").write_text(
        '[tool.mistral-migrate.per-file-ignores]\n"app.py" = ["MM105", "MM206"]\n'
    )
    assert codes(app, "app.py") == ["MM103", "MM201"]


@pytest.mark.parametrize(
    ("fail_on", "exit_code"), [(None, 1), ("error", 0), ("warning", 1), ("info", 1)]
)
def test_fail_on_threshold(scratch: Path, fail_on: str | None, exit_code: int) -> None:
    (scratch / "warn.py").write_text('MODEL = "gpt-4o"\n')
    args = ["check", "warn.py"] + (["--fail-on", fail_on] if fail_on else [])
    assert invoke(args, scratch).exit_code == exit_code


def test_fail_on_default_is_warning_and_config_can_change_it(scratch: Path) -> None:
    (scratch / "info.py").write_text(
        'from openai import OpenAI\n\nlocal = OpenAI(base_url="http://localhost:1/v1", api_key="x")\n'
    )
    assert invoke(["check", "info.py"], scratch).exit_code == 0
    assert invoke(["check", "--fail-on", "info", "info.py"], scratch).exit_code == 1
    (scratch / "pyproject.toml").write_text('[tool.mistral-migrate]\nfail-on = "info"\n')
    assert invoke(["check", "info.py"], scratch).exit_code == 1


def test_unused_suppressions_are_reported(scratch: Path) -> None:
    (scratch / "pyproject.toml").write_text(ALL_IDS)
    (scratch / "s.py").write_text(
        "import openai\n"
        "TIMEOUT = 30  # mistral-migrate: ignore[MM201]\n"
        'MODEL = "gpt-4o"  # mistral-migrate: ignore[MM201, MM101]\n'
        'PINNED = "gpt-4o"  # mistral-migrate: ignore\n'
        "SPARE = 1  # mistral-migrate: ignore\n"
        'DOC = "quote: # mistral-migrate: ignore[MM201]"\n'
    )
    outcome = invoke(["check", "--format", "json", "--fail-on", "info", "s.py"], scratch)
    records = [
        (r["line"], r["column"], r["code"], r["severity"], r["message"])
        for r in json.loads(outcome.stdout)
    ]
    assert records == [
        (
            2,
            15,
            "MM904",
            "info",
            "`# mistral-migrate: ignore[MM201]` silences nothing here: remove it (or fix the codes it names)",
        ),
        (
            3,
            19,
            "MM904",
            "info",
            "`# mistral-migrate: ignore[MM101]` silences nothing here: remove it (or fix the codes it names)",
        ),
        (
            5,
            12,
            "MM904",
            "info",
            "`# mistral-migrate: ignore` silences nothing here: remove it (or fix the codes it names)",
        ),
    ]


def test_unused_suppression_respects_select_and_ignore(scratch: Path) -> None:
    (scratch / "pyproject.toml").write_text(ALL_IDS)
    (scratch / "s.py").write_text(
        'import openai\nMODEL = "gpt-4o"  # mistral-migrate: ignore[MM201, MM101]\n'
    )
    assert codes(scratch, "--select", "MM2,MM9", "s.py") == []
    assert codes(scratch, "--ignore", "MM904", "s.py") == []
    assert codes(scratch, "--select", "MM201", "s.py") == []


def test_suppression_on_first_line_of_a_multiline_call_is_used(scratch: Path) -> None:
    (scratch / "pyproject.toml").write_text(ALL_IDS)
    (scratch / "s.py").write_text(
        "def ask(client):\n"
        "    return client.chat.completions.create(  # mistral-migrate: ignore[MM201]\n"
        '        model="gpt-4o",\n'
        "        messages=[],\n"
        "    )\n"
    )
    assert codes(scratch, "s.py") == []
