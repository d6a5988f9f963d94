"""`mistral-migrate rules` and `mistral-migrate explain CODE`, from the catalog data."""

from __future__ import annotations

from pathlib import Path

from conftest import invoke

from migrator.catalog import load_catalog


def test_rules_lists_every_code(scratch: Path) -> None:
    outcome = invoke(["rules"], scratch)
    assert outcome.exit_code == 0
    for rule in load_catalog().rules.values():
        assert rule.code in outcome.stdout and rule.title in outcome.stdout
    row = next(line for line in outcome.stdout.splitlines() if "MM201" in line)
    assert "hard-coded-openai-model" in row and "warning" in row and "yes" in row


def test_explain_prints_the_ruff_style_sections(scratch: Path) -> None:
    outcome = invoke(["explain", "MM201"], scratch)
    assert outcome.exit_code == 0
    out = outcome.stdout
    assert out.startswith("# MM201: hard-coded-openai-model\n\nSeverity: warning. Fix: available")
    sections = [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix safety",
        "## References",
    ]
    positions = [out.index(section) for section in sections]
    assert positions == sorted(positions)
    assert '```python\nclient.chat.completions.create(model="gpt-4o", messages=msgs)\n```' in out


def test_explain_is_case_insensitive_and_shows_prose_as_prose(scratch: Path) -> None:
    out = invoke(["explain", "mm206"], scratch).stdout
    assert out.startswith("# MM206: model-id-routing")
    assert "Fix: none: manual review." in out


def test_explain_unknown_code_exits_2(scratch: Path) -> None:
    outcome = invoke(["explain", "MM999"], scratch)
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert "unknown rule code 'MM999'; `mistral-migrate rules` lists them" in outcome.stderr
