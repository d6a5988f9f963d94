"""A value read from a file or from config never closes the literal it is written into.

Found by review: `os.getenv("OPENAI_MODEL\\x22) or __import__(\\x22os\\x22).system(...)")`
is a harmless string, but 0.1 wrote its decoded value back between plain quotes, and
`fix` turned it into a call. Values are now escaped for the language they are written in.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import invoke

from migrator.stringlit import string_literal

HOSTILE = (
    "import os\n"
    'MODEL = os.getenv("OPENAI_MODEL\\x22) or __import__(\\x22os\\x22)'
    '.system(\\x22echo pwned\\x22) or os.getenv(\\x22X\\x1b[2K", "gpt-4o")\n'
)


def test_fix_does_not_turn_an_escaped_string_into_code(scratch: Path) -> None:
    (scratch / "pyproject.toml").write_text('[tool.mistral-migrate]\nrewrite-models = "all"\n')
    (scratch / "a.py").write_text(HOSTILE)
    invoke(["fix", "."], scratch)
    fixed = (scratch / "a.py").read_text()
    assert "mistral-" in fixed, "the model was not rewritten: the test would prove nothing"
    ran = subprocess.run([sys.executable, "a.py"], cwd=scratch, capture_output=True, text=True)
    assert "pwned" not in ran.stdout
    assert "\x1b" not in fixed  # the escape stays an escape


@pytest.mark.parametrize(
    "value",
    [
        'a"b',
        "a'b",
        "back\\slash",
        "new\nline",
        "esc\x1b[2K",
        "bidi\u202e",
        "astral\U0001f600",
        "tab\t",
    ],
)
@pytest.mark.parametrize("quote", ['"', "'"])
def test_python_literal_round_trips(value: str, quote: str) -> None:
    literal = string_literal(value, quote)
    assert ast.literal_eval(literal) == value
    assert "\n" not in literal and "\x1b" not in literal


@pytest.mark.skipif(
    subprocess.run(["which", "node"], capture_output=True).returncode != 0, reason="no node"
)
@pytest.mark.parametrize("value", ['a"b', "new\nline", "esc\x1b", "bidi\u202e", "astral\U0001f600"])
def test_js_literal_round_trips(value: str) -> None:
    literal = string_literal(value, '"', "js")
    script = f"process.stdout.write(JSON.stringify({literal}))"
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout
    import json

    assert json.loads(out) == value
