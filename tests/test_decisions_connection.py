"""The language-neutral verdicts on connections and model ids (migrator/decisions/), from
plain facts: the same answers any front end gets."""

from __future__ import annotations

import pytest

from migrator.decisions.connection import ConnectionFacts, judge_connection
from migrator.decisions.model_ids import judge_model_id, merge


@pytest.mark.parametrize("base", ["absent", "openai", "mistral"])
def test_a_client_aimed_at_openai_or_mistral_moves(base: str) -> None:
    assert judge_connection(ConnectionFacts(kind="client", base=base)).moves  # type: ignore[arg-type]


def test_a_client_elsewhere_stays_without_a_code_of_its_own() -> None:
    verdict = judge_connection(
        ConnectionFacts(
            kind="client", base="elsewhere", shown="http://localhost:1/v1", where="on line 3"
        )
    )
    assert not verdict.moves and verdict.code is None and not verdict.unknown
    assert verdict.reason == "the client on line 3 points at http://localhost:1/v1"


def test_a_bound_client_stays_with_mm122() -> None:
    verdict = judge_connection(
        ConnectionFacts(kind="client", bound_by=("provider", "a cloud provider"))
    )
    assert (verdict.moves, verdict.code, verdict.fields) == (
        False,
        "MM122",
        {"binding": "a cloud provider"},
    )
    mtls = judge_connection(ConnectionFacts(kind="client", base="bound", shown="the mTLS host"))
    assert (mtls.moves, mtls.code) == (False, "MM122")


def test_a_client_that_only_calls_absent_apis_stays_and_one_mixed_moves() -> None:
    only = judge_connection(
        ConnectionFacts(kind="client", apis=(("videos", "absent"), ("realtime", "absent")))
    )
    assert (only.moves, only.code, only.fields) == (False, "MM123", {"apis": "realtime, videos"})
    mixed = ConnectionFacts(
        kind="client", apis=(("videos", "absent"), ("chat.completions", "compatible"))
    )
    assert judge_connection(mixed).moves


def test_a_client_that_only_calls_the_undocumented_responses_api_stays() -> None:
    only = judge_connection(ConnectionFacts(kind="client", apis=(("responses", "unverified"),)))
    assert (only.moves, only.code, only.fields) == (False, "MM123", {"apis": "responses"})
    assert "does not document" in only.reason
    partial = judge_connection(ConnectionFacts(kind="client", apis=(("audio.speech", "partial"),)))
    assert partial.moves
    mixed = judge_connection(
        ConnectionFacts(
            kind="client", apis=(("responses", "unverified"), ("embeddings", "compatible"))
        )
    )
    assert mixed.moves


def test_unknown_base_and_unconfigured_module_are_unknown_not_elsewhere() -> None:
    unknown = judge_connection(ConnectionFacts(kind="client", base="unknown", shown="cfg.url"))
    assert (unknown.moves, unknown.unknown) == (False, True)
    module = judge_connection(ConnectionFacts(kind="module"))
    assert (module.moves, module.unknown) == (False, True)
    assert judge_connection(ConnectionFacts(kind="module", module_configured=True)).moves


def test_azure_stays() -> None:
    verdict = judge_connection(ConnectionFacts(kind="azure", where="on line 5"))
    assert not verdict.moves and "Azure" in verdict.reason


def test_model_id_verdicts_by_destination_and_mode() -> None:
    assert judge_model_id("mistral", "").rewrite
    unknown = judge_model_id("unknown", "no reader")
    assert (unknown.rewrite, unknown.code, unknown.reason) == (False, "MM212", "no reader")
    assert judge_model_id("unknown", "no reader", "all").rewrite
    for mode in ("proven", "all"):
        stays = judge_model_id("stays", "the client on line 3 points at X", mode)  # type: ignore[arg-type]
        assert (stays.rewrite, stays.code) == (False, "MM213")


def test_an_id_sent_to_two_clients_moves_only_if_both_do() -> None:
    assert merge(("mistral", ""), ("stays", "local")) == ("stays", "local")
    assert merge(("unknown", "u"), ("mistral", "")) == ("unknown", "u")
    assert merge(("mistral", ""), ("mistral", "")) == ("mistral", "")
