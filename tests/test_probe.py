"""`mistral-migrate probe`: the plan, every verdict, retries, concurrency, key masking,
dry run, confirmation, exit codes and the rules-overlay round trip.

Every request goes to the local fake server of tests/fake_mistral.py (127.0.0.1, an
ephemeral port); nothing reaches the network.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, Outcome, invoke
from fake_mistral import KEY, FakeMistral, Server, card

from migrator.probe import transport as transport_module
from migrator.probe.command import ProbeRun
from migrator.probe.data import load_probe_data
from migrator.probe.session import line_map
from migrator.probe.transport import Response, Transport, retry_after
from migrator.settings import load_settings

HEAD = 'import os\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=os.environ["MISTRAL_API_KEY"], base_url=os.environ.get("MISTRAL_BASE_URL", "https://api.mistral.ai/v1"))\n'


@pytest.fixture
def fake() -> Iterator[FakeMistral]:
    with Server(FakeMistral()) as server:
        yield server


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, fake: FakeMistral) -> FakeMistral:
    monkeypatch.setenv("MISTRAL_API_KEY", KEY)
    monkeypatch.setenv("MISTRAL_BASE_URL", fake.url)
    for name in ("MISTRAL_SMALL_MODEL", "MISTRAL_LARGE_MODEL", "MISTRAL_EMBED_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(transport_module, "wait", lambda seconds: None)
    return fake


def project(root: Path, body: str, name: str = "app.py") -> Path:
    (root / name).write_text(HEAD + textwrap.dedent(body))
    return root


def probe(root: Path, *args: str) -> Outcome:
    outcome = invoke(["probe", *args], root)
    assert KEY not in outcome.stdout + outcome.stderr
    return outcome


def records(outcome: Outcome) -> list[dict]:
    return json.loads(outcome.stdout)


def requests_of(outcome: Outcome) -> list[dict]:
    return [r for r in records(outcome) if r["endpoint"] != "models"]


# -- the plan ---------------------------------------------------------------------------
def test_dry_run_of_the_sample_app_plans_what_the_migrated_code_sends(
    fake: FakeMistral, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    for name in ("MISTRAL_SMALL_MODEL", "MISTRAL_LARGE_MODEL", "MISTRAL_EMBED_MODEL"):
        monkeypatch.delenv(name, raising=False)
    app = FIXTURES / "sample-app"
    outcome = probe(app, "--dry-run", "--format", "json", "--base-url", fake.url, ".")
    assert outcome.exit_code == 0
    plan = [(r["endpoint"], r["model"], r["parameters"], r["status"]) for r in records(outcome)]
    # settings.py's chat ids are read by chat.py's client, which moves: rewritten there;
    # the embedding id is read by a client whose base URL is not followed (MM212 there):
    # the plan shows them as the migrated code would send them
    assert plan == [
        ("chat/completions", "mistral-large-latest", ["temperature"], "planned"),
        ("chat/completions", "mistral-small-latest", ["temperature"], "planned"),
        ("chat/completions", "mistral-small-latest", [], "planned"),
        ("embeddings", "text-embedding-3-small", [], "planned"),
    ]
    where = {r["model"] + str(r["parameters"]): r["locations"] for r in records(outcome)}
    assert where["mistral-small-latest[]"] == [
        {"path": "fixtures/sample-app/helpdesk/summarise.py", "line": 11}
    ]
    assert where["text-embedding-3-small[]"] == [
        {"path": "fixtures/sample-app/helpdesk/search.py", "line": 12}
    ]
    assert fake.requests == []  # a dry run sends nothing, not even GET /models
    # the file on disk is untouched: the plan is of the code as `fix` would leave it
    assert 'CHAT_MODEL = "gpt-4o-mini"' in (app / "helpdesk" / "settings.py").read_text()


def test_dry_run_text_lists_values_sources_and_what_is_not_probed(scratch: Path) -> None:
    project(
        scratch,
        """
        local = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")

        def ask(q, model=os.environ.get("MISTRAL_SMALL_MODEL", "mistral-small-latest"), **extra):
            client.chat.completions.create(model=model, messages=[], temperature=TEMPERATURE, extra_body={"random_seed": 7}, **extra)
            client.chat.completions.create(model=os.environ["CHAT_MODEL_UNSET"], messages=[])
            local.chat.completions.create(model="llama3", messages=[])

        TEMPERATURE = 0.4
        """,
    )
    outcome = probe(scratch, "--dry-run", "app.py")
    assert outcome.exit_code == 0, outcome.stderr
    text = outcome.stdout
    assert "model from: default of $MISTRAL_SMALL_MODEL" in text
    assert "parameters: random_seed=7, temperature=0.4" in text
    assert "parameters passed through **kwargs are not probed" in text
    assert "app.py:10: the model comes from $CHAT_MODEL_UNSET, which is not set" in text
    assert "app.py:11: the client sends to http://localhost:11434/v1, not to Mistral" in text


def test_a_set_variable_is_the_model_sent(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISTRAL_SMALL_MODEL", "ministral-8b-latest")
    project(
        scratch,
        """
        client.chat.completions.create(model=os.environ.get("MISTRAL_SMALL_MODEL", "mistral-small-latest"), messages=[])
        """,
    )
    planned = records(probe(scratch, "--dry-run", "--format", "json", "app.py"))
    assert [(r["model"], r["detail"]) for r in planned] == [
        ("ministral-8b-latest", "model from $MISTRAL_SMALL_MODEL")
    ]


def test_code_not_yet_migrated_is_planned_as_the_migration_leaves_it(scratch: Path) -> None:
    (scratch / "app.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n"
        'client.chat.completions.create(model="gpt-4o", messages=[], max_completion_tokens=50)\n'
    )
    planned = records(probe(scratch, "--dry-run", "--format", "json", "app.py"))
    assert [(r["model"], r["parameters"], r["locations"]) for r in planned] == [
        ("mistral-large-latest", [], [{"path": "app.py", "line": 4}])
    ]


def test_a_client_passed_in_counts_as_mistral_when_every_constructed_client_is(
    scratch: Path,
) -> None:
    project(
        scratch,
        """
        def ask(c: OpenAI):
            return c.embeddings.create(model="mistral-embed", input=["x"])
        """,
    )
    planned = records(probe(scratch, "--dry-run", "--format", "json", "app.py"))
    assert [(r["endpoint"], r["model"]) for r in planned] == [("embeddings", "mistral-embed")]


def test_line_map_points_rewritten_lines_at_the_original_block() -> None:
    before = "a\nb\nc\nd\n"
    after = "a\nimport os\nb\nC1\nC2\nd\n"
    back = line_map(before, after)
    assert [back(n) for n in range(1, 7)] == [1, 2, 2, 3, 3, 4]


# -- verdicts ---------------------------------------------------------------------------
VERDICT_APP = """
client.chat.completions.create(model="mistral-small-latest", messages=[], temperature=0.3)
client.chat.completions.create(model="mistral-small-latest", messages=[], user="u-1")
client.chat.completions.create(model="mistral-small-latest", messages=[], temperature=1.9)
client.chat.completions.create(model="mistral-tiny-gone", messages=[])
client.chat.completions.create(model="mistral-large-latest", messages=[], n=2)
client.chat.completions.create(model="mistral-large-latest", messages=[], logprobs=True)
client.chat.completions.create(model="mistral-large-latest", messages=[], response_format={"type": "json_object"})
client.embeddings.create(model="mistral-embed", input=["x"])
"""


def test_every_request_verdict_from_the_fake_server(scratch: Path, env: FakeMistral) -> None:
    project(scratch, VERDICT_APP)
    outcome = probe(scratch, "--yes", "--format", "json", "app.py")
    assert outcome.exit_code == 1
    got = {(r["model"], tuple(r["parameters"])): r for r in requests_of(outcome)}
    temperatures = sorted(
        (r["status"], r["detail"])
        for r in requests_of(outcome)
        if r["parameters"] == ["temperature"]
    )
    assert temperatures[0] == ("ok", "accepted")
    user = got[("mistral-small-latest", ("user",))]
    assert (user["status"], user["http_status"]) == ("rejected", 422)
    assert "user: extra_forbidden" in user["detail"]
    assert user["locations"] == [{"path": "app.py", "line": 7}]
    assert temperatures[1][0] == "rejected"
    assert "temperature: less_than_equal" in temperatures[1][1]
    gone = got[("mistral-tiny-gone", ())]
    assert gone["status"] == "unknown-model" and gone["http_status"] is None  # not sent
    n = got[("mistral-large-latest", ("n",))]
    assert n["status"] == "ignored" and "n=2 asked, 1 choice(s) returned" in n["detail"]
    assert got[("mistral-large-latest", ("logprobs",))]["status"] == "ignored"
    assert got[("mistral-large-latest", ("response_format",))]["status"] == "ok"
    assert got[("mistral-embed", ())]["status"] == "ok"
    sent_models = {body["model"] for method, _, body in env.requests if method == "POST" and body}
    assert "mistral-tiny-gone" not in sent_models
    bodies = [body for method, _, body in env.requests if method == "POST" and body]
    assert all(b.get("max_tokens", 1) <= 64 for b in bodies)
    assert all(len(json.dumps(b.get("messages", []))) < 200 for b in bodies)


def test_a_rejected_parameter_does_not_hide_an_ignored_one(scratch: Path, env: FakeMistral) -> None:
    project(
        scratch,
        """
        def answer(question, customer):
            return client.chat.completions.create(model="mistral-small-latest", messages=[], user=customer, n=2)
        """,
    )
    [record] = requests_of(probe(scratch, "--yes", "--format", "json", "app.py"))
    assert record["status"] == "rejected"
    assert "user: extra_forbidden" in record["detail"]
    assert "without user: n ignored: n=2 asked, 1 choice(s) returned" in record["detail"]
    posts = [body for method, _, body in env.requests if method == "POST"]
    assert [sorted(set(b) - {"model", "messages", "max_tokens"}) for b in posts] == [
        ["n", "user"],
        ["n"],
    ]
    assert posts[0]["user"] == "probe"  # a value that is not a literal: the stand-in


def test_unknown_model_from_a_400_when_the_list_has_it(scratch: Path, env: FakeMistral) -> None:
    env.cards.append(card("mistral-ghost", []))
    project(scratch, 'client.chat.completions.create(model="mistral-ghost", messages=[])\n')
    env.cards[-1]["aliases"] = []
    # the list says it exists, the request says it does not
    env.known = lambda model: model != "mistral-ghost" and FakeMistral.known(env, model)  # type: ignore[method-assign]
    [record] = requests_of(probe(scratch, "--yes", "--format", "json", "app.py"))
    assert (record["status"], record["http_status"]) == ("unknown-model", 400)


def test_tool_calls_without_an_id_are_ignored(scratch: Path, env: FakeMistral) -> None:
    env.tool_call_id = False
    project(
        scratch,
        "client.chat.completions.create(model='mistral-small-latest', messages=[], tools=make_tools())\n",
    )
    [record] = requests_of(probe(scratch, "--yes", "--format", "json", "app.py"))
    assert record["status"] == "ignored" and "no id" in record["detail"]
    env.tool_call_id = True
    [record] = requests_of(probe(scratch, "--yes", "--format", "json", "app.py"))
    assert record["status"] == "ok"


def test_model_checks_exist_deprecated_and_context_window(scratch: Path, env: FakeMistral) -> None:
    env.cards = [c for c in env.cards if c["id"] != "ministral-8b-2512"]
    for entry in env.cards:
        if entry["id"] == "voxtral-small-2507":
            entry["max_context_length"] = 16000  # the map says 32000
    project(scratch, 'client.chat.completions.create(model="devstral-latest", messages=[])\n')
    outcome = probe(scratch, "--yes", "--format", "json", "app.py")
    models = {r["model"]: r for r in records(outcome) if r["endpoint"] == "models"}
    assert models["ministral-8b-latest"]["status"] == "unknown-model"
    assert models["devstral-latest"]["status"] == "deprecated"
    assert "2026-05-22" in models["devstral-latest"]["detail"]
    assert models["devstral-latest"]["locations"] == [{"path": "app.py", "line": 5}]
    assert models["voxtral-small-latest"]["status"] == "context-differs"
    small = models["mistral-small-latest"]
    assert small["status"] == "ok" and "262144, the map says 256000" in small["detail"]
    assert outcome.exit_code == 1


def test_all_ok_exits_0_and_text_output(scratch: Path, env: FakeMistral) -> None:
    project(scratch, 'client.chat.completions.create(model="mistral-small-latest", messages=[])\n')
    outcome = probe(scratch, "--yes", "app.py")
    assert outcome.exit_code == 0, outcome.stdout
    assert "Summary: 10 ok." in outcome.stdout
    assert "sent by app.py:5" in outcome.stdout


def test_wrong_key_is_unauthorized_exit_2_and_nothing_else_is_sent(
    scratch: Path, env: FakeMistral, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "wrong-key-abcdefghijklmnopqrstuvwxyz"
    monkeypatch.setenv("MISTRAL_API_KEY", wrong)
    project(scratch, 'client.chat.completions.create(model="mistral-small-latest", messages=[])\n')
    outcome = probe(scratch, "--yes", "--format", "json", "app.py")
    assert outcome.exit_code == 2
    assert [r["status"] for r in records(outcome)] == ["unauthorized"]
    assert [method for method, _, _ in env.requests] == ["GET"]
    assert wrong not in outcome.stdout + outcome.stderr


def test_missing_key_is_a_clear_usage_error(
    scratch: Path, env: FakeMistral, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY")
    project(scratch, 'client.chat.completions.create(model="mistral-small-latest", messages=[])\n')
    outcome = probe(scratch, "--yes", "app.py")
    assert outcome.exit_code == 2
    assert "$MISTRAL_API_KEY is not set" in outcome.stderr
    assert env.requests == []


def test_unreachable_endpoint_is_an_error_exit_2(scratch: Path, env: FakeMistral) -> None:
    project(scratch, 'client.chat.completions.create(model="mistral-small-latest", messages=[])\n')
    outcome = probe(
        scratch, "--yes", "--format", "json", "--base-url", "http://127.0.0.1:9/v1", "app.py"
    )
    assert outcome.exit_code == 2
    [record] = records(outcome)
    assert record["status"] == "error" and "127.0.0.1:9" in record["detail"]


# -- 429 --------------------------------------------------------------------------------
def test_one_429_with_retry_after_is_waited_out_for_real(
    scratch: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeMistral
) -> None:
    """The one test that waits: Retry-After: 1, once."""
    monkeypatch.setenv("MISTRAL_API_KEY", KEY)
    monkeypatch.setenv("MISTRAL_BASE_URL", fake.url)
    fake.rate_limit_first = 1
    project(scratch, 'client.chat.completions.create(model="mistral-small-latest", messages=[])\n')
    [record] = requests_of(probe(scratch, "--yes", "--format", "json", "app.py"))
    assert record["status"] == "ok"
    assert "(waited 1 s over 1 retry)" in record["detail"]


def test_still_429_after_the_retries_is_rate_limited(scratch: Path, env: FakeMistral) -> None:
    env.rate_limit_first = 100
    waits: list[float] = []
    project(scratch, 'client.chat.completions.create(model="mistral-small-latest", messages=[])\n')
    settings = load_settings(start=scratch)
    run = ProbeRun(settings, KEY, env.url, retries=2, sleep=waits.append)
    plan = run.plan([scratch / "app.py"])
    result = run.send(plan)
    [record] = [r for r in result if r.endpoint != "models"]
    assert record.status == "rate-limited" and record.http_status == 429
    assert "waited 2 s over 2 retries" in record.detail
    assert waits == [1.0, 1.0]
    assert run.exit_code(result) == 2


def test_backoff_is_exponential_without_retry_after(env: FakeMistral) -> None:
    env.rate_limit_first = 100
    env.retry_after = None
    waits: list[float] = []
    transport = Transport(env.url, KEY, retries=3, backoff=0.5, sleep=waits.append)
    response = transport.post("/chat/completions", {"model": "mistral-small-latest"})
    assert response.status == 429 and response.retries == 3
    assert waits == [0.5, 1.0, 2.0]


def test_retry_after_forms() -> None:
    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({}) is None
    assert retry_after({"retry-after": "soon"}) is None
    date = "Wed, 21 Oct 2015 07:28:05 GMT"
    assert retry_after({"retry-after": date}, now=lambda: 1445412480.0) == 5.0


# -- concurrency ------------------------------------------------------------------------
@pytest.mark.parametrize("limit", [1, 2])
def test_concurrency_is_bounded(scratch: Path, env: FakeMistral, limit: int) -> None:
    env.delay = 0.05
    env.gather = limit  # the server holds each request until `limit` are in flight
    calls = "".join(
        f'client.chat.completions.create(model="mistral-small-latest", messages=[], temperature=0.{n})\n'
        for n in range(1, 7)
    )
    project(scratch, calls)
    outcome = probe(scratch, "--yes", "--format", "json", "--concurrency", str(limit), "app.py")
    assert outcome.exit_code == 0
    assert len(requests_of(outcome)) == 6
    assert env.max_in_flight == limit


# -- confirmation -----------------------------------------------------------------------
def test_without_a_terminal_it_needs_yes(scratch: Path, env: FakeMistral) -> None:
    project(scratch, 'client.chat.completions.create(model="mistral-small-latest", messages=[])\n')
    outcome = probe(scratch, "app.py")
    assert outcome.exit_code == 2
    assert "--yes" in outcome.stderr
    assert env.requests == []


@pytest.mark.parametrize(("answer", "sent"), [("n\n", False), ("y\n", True)])
def test_on_a_terminal_it_asks(
    scratch: Path, env: FakeMistral, monkeypatch: pytest.MonkeyPatch, answer: str, sent: bool
) -> None:
    from click.testing import CliRunner

    from migrator import cli

    monkeypatch.setattr(cli, "_interactive", lambda: True)
    project(scratch, 'client.chat.completions.create(model="mistral-small-latest", messages=[])\n')
    monkeypatch.chdir(scratch)
    result = CliRunner().invoke(cli.main, ["probe", "app.py"], input=answer)
    assert "Send GET /models and 1 request(s)" in result.stderr
    assert (result.exit_code == 0) is sent
    assert bool(env.requests) is sent


# -- the key ----------------------------------------------------------------------------
def test_key_is_masked_in_verbose_tracebacks(
    scratch: Path, env: FakeMistral, monkeypatch: pytest.MonkeyPatch
) -> None:
    from migrator.probe import session

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"failed with Authorization: Bearer {KEY}")

    monkeypatch.setattr(session, "judge", boom)
    project(scratch, 'client.chat.completions.create(model="mistral-small-latest", messages=[])\n')
    outcome = invoke(["--verbose", "probe", "--yes", "app.py"], scratch)
    assert outcome.exit_code == 2
    assert "Traceback" in outcome.stderr and "RuntimeError" in outcome.stderr
    assert KEY not in outcome.stdout + outcome.stderr
    assert "mi...XYZ" in outcome.stderr


def test_key_with_a_newline_is_masked_in_the_network_error(
    scratch: Path, env: FakeMistral, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = KEY + "\nX-Injected: 1"
    monkeypatch.setenv("MISTRAL_API_KEY", bad)
    project(scratch, 'client.chat.completions.create(model="mistral-small-latest", messages=[])\n')
    outcome = invoke(["--verbose", "probe", "--yes", "--format", "json", "app.py"], scratch)
    assert outcome.exit_code == 2
    assert KEY not in outcome.stdout + outcome.stderr
    assert records(outcome)[0]["status"] == "error"


def test_hide_masks_short_keys_and_escaped_spellings() -> None:
    assert transport_module.hide("key=abc123", "abc123") == "key=***"
    shown = transport_module.hide("'Bearer k-0123456789\\nx'", "k-0123456789\nx")
    assert "0123456789" not in shown


# -- explain ----------------------------------------------------------------------------
@pytest.mark.parametrize("verdict", sorted(load_probe_data().verdicts))
def test_every_verdict_is_explained(scratch: Path, verdict: str) -> None:
    outcome = invoke(["explain", verdict], scratch)
    assert outcome.exit_code == 0
    assert outcome.stdout.startswith(f"{verdict}: ")
    assert "What it means" in outcome.stdout and "Exit code" in outcome.stdout


def test_explain_still_takes_rule_codes_and_refuses_unknown_words(scratch: Path) -> None:
    assert invoke(["explain", "MM301"], scratch).stdout.startswith("# MM301")
    assert invoke(["explain", "nonsense"], scratch).exit_code == 2


def test_every_verdict_the_code_gives_has_an_explanation() -> None:
    source = (ROOT / "migrator" / "probe" / "verdicts.py").read_text()
    source += (ROOT / "migrator" / "probe" / "session.py").read_text()
    import re

    given = set(
        re.findall(
            r'"(ok|rejected|unknown-model|ignored|unauthorized|rate-limited|error|deprecated|context-differs)"',
            source,
        )
    )
    assert given <= set(load_probe_data().verdicts)
    assert len(given) == 9


# -- --update-rules ---------------------------------------------------------------------
def test_overlay_round_trip_check_follows_the_endpoint(scratch: Path, env: FakeMistral) -> None:
    env.rejected = {"metadata"}  # the shipped rules call metadata supported
    project(
        scratch,
        """
        client.chat.completions.create(model="mistral-small-latest", messages=[], metadata={"a": "b"})
        client.chat.completions.create(model="mistral-small-latest", messages=[], top_logprobs=1)
        client.chat.completions.create(model="mistral-small-latest", messages=[], n=2)
        """,
    )
    before = json.loads(invoke(["check", "--format", "json", "app.py"], scratch).stdout)
    assert {f["code"] for f in before if f["line"] == 6} == set()
    assert "MM304" in {f["code"] for f in before if f["line"] == 7}

    outcome = probe(scratch, "--yes", "--update-rules", "observed.toml", "app.py")
    assert outcome.exit_code == 1
    assert "observed.toml: 3 observation(s) written" in outcome.stderr
    written = (scratch / "observed.toml").read_text()
    assert "[params.chat.metadata]" in written and 'status = "unsupported-rejected"' in written

    (scratch / "pyproject.toml").write_text(
        "[project]\nname = 'scratch'\n\n[tool.mistral-migrate]\nrules-overlay = \"observed.toml\"\n"
    )
    after = json.loads(
        invoke(["check", "--no-cache", "--format", "json", "app.py"], scratch).stdout
    )
    by_line = {line: {f["code"] for f in after if f["line"] == line} for line in (6, 7, 8)}
    assert by_line[6] == {"MM301"}  # rejected by the endpoint
    assert "MM304" not in by_line[7]  # accepted by the endpoint: no longer unverified
    assert "MM304" in by_line[8]  # n accepted without effect
    message = next(f["message"] for f in after if f["line"] == 6)
    assert "probe saw it rejected" in message

    # a second run keeps what it does not see again, and updates what it does
    (scratch / "app.py").write_text(
        HEAD + 'client.chat.completions.create(model="mistral-small-latest", messages=[], n=2)\n'
    )
    probe(scratch, "--yes", "--update-rules", "observed.toml", "app.py")
    assert "[params.chat.metadata]" in (scratch / "observed.toml").read_text()


def test_a_broken_overlay_is_a_config_error(scratch: Path) -> None:
    (scratch / "observed.toml").write_text("[params.chat.user]\nstatus = 1\nwhat = 2\n")
    (scratch / "pyproject.toml").write_text(
        '[tool.mistral-migrate]\nrules-overlay = "observed.toml"\n'
    )
    (scratch / "app.py").write_text("x = 1\n")
    outcome = invoke(["check", "app.py"], scratch)
    assert outcome.exit_code == 2
    assert "unknown key what" in outcome.stderr


def test_response_json_tolerates_non_json() -> None:
    assert Response(200, {}, b"not json").json() is None


def test_the_readme_dry_run_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "MISTRAL_BASE_URL",
        "MISTRAL_SMALL_MODEL",
        "MISTRAL_LARGE_MODEL",
        "MISTRAL_EMBED_MODEL",
    ):
        monkeypatch.delenv(name, raising=False)
    readme = (ROOT / "README.md").read_text()
    command = "$ mistral-migrate probe --dry-run fixtures/sample-app\n"
    start = readme.index(command) + len(command)
    shown = readme[start : readme.index("```", start)]
    outcome = invoke(["probe", "--dry-run", "fixtures/sample-app"], ROOT)
    assert outcome.exit_code == 0
    assert outcome.stdout == shown


def test_the_readme_next_app_plan_is_what_probe_prints() -> None:
    readme = (ROOT / "README.md").read_text()
    command = "$ mistral-migrate probe --dry-run fixtures/next-app\n"
    start = readme.index(command) + len(command)
    shown = readme[start : readme.index("```", start)]
    outcome = invoke(["probe", "--dry-run", "fixtures/next-app"], ROOT)
    assert outcome.exit_code == 0
    assert outcome.stdout == shown


def test_a_wrapper_s_own_keywords_are_not_request_parameters(scratch: Path) -> None:
    (scratch / "app.py").write_text(
        "import instructor\nfrom openai import OpenAI\n\n"
        "client = instructor.from_openai(OpenAI())\n"
        'client.chat.completions.create(model="gpt-4o", messages=[], response_model=Answer, max_retries=2, temperature=0.1)\n'
    )
    planned = records(probe(scratch, "--dry-run", "--format", "json", "app.py"))
    assert [(r["model"], r["parameters"]) for r in planned] == [
        ("mistral-large-latest", ["temperature"])
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Mistral: an object in `message`
        (
            {
                "object": "error",
                "message": {
                    "detail": [
                        {
                            "type": "extra_forbidden",
                            "loc": ["body", "store"],
                            "msg": "Extra inputs are not permitted",
                        }
                    ]
                },
                "type": "invalid_request_error",
            },
            ("rejected", ["store"]),
        ),
        # OpenAI's shape, with `param`
        (
            {
                "error": {
                    "message": "Unrecognized request argument supplied: user",
                    "type": "invalid_request_error",
                    "param": "user",
                }
            },
            ("rejected", ["user"]),
        ),
        (
            {"object": "error", "message": "Invalid model: x", "type": "invalid_model"},
            ("unknown-model", []),
        ),
        (
            {"detail": [{"type": "missing", "loc": ["body", "model"], "msg": "Field required"}]},
            ("unknown-model", []),
        ),
        (None, ("rejected", [])),
    ],
)
def test_error_bodies(body: object, expected: tuple[str, list[str]]) -> None:
    from migrator.probe.plan import PlannedRequest
    from migrator.probe.verdicts import judge

    data = load_probe_data()
    request = PlannedRequest(data.endpoints["chat.completions"], "chat", "m", "literal", {})
    raw = b"oops" if body is None else json.dumps(body).encode()
    record = judge(request, Response(422, {}, raw), data)
    assert (record.status, record.rejected) == expected


def test_cards_tolerate_odd_entries() -> None:
    from migrator.probe.verdicts import read_cards

    cards = read_cards({"data": [{"id": "a", "aliases": ["b", 3]}, {"name": "no id"}, "x"]})
    assert sorted(cards) == ["a", "b"]
    assert read_cards([]) == {}
