"""Jupyter notebooks through the real CLI: every case under fixtures/notebooks/ must `fix`
into after.ipynb byte for byte (or stay as it is without one), a second `fix` changes
nothing, the result is a valid nbformat-4 notebook whose only changed lines are cell
source strings, and `check` / `diff` / SARIF report cells and lines as the README says."""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import FIXTURES, golden, invoke

CASES = sorted(p for p in (FIXTURES / "notebooks").iterdir() if p.is_dir())
SOURCE_STRING = re.compile(r'^\s*"(?:[^"\\]|\\.)*",?$')


def _prepare(case: Path, scratch: Path) -> Path:
    target = scratch / "case.ipynb"
    shutil.copy(case / "before.ipynb", target)
    return target


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fix_gives_after(case: Path, scratch: Path) -> None:
    target = _prepare(case, scratch)
    before = target.read_bytes()
    expected = (case / "after.ipynb").read_bytes() if (case / "after.ipynb").exists() else before
    assert invoke(["fix", "case.ipynb"], scratch).exit_code in (0, 1)
    assert target.read_bytes() == expected


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fix_is_idempotent(case: Path, scratch: Path) -> None:
    target = _prepare(case, scratch)
    invoke(["fix", "case.ipynb"], scratch)
    once = target.read_bytes()
    invoke(["fix", "case.ipynb"], scratch)
    assert target.read_bytes() == once
    assert invoke(["diff", "case.ipynb"], scratch).exit_code == 0


@pytest.mark.parametrize(
    "case", [c for c in CASES if (c / "after.ipynb").exists()], ids=lambda p: p.name
)
def test_fixed_notebook_is_valid_and_only_sources_change(case: Path) -> None:
    after = (case / "after.ipynb").read_text(encoding="utf-8")
    before = (case / "before.ipynb").read_text(encoding="utf-8")
    notebook = nbformat.reads(after, as_version=4)
    nbformat.validate(notebook)
    old, new = json.loads(before), json.loads(after)
    # everything but code-cell sources is identical (markdown, outputs, metadata, ids)
    for cell in old["cells"] + new["cells"]:
        if cell["cell_type"] == "code":
            cell["source"] = None
    assert old == new
    changed = [
        line
        for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line[:2] in ("- ", "+ ")
    ]
    assert changed
    for line in changed:
        text = line[2:]
        assert SOURCE_STRING.match(text) or text.lstrip().startswith('"source": "'), text


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_findings(case: Path, scratch: Path) -> None:
    _prepare(case, scratch)
    outcome = invoke(["check", "--format", "json", "--fail-on", "info", "case.ipynb"], scratch)
    records = json.loads(outcome.stdout)
    lines = [
        f"{'cell ' + str(r['cell']) + ':' if 'cell' in r else ''}{r['line']}:{r['column']} {r['code']} {r['message']}\n"
        for r in records
    ]
    golden(case / "findings.txt", "".join(lines))


def test_diff_is_per_cell(scratch: Path) -> None:
    _prepare(FIXTURES / "notebooks" / "magics_outputs_broken", scratch)
    outcome = invoke(["diff", "case.ipynb"], scratch)
    assert outcome.exit_code == 1
    golden(FIXTURES / "notebooks" / "magics_outputs_broken" / "diff.txt", outcome.stdout)
    assert "--- a/case.ipynb (cell 3)" in outcome.stdout
    assert "sk-proj-" not in outcome.stdout  # the %env key is masked in context lines
    assert "cell 6:3:6: MM901" in outcome.stderr


def test_sarif_points_into_the_file(scratch: Path) -> None:
    target = _prepare(FIXTURES / "notebooks" / "magics_outputs_broken", scratch)
    raw = target.read_text(encoding="utf-8").splitlines()
    outcome = invoke(["check", "--format", "sarif", "case.ipynb"], scratch)
    results = json.loads(outcome.stdout)["runs"][0]["results"]
    model = next(r for r in results if r["ruleId"] == "MM201")
    region = model["locations"][0]["physicalLocation"]["region"]
    line = raw[region["startLine"] - 1]
    assert line[region["startColumn"] - 1 :].startswith('\\"gpt-4o\\"')
    assert model["properties"] == {"cell": 4, "cellLine": 3, "cellColumn": 11}
    assert model["message"]["text"].startswith("cell 4, line 3: ")


def test_invalid_json_is_reported_and_left_alone(scratch: Path) -> None:
    target = _prepare(FIXTURES / "notebooks" / "invalid_json", scratch)
    before = target.read_bytes()
    outcome = invoke(["fix", "case.ipynb"], scratch)
    assert target.read_bytes() == before
    assert "MM901" in outcome.stdout and "not valid JSON" in outcome.stdout


def test_notebooks_are_discovered_but_not_checkpoints(scratch: Path) -> None:
    (scratch / "nb").mkdir()
    shutil.copy(
        FIXTURES / "notebooks" / "langchain_cross_cell" / "before.ipynb",
        scratch / "nb" / "rag.ipynb",
    )
    (scratch / ".ipynb_checkpoints").mkdir()
    shutil.copy(
        FIXTURES / "notebooks" / "langchain_cross_cell" / "before.ipynb",
        scratch / ".ipynb_checkpoints" / "rag-checkpoint.ipynb",
    )
    records = json.loads(invoke(["check", "--format", "json", "."], scratch).stdout)
    assert {r["path"] for r in records} == {"nb/rag.ipynb"}


def test_unprocessed_cells_and_magics_restored_exactly(scratch: Path) -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": [
                    "%%writefile app.py\n",
                    "from openai import OpenAI\n",
                    "client = OpenAI()",
                ],
            },
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": [
                    "from openai import OpenAI\n",
                    "for m in ['a']:\n",
                    "    !echo {m} \\\n",
                    "        more\n",
                    "x = %timeit -o OpenAI\n",
                    "OpenAI??\n",
                    "client = OpenAI()\n",
                ],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    target = scratch / "case.ipynb"
    target.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")
    invoke(["fix", "case.ipynb"], scratch)
    fixed = json.loads(target.read_text(encoding="utf-8"))
    assert fixed["cells"][0] == notebook["cells"][0]  # %%writefile: not Python, skipped
    source = fixed["cells"][1]["source"]
    assert source[:8] == [
        "import os\n",
        "\n",
        "from openai import OpenAI\n",
        "for m in ['a']:\n",
        "    !echo {m} \\\n",
        "        more\n",
        "x = %timeit -o OpenAI\n",
        "OpenAI??\n",
    ]
    assert source[8].startswith("client = OpenAI(")
    assert target.read_text(encoding="utf-8").endswith("}\n")
