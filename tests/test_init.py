"""`mistral-migrate init`: only its own section is added, and a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

from conftest import invoke

from migrator.settings import load_settings

PYPROJECT = (
    "# The assistant.\r\n"
    "[project]\r\n"
    'name = "assistant"  # keep this comment\r\n'
    "\r\n"
    "[tool.ruff]\r\n"
    "line-length = 100\r\n"
    "\r\n"
    "[tool.pytest.ini_options]\r\n"
    'addopts = "-q"  # no final newline'
)


def test_init_adds_only_its_section_and_is_idempotent(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(PYPROJECT.encode())
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n"
        'client.chat.completions.create(model="gpt-4o-mini", messages=[])\n'
    )
    outcome = invoke(["init"], tmp_path)
    assert outcome.exit_code == 0
    text = (tmp_path / "pyproject.toml").read_bytes().decode()
    assert text.startswith(PYPROJECT + "\r\n\r\n[tool.mistral-migrate]\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert load_settings(tmp_path / "pyproject.toml").preset == "mistral"
    env = (tmp_path / ".env.example").read_text()
    assert env == (
        "MISTRAL_API_KEY=\nMISTRAL_BASE_URL=https://api.mistral.ai/v1\n"
        "MISTRAL_SMALL_MODEL=mistral-small-latest\n"
    )
    snapshot = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert invoke(["init"], tmp_path).exit_code == 0
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == snapshot


def test_init_keeps_an_existing_section_unless_forced(tmp_path: Path) -> None:
    original = '[tool.mistral-migrate]\npreset = "openai"\n\n[tool.black]\nline-length = 88\n'
    (tmp_path / "pyproject.toml").write_text(original)
    outcome = invoke(["init"], tmp_path)
    assert outcome.exit_code == 0 and "left as it is" in outcome.stdout
    assert (tmp_path / "pyproject.toml").read_text() == original
    invoke(["init", "--force"], tmp_path)
    forced = (tmp_path / "pyproject.toml").read_text()
    assert 'preset = "openai"' not in forced and "[tool.black]\nline-length = 88\n" in forced
    assert forced.count("[tool.mistral-migrate]") == 1
    invoke(["init", "--force"], tmp_path)
    assert (tmp_path / "pyproject.toml").read_text() == forced


def test_init_creates_pyproject_and_lists_no_model_when_none_is_read(tmp_path: Path) -> None:
    assert invoke(["init"], tmp_path).exit_code == 0
    assert (tmp_path / "pyproject.toml").read_text().startswith("[tool.mistral-migrate]\n")
    env = (tmp_path / ".env.example").read_text()
    assert env == "MISTRAL_API_KEY=\nMISTRAL_BASE_URL=https://api.mistral.ai/v1\n"


def test_init_does_not_duplicate_variables_fix_would_rename(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / ".env.example").write_text("OPENAI_API_KEY=\nOPENAI_MODEL=gpt-4o\n")
    invoke(["init"], tmp_path)
    assert (tmp_path / ".env.example").read_text() == (
        "OPENAI_API_KEY=\nOPENAI_MODEL=gpt-4o\nMISTRAL_BASE_URL=https://api.mistral.ai/v1\n"
    )
    invoke(["fix", "."], tmp_path)
    names = [line.split("=")[0] for line in (tmp_path / ".env.example").read_text().splitlines()]
    assert sorted(names) == ["MISTRAL_API_KEY", "MISTRAL_BASE_URL", "MISTRAL_MODEL"]


def test_init_lists_the_variables_javascript_code_will_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "route.ts").write_text(
        'import OpenAI from "openai";\n'
        "const client = new OpenAI();\n"
        'export const ask = () => client.chat.completions.create({ model: "gpt-4o-mini", messages: [] });\n'
    )
    assert invoke(["init"], tmp_path).exit_code == 0
    assert (tmp_path / ".env.example").read_text() == (
        "MISTRAL_API_KEY=\nMISTRAL_BASE_URL=https://api.mistral.ai/v1\nMISTRAL_SMALL_MODEL=mistral-small-latest\n"
    )
