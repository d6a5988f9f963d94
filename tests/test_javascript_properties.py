"""Property tests for the JS/TS pass: the shipped JS/TS sources (fixtures and the Next.js
sample) with lines dropped, repeated, shuffled and spliced into one another.

For every such file: no internal error (MM903), a file that parses gives a rewrite
that still parses (tree-sitter; the pass checks it too, so this is the guard's guard),
every byte an edit replaces is an OpenAI token (id, variable, URL, key, renamed
parameter) or layout whitespace, and `fix` is idempotent. The profile is the one test_properties.py sets
(bounded in CI; `HYPOTHESIS_PROFILE=long` by hand).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import test_properties  # noqa: F401  (registers and loads the hypothesis profiles)
from conftest import FIXTURES
from hypothesis import given
from hypothesis import strategies as st

from migrator.javascript.edits import Edits
from migrator.javascript.migrate import migrate_javascript
from migrator.javascript.syntax import first_error, grammar_of, parse_tolerant
from migrator.settings import build_settings

SETTINGS = build_settings({}, None, Path.cwd())
SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx")
SOURCES = sorted(
    p
    for p in [*(FIXTURES / "javascript").rglob("before.*"), *(FIXTURES / "next-app").rglob("*")]
    if p.suffix in SUFFIXES and p.is_file()
)
LINES = [line for p in SOURCES for line in p.read_bytes().splitlines(keepends=True)]
# What the bytes an edit replaces must hold: an OpenAI model id, variable, URL, key, a
# parameter the rules rename, or nothing but the whitespace a layout change replaces.
# Anything else replaced would be code the migration has no business touching.
OPENAI_TOKEN = re.compile(
    rb"gpt-|\bo[1-9]|chatgpt|dall-e|text-embedding|whisper|tts-1|davinci|babbage|moderation|ft:"
    rb"|OPENAI_|api\.openai\.com|sk-|\bmax_completion_tokens\b|\bseed\b"
)


@st.composite
def programs(draw: st.DrawFn) -> tuple[str, bytes]:
    base = draw(st.sampled_from(SOURCES))
    lines = base.read_bytes().splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["drop", "repeat", "splice", "swap"]))
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        if action == "drop":
            del lines[at]
        elif action == "repeat":
            lines.insert(at, lines[at])
        elif action == "splice":
            lines.insert(at, draw(st.sampled_from(LINES)))
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
    return f"case{base.suffix}", b"".join(lines)


@given(programs())
def test_js_pass_never_fails_and_keeps_what_it_does_not_edit(case: tuple[str, bytes]) -> None:
    name, data = case
    applied: list[Edits] = []
    original_apply = Edits.apply

    def recording_apply(self: Edits, source: bytes) -> bytes:
        applied.append(self)
        return original_apply(self, source)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Edits, "apply", recording_apply)
        result = migrate_javascript(data, name, SETTINGS)
    assert result.error is None, result.error
    assert "MM903" not in {f.code for f in result.findings}
    if result.new is None:
        return
    assert first_error(parse_tolerant(result.new, grammar_of(name)).root_node) is None
    for edit in applied[0].items:
        replaced = data[edit.start : edit.end]
        assert not replaced.strip() or OPENAI_TOKEN.search(replaced), (replaced, edit.text)
    again = migrate_javascript(result.new, name, SETTINGS)
    assert again.new is None, "a second fix changed the file"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_shipped_source_is_idempotent(source: Path) -> None:
    result = migrate_javascript(source.read_bytes(), source.name, SETTINGS)
    if result.new is not None:
        assert migrate_javascript(result.new, source.name, SETTINGS).new is None
