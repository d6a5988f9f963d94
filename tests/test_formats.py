"""`check --format text|json|sarif|github` on one small app, through the real CLI.

SARIF is validated against the SARIF 2.1.0 schema; no format (nor `diff`, nor `fix`)
may print a committed key whole."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import invoke

from migrator.findings import Finding
from migrator.report.github import annotation, escape_data, escape_property

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
KEY = "sk-proj-Zq8Lw3Nv6Tb1Xc9Rm4Ks7Hd2Io0"
APP = f'''from openai import OpenAI

client = OpenAI(api_key="{KEY}")
BACKUP_KEY = "{KEY}"


def budget(model):
    if model == "gpt-4o":
        return 4096
    return 1024
'''
FIELDS = {
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "code",
    "severity",
    "message",
    "fixable",
}


@pytest.fixture
def app(scratch: Path) -> Path:
    (scratch / "app").mkdir()
    (scratch / "app" / "main.py").write_text(APP, encoding="utf-8")
    return scratch


def check(app: Path, *args: str) -> tuple[int, str]:
    outcome = invoke(["check", *args, "app"], app)
    return outcome.exit_code, outcome.stdout


def test_json_is_a_list_of_finding_records(app: Path) -> None:
    code, out = check(app, "--format", "json")
    records = json.loads(out)
    assert code == 1
    assert all(set(record) == FIELDS for record in records)
    by_code = {r["code"]: r for r in records}
    assert by_code["MM102"] == {
        "path": "app/main.py",
        "line": 3,
        "column": 25,
        "end_line": 3,
        "end_column": 62,
        "code": "MM102",
        "severity": "error",
        "fixable": True,
        "message": "API key sk-...Io0 is committed in the source; now read from MISTRAL_API_KEY. "
        "Revoke the key: it is in your history",
    }
    assert by_code["MM206"]["line"] == 8 and by_code["MM206"]["fixable"] is False


def test_sarif_validates_against_the_2_1_0_schema(app: Path) -> None:
    code, out = check(app, "--format", "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert code == 1 and log["version"] == "2.1.0"


def test_sarif_rules_carry_help_and_results_point_at_them(app: Path) -> None:
    log = json.loads(check(app, "--format", "sarif")[1])
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    mm206 = rules[ids.index("MM206")]
    assert mm206["name"] == "model-id-routing"
    assert mm206["defaultConfiguration"] == {"level": "warning"}
    assert "## Why is this bad?" in mm206["help"]["markdown"] and mm206["help"]["text"]
    assert mm206["shortDescription"]["text"] and mm206["fullDescription"]["text"]
    levels = {}
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "app/main.py"
        assert set(location["region"]) == {"startLine", "startColumn", "endLine", "endColumn"}
        levels[result["ruleId"]] = result["level"]
    assert levels == {"MM102": "error", "MM103": "warning", "MM206": "warning"}


def test_sarif_maps_info_to_note(scratch: Path) -> None:
    (scratch / "local.py").write_text(
        'from openai import OpenAI\n\nlocal = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")\n'
    )
    log = json.loads(invoke(["check", "--format", "sarif", "local.py"], scratch).stdout)
    assert [r["level"] for r in log["runs"][0]["results"]] == ["note"]


def test_github_annotations(app: Path) -> None:
    code, out = check(app, "--format", "github")
    lines = out.splitlines()
    assert code == 1
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert (
        "::warning file=app/main.py,line=8,col=17,endLine=8,endColumn=25,title=MM206::"
        "OpenAI model gpt-4o used as a comparison: routing keyed on model ids must be updated by hand "
        "(mapped id: mistral-large-latest)"
    ) in lines


def test_github_escapes_workflow_command_data_and_properties() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    # a message is one line (findings.py escapes its control characters)
    finding = Finding("dir,x/a:b.py", 1, 2, 1, 3, "MM904", "info", "line1\nline2: 100%", False)
    assert annotation(finding) == (
        "::notice file=dir%2Cx/a%3Ab.py,line=1,col=2,endLine=1,endColumn=3,title=MM904::line1\\nline2: 100%25"
    )


def test_text_groups_by_file_with_source_and_summary(app: Path) -> None:
    code, out = check(app)
    assert code == 1
    assert out.startswith("app/main.py (3 findings)\n")
    assert "  8:17 MM206 warning: OpenAI model gpt-4o used as a comparison" in out
    assert '        8 |     if model == "gpt-4o":' in out
    assert "  3:25 MM102 error [fixable]: API key sk-...Io0 is committed" in out
    assert "model-id-routing" in out and "Summary" in out
    assert "3 findings in 1 file: 2 fixed by `mistral-migrate fix`, 1 to review by hand" in out


def test_text_says_when_clean(scratch: Path) -> None:
    (scratch / "clean.py").write_text("print('hello')\n")
    outcome = invoke(["check", "clean.py"], scratch)
    assert outcome.exit_code == 0 and outcome.stdout == "No findings.\n"


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_no_format_prints_the_key_whole(app: Path, output_format: str) -> None:
    out = check(app, "--format", output_format, "--fail-on", "info")[1]
    assert KEY not in out
    assert KEY[8:] not in out
    assert "sk-...Io0" in out


def test_diff_and_fix_mask_the_key(app: Path) -> None:
    diff = invoke(["diff", "app"], app).stdout
    assert KEY not in diff and "sk-...Io0" in diff
    assert KEY in invoke(["diff", "--show-secrets", "app"], app).stdout
    fixed = invoke(["fix", "--annotate", "app"], app)
    assert KEY not in fixed.stdout + fixed.stderr
    todos = [
        line
        for line in (app / "app" / "main.py").read_text().splitlines()
        if "TODO(mistral-migrate)" in line
    ]
    assert todos and not any(KEY in line for line in todos)
