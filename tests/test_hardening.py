"""Hostile trees and unlucky users (issue 18): owners, FIFOs, alias bombs, odd names,
symlink loops and escapes, races, exit codes, duplicates, memory and time."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, invoke

CLIENT = (
    b"from openai import OpenAI\nclient = OpenAI()\n"
    b'reply = client.chat.completions.create(model="gpt-4o", messages=[])\n'
)
MIGRATED = b"mistral-large-latest"


def _cli(
    folder: Path, *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The real command in a child process: a hang fails the test instead of the suite."""
    return subprocess.run(
        [sys.executable, "-m", "migrator", *args],
        cwd=folder,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def _records(outcome: subprocess.CompletedProcess[bytes]) -> list[dict]:
    assert outcome.returncode in (0, 1), outcome.stderr.decode()
    return json.loads(outcome.stdout)


def _repo(tmp_path: Path, name: str = "repo") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / ".git").mkdir()
    return folder


# -- item 2: owner and read-only files -----------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_fix_as_root_keeps_the_owner_group_and_mode(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    target = repo / "app.py"
    target.write_bytes(CLIENT)
    os.chown(target, 12345, 23456)
    target.chmod(0o640)
    outcome = invoke(["fix", "app.py"], repo)
    assert outcome.exit_code == 0, outcome.stderr
    assert MIGRATED in target.read_bytes()
    status = target.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (12345, 23456, 0o640)


def test_read_only_file_is_not_replaced_and_named(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    target = repo / "frozen.py"
    target.write_bytes(CLIENT)
    target.chmod(0o444)
    (repo / "ok.py").write_bytes(CLIENT)
    outcome = invoke(["fix", "."], repo)
    assert outcome.exit_code == 1
    assert "frozen.py is read-only; not written" in outcome.stderr
    assert target.read_bytes() == CLIENT and stat.S_IMODE(target.stat().st_mode) == 0o444
    assert MIGRATED in (repo / "ok.py").read_bytes()


# -- item 5: FIFOs, devices, YAML alias bombs ----------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_and_character_device_are_reported_not_waited_on(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    os.mkfifo(repo / "x.py")
    (repo / "zero.py").symlink_to("/dev/zero")  # named on the command line: still refused
    (repo / "good.py").write_bytes(CLIENT)
    for args in ((".",), ("x.py", "zero.py", "good.py")):
        records = _records(_cli(repo, "check", "--format", "json", *args, timeout=60))
        reasons = {r["path"]: r["message"] for r in records if r["code"] == "MM902"}
        assert "FIFO" in reasons["x.py"]
        if "zero.py" in args:
            assert "character device" in reasons["zero.py"]
        assert any(r["path"] == "good.py" for r in records)
    outcome = _cli(repo, "fix", "x.py", "good.py", timeout=60)
    assert outcome.returncode in (0, 1) and MIGRATED in (repo / "good.py").read_bytes()
    assert stat.S_ISFIFO(os.lstat(repo / "x.py").st_mode)


def _yaml_bomb(levels: int) -> str:
    lines = ["a: &a [gpt-4o, gpt-4o, gpt-4o, gpt-4o, gpt-4o, gpt-4o, gpt-4o, gpt-4o, gpt-4o]"]
    for level in range(1, levels):
        before, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + before] * 9)}]")
    lines.append("x: &x {model: gpt-4o, base_url: https://api.openai.com/v1}")
    lines.append("y: &y {p: *x, q: *x, r: *x, s: *x, t: *x, u: *x, v: *x, w: *x}")
    lines.append("z: {p: *y, q: *y, r: *y, s: *y, t: *y, u: *y, v: *y, w: *y}")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_walked_once_and_counted_truly(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "bomb.yaml").write_text(_yaml_bomb(9))  # 9 ** 9 references if expanded
    started = time.monotonic()
    records = _records(_cli(repo, "check", "--format", "json", "--no-cache", ".", timeout=60))
    assert time.monotonic() - started < 60
    # nine list items written once, one model and one URL written once
    assert sorted(r["code"] for r in records) == ["MM501"] + ["MM502"] + ["MM503"] * 9
    outcome = invoke(["fix", "--no-cache", "bomb.yaml"], repo)
    assert re.search(r"model ids 1\b", outcome.stdout), outcome.stdout
    assert re.search(r"base URLs 1\b", outcome.stdout), outcome.stdout
    assert (repo / "bomb.yaml").read_text().count("mistral-large-latest") == 1


