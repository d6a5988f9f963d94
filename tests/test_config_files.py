"""Config files beyond the golden cases: bytes kept, keys masked, files chosen, the
MM5xx catalog examples run through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import invoke

from migrator.catalog import load_catalog

KEY = "sk-proj-Qx7Lm2Rk9Vb4Nc8Tz1Wy5Hd3"


def test_bom_crlf_and_missing_final_newline_are_kept(scratch: Path) -> None:
    before = "\ufeff# keep me\r\nOPENAI_BASE_URL = 'https://api.openai.com/v1'  # url\r\n\r\nA=1".encode()
    (scratch / ".env.example").write_bytes(before)
    invoke(["fix", ".env.example"], scratch)
    after = (scratch / ".env.example").read_bytes()
    assert after == before.replace(b"OPENAI_BASE_URL", b"MISTRAL_BASE_URL").replace(
        b"https://api.openai.com/v1", b"https://api.mistral.ai/v1"
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_key_is_masked_in_check(scratch: Path, fmt: str) -> None:
    (scratch / "settings.yaml").write_text(f"llm:\n  api_key: {KEY}\n")
    outcome = invoke(["check", "--format", fmt, "."], scratch)
    assert outcome.exit_code == 1
    assert KEY not in outcome.stdout and "sk-...Hd3" in outcome.stdout


def test_key_is_masked_in_diff_and_fix(scratch: Path) -> None:
    (scratch / ".env.example").write_text(f"OPENAI_API_KEY={KEY}\n# old: {KEY}\n")
    diff = invoke(["diff", "."], scratch)
    assert diff.exit_code == 1 and KEY not in diff.stdout
    assert KEY in invoke(["diff", "--show-secrets", "."], scratch).stdout
    fixed = invoke(["fix", "."], scratch)
    assert KEY not in fixed.stdout
    # the value is blanked; the copy in the comment is reported, never edited
    assert (scratch / ".env.example").read_text() == f"MISTRAL_API_KEY=\n# old: {KEY}\n"


def test_config_findings_sit_beside_python_findings(scratch: Path) -> None:
    (scratch / "app.py").write_text('MODEL = "gpt-4o"\n')
    (scratch / ".env.example").write_text("OPENAI_MODEL=gpt-4o\n")
    records = json.loads(invoke(["check", "--format", "json", "."], scratch).stdout)
    assert {(r["path"], r["code"]) for r in records} >= {
        ("app.py", "MM212"),
        (".env.example", "MM502"),
    }


def test_lock_files_manifests_and_ignored_env_are_not_read(scratch: Path) -> None:
    (scratch / "package-lock.json").write_text('{"model": "gpt-4o"}\n')
    (scratch / "package.json").write_text('{"model": "gpt-4o"}\n')
    (scratch / "tsconfig.json").write_text('{"model": "gpt-4o"}\n')
    (scratch / "vendor").mkdir()
    (scratch / "vendor" / "settings.yaml").write_text("model: gpt-4o\n")
    (scratch / ".env").write_text(f"OPENAI_API_KEY={KEY}\n")
    (scratch / ".gitignore").write_text(".env\n")
    outcome = invoke(["check", "--format", "json", "."], scratch)
    assert json.loads(outcome.stdout) == [] and outcome.exit_code == 0
    # named explicitly (as pre-commit does), a lock file is still skipped, a .env is read
    assert (
        json.loads(invoke(["check", "--format", "json", "package-lock.json"], scratch).stdout) == []
    )
    codes = {
        r["code"] for r in json.loads(invoke(["check", "--format", "json", ".env"], scratch).stdout)
    }
    assert codes == {"MM504", "MM508"}


def test_bad_secret_pattern_is_a_config_error(scratch: Path) -> None:
    (scratch / "pyproject.toml").write_text("[tool.mistral-migrate]\nsecret-patterns = ['(']\n")
    outcome = invoke(["check", "."], scratch)
    assert outcome.exit_code == 2 and "secret-patterns" in outcome.stderr


def _examples() -> list[tuple[str, int, dict[str, str]]]:
    rules = load_catalog().rules
    return [
        (code, i, dict(ex))
        for code, rule in rules.items()
        if code.startswith("MM5")
        for i, ex in enumerate(rule.examples)
    ]


@pytest.mark.parametrize(
    "code,index,example", _examples(), ids=lambda v: str(v) if isinstance(v, (str, int)) else ""
)
def test_catalog_example(code: str, index: int, example: dict[str, str], scratch: Path) -> None:
    if "config" in example:
        (scratch / "pyproject.toml").write_text(f"[tool.mistral-migrate]\n{example['config']}\n")
    name = example.get("file", "example.py")
    target = scratch / name
    source = example.get("flagged") or example.get("not_flagged") or example["before"]
    target.write_text(source.lstrip("\n"))
    records = json.loads(
        invoke(["check", "--format", "json", "--fail-on", "info", name], scratch).stdout
    )
    codes = {r["code"] for r in records}
    if "flagged" in example or "before" in example:
        assert code in codes
    else:
        assert code not in codes
    if "before" in example:
        invoke(["fix", name], scratch)
        assert target.read_text() == example["after"].lstrip("\n")


def test_every_config_rule_has_flagged_and_clean_examples() -> None:
    for code, rule in load_catalog().rules.items():
        if code.startswith("MM5"):
            kinds = {key for ex in rule.examples for key in ex}
            assert {"flagged", "not_flagged"} <= kinds, code
            assert not rule.fixable or "before" in kinds, code
