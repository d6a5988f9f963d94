"""Model ids defined in one module and sent by another (issue 12): the settings module's id
changes only where every reader sends it through a client that moves (fixtures/cross-module:
moves/, stays/, both/), and the cache keys a defining module by what its readers showed."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, ROOT, copy_tree, golden, invoke

from migrator.crossmodule import ModelRead, ProjectModules, facts_digest, link

APP = FIXTURES / "cross-module"


def findings(outcome_stdout: str) -> str:
    return "".join(
        f"{r['path']}:{r['line']}:{r['column']} {r['code']} {r['message']}\n"
        for r in json.loads(outcome_stdout)
    )


def test_cross_module_diff_is_the_reviewed_one() -> None:
    outcome = invoke(["diff", "fixtures/cross-module"], ROOT)
    assert outcome.exit_code == 1
    golden(FIXTURES / "cross-module.diff", outcome.stdout)


def test_cross_module_findings_are_the_reviewed_ones() -> None:
    outcome = invoke(
        ["check", "--format", "json", "--fail-on", "info", "fixtures/cross-module"], ROOT
    )
    golden(FIXTURES / "cross-module.findings.txt", findings(outcome.stdout))


def test_ids_change_in_the_defining_module_only_where_every_reader_moves(tmp_path: Path) -> None:
    copy_tree(APP, tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    invoke(["fix", "."], tmp_path)
    moves = (tmp_path / "moves" / "settings.py").read_text()
    assert '"mistral-small-latest"' in moves and '"mistral-large-latest"' in moves
    assert '"gpt-4-turbo"' in moves  # read by nothing: stays
    assert '"mistral-embed"' in (tmp_path / "moves" / "config.py").read_text()
    # a client that stays reads it: untouched
    assert (tmp_path / "stays" / "settings.py").read_text() == 'CHAT_MODEL = "gpt-4o-mini"\n'
    both = (tmp_path / "both" / "models.py").read_text()
    assert 'SHARED_MODEL = "gpt-4o"' in both  # the gateway also reads it
    assert "mistral-small-latest" in both  # only the moving client reads this one
    # the readers' own lines are not touched by the ids' move
    chat = (tmp_path / "moves" / "chat.py").read_text()
    assert 'model=settings.SUMMARY["model"]' in chat
    for path in tmp_path.rglob("*.py"):
        compile(path.read_bytes(), str(path), "exec")


def test_a_defining_module_alone_keeps_its_ids() -> None:
    """Without its readers in the run nothing shows where the ids go (MM212)."""
    outcome = invoke(["check", "--format", "json", "fixtures/cross-module/moves/settings.py"], ROOT)
    codes = [r["code"] for r in json.loads(outcome.stdout)]
    assert codes and set(codes) == {"MM212"}


def test_warm_run_follows_a_reader_that_changed(scratch: Path) -> None:
    """A defining module's cached result is keyed by its readers' verdicts: when a reader's
    client stops moving, the warm run must not reuse the rewrite."""
    (scratch / "settings.py").write_text('MODEL = "gpt-4o"\n')
    reader = scratch / "app.py"
    reader.write_text(
        "import settings\nfrom openai import OpenAI\n\nclient = OpenAI()\n"
        "client.chat.completions.create(model=settings.MODEL, messages=[])\n"
    )

    def codes() -> list[str]:
        outcome = invoke(["check", "--format", "json", "-j", "1", "."], scratch)
        return [r["code"] for r in json.loads(outcome.stdout) if r["path"] == "settings.py"]

    assert codes() == ["MM201"]
    assert codes() == ["MM201"]  # warm
    reader.write_text(reader.read_text().replace("OpenAI()", 'OpenAI(base_url="http://h:1/v1")'))
    assert codes() == ["MM213"]
    assert codes() == ["MM213"]  # warm


def test_resolution_prefers_the_nearest_module_and_refuses_ambiguity(tmp_path: Path) -> None:
    files = [
        tmp_path / "a" / "settings.py",
        tmp_path / "b" / "settings.py",
        tmp_path / "b" / "app.py",
        tmp_path / "c" / "deep" / "app.py",
        tmp_path / "pkg" / "__init__.py",
        tmp_path / "pkg" / "config.py",
        tmp_path / "pkg" / "sub" / "use.py",
    ]
    modules = ProjectModules(files)

    def read(level: int, dotted: str, key: str = "") -> ModelRead:
        return ModelRead(level, dotted, key, "mistral", "")

    near = modules.resolve(files[2], read(0, "settings.MODEL"))
    assert near == (files[1].resolve(), ("MODEL", False, ""))
    # two settings.py, neither near the reader: not followed
    assert modules.resolve(files[3], read(0, "settings.MODEL")) is None
    # `from ..config import cfg` then `cfg.model`: an attribute of an object defined there
    assert modules.resolve(files[6], read(2, "config.cfg.model")) == (
        files[5].resolve(),
        ("model", True, ""),
    )
    # `from .. import NAME` names a name of the package's __init__.py
    assert modules.resolve(files[6], read(2, "NAME", "model")) == (
        files[4].resolve(),
        ("NAME", False, "model"),
    )
    assert modules.resolve(files[2], read(0, "os.environ")) is None


def test_a_read_that_stays_wins_over_one_that_moves(tmp_path: Path) -> None:
    settings, one, two = tmp_path / "settings.py", tmp_path / "one.py", tmp_path / "two.py"
    modules = ProjectModules([settings, one, two])
    facts = link(
        [
            (one, "one.py", [ModelRead(0, "settings.MODEL", "", "mistral", "")]),
            (two, "two.py", [ModelRead(0, "settings.MODEL", "", "stays", "the client `x` ...")]),
        ],
        modules,
    )
    assert facts == {
        settings.resolve(): {("MODEL", False, ""): ("stays", "the client `x` ... (read in two.py)")}
    }
    assert facts_digest(facts[settings.resolve()]) != facts_digest(
        {("MODEL", False, ""): ("mistral", "")}
    )


def test_imported_facts_give_the_same_result_sliced_or_whole() -> None:
    from migrator.pipeline import migrate_python
    from migrator.settings import load_settings

    settings = load_settings(start=ROOT)
    given = {
        ("CHAT_MODEL", False, ""): ("mistral", ""),
        ("ESCALATION_MODEL", False, ""): ("stays", "the client `x` points at y"),
        ("SUMMARY", False, "model"): ("mistral", ""),
    }
    data = (APP / "moves" / "settings.py").read_bytes()
    sliced = migrate_python(data, "settings.py", settings, "always", facts=given)  # type: ignore[arg-type]
    whole = migrate_python(data, "settings.py", settings, "never", facts=given)  # type: ignore[arg-type]
    assert sliced.new == whole.new and sliced.new is not None
    assert [f.code for f in sliced.findings] == [f.code for f in whole.findings]
    assert [f.code for f in whole.findings] == ["MM201", "MM213", "MM201", "MM205", "MM212"]
