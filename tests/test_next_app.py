"""A small Next.js app (an API route on the openai client, a Vercel AI SDK route, a
LangChain.js chain, model routing, a React model picker), run as a new user would: the
reviewed diff, the reviewed findings, a patch that `git apply` takes and equals `fix`,
JS findings in every output format, and `fix --annotate` writing `//` TODO comments."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURES, ROOT, copy_tree, golden, invoke

from migrator.javascript.syntax import first_error, grammar_of, parse

APP = FIXTURES / "next-app"
SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
KEY = "sk-proj-Jx7Lw3Nv6Tb1Xc9Rm4Ks7Hd2Qq0"
# a non-ASCII character before the findings on line 3: columns count characters
ROUTE = f'''import OpenAI from "openai";

const note = "é"; const client = new OpenAI({{ apiKey: "{KEY}" }});

export async function GET() {{
  return client.chat.completions.create({{ model: "gpt-4o", messages: [], n: 2 }});
}}
'''


def test_next_app_diff_is_the_reviewed_one() -> None:
    outcome = invoke(["diff", "fixtures/next-app"], ROOT)
    assert outcome.exit_code == 1
    golden(FIXTURES / "next-app.diff", outcome.stdout)


def test_next_app_findings_are_the_reviewed_ones() -> None:
    outcome = invoke(["check", "--format", "json", "--fail-on", "info", "fixtures/next-app"], ROOT)
    records = json.loads(outcome.stdout)
    lines = [f"{r['path']}:{r['line']}:{r['column']} {r['code']} {r['message']}\n" for r in records]
    golden(FIXTURES / "next-app.findings.txt", "".join(lines))


def test_next_app_patch_applies_and_equals_fix(tmp_path: Path) -> None:
    if shutil.which("git") is None:  # pragma: no cover - git is in the test image
        pytest.skip("git is not installed")
    for name in ("applied", "fixed"):
        copy_tree(APP, tmp_path / name)
        subprocess.run(["git", "init", "-q"], cwd=tmp_path / name, check=True)
        (tmp_path / name / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    patch = invoke(["diff", "--show-secrets", "."], tmp_path / "applied").stdout
    (tmp_path / "m.patch").write_text(patch)
    subprocess.run(
        ["git", "apply", str(tmp_path / "m.patch")], cwd=tmp_path / "applied", check=True
    )
    invoke(["fix", "."], tmp_path / "fixed")
    sources = [
        p
        for p in sorted((tmp_path / "fixed").rglob("*"))
        if p.is_file() and not {".git", ".mistral_migrate_cache"} & set(p.parts)
    ]
    for path in sources:
        assert (
            path.read_bytes()
            == (tmp_path / "applied" / path.relative_to(tmp_path / "fixed")).read_bytes()
        ), path
        if path.suffix in (".ts", ".tsx"):
            assert first_error(parse(path.read_bytes(), grammar_of(path.name)).root_node) is None, (
                path
            )


def test_annotate_writes_js_comments_once(tmp_path: Path) -> None:
    copy_tree(APP, tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    invoke(["fix", "--annotate", "."], tmp_path)
    router = (tmp_path / "lib" / "router.ts").read_text()
    assert "// TODO(mistral-migrate): MM206" in router and "# TODO" not in router
    once = {p: p.read_bytes() for p in tmp_path.rglob("*.ts*")}
    invoke(["fix", "--annotate", "."], tmp_path)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.ts*")} == once
    for path in once:
        assert first_error(parse(path.read_bytes(), grammar_of(path.name)).root_node) is None, path


@pytest.fixture
def route(scratch: Path) -> Path:
    (scratch / "app").mkdir()
    (scratch / "app" / "route.ts").write_text(ROUTE, encoding="utf-8")
    return scratch


def test_js_findings_in_json_with_character_columns(route: Path) -> None:
    records = json.loads(
        invoke(["check", "--format", "json", "--fail-on", "info", "app"], route).stdout
    )
    by_code = {r["code"]: r for r in records}
    assert by_code["MM102"] == {
        "path": "app/route.ts",
        "line": 3,
        "column": 55,
        "end_line": 3,
        "end_column": 92,
        "code": "MM102",
        "severity": "error",
        "fixable": True,
        "message": "API key sk-...Qq0 is committed in the source; now read from MISTRAL_API_KEY. "
        "Revoke the key: it is in your history",
    }
    assert (by_code["MM307"]["line"], by_code["MM307"]["column"]) == (6, 74)
    assert by_code["MM307"]["message"].startswith("n: 2 asks for 2 choices")


def test_js_findings_in_sarif_validate_and_point_at_the_spot(route: Path) -> None:
    log = json.loads(invoke(["check", "--format", "sarif", "app"], route).stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    region = results["MM201"]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (6, 50)
    assert (
        results["MM201"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "app/route.ts"
    )


def test_js_findings_as_github_annotations(route: Path) -> None:
    lines = invoke(["check", "--format", "github", "app"], route).stdout.splitlines()
    assert any(
        line.startswith("::error file=app/route.ts,line=3,col=55,") and "title=MM102" in line
        for line in lines
    )


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_no_format_prints_a_js_key_whole(route: Path, output_format: str) -> None:
    out = invoke(["check", "--format", output_format, "--fail-on", "info", "app"], route).stdout
    assert KEY not in out and KEY[8:] not in out and "sk-...Qq0" in out
    diff = invoke(["diff", "app"], route).stdout
    assert KEY not in diff and "sk-...Qq0" in diff