# -- item 6: names that are not UTF-8, symlink loops, deep nesting -------------------------


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file names are always UTF-8")
@pytest.mark.parametrize(
    "output_format",
    [
        "text",
        "json",
        "sarif",
        "github",
    ],
)
def test_a_file_name_that_is_not_utf8_stops_nothing(tmp_path: Path, output_format: str) -> None:
    repo = _repo(tmp_path)
    name = b"caf\xe9.py"
    with open(os.path.join(os.fsencode(repo), name), "wb") as stream:
        stream.write(CLIENT)
    (repo / "good.py").write_bytes(CLIENT)
    strict = {"PYTHONIOENCODING": "utf-8"}  # a UTF-8 terminal: strict, unlike the C locale
    for _ in range(2):  # cold, then from the cache (the cache key encodes the name)
        outcome = _cli(repo, "check", "--format", output_format, ".", env=strict)
        assert outcome.returncode == 1, outcome.stderr.decode(errors="replace")
        assert b"caf" in outcome.stdout and b"good.py" in outcome.stdout
    outcome = _cli(repo, "fix", ".", env=strict)
    assert outcome.returncode == 0, outcome.stderr.decode(errors="replace")
    with open(os.path.join(os.fsencode(repo), name), "rb") as stream:
        assert MIGRATED in stream.read()


def test_symlink_loops_are_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "loop.py").symlink_to("other.py")
    (repo / "other.py").symlink_to("loop.py")
    (repo / "self.py").symlink_to("self.py")
    (repo / "down").symlink_to("down")
    (repo / "pkg").mkdir()
    (repo / "pkg" / "up").symlink_to("..")
    (repo / "good.py").write_bytes(CLIENT)
    records = _records(_cli(repo, "check", "--format", "json", "--no-cache", "."))
    assert {r["path"] for r in records} == {"good.py"}
    named = _records(_cli(repo, "check", "--format", "json", "loop.py", "self.py", "good.py"))
    assert {(r["path"], r["code"]) for r in named if r["code"] == "MM902"} == {
        ("loop.py", "MM902"),
        ("self.py", "MM902"),
    }
    outcome = _cli(repo, "fix", "down", "loop.py", ".")
    assert outcome.returncode in (0, 1), outcome.stderr.decode()
    assert MIGRATED in (repo / "good.py").read_bytes()


@pytest.mark.parametrize("bracket", ["[]", "()", "{}"])
def test_150_nested_brackets_migrate(tmp_path: Path, bracket: str) -> None:
    open_, close = bracket
    inner = '"gpt-4o"' if bracket != "{}" else '"k": "v"'
    deep = "x = " + open_ * 150 + inner + close * 150 + "\n"
    repo = _repo(tmp_path)
    (repo / "deep.py").write_text(CLIENT.decode() + deep)
    records = _records(_cli(repo, "check", "--format", "json", "--no-cache", "deep.py"))
    codes = {r["code"] for r in records}
    assert "MM903" not in codes and "MM901" not in codes
    assert "MM201" in codes  # the MODEL line is migrated
    assert invoke(["fix", "--no-cache", "deep.py"], repo).exit_code in (0, 1)
    after = (repo / "deep.py").read_text()
    compile(after, "deep.py", "exec")
    assert "mistral-large-latest" in after
    if bracket != "()":  # `x = ((("gpt-4o")))` names a model: rewritten too
        assert deep in after


# -- item 7: writes that would leave the tree through a symlink ---------------------------


