"""Escape sequences in scanned files reach no terminal and no CI log (issue 18, item 9).

A source line with an erase-line sequence could hide a finding and OSC 52 writes the
clipboard; a value holding a newline printed a line of its own (`::error::INJECTED`,
which GitHub reads as a workflow command). Outputs are read from a real pseudo-terminal,
where rich colours (and would pass raw bytes through) as users see it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import invoke

from migrator.display import printable, window

ERASE = "\x1b[2K"
CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"
APP = (
    "from openai import OpenAI\n\n"
    f'client = OpenAI(base_url="https://api.openai.com/v1")  # {ERASE}{CLIPBOARD}\n'
    f'MODEL = "gpt-4o"  # \u202e reversed\n'
    f"reply = client.chat.completions.create(model=MODEL, messages=[], logprobs=True)  # {ERASE}\n"
)
CONFIG = 'llm:\n  base_url: "https://api.openai.com/v1\\n::error::INJECTED"\n  model: gpt-4o\n'


def on_a_terminal(args: list[str], cwd: Path) -> bytes:
    """Run the CLI with stdout and stderr on a pseudo-terminal; all it wrote."""
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI", "TERM")}
    env.update(TERM="xterm-256color", COLUMNS="200")
    process = subprocess.Popen(
        [sys.executable, "-m", "migrator", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(master)
    return b"".join(chunks)


@pytest.fixture
def planted(scratch: Path) -> Path:
    (scratch / "app.py").write_text(APP)
    (scratch / "config.yaml").write_text(CONFIG)
    return scratch


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("command", [["check", "."], ["diff", "."], ["fix", "."]])
def test_no_sequence_from_a_file_reaches_the_terminal(planted: Path, command: list[str]) -> None:
    out = on_a_terminal(command, planted)
    assert b"app.py" in out, out[-2000:]
    assert ERASE.encode() not in out
    assert b"\x1b]52" not in out
    assert "\u202e".encode() not in out
    assert b"\\x1b" in out  # shown, escaped, where it stood


def test_a_newline_in_a_value_starts_no_line_of_its_own(planted: Path) -> None:
    for output_format in ("text", "github", "json"):
        out = invoke(["check", "--format", output_format, "."], planted).stdout
        assert "::error::INJECTED" not in out.replace("\\n::error", "")
        assert not any(line.startswith("::error::INJECTED") for line in out.splitlines())


def test_printable_and_window() -> None:
    assert printable("a\x1b[2Kb\nc\u202e") == "a\\x1b[2Kb\\nc\\u202e"
    assert printable("tab\tkept") == "tab\tkept"
    line = "x" * 100_000 + "gpt-4o" + "y" * 100_000
    shown = window(line, 100_001, 160)
    assert "gpt-4o" in shown and len(shown) <= 162
    assert window("short", 1) == "short"


def test_text_format_shows_a_window_of_a_long_line(scratch: Path) -> None:
    """A one-line JSON file of 200 KB is shown around the column, not whole."""
    filler = ", ".join(f'"k{i}": "v{i}"' for i in range(20_000))
    (scratch / "data.json").write_text('{"model": "gpt-4o", ' + filler + "}\n")
    out = invoke(["check", "--format", "text", "."], scratch).stdout
    assert "gpt-4o" in out
    assert max(len(line) for line in out.splitlines()) < 400


def test_a_hostile_file_name_starts_no_line_on_stderr(scratch: Path) -> None:
    """A skipped file (MM901) is named on stderr by `diff`, which CI logs read too."""
    name = "bad\n::error file=app.py,line=1::INJECTED\x1b]52;c;SU5K\x07.py"
    try:
        (scratch / name).write_text("from openai import OpenAI\nx = (\n")
    except OSError:
        pytest.skip("the file system refuses such a name")
    (scratch / "app.py").write_text(APP)
    out = invoke(["diff", "."], scratch)
    lines = (out.stdout + out.stderr).splitlines()
    assert any("MM901" in line for line in lines)
    assert not any(line.startswith("::error") for line in lines)
    assert "\x1b]52" not in out.stderr
