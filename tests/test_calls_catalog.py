"""The codes params.toml / apis.toml name exist in the catalog (the examples of every
rule, these included, run in tests/test_rule_examples.py)."""

from __future__ import annotations

from conftest import ROOT

from migrator.callrules import load_call_rules
from migrator.catalog import load_catalog, read_toml

CALL_RULES = read_toml(ROOT / "rules" / "catalog-calls.toml")["rules"]


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
