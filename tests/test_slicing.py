"""The sliced Python pass (migrator/python/slicing.py) gives exactly what the whole pass
gives: same new bytes, same findings (code, position, message), same anchors, rewrites,
env vars and secrets. Run over every golden fixture, hand-written cases aimed at what
crosses statement boundaries, and the property test's generated programs."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest
from conftest import FIXTURES
from hypothesis import given
from test_properties import SETTINGS, SPLICED

from migrator.pipeline import FileResult, migrate_python, new_context, sliced_pass
from migrator.python.slicing import plan
from migrator.settings import Settings, build_settings, read_tool_table

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

CASES = sorted(p for p in (FIXTURES / "python").iterdir() if p.is_dir())


def outcome(result: FileResult) -> tuple[object, ...]:
    findings = [
        (f.code, f.line, f.column, f.end_line, f.end_column, f.severity, f.message)
        for f in result.findings
    ]
    anchors = sorted((f.code, f.line, f.column, line) for f, line in result.anchors.items())
    return (
        result.new,
        findings,
        anchors,
        sorted(result.rewrites.items()),
        sorted(result.env_vars),
        sorted(result.secrets),
        result.error is None,
    )


def assert_same(data: bytes, settings: Settings, display: str = "example.py") -> bool:
    """Both passes agree; returns whether the file could be sliced at all."""
    full = migrate_python(data, display, settings, slicing="never")
    sliced = migrate_python(data, display, settings, slicing="always")
    assert outcome(sliced) == outcome(full)
    return plan(data, settings, always=True) is not None


def case_settings(case: Path) -> Settings:
    config = case / "pyproject.toml"
    if config.exists():
        return build_settings(read_tool_table(config), config, case)
    return build_settings({}, None, case)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fixture_same_both_ways(case: Path) -> None:
    assert_same((case / "before.py").read_bytes(), case_settings(case), "case.py")


def padded(data: bytes) -> bytes | None:
    """The file with an unrelated function after each top-level statement (fixtures are
    small and mostly about OpenAI, so alone they seldom leave anything out)."""
    try:
        tree = ast.parse(data)
    except SyntaxError:
        return None
    lines = data.splitlines(keepends=True)
    ends = sorted({s.end_lineno or s.lineno for s in tree.body}, reverse=True)
    for number, end in enumerate(ends):
        if not lines[end - 1].endswith((b"\n", b"\r")):
            lines[end - 1] += b"\n"
        lines.insert(end, FILLER.format(n=number).encode())
    out = b"".join(lines)
    try:
        compile(out, "padded", "exec", dont_inherit=True)
    except SyntaxError:  # e.g. a `from __future__` import must come first
        return None
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_padded_fixture_same_both_ways(case: Path) -> None:
    data = padded((case / "before.py").read_bytes())
    if data is None:
        pytest.skip("cannot be padded")
    assert_same(data, case_settings(case), "case.py")


def test_padded_fixtures_are_sliced() -> None:
    """Guards against vacuity: the comparisons above must exercise the sliced path."""
    sliced = 0
    for case in CASES:
        data = padded((case / "before.py").read_bytes())
        if data is None:
            continue
        sliced += plan(data, case_settings(case), always=True) is not None
    assert sliced >= len(CASES) * 2 // 3


FILLER = '''

def unrelated_{n}(items, limit=10):
    """Nothing to do with any SDK."""
    kept = []
    for index, item in enumerate(items):
        if index >= limit:
            break
        kept.append(item)
    return kept
'''


def program(*parts: str) -> bytes:
    """Parts with unrelated functions between them, so there is something to leave out."""
    out = ""
    for number, part in enumerate(parts):
        out += part + FILLER.format(n=number)
    return out.encode()


TRICKY = {
    "client used far away": program(
        '"""Doc."""\nfrom openai import OpenAI\n',
        "client = OpenAI()\n",
        "def ask(q):\n    return client.chat.completions.create(model=name(), messages=[], n=3)\n",
        "def name():\n    return 'x'\n",
    ),
    "client chain through with_options": program(
        "import openai\n",
        "base = openai.OpenAI()\n",
        "slow = base.with_options(timeout=60)\n",
        "def go():\n    return slow.chat.completions.create(model='m', messages=[], n=2)\n",
    ),
    "global set in a function": program(
        "from openai import OpenAI\n",
        "client = None\n",
        "def init():\n    global client\n    client = OpenAI()\n",
        "def go():\n    return client.chat.completions.create(model='m', messages=[], n=2)\n",
    ),
    "attribute holder outside a class": program(
        "from openai import OpenAI\nimport types\n",
        "state = types.SimpleNamespace()\n",
        "def init():\n    state.llm = OpenAI()\n",
        "def go():\n    return state.llm.chat.completions.create(model='m', messages=[], n=2)\n",
    ),
    "class holder": program(
        "from openai import OpenAI\n",
        "class Bot:\n    def __init__(self):\n        self.client = OpenAI()\n\n"
        "    def go(self):\n        return self.client.chat.completions.create(model='m', messages=[], n=2)\n",
    ),
    "local getattr shadows the builtin": program(
        "import openai\n",
        "def getattr(obj, name):\n    return None\n",
        "client = getattr(openai, 'OpenAI')\n",
    ),
    "local os class": program(
        "from openai import OpenAI\n",
        "class os:\n    @staticmethod\n    def getenv(name, default=None):\n        return default\n",
        "KEY = os.getenv('OPENAI_API_KEY')\n",
    ),
    "import inside try": program(
        "from openai import OpenAI\n",
        "try:\n    import os\nexcept ImportError:\n    os = None\n",
        "KEY = os.environ['OPENAI_API_KEY']\n",
    ),
    "import os added, no imports": program(
        '"""Doc."""\n',
        "x = 1\n",
        "URL = 'https://api.openai.com/v1'\nKEY = 'sk-abcdefghijklmnopqrstuvwx'\n",
    ),
    "import os added among imports": program(
        "import json\nimport sys\nfrom openai import OpenAI\n",
        "client = OpenAI(api_key='sk-abcdefghijklmnopqrstuvwx')\n",
    ),
    "module api key": program(
        "import openai as oa\n",
        "oa.api_key = 'sk-abcdefghijklmnopqrstuvwx'\n",
        "def go():\n    return oa.ChatCompletion.create(model='gpt-4o', messages=[])\n",
    ),
    "decorators, semicolons and comments": program(
        "import functools\nfrom openai import OpenAI\n",
        "@functools.lru_cache\n# between\n@functools.wraps(print)\ndef make():\n    return OpenAI()\n",
        "a = 1; b = 2  # trailing\n",
        "c = make(); d = c\n",
        "if True:\n    pass\n    # indented trailing comment\n# column-0 comment\n",
    ),
    "suppressions": program(
        "from openai import OpenAI\n",
        "client = OpenAI(  # mistral-migrate: ignore[MM103]\n    timeout=3,\n)\n",
        "# mistral-migrate: ignore\n",
        "x = 1  # mistral-migrate: ignore[MM999]\n",
    ),
    "pydantic settings field": program(
        "from pydantic_settings import BaseSettings\n",
        "class Config(BaseSettings):\n    Openai_Api_Key: str = ''\n    timeout: int = 3\n",
    ),
    "tabs and odd indent first": program(
        "def first():\n\tif True:\n\t\treturn 1\n",
        "from openai import OpenAI\n",
        "def go():\n\tclient = OpenAI()\n\treturn client.chat.completions.create(model='gpt-4o', messages=[], n=2)\n",
    ),
    "star import": program("from openai import *\n", "client = OpenAI()\n"),
    "no final newline": program("from openai import OpenAI\n", "client = OpenAI()\n") + b"x = 1",
    "match and walrus": program(
        "from openai import OpenAI\n",
        "if (c := OpenAI()):\n    pass\n",
        "match 1:\n    case int(n):\n        pass\n",
        "def go():\n    return c.chat.completions.create(model='gpt-4o', messages=[], n=2)\n",
    ),
}


@pytest.mark.parametrize("name", TRICKY)
def test_tricky_same_both_ways(name: str) -> None:
    assert_same(TRICKY[name], SETTINGS)


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_other_line_endings(newline: bytes) -> None:
    data = TRICKY["client used far away"].replace(b"\n", newline)
    assert assert_same(data, SETTINGS) or newline == b"\r"


def test_bom() -> None:
    assert_same(b"\xef\xbb\xbf" + TRICKY["client used far away"], SETTINGS)


def test_tricky_cases_are_sliced() -> None:
    unsliceable = {"star import"}
    for name, data in TRICKY.items():
        if name not in unsliceable:
            assert plan(data, SETTINGS, always=True) is not None, name
            # and the sliced pass itself went through (no fallback to the whole pass)
            assert sliced_pass(data, new_context(data, "example.py", SETTINGS), True) is not None, (
                name
            )


def test_only_what_matters_is_kept() -> None:
    data = TRICKY["client used far away"]
    reduced = plan(data, SETTINGS, always=True)
    assert reduced is not None
    assert b"def unrelated_" not in reduced.source
    assert b"def ask" in reduced.source and b"client = OpenAI()" in reduced.source


def test_large_file_takes_the_sliced_path_by_default() -> None:
    data = (
        program("from openai import OpenAI\n", "client = OpenAI()\n")
        + FILLER.format(n="x").encode() * 40
    )
    assert plan(data, SETTINGS) is not None
    assert outcome(migrate_python(data, "a.py", SETTINGS)) == outcome(
        migrate_python(data, "a.py", SETTINGS, "never")
    )


@given(spliced=SPLICED)
def test_generated_programs_same_both_ways(spliced: tuple[str, set[str]]) -> None:
    source, _ = spliced
    assert_same(source.encode("utf-8"), SETTINGS, "generated.py")


# No statement that Python 3.11 accepts and LibCST 1.9 rejects was found (tried: unusual
# number/keyword spacing, f-string forms, form feeds, continuations, match patterns,
# non-ASCII identifiers; very deep nesting fails in both or depends on stack depth), so
# LibCST is made to reject one statement.
UNPARSABLE = b"refused_by_libcst = 1\n"


@pytest.fixture
def libcst_rejects_one_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    parse = cst.parse_module

    def picky(source: str | bytes, *args: object, **kwargs: object) -> cst.Module:
        if b"refused_by_libcst" in (source if isinstance(source, bytes) else source.encode()):
            raise cst.ParserSyntaxError("refused", lines=[""], raw_line=1, raw_column=0)
        return parse(source, *args, **kwargs)

    monkeypatch.setattr(cst, "parse_module", picky)


def test_libcst_cannot_parse_a_skipped_statement(libcst_rejects_one_statement: None) -> None:
    """Only the reduced source is parsed: a statement LibCST cannot parse is no obstacle
    when it is left out (the whole pass reports MM901 for the file)."""
    data = (
        program(
            "from openai import OpenAI\n",
            "client = OpenAI(api_key='sk-abcdefghijklmnopqrstuvwx')\n",
        )
        + UNPARSABLE
    )
    whole = migrate_python(data, "a.py", SETTINGS, slicing="never")
    assert [f.code for f in whole.findings] == ["MM901"] and whole.new is None
    sliced = migrate_python(data, "a.py", SETTINGS, slicing="always")
    assert sliced.new is not None and sliced.new.endswith(UNPARSABLE)
    assert "MM901" not in [f.code for f in sliced.findings]
    plain = data.replace(UNPARSABLE, b"accepted = 1\n")
    expected = migrate_python(plain, "a.py", SETTINGS, slicing="never").new
    assert expected is not None and sliced.new == expected.replace(b"accepted = 1\n", UNPARSABLE)


def test_libcst_cannot_parse_a_kept_statement(libcst_rejects_one_statement: None) -> None:
    """Where the statement is kept, the reduced source fails too: the whole pass decides."""
    data = program(
        "from openai import OpenAI\n", "client = OpenAI()\n", "refused_by_libcst = client\n"
    )
    assert plan(data, SETTINGS, always=True) is not None
    for slicing in ("always", "auto", "never"):
        assert [f.code for f in migrate_python(data, "a.py", SETTINGS, slicing).findings] == [
            "MM901"
        ]


def test_round_trip_refusal_where_the_parser_changes_a_kept_line() -> None:
    """MM905 still holds for the parts LibCST regenerates (both ways agree)."""
    for name in ("client used far away", "no final newline"):
        data = TRICKY[name].replace(b"\n", b"\r")
        assert_same(data, SETTINGS)
