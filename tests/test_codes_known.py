"""Every rule code the engine or the data can report is in the catalog (issue 17, item 4).

A code is reported by spelling (`ctx.report("MM201", ...)`, `code = "MM301"` in the rules
data); a typo used to surface only at run time, as MM903 on a user's file. This reads
every `"MMnnn"` in the package's source and every code named in `rules/*.toml` and checks
each against the catalog, so the typo fails here instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from migrator.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"MM[0-9]{3}")


def codes_in_source() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "migrator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and CODE.fullmatch(node.value):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(node.value, []).append(where)
    return found


def codes_in_data() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "rules").glob("*.toml")):
        if path.name.startswith("catalog"):
            continue  # the catalog defines codes; its prose may name others
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for code in CODE.findall(line):
                found.setdefault(code, []).append(f"{path.relative_to(ROOT)}:{number}")
    return found


def test_the_scan_finds_codes() -> None:
    assert len(codes_in_source()) > 20 and len(codes_in_data()) > 5


@pytest.mark.parametrize("source", [codes_in_source, codes_in_data], ids=["source", "data"])
def test_every_reported_code_is_in_the_catalog(source) -> None:  # type: ignore[no-untyped-def]
    known = set(load_catalog().rules)
    unknown = {code: places for code, places in source().items() if code not in known}
    assert not unknown, f"codes not in rules/catalog*.toml: {unknown}"
