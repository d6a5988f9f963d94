"""ecosystem/run.py on a made-up two-file project (never real code): the review file lists
every hunk with its findings and a verdict slot, the corpus is left untouched, the fix
checks run, verdicts carry over to an unchanged hunk and the tally counts them."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("eco_run", ROOT / "ecosystem" / "run.py")
assert SPEC and SPEC.loader
eco = importlib.util.module_from_spec(SPEC)
sys.modules["eco_run"] = eco
SPEC.loader.exec_module(eco)

PY = """\
from openai import OpenAI

client = OpenAI()
reply = client.chat.completions.create(model="gpt-4o", messages=[])
"""
TS = """\
import OpenAI from "openai";

const client = new OpenAI();
export const ask = () => client.chat.completions.create({ model: "gpt-4o", messages: [] });
"""
MANIFEST = """\
[[project]]
repo = "example/tiny"
commit = "0000000000000000000000000000000000000000"
paths = ["app.py", "web.ts"]
kind = "synthetic"
language = "python"
why = "test of the script"
"""


def tree_hash(root: Path) -> str:
    digest = hashlib.sha1()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            digest.update(str(p.relative_to(root)).encode() + p.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("eco")
    project = root / "corpus" / "example+tiny"
    project.mkdir(parents=True)
    (project / "app.py").write_text(PY)
    (project / "web.ts").write_text(TS)
    (root / "manifest.toml").write_text(MANIFEST)
    return root


@pytest.fixture(scope="module")
def review(corpus: Path) -> tuple[str, str, str]:
    """(review text, corpus hash before, corpus hash after): one real run for the module."""
    before = tree_hash(corpus / "corpus")
    out = corpus / "review.md"
    argv = ["--manifest", str(corpus / "manifest.toml"), "--corpus", str(corpus / "corpus")]
    argv += ["--mirror", str(corpus / "no-mirror"), "--out", str(out)]
    assert eco.main(argv) == 0
    return out.read_text(), before, tree_hash(corpus / "corpus")


def test_review_lists_hunks_findings_and_checks(review: tuple[str, str, str]) -> None:
    text, before, after = review
    assert after == before  # the corpus itself is never rewritten
    assert "## example/tiny @ 000000000000" in text
    assert "idempotent (second fix changed nothing)" in text
    assert "2 files rewritten" in text
    assert "PROBLEM" not in text
    # a hunk per file, each with a verdict slot and the model finding on its lines
    heads = [line for line in text.splitlines() if line.startswith("#### example+tiny H")]
    assert any("app.py" in h for h in heads) and any("web.ts" in h for h in heads)
    assert text.count("- verdict: ?") == len(heads)
    assert '-reply = client.chat.completions.create(model="gpt-4o", messages=[])' in text
    assert "`MM201` app.py:4:" in text
    assert "`MM201` web.ts:4:" in text


def test_verdicts_carry_over_and_tally(tmp_path: Path) -> None:
    project = eco.Project("example/tiny", "0" * 40, [], "synthetic", "python", "test")
    diff = "--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-a\n+b\n@@ -9 +9 @@\n-c\n+d\n"
    first = tmp_path / "first.md"
    eco.write_review([eco.Result(project, "ok", [], eco.parse_diff(diff))], first, {}, "H")
    reviewed = first.read_text().replace("- verdict: ?", "- verdict: wrong (KeyError)", 1)
    first.write_text(reviewed)
    carried = eco.old_verdicts(first)
    assert list(carried.values()) == ["wrong (KeyError)"]
    # the first hunk is unchanged and keeps its verdict; the second changed and is open again
    changed = diff.replace("+d", "+e")
    again = tmp_path / "again.md"
    eco.write_review([eco.Result(project, "ok", [], eco.parse_diff(changed))], again, carried, "H")
    text = again.read_text()
    assert text.count("- verdict: wrong (KeyError)") == 1
    assert text.count("- verdict: ?") == 1
    row = next(r for r in eco.tally(again).splitlines() if r.startswith("| example/tiny"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1:4] == ["2", "0", "1"]  # hunks, correct, wrong
    assert cells[6] == "1"  # unreviewed


def test_parse_diff_notebook_cells_and_ranges() -> None:
    diff = (
        "--- a/nb.ipynb (cell 3)\n+++ b/nb.ipynb (cell 3)\n@@ -2,2 +2,3 @@\n x\n-y\n+z\n+w\n"
        "--- a/m.py\n+++ b/m.py\n@@ -10 +10 @@\n-a\n+b\n"
    )
    hunks = eco.parse_diff(diff)
    assert [(h.path, h.cell, h.old_start, h.old_len) for h in hunks] == [
        ("nb.ipynb", 3, 2, 2),
        ("m.py", None, 10, 1),
    ]
    assert hunks[0].covers({"path": "nb.ipynb", "cell": 3, "line": 3})
    assert not hunks[0].covers({"path": "nb.ipynb", "cell": 2, "line": 3})
    assert not hunks[0].covers({"path": "nb.ipynb", "cell": 3, "line": 4})
    assert hunks[1].covers({"path": "m.py", "line": 10})


def test_missing_project_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text(MANIFEST)
    out = tmp_path / "review.md"
    code = eco.main(
        [
            "--manifest",
            str(tmp_path / "manifest.toml"),
            "--corpus",
            str(tmp_path / "corpus"),
            "--mirror",
            str(tmp_path / "mirror"),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert "missing: no corpus folder and no snapshot" in out.read_text()
