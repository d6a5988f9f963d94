"""Every example of every rule in rules/catalog*.toml, run through the real CLI (Fixit-style):
`flagged` must be reported, `not_flagged` must not, `before` must `fix` into `after` byte
for byte (and a second `fix` must change nothing). Rules from any catalog-*.toml file are
picked up without a change here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from conftest import ROOT, invoke

import migrator.pipeline
import migrator.python.transformer

KINDS = ("flagged", "not_flagged", "before")
UNREADABLE = {"MM901", "MM902", "MM903"}


def _catalog() -> dict[str, dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for path in sorted((ROOT / "rules").glob("catalog*.toml")):
        rules.update(tomlkit.parse(path.read_text(encoding="utf-8")).unwrap().get("rules", {}))
    return rules


RULES = _catalog()
CASES = [
    pytest.param(code, example, id=f"{code}-{number}-{next(k for k in KINDS if k in example)}")
    for code, rule in sorted(RULES.items())
    for number, example in enumerate(rule.get("examples", []))
    if any(kind in example for kind in KINDS)
]


class Broken(migrator.python.transformer.MigrationTransformer):
    def leave_Module(self, original, updated):  # type: ignore[no-untyped-def]
        raise RuntimeError("injected fault")


def _project(tmp_path: Path, example: dict[str, Any], text: str) -> Path:
    config = "[project]\nname = 'example'\n"
    if "config" in example:
        config += "\n[tool.mistral-migrate]\n" + example["config"]
    (tmp_path / "pyproject.toml").write_text(config, encoding="utf-8")
    target = tmp_path / example.get("file", "example.py")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode("utf-8"))
    return target


def _codes(tmp_path: Path, name: str) -> list[str]:
    outcome = invoke(["check", "--format", "json", "--fail-on", "info", name], tmp_path)
    assert outcome.exit_code in (0, 1), outcome.stderr
    return [record["code"] for record in json.loads(outcome.stdout)]


@pytest.mark.parametrize(("code", "example"), CASES)
def test_example(
    code: str, example: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if example.get("fault") == "internal":
        monkeypatch.setattr(migrator.python.transformer, "MigrationTransformer", Broken)
    name = example.get("file", "example.py")
    if "flagged" in example:
        _project(tmp_path, example, example["flagged"])
        assert code in _codes(tmp_path, name)
    elif "not_flagged" in example:
        _project(tmp_path, example, example["not_flagged"])
        codes = _codes(tmp_path, name)
        assert code not in codes
        if not code.startswith("MM9"):
            assert not set(codes) & UNREADABLE, "a not_flagged snippet must parse"
    else:
        target = _project(tmp_path, example, example["before"])
        assert code in _codes(tmp_path, name)
        invoke(["fix", name], tmp_path)
        assert target.read_text(encoding="utf-8") == example["after"]
        assert code not in _codes(tmp_path, name)
        invoke(["fix", name], tmp_path)
        assert target.read_text(encoding="utf-8") == example["after"]


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_has_examples(code: str) -> None:
    kinds = [
        kind for example in RULES[code].get("examples", []) for kind in KINDS if kind in example
    ]
    assert "flagged" in kinds, f"{code} needs a flagged example"
    assert "not_flagged" in kinds, f"{code} needs a not_flagged example"
    if RULES[code].get("fixable"):
        assert "before" in kinds, f"{code} is fixable: it needs a before/after example"
    for example in RULES[code].get("examples", []):
        if "before" in example:
            assert "after" in example, f"{code}: a before example needs its after"


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_has_its_documentation(code: str) -> None:
    rule = RULES[code]
    for key in (
        "title",
        "severity",
        "fixable",
        "message",
        "what",
        "why",
        "example",
        "use_instead",
        "fix_safety",
    ):
        assert key in rule and rule[key] != "", f"{code}: {key} is missing"
    assert rule["severity"] in ("error", "warning", "info")
