"""The framework table: shipped entries load, a project adds or replaces one from
[tool.mistral-migrate.frameworks], and a malformed entry is a one-line config error."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import invoke

from migrator.catalog import load_catalog
from migrator.frameworks import FrameworkError, load_frameworks


def test_shipped_table_loads_with_known_codes() -> None:
    catalog = load_catalog()
    table = load_frameworks(catalog.frameworks, codes=set(catalog.rules))
    chat = table.of({"langchain_openai.ChatOpenAI"})
    assert chat is not None and chat.keyword_role("openai_api_base") == "base_url"
    assert table.of({"litellm.completion"}).model_prefix == "mistral/"  # type: ignore[union-attr]
    assert table.of({"langchain_mistralai.ChatMistralAI"}) is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('classes = ["a.B"]\nkind = "magic"', "kind must be one of"),
        (
            'classes = ["a.B"]\nmodels = ["m"]',
            "unknown key tool.mistral-migrate.frameworks.acme.models",
        ),
        ('kind = "client"', "frameworks.acme.classes is required"),
        ('classes = ["a.B"]\nadd_missing = "yes"', "add_missing must be a bool"),
        (
            'classes = ["a.B"]\n[tool.mistral-migrate.frameworks.acme.review.x]\ncode = "MM999"',
            "unknown rule code 'MM999'",
        ),
        (
            'classes = ["a.B"]\n[tool.mistral-migrate.frameworks.acme.require.x]\nvalue = true\nfixx = true',
            "unknown key",
        ),
    ],
)
def test_bad_framework_config_is_exit_2(scratch: Path, entry: str, message: str) -> None:
    (scratch / "pyproject.toml").write_text(
        f"[project]\nname = 'x'\n\n[tool.mistral-migrate.frameworks.acme]\n{entry}\n",
        encoding="utf-8",
    )
    (scratch / "app.py").write_text("import openai\n", encoding="utf-8")
    outcome = invoke(["check", "app.py"], scratch)
    assert outcome.exit_code == 2
    assert message in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_project_entry_replaces_a_shipped_one(scratch: Path) -> None:
    (scratch / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.mistral-migrate.frameworks.litellm]\n"
        'classes = ["litellm.completion"]\nkind = "function"\nmodel = ["model"]\nmodel_prefix = "mistral/"\n',
        encoding="utf-8",
    )
    (scratch / "app.py").write_text(
        'import litellm\n\nlitellm.completion(model="gpt-4o", messages=[])\nlitellm.embedding(model="gpt-4o", input=[])\n',
        encoding="utf-8",
    )
    invoke(["fix", "app.py"], scratch)
    text = (scratch / "app.py").read_text(encoding="utf-8")
    assert 'model="mistral/" + os.environ.get("MISTRAL_LARGE_MODEL"' in text
    # embedding is no longer in the (replaced) entry: nothing shows its id reaches Mistral
    assert 'litellm.embedding(model="gpt-4o", input=[])' in text


def test_framework_error_names_the_entry() -> None:
    with pytest.raises(FrameworkError, match=r"frameworks\.x\.model_position must be a int"):
        load_frameworks({"frameworks": {"x": {"classes": ["a.B"], "model_position": "0"}}})
