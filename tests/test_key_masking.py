"""No key of any shape is printed: not by shape alone (`sk-...`), but by place too.

Issue 18 planted Mistral-style keys (32 letters and digits, no prefix) in .env, TOML, YAML
and JSON values, a JS `Bearer` header, the source line of an unparsable file, URL userinfo
and `explain`'s argument; 7 of 11 leaked. Each place is planted here with two keys: one of
the Mistral shape (caught by shape and by place) and one of no known shape (caught only by
place), and every command and format is searched for either key, whole or in part.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import invoke

from migrator.secrets import is_placeholder, is_real_key, redact

MISTRAL_SHAPED = "Zq8Lw3Nv6Tb1Xc9Rm4Ks7Hd2Io0PaYe5"
NO_SHAPE = "q7wm2xr9lp4tz8vn3bc6hk"  # lower case only: no shape rule catches it


def plant(root: Path, key: str) -> None:
    (root / ".env").write_text(
        f"MISTRAL_API_KEY={key}\nOPENAI_BASE_URL=https://api.openai.com/v1\n"
    )
    (root / "settings.toml").write_text(f'[llm]\nmodel = "gpt-4o"\napi_key = "{key}"\n')
    (root / "config.yaml").write_text(f"openai:\n  model: gpt-4o\n  api_key: {key}\n")
    (root / "config.json").write_text(f'{{"model": "gpt-4o", "apiKey": "{key}"}}\n')
    (root / "web.js").write_text(
        'export const r = fetch("https://api.openai.com/v1/models", '
        f'{{ headers: {{ Authorization: "Bearer {key}" }} }});\n'
        'export const model = "gpt-4o";\n'
    )
    (root / "broken.py").write_text(f'from openai import OpenAI\napi_key = "{key}" +\n')
    (root / "app.py").write_text(
        "from openai import OpenAI\n\n"
        f'client = OpenAI(api_key="{key}")\n'
        f'proxied = OpenAI(base_url="https://user:{key}@api.openai.com/v1")\n'
        f'HEADERS = {{"x-api-key": "{key}"}}  # token: {key}\n'
        'reply = client.chat.completions.create(model="gpt-4o", messages=[], logprobs=True)\n'
    )


def leaked(text: str, key: str) -> bool:
    return key in text or key[4:-4] in text


@pytest.fixture(params=[MISTRAL_SHAPED, NO_SHAPE], ids=["mistral-shape", "no-shape"])
def planted(request: pytest.FixtureRequest, scratch: Path) -> tuple[Path, str]:
    plant(scratch, request.param)
    return scratch, request.param


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_check_masks_keys_by_place_in_every_format(
    planted: tuple[Path, str], output_format: str
) -> None:
    root, key = planted
    out = invoke(["check", "--format", output_format, "--fail-on", "info", "."], root)
    assert out.stdout.strip(), "the run reported nothing: the test would prove nothing"
    assert not leaked(out.stdout + out.stderr, key)


def test_diff_and_fix_mask_keys_by_place(planted: tuple[Path, str]) -> None:
    root, key = planted
    diff = invoke(["diff", "."], root)
    assert diff.stdout.strip()
    assert not leaked(diff.stdout + diff.stderr, key)
    fixed = invoke(["fix", "."], root)
    assert not leaked(fixed.stdout + fixed.stderr, key)


def test_explain_does_not_echo_a_key(scratch: Path) -> None:
    out = invoke(["explain", MISTRAL_SHAPED], scratch)
    assert out.exit_code == 2
    assert not leaked(out.stdout + out.stderr, MISTRAL_SHAPED)
    assert "MM9" in invoke(["explain", "MM9"], scratch).stderr  # a code-shaped typo is echoed


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        (f"MISTRAL_API_KEY={NO_SHAPE}", NO_SHAPE),
        (f'api_key = "{NO_SHAPE}"', NO_SHAPE),
        (f'"apiKey": "{NO_SHAPE}"', NO_SHAPE),
        (f"api_key: {NO_SHAPE}", NO_SHAPE),
        (f"Authorization: Bearer {NO_SHAPE}", NO_SHAPE),
        (f"https://u:{NO_SHAPE}@api.openai.com/v1", NO_SHAPE),
        ("https://u:hunter2@api.openai.com/v1", "hunter2"),
        (f"x-api-key: {NO_SHAPE}", NO_SHAPE),
        (f"the key {MISTRAL_SHAPED} in prose", MISTRAL_SHAPED),
    ],
)
def test_redact_masks_by_place_and_shape(text: str, hidden: str) -> None:
    assert hidden not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        'api_key=os.environ["MISTRAL_API_KEY"]',
        "api_key=settings.openai_api_key",
        "desk-reservation-system-frontend",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        'model = "gpt-4o-mini-2024-07-18"',
        "https://api.openai.com/v1",
    ],
)
def test_redact_leaves_names_references_and_hashes_readable(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    "value",
    [
        "...",
        "ADD YOUR KEY HERE",
        "ollama",
        "test-api-key",
        "fake-key",
        "sk-...",
        "<your-key>",
        "sk-xxxxxxxxxxxxxxxxxxxxxxxx",
        "EMPTY",
        "lm-studio",
        "your-openai-api-key",
    ],
)
def test_placeholders_are_not_committed_keys(value: str) -> None:
    assert is_placeholder(value)
    assert not is_real_key(value)


@pytest.mark.parametrize(
    "value", ["sk-proj-Qx7Lm2Rk9Vb4Nc8Tz1Wy5Hd3", MISTRAL_SHAPED, "sk-abcdefghijklmnopqrstuvwx"]
)
def test_key_shaped_values_are_committed_keys(value: str) -> None:
    assert is_real_key(value)


@pytest.mark.parametrize("output_format", ["json", "sarif", "github", "concise"])
def test_a_key_quoted_inside_a_message_is_masked_before_encoding(
    scratch: Path, output_format: str
) -> None:
    """JSON escapes the quotes around a key a message quotes (`\\"K\\"`), which slipped past
    masking done on the encoded text (found by review)."""
    (scratch / "client.ts").write_text(
        'import OpenAI from "openai";\n'
        f'export const c = new OpenAI({{ apiKey: cfg.key || "{NO_SHAPE}" }});\n'
    )
    out = invoke(["check", "--output-format", output_format, "--fail-on", "info", "."], scratch)
    assert out.stdout.strip()
    assert not leaked(out.stdout + out.stderr, NO_SHAPE)


def test_a_key_given_as_a_variable_name_is_a_config_error(scratch: Path) -> None:
    (scratch / "pyproject.toml").write_text(
        f'[tool.mistral-migrate.env]\napi-key = "{MISTRAL_SHAPED}"\n'
    )
    (scratch / "app.py").write_text("from openai import OpenAI\n\nclient = OpenAI()\n")
    out = invoke(["fix", "."], scratch)
    assert out.exit_code == 2 and "looks like an API key" in out.stderr
    assert not leaked(out.stdout + out.stderr, MISTRAL_SHAPED)
    assert MISTRAL_SHAPED not in (scratch / "app.py").read_text()


def test_an_empty_value_does_not_mask_the_next_line() -> None:
    """`.env.example` with `OPENAI_API_KEY=` then `BRAVE_API_KEY=`: the next line's name
    was taken for the value (found by the ecosystem check; a saved patch then wrote it)."""
    text = "OPENAI_API_KEY=\nBRAVE_API_KEY=\nMISTRAL_API_KEY=\n"
    assert redact(text) == text
