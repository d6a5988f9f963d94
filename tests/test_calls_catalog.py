"""The examples of the call rules (rules/catalog-calls.toml) run through the real CLI, and
the codes params.toml / apis.toml name exist in the catalog.

Each flagged example must produce its code, each not-flagged one must not, and each
before/after pair is what `fix` makes of the before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, invoke
from migrator.callrules import load_call_rules
from migrator.catalog import load_catalog, read_toml

CALL_RULES = read_toml(ROOT / "rules" / "catalog-calls.toml")["rules"]
EXAMPLES = [
    (code, index, example)
    for code, entry in CALL_RULES.items()
    for index, example in enumerate(entry["examples"])
]


def _codes(scratch: Path, name: str) -> list[str]:
    outcome = invoke(["check", "--format", "json", "--fail-on", "info", name], scratch)
    return [record["code"] for record in json.loads(outcome.stdout)]


@pytest.mark.parametrize(("code", "index", "example"), EXAMPLES, ids=lambda v: str(v) if not isinstance(v, dict) else "")
def test_example(code: str, index: int, example: dict[str, Any], scratch: Path) -> None:
    name = example.get("file", "example.py")
    target = scratch / name
    if "flagged" in example:
        target.write_text(example["flagged"])
        assert code in _codes(scratch, name)
    elif "not_flagged" in example:
        target.write_text(example["not_flagged"])
        assert code not in _codes(scratch, name)
    else:
        target.write_text(example["before"])
        assert code in _codes(scratch, name)
        invoke(["fix", name], scratch)
        assert target.read_text() == example["after"]


def test_every_call_rule_has_flagged_and_not_flagged_examples() -> None:
    for code, entry in CALL_RULES.items():
        kinds = {key for example in entry["examples"] for key in example}
        assert {"flagged", "not_flagged"} <= kinds, code
        if entry["fixable"]:
            assert {"before", "after"} <= kinds, code


def test_codes_named_in_the_call_data_are_in_the_catalog() -> None:
    catalog = load_catalog().rules
    rules = load_call_rules()
    named = {rules.tokenizers.code} | {api.code for api in rules.apis if api.code}
    for table in rules.params.values():
        for param in table.values():
            named |= {param.code, param.unfixed_code} - {""}
            if param.check is not None:
                named |= {param.check.code, param.check.unknown_code} - {""}
    assert named <= set(catalog), named - set(catalog)
    assert named == set(CALL_RULES) - {"MM309"}  # MM309 is the engine's (**kwargs)