def test_fix_through_a_symlinked_folder_pointing_outside_is_refused(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.py").write_bytes(CLIENT)
    (repo / "linkdir").symlink_to(outside)
    outcome = invoke(["fix", "linkdir/x.py"], repo)
    assert outcome.exit_code == 1
    assert "linkdir/x.py links to" in outcome.stderr and "outside this tree" in outcome.stderr
    assert (outside / "x.py").read_bytes() == CLIENT
    # a symlinked folder that stays inside the tree is fine
    (repo / "pkg").mkdir()
    (repo / "pkg" / "y.py").write_bytes(CLIENT)
    (repo / "alias").symlink_to("pkg")
    assert invoke(["fix", "alias/y.py"], repo).exit_code == 0
    assert MIGRATED in (repo / "pkg" / "y.py").read_bytes() and (repo / "alias").is_symlink()


def test_the_outside_check_uses_the_files_own_tree_not_the_cwd(tmp_path: Path) -> None:
    plain = tmp_path / "plain"  # no .git here: the file's own repository decides
    plain.mkdir()
    repo = plain / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    (plain / "other.py").write_bytes(CLIENT)
    (repo / "link.py").symlink_to("../other.py")
    outcome = invoke(["fix", "repo/link.py"], plain)
    assert outcome.exit_code == 1 and "outside this tree" in outcome.stderr
    assert (plain / "other.py").read_bytes() == CLIENT


# -- item 8: a save that lands between the read and the rename ----------------------------


def test_a_change_during_the_write_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from migrator import writer

    repo = _repo(tmp_path)
    target = repo / "race.py"
    target.write_bytes(CLIENT)
    saved = CLIENT + b"# the editor's save\n"
    real_fsync = os.fsync

    def save_meanwhile(fd: int) -> None:
        real_fsync(fd)
        if target.read_bytes() == CLIENT:  # once: as the temp file is flushed
            target.write_bytes(saved)

    monkeypatch.setattr(writer.os, "fsync", save_meanwhile)
    outcome = invoke(["fix", "race.py"], repo)
    assert outcome.exit_code == 1
    assert "race.py changed on disk during the run; not written" in outcome.stderr
    assert target.read_bytes() == saved
    assert not [p for p in repo.iterdir() if p.name.endswith(".mmtmp")]


def test_identity_is_checked_right_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same size, same bytes count: only the identity (mtime, ctime, inode) can tell."""
    from migrator import writer

    target = tmp_path / "same.py"
    target.write_bytes(CLIENT)
    replaced = CLIENT.replace(b"gpt-4o", b"gpt-4x")
    real_fchmod = os.fchmod

    def replace_meanwhile(fd: int, mode: int) -> None:
        real_fchmod(fd, mode)
        other = tmp_path / "other.tmp"
        other.write_bytes(replaced)
        os.replace(other, target)  # another program's atomic save: a new inode

    monkeypatch.setattr(writer.os, "fchmod", replace_meanwhile)
    with pytest.raises(writer.ChangedOnDisk):
        writer.write_atomic(target, b"new\n", CLIENT, tmp_path)
    assert target.read_bytes() == replaced


# -- item 10: exit codes of failed writes, each file once ---------------------------------


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders"
)
def test_write_into_a_read_only_folder_is_exit_1_with_the_name(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    locked = repo / "locked"
    locked.mkdir()
    (locked / "a.py").write_bytes(CLIENT)
    locked.chmod(0o555)
    try:
        outcome = _cli(repo, "fix", "locked/a.py")
    finally:
        locked.chmod(0o755)
    assert outcome.returncode == 1
    assert b"locked/a.py" in outcome.stderr and b"not written" in outcome.stderr


def test_failed_write_through_the_real_cli_is_exit_1(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "ro.py").write_bytes(CLIENT)
    (repo / "ro.py").chmod(0o444)
    outcome = _cli(repo, "fix", "ro.py")
    assert outcome.returncode == 1
    err = outcome.stderr.decode()
    assert "ro.py is read-only; not written" in err
    assert "1 file(s) could not be written: ro.py" in err
    # its findings are still to deal with: not "left for review 0"
    assert "left for review 0" not in " ".join(outcome.stdout.decode().split())


def test_each_file_is_reported_once_however_it_is_named(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "a.py").write_bytes(CLIENT)
    (repo / "sub").mkdir()
    (repo / "sub" / "b.py").write_bytes(CLIENT)
    (repo / "link.py").symlink_to("a.py")
    outcome = invoke(
        ["check", "--format", "json", ".", "./sub", str(repo / "a.py"), "link.py", "sub/b.py"],
        repo,
    )
    records = json.loads(outcome.stdout)
    keys = [(r["path"], r["line"], r["code"]) for r in records]
    assert len(keys) == len(set(keys)) == 4
    assert {r["path"] for r in records} == {"a.py", "sub/b.py"}


# -- item 12: memory, time, SIGTERM --------------------------------------------------------


def _python_of_size(size: int) -> bytes:
    parts = [CLIENT]
    index = 0
    while sum(map(len, parts)) < size:
        parts.append(
            b'def f%d(a):\n    r = client.chat.completions.create(model="gpt-4o-mini", '
            b'messages=[{"role": "user", "content": a}])\n    return r.choices[0]\n\n' % index
        )
        index += 1
    return b"".join(parts)


def test_migration_work_grows_linearly_with_file_size() -> None:
    """Counted, not timed: Python function calls of one pass at 1x and 4x the size."""
    import cProfile
    import pstats

    from migrator.pipeline import migrate_python
    from migrator.settings import load_settings

    settings = load_settings(None)
    calls = []
    for size in (8_000, 32_000):
        data = _python_of_size(size)
        profile = cProfile.Profile()
        profile.enable()
        migrate_python(data, "x.py", settings)
        profile.disable()
        calls.append(pstats.Stats(profile).total_calls / len(data))  # type: ignore[attr-defined]
    assert calls[1] < 1.5 * calls[0], calls  # quadratic work would be 4x per byte


def test_a_file_over_the_memory_bound_is_reported_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from migrator import parallel

    if not Path("/proc/self/statm").exists():
        pytest.skip("the memory bound needs RLIMIT_AS and /proc")
    monkeypatch.setattr(parallel, "ISOLATE_BYTES", 10_000)
    monkeypatch.setattr(parallel, "MEMORY_PER_FILE", 8_000_000)  # far too little
    repo = _repo(tmp_path)
    (repo / "big.py").write_bytes(_python_of_size(60_000))
    (repo / "small.py").write_bytes(CLIENT)
    outcome = invoke(["check", "--format", "json", "--no-cache", "."], repo)
    records = json.loads(outcome.stdout)
    big = [r for r in records if r["path"] == "big.py"]
    assert [r["code"] for r in big] == ["MM902"] and "memory" in big[0]["message"], big[0][
        "message"
    ]
    assert any(r["path"] == "small.py" and r["code"] == "MM201" for r in records)
    # with room enough the same file migrates in its child process
    monkeypatch.setattr(parallel, "MEMORY_PER_FILE", 2_000_000_000)
    records = json.loads(invoke(["check", "--format", "json", "--no-cache", "."], repo).stdout)
    assert any(r["path"] == "big.py" and r["code"] == "MM201" for r in records)


def test_sigterm_ends_fix_of_a_large_file_promptly(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    data = _python_of_size(400_000)
    (repo / "big.py").write_bytes(data)
    process = subprocess.Popen(
        [sys.executable, "-m", "migrator", "fix", "--no-cache", "big.py"],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if not children.exists():
            time.sleep(5)  # no /proc: give the imports time
            break
        if children.read_text().strip():
            time.sleep(0.5)  # the child process is parsing (it takes far longer)
            break
        time.sleep(0.05)
    assert process.poll() is None, "fix finished before the signal: make the file larger"
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - sent < 10, "SIGTERM took too long to honour"
    assert process.returncode == 130, stderr.decode()
    assert (repo / "big.py").read_bytes() == data
    assert not [p for p in repo.iterdir() if p.name.endswith(".mmtmp")]


def test_fix_checks_written_files_in_the_workers_not_again_in_the_main_process(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18 item 12: `fix` parsed every written file once more, one after another, in
    the main process. The workers now check the bytes they hand over for writing."""
    import migrator.cli

    def no_second_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the main process parsed a written file again")

    monkeypatch.setattr(migrator.cli, "process_file", no_second_parse)
    (scratch / "app.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n"
        'reply = client.chat.completions.create(model="gpt-4o", messages=[], logprobs=True)\n'
    )
    outcome = invoke(["fix", "-j", "1", "."], scratch)
    assert outcome.exit_code == 1, outcome.stderr  # logprobs is left for review
    assert "MISTRAL_API_KEY" in (scratch / "app.py").read_text()
    assert "MM304" in outcome.stdout
