"""The language-neutral verdicts behind issue 12's classes 2, 3, 5 and 7 (decisions/):
each takes plain facts, so each is checked here with plain facts; the golden fixtures
check the front ends that read those facts from syntax."""

from __future__ import annotations

import pytest

from migrator.decisions.baseurl import appends_api_path, replacement
from migrator.decisions.envvars import default_for_read, judge_kept_read
from migrator.decisions.file_kinds import file_role, is_prose, json_top_level_is_list

MISTRAL = "https://api.mistral.ai/v1"


@pytest.mark.parametrize(
    ("path", "is_json", "role"),
    [
        ("tests/test_client.py", False, "test"),
        ("src/app/test_utils.py", False, "test"),
        ("conftest.py", False, "test"),
        ("pkg/client_test.py", False, "test"),
        ("web/src/chat.spec.ts", False, "test"),
        ("web/__mocks__/openai.ts", False, "test"),
        ("tests/fixtures/settings.yaml", False, "test"),
        ("results/run.json", True, "record"),
        ("eval_results.json", True, "record"),
        ("benchmarks/gpt4o/summary.json", True, "record"),
        ("docs/quickstart.py", False, "docs"),
        # must not fire: code and configuration are requests
        ("app/main.py", False, "request"),
        ("fixtures/sample-app/helpdesk/client.py", False, "request"),
        ("examples/chat.py", False, "request"),
        ("config/app.json", True, "request"),
        ("settings.json", True, "request"),
        ("results/settings.yaml", False, "request"),  # only JSON is recorded data
        ("contest.py", False, "request"),
        ("latest.py", False, "request"),
    ],
)
def test_file_role(path: str, is_json: bool, role: str) -> None:
    assert file_role(path, is_json) == role


def test_a_json_list_is_records_wherever_it_lives() -> None:
    assert json_top_level_is_list('\n  [{"model": "gpt-4o"}]')
    assert file_role("app/models.json", True, top_level_list=True) == "record"
    assert not json_top_level_is_list('{"model": "gpt-4o"}')


def is_id(word: str) -> bool:
    return word.startswith("gpt-")


@pytest.mark.parametrize(
    ("text", "prose"),
    [
        ("Use gpt-4o for hard questions", True),
        ("You are a helpful assistant running on gpt-4o.", True),
        ("gpt-4o, gpt-4o-mini", False),
        ("${MODEL:-gpt-4o} fallback for chat", False),
        ("Uses gpt-4o", False),
    ],
)
def test_prose(text: str, prose: bool) -> None:
    assert is_prose(text, is_id) is prose


@pytest.mark.parametrize(
    ("original", "url", "reads"),
    [
        ("https://api.openai.com/v1", MISTRAL, True),
        ("https://api.openai.com/v1/", MISTRAL, True),
        ("https://api.openai.com", "https://api.mistral.ai", False),
        ("https://api.openai.com/", "https://api.mistral.ai/", False),
    ],
)
def test_replacement_keeps_depth(original: str, url: str, reads: bool) -> None:
    verdict = replacement(original, MISTRAL)
    assert (verdict.url, verdict.reads_variable) == (url, reads)


def test_appends_api_path() -> None:
    assert appends_api_path("/v1/chat/completions", MISTRAL)
    assert appends_api_path("v1/embeddings", MISTRAL)
    assert not appends_api_path("/chat/completions", MISTRAL)
    assert not appends_api_path("/v10/x", MISTRAL)


def test_default_only_for_a_value() -> None:
    facts = {"renamed": True, "base_url_variable": True, "has_default": False}
    assert default_for_read(**facts, has_fallback=False, tested=False)
    assert not default_for_read(**facts, has_fallback=False, tested=True)
    assert not default_for_read(**facts, has_fallback=True, tested=False)


def test_kept_read() -> None:
    assert judge_kept_read("OPENAI_API_KEY", "MISTRAL_API_KEY", (), ()).rename
    kept = judge_kept_read("OPENAI_API_KEY", "MISTRAL_API_KEY", {14}, ())
    assert not kept.rename and kept.code == "MM110" and "line 14" in kept.fields["how"]
    fed = judge_kept_read("OPENAI_API_KEY", "MISTRAL_API_KEY", (), {8})
    assert "client left on OpenAI (line 8)" in fed.fields["how"]
