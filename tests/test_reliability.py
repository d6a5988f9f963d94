"""Bad input never crashes a run; every bad file is reported once; writes are atomic."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, invoke

# the model constant is read by a call on the client, so the id is shown to reach Mistral
CLIENT = (
    b"from openai import OpenAI\nclient = OpenAI()\n"
    b'MODEL = "gpt-4o"\nreply = client.chat.completions.create(model=MODEL)\n'
)


def _check_json(folder: Path, *args: str) -> list[dict]:
    outcome = invoke(["check", "--format", "json", *args], folder)
    assert outcome.exit_code in (0, 1), outcome.stderr
    return json.loads(outcome.stdout)


BAD_FILES = {
    "syntax.py": (b"import openai\ndef broken(:\n    pass\n", "MM901", "line 2"),
    "python2.py": (b'import openai\nprint "hello"\n', "MM901", "Python 2"),
    "undecodable.py": (b'import openai\nx = "\xff\xfe"\n', "MM902", "encoding"),
    "binary.py": (b"\x00\x01openai\x02\x00", "MM902", "binary"),
    "syntax.ts": (b'import OpenAI from "openai";\nconst c = new OpenAI({;\n', "MM901", "line 2"),
    "undecodable.js": (b'import OpenAI from "openai";\nconst x = "\xff\xfe";\n', "MM902", "UTF-8"),
    "binary.mjs": (b"\x00\x01openai\x02\x00", "MM902", "binary"),
    "nested.js": (
        b'import OpenAI from "openai";\nconst x = '
        + b"(" * 3000
        + b'"gpt-4o"'
        + b")" * 3000
        + b";\n",
        "MM901",
        "nested too deeply",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_reported_once_and_the_run_goes_on(name: str, scratch: Path) -> None:
    data, code, words = BAD_FILES[name]
    (scratch / name).write_bytes(data)
    (scratch / "good.py").write_bytes(CLIENT)
    records = _check_json(scratch, ".")
    bad = [r for r in records if r["path"] == name]
    assert [r["code"] for r in bad] == [code]
    assert words in bad[0]["message"]
    assert any(r["path"] == "good.py" and r["code"] == "MM201" for r in records)
    # fix leaves the bad file alone and still fixes the good one
    invoke(["fix", "."], scratch)
    assert (scratch / name).read_bytes() == data
    assert b"mistral-large-latest" in (scratch / "good.py").read_bytes()


def test_oversized_file_is_skipped_with_the_limit_named(scratch: Path) -> None:
    (scratch / "pyproject.toml").write_text("[tool.mistral-migrate]\nmax-file-size = 100\n")
    big = CLIENT + b"# padding\n" * 50
    (scratch / "big.py").write_bytes(big)
    records = _check_json(scratch, "big.py")
    assert [r["code"] for r in records] == ["MM902"]
    assert "max-file-size" in records[0]["message"]


def test_empty_file_is_fine(scratch: Path) -> None:
    (scratch / "__init__.py").write_bytes(b"")
    assert _check_json(scratch, "__init__.py") == []


def test_unreadable_file_is_reported(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator import pipeline

    target = scratch / "locked.py"
    target.write_bytes(CLIENT)
    real = pipeline.read_regular

    def deny(path: Path, limit: int | None = None) -> bytes:
        if Path(path).name == "locked.py":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, limit)

    monkeypatch.setattr(pipeline, "read_regular", deny)
    records = _check_json(scratch, "locked.py")
    assert [(r["code"], r["message"]) for r in records] == [
        ("MM902", "cannot read: Permission denied")
    ]


def test_missing_path_is_a_one_line_usage_error(scratch: Path) -> None:
    outcome = invoke(["check", "nope.py"], scratch)
    assert outcome.exit_code == 2
    assert outcome.stderr.strip().splitlines() == [
        "mistral-migrate: error: path not found: nope.py"
    ]


def test_internal_error_in_one_file_is_isolated(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from migrator.python import transformer

    original = transformer.MigrationTransformer.leave_Module

    def explode(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        if self.ctx.path == "boom.py":
            raise RuntimeError("kaboom")
        return original(self, original_node, updated_node)

    monkeypatch.setattr(transformer.MigrationTransformer, "leave_Module", explode)
    (scratch / "boom.py").write_bytes(CLIENT)
    (scratch / "fine.py").write_bytes(CLIENT)
    outcome = invoke(["check", "--format", "json", "."], scratch)
    records = json.loads(outcome.stdout)
    assert [r["code"] for r in records if r["path"] == "boom.py"] == ["MM903"]
    assert any(r["path"] == "fine.py" for r in records)
    assert "Traceback" not in outcome.stderr
    verbose = invoke(["--verbose", "check", "."], scratch)
    assert "Traceback" in verbose.stderr and "kaboom" in verbose.stderr


def test_file_changed_on_disk_is_not_overwritten(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from migrator import pipeline

    target = scratch / "race.py"
    target.write_bytes(CLIENT)
    real = pipeline.migrate_python

    def edit_during_run(data: bytes, display: str, settings):  # type: ignore[no-untyped-def]
        result = real(data, display, settings)
        target.write_bytes(CLIENT + b"# edited meanwhile\n")
        return result

    monkeypatch.setattr(pipeline, "migrate_python", edit_during_run)
    outcome = invoke(["fix", "race.py"], scratch)
    assert "changed on disk" in outcome.stderr
    assert target.read_bytes() == CLIENT + b"# edited meanwhile\n"


def test_fix_keeps_the_file_mode(scratch: Path) -> None:
    target = scratch / "tool.py"
    target.write_bytes(b"#!/usr/bin/env python3\n" + CLIENT)
    target.chmod(0o751)
    invoke(["fix", "tool.py"], scratch)
    assert b"mistral-large-latest" in target.read_bytes()
    assert target.stat().st_mode & 0o7777 == 0o751
    assert not [p for p in scratch.iterdir() if p.name.endswith(".mmtmp")]


def test_very_long_file(scratch: Path) -> None:
    body = b"".join(b"def helper_%d(x):\n    return x + %d\n\n" % (i, i) for i in range(4000))
    target = scratch / "long.py"
    last = b"client.chat.completions.create(model=LAST)\n"
    target.write_bytes(CLIENT + body + b'LAST = "gpt-4o-mini"\n' + last)
    invoke(["fix", "long.py"], scratch)
    out = target.read_bytes()
    assert out.endswith(
        b'LAST = os.environ.get("MISTRAL_SMALL_MODEL", "mistral-small-latest")\n' + last
    )
    assert body in out


def test_interrupted_fix_leaves_every_file_whole(tmp_path: Path) -> None:
    """Kill `fix` mid-run: each file must be entirely old or entirely new."""
    project = tmp_path / "repo"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    padding = b"".join(b"def f%d(a):\n    return a * %d\n\n" % (i, i) for i in range(1500))
    files = {}
    for index in range(40):
        data = CLIENT + padding + b'LATE = "gpt-4o-mini"\n'
        path = project / f"m{index:02}.py"
        path.write_bytes(data)
        files[path] = data
    expected_dir = tmp_path / "expected"
    expected_dir.mkdir()
    (expected_dir / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (expected_dir / "m.py").write_bytes(files[project / "m00.py"])
    invoke(["fix", "m.py"], expected_dir)
    new = (expected_dir / "m.py").read_bytes()
    assert new != files[project / "m00.py"]

    command = [sys.executable, "-m", "migrator", "fix", "--jobs", "1", "--no-cache", "."]
    process = subprocess.Popen(
        command,
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(p.read_bytes() == new for p in files):
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    states = {
        p: ("new" if p.read_bytes() == new else "old" if p.read_bytes() == data else "broken")
        for p, data in files.items()
    }
    assert "broken" not in states.values()
    assert not list(project.glob("*.mmtmp")) and not list(project.glob(".*.mmtmp"))
    assert process.returncode == 130, "fix finished before the signal: make the run longer"
    if process.returncode == 130:  # interrupted before the end: the summary names what was written
        written = [p.name for p, state in states.items() if state == "new"]
        message = stderr.decode()
        assert "interrupted" in message
        assert all(name in message for name in written)
        assert f"{len(written)} file(s) were written whole" in message


def test_fix_through_a_symlink_writes_its_target_and_keeps_the_link(
    scratch: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    (scratch / "pkg").mkdir()
    real = scratch / "pkg" / "real.py"
    real.write_bytes(CLIENT)
    link = scratch / "link.py"
    link.symlink_to(Path("pkg") / "real.py")
    invoke(["fix", "link.py"], scratch)
    assert link.is_symlink()
    assert b"mistral-large-latest" in real.read_bytes()
    outside = tmp_path_factory.mktemp("elsewhere") / "other.py"
    outside.write_bytes(CLIENT)
    (scratch / "out.py").symlink_to(outside)
    outcome = invoke(["fix", "out.py"], scratch)
    assert "outside this tree" in outcome.stderr
    assert outside.read_bytes() == CLIENT and (scratch / "out.py").is_symlink()


def test_absurdly_deep_nesting_is_reported_not_a_crash(scratch: Path) -> None:
    """LibCST's native parser crashes the process on such files; they never reach it."""
    (scratch / "deep.py").write_text("import openai\nx = " + "-" * 20000 + "1\n")
    (scratch / "good.py").write_bytes(CLIENT)
    records = _check_json(scratch, "--jobs", "1", ".")
    assert [r["code"] for r in records if r["path"] == "deep.py"] == ["MM901"]
    assert any(r["path"] == "good.py" for r in records)
