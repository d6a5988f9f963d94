"""The cache (hits, invalidation, corruption) and jobs-independent output."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

import migrator
import migrator.pipeline
from migrator.cache import fingerprint, project_folder
from migrator.settings import load_settings
from tests.conftest import invoke

# the model constant is read by a call on the client, so the id is shown to reach Mistral
CLIENT = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'MODEL = "gpt-4o"\nreply = client.chat.completions.create(model=MODEL)\n'
)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every file the pipeline parses (in-process runs only)."""
    seen: list[str] = []
    real = migrator.pipeline.migrate_python

    def counting(data: bytes, display: str, settings):  # type: ignore[no-untyped-def]
        seen.append(display)
        return real(data, display, settings)

    monkeypatch.setattr(migrator.pipeline, "migrate_python", counting)
    return seen


def project(root: Path, files: int = 3) -> Path:
    for index in range(files):
        (root / f"m{index}.py").write_text(
            CLIENT.replace("gpt-4o", f"gpt-4o{'-mini' * (index % 2)}")
        )
    (root / "plain.py").write_text("print('hello')\n")
    return root


def check_json(root: Path, *extra: str) -> list[dict[str, object]]:
    outcome = invoke(["check", "--format", "json", "-j", "1", *extra, "."], root)
    assert outcome.exit_code in (0, 1), outcome.stderr
    return json.loads(outcome.stdout)


def test_warm_run_parses_nothing_and_reports_the_same(scratch: Path, parses: list[str]) -> None:
    project(scratch)
    cold = check_json(scratch)
    assert sorted(parses) == ["m0.py", "m1.py", "m2.py"]  # plain.py fails the prefilter
    parses.clear()
    assert check_json(scratch) == cold
    assert parses == []
    assert project_folder(scratch).is_dir() and not list(scratch.glob(".mistral*"))


def test_warm_diff_and_fix_use_cached_rewrites(scratch: Path, parses: list[str]) -> None:
    project(scratch, 1)
    cold = invoke(["diff", "-j", "1", "."], scratch)
    parses.clear()
    warm = invoke(["diff", "-j", "1", "."], scratch)
    assert parses == [] and warm.stdout == cold.stdout and warm.exit_code == 1
    assert invoke(["fix", "-j", "1", "."], scratch).exit_code in (0, 1)
    assert 'os.environ.get("MISTRAL_LARGE_MODEL"' in (scratch / "m0.py").read_text()


def test_no_cache_neither_reads_nor_writes(scratch: Path, parses: list[str]) -> None:
    project(scratch, 1)
    check_json(scratch, "--no-cache")
    assert not project_folder(scratch).exists()
    check_json(scratch)
    parses.clear()
    check_json(scratch, "--no-cache")
    assert parses == ["m0.py"]


def test_content_change_invalidates(scratch: Path, parses: list[str]) -> None:
    project(scratch)
    check_json(scratch)
    parses.clear()
    (scratch / "m1.py").write_text(CLIENT.replace("gpt-4o", "gpt-4.1"))
    findings = check_json(scratch)
    assert parses == ["m1.py"]
    assert any("gpt-4.1" in str(f["message"]) for f in findings)


def test_config_change_invalidates(scratch: Path, parses: list[str]) -> None:
    project(scratch)
    check_json(scratch)
    parses.clear()
    (scratch / "pyproject.toml").write_text(
        '[tool.mistral-migrate.models]\n"gpt-4o" = "mistral-medium-latest"\n'
    )
    findings = check_json(scratch)
    assert sorted(parses) == ["m0.py", "m1.py", "m2.py"]
    assert any("mistral-medium-latest" in str(f["message"]) for f in findings)
    parses.clear()
    check_json(scratch, "--select", "MM201")  # a command-line override is config too
    assert len(parses) == 3


def test_tool_version_change_invalidates(
    scratch: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project(scratch)
    check_json(scratch)
    parses.clear()
    monkeypatch.setattr(migrator, "__version__", "999.0.0")
    check_json(scratch)
    assert len(parses) == 3


def test_corrupt_entries_are_ignored(scratch: Path, parses: list[str]) -> None:
    project(scratch)
    cold = check_json(scratch)
    entries = [
        p for p in project_folder(scratch).rglob("*") if p.is_file() and p.name != "unaffected.json"
    ]
    assert len(entries) == 3
    entries[0].write_bytes(b"\x00not json")
    entries[1].write_text('{"new": null}')
    entries[2].write_text(
        '{"new": "%%%", "findings": [], "rewrites": {}, "env_vars": [], "secrets": []}'
    )
    parses.clear()
    assert check_json(scratch) == cold
    assert len(parses) == 3
    parses.clear()
    assert check_json(scratch) == cold and parses == []  # rewritten by the re-parse


def test_unwritable_cache_does_not_stop_the_run(scratch: Path) -> None:
    project(scratch, 1)
    project_folder(scratch).parent.mkdir(parents=True, exist_ok=True)
    project_folder(scratch).write_text("a file where the folder should be")
    assert check_json(scratch)


def test_settings_pickle_and_fingerprint_is_stable(scratch: Path) -> None:
    (scratch / "pyproject.toml").write_text(
        '[tool.mistral-migrate]\nignore = ["MM205"]\n[tool.mistral-migrate.per-file-ignores]\n'
        '"tests/**" = ["MM201"]\n'
    )
    settings = load_settings(start=scratch)
    clone = pickle.loads(pickle.dumps(settings))
    assert fingerprint(clone) == fingerprint(settings) == fingerprint(load_settings(start=scratch))


def test_output_is_the_same_whatever_the_jobs(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import migrator.parallel

    pooled: list[bool] = []
    real = migrator.parallel.use_pool
    monkeypatch.setattr(
        migrator.parallel, "use_pool", lambda *a: pooled.append(real(*a)) or pooled[-1]
    )
    for index in range(40):
        folder = scratch / f"pkg{index % 3}"
        folder.mkdir(exist_ok=True)
        body = CLIENT.replace("gpt-4o", ["gpt-4o", "gpt-4o-mini", "o3", "gpt-4.1"][index % 4])
        # big enough that the pool is used rather than the in-process path
        (folder / f"mod{index:02d}.py").write_text(
            body + "\n".join(f"x{i} = {i}" for i in range(800))
        )
    outputs = []
    for jobs in ("1", "2"):
        outcome = invoke(["check", "--format", "json", "--no-cache", "-j", jobs, "."], scratch)
        assert outcome.exit_code == 1
        outputs.append(outcome.stdout)
    assert pooled == [False, True]
    assert outputs[0] == outputs[1]
    paths = [f["path"] for f in json.loads(outputs[0])]
    assert paths == sorted(paths) and len(set(paths)) == 40


def test_warm_run_does_not_read_unaffected_files(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(scratch, 1)
    plain = scratch / "plain.py"
    plain.write_text("def add(a, b):\n    return a + b\n")
    check_json(scratch)
    import migrator.pipeline as pipeline

    reads: list[str] = []
    real = pipeline.read_file

    def counting(path, display, settings):  # type: ignore[no-untyped-def]
        reads.append(display)
        return real(path, display, settings)

    monkeypatch.setattr(pipeline, "read_file", counting)
    warm = check_json(scratch)
    assert "plain.py" not in reads
    # an edit (new size and mtime) makes it read again, and its new content counts
    plain.write_text('MODEL = "gpt-4o"\n')
    again = check_json(scratch)
    assert "plain.py" in reads
    assert [r["code"] for r in again if r["path"] == "plain.py"] == ["MM212"]
    assert [r for r in warm if r["path"] == "plain.py"] == []
