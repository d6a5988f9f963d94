"""Property tests: generated Python programs with OpenAI snippets spliced in.

For every program: no crash, the output compiles, `fix` is idempotent, and every line
the fix removes belongs to a spliced snippet (code outside matched spans is unchanged).
CI runs a bounded profile; `HYPOTHESIS_PROFILE=long pytest tests/test_properties.py`
runs the long one by hand.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator.pipeline import migrate_python
from migrator.settings import build_settings

settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SETTINGS = build_settings({}, None, Path.cwd())
# generated programs are valid but odd (`1()`); CPython warns while compiling them
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

SNIPPETS = [
    'from openai import OpenAI\nclient = OpenAI(api_key="sk-proj-AAAAbbbbCCCCddddEEEEffff", timeout=3)\n',
    "from openai import AsyncOpenAI as AO\naclient = AO()\n",
    'MODEL = "gpt-4o"\n',
    "EMBED: str = 'text-embedding-3-small'\n",
    'import openai\nopenai.api_key = "sk-abcdefghijklmnopqrstuvwx"\n',
    'import os\nKEY = os.getenv("OPENAI_API_KEY")\nBASE = os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1")\n',
    'request = {"model": "gpt-4o-mini", "n": 1}\n',
    'if model == "gpt-4o":\n    pass\n',
    'def pick(model="o3-mini"):\n    return model\n',
]


def _splice(program: str, snippets: list[str], positions: list[int]) -> tuple[str, set[str]]:
    lines = program.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    # top-level statement starts: lines at column 0 that are not continuation lines
    starts = [
        i
        for i, line in enumerate(lines)
        if line[:1].strip() and not line.startswith(("#", ")", "]", "}"))
    ]
    starts.append(len(lines))
    snippet_lines: set[str] = set()
    for snippet, position in sorted(
        zip(snippets, positions, strict=False), key=lambda pair: -pair[1]
    ):
        index = starts[position % len(starts)]
        lines[index:index] = snippet.splitlines(keepends=True)
        snippet_lines.update(snippet.splitlines(keepends=True))
    return "".join(lines), snippet_lines


def _compiles(spliced: tuple[str, set[str]]) -> bool:
    try:
        compile(spliced[0], "<generated>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


# (source, the lines that came from snippets): a generated program with OpenAI snippets
# spliced in at statement boundaries, kept only when it still compiles
SPLICED = st.builds(
    _splice,
    hypothesmith.from_grammar(start="file_input"),
    st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=3),
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=3, max_size=3),
).filter(_compiles)


@given(spliced=SPLICED)
def test_spliced_programs(spliced: tuple[str, set[str]]) -> None:
    source, snippet_lines = spliced
    data = source.encode("utf-8")
    result = migrate_python(data, "generated.py", SETTINGS)
    assert result.error is None, result.error
    assert not [f for f in result.findings if f.code == "MM903"]
    if result.new is None:
        return
    new_text = result.new.decode("utf-8")
    compile(new_text, "<migrated>", "exec", dont_inherit=True)
    again = migrate_python(result.new, "generated.py", SETTINGS)
    assert again.new is None, "fix is not idempotent"
    before = source.splitlines(keepends=True)
    after = new_text.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            for line in before[i1:i2]:
                assert line in snippet_lines, f"changed a line outside the snippets: {line!r}"


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_each_snippet_is_migrated(snippet: str) -> None:
    """Guards the property test against vacuity: every snippet does trigger a rewrite or finding."""
    result = migrate_python(snippet.encode(), "snippet.py", SETTINGS)
    assert result.new is not None or result.findings
