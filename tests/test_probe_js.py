"""`mistral-migrate probe` on JS/TS files and notebooks: the plan comes from the JS front
end's facts (openai-node calls, the AI SDK, LangChain.js) and from the notebook front
end's cells, with the same decisions as for Python (dedupe across languages included).

Every request goes to the local fake server of tests/fake_mistral.py; nothing reaches
the network.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from conftest import Outcome, invoke
from fake_mistral import KEY, FakeMistral
from test_probe import env, fake  # noqa: F401  (fixtures)

from migrator.javascript.requests import collect_js_calls
from migrator.requestfacts import ValueFact
from migrator.settings import load_settings

OPENAI_NODE = """\
import OpenAI from "openai";

const client = new OpenAI();

export async function ask(question) {
  const answer = await client.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: question }],
    temperature: 0.3,
    response_format: { type: "json_object" },
  });
  const vectors = await client.embeddings.create({ model: "text-embedding-3-small", input: question });
  return [answer, vectors];
}
"""

AI_SDK = """\
import { generateText, streamText, embed } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { mistral } from "@ai-sdk/mistral";

const provider = createOpenAI({ apiKey: process.env.OPENAI_API_KEY });

export async function run(prompt: string): Promise<void> {
  await generateText({ model: provider.chat("gpt-4o"), prompt, maxOutputTokens: 50, topP: 0.9, seed: 1 });
  await streamText({ model: mistral("mistral-small-latest"), prompt, seed: 3, temperature: 0.2 });
  await embed({ model: mistral.embedding("mistral-embed"), value: prompt });
}
"""


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def notebook(root: Path, name: str, cells: list[tuple[str, str]]) -> Path:
    body = {
        "cells": [
            {
                "cell_type": kind,
                "metadata": {},
                "source": textwrap.dedent(source).splitlines(keepends=True),
                **({"execution_count": None, "outputs": []} if kind == "code" else {}),
            }
            for kind, source in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = root / name
    path.write_text(json.dumps(body, indent=1) + "\n")
    return path


def dry_run(root: Path, *paths: str) -> list[dict]:
    outcome = invoke(["probe", "--dry-run", "--format", "json", *paths], root)
    assert outcome.exit_code == 0, outcome.stderr
    return json.loads(outcome.stdout)


def plan_of(records: list[dict]) -> list[tuple[str, str, list[str], list[dict]]]:
    return [(r["endpoint"], r["model"], r["parameters"], r["locations"]) for r in records]


# -- JS/TS ------------------------------------------------------------------------------
def test_an_openai_node_file_is_planned_as_the_migration_leaves_it(scratch: Path) -> None:
    write(scratch, "ask.js", OPENAI_NODE)
    assert plan_of(dry_run(scratch, "ask.js")) == [
        (
            "chat/completions",
            "mistral-small-latest",
            ["response_format", "temperature"],
            [{"path": "ask.js", "line": 6}],
        ),
        ("embeddings", "mistral-embed", [], [{"path": "ask.js", "line": 12}]),
    ]
    # the file on disk is untouched
    assert 'model: "gpt-4o-mini"' in (scratch / "ask.js").read_text()


def test_js_lines_are_those_of_the_file_as_it_is(scratch: Path) -> None:
    """The migration lays the client's options out over several lines: the call below
    keeps the line it has in the file."""
    write(
        scratch,
        "long.ts",
        'import OpenAI from "openai";\n'
        "const client = new OpenAI({ organization: 'org-0123456789abcdef', maxRetries: 5, timeout: 20000 });\n"
        'await client.chat.completions.create({ model: "mistral-large-latest", messages: [] });\n',
    )
    migrated = invoke(["diff", "long.ts"], scratch).stdout
    assert migrated.count("\n+") > 2  # the rewrite adds lines above the call
    assert plan_of(dry_run(scratch, "long.ts")) == [
        ("chat/completions", "mistral-large-latest", [], [{"path": "long.ts", "line": 3}])
    ]


def test_a_typescript_file_with_the_ai_sdk_maps_settings_to_body_fields(scratch: Path) -> None:
    write(scratch, "ai.ts", AI_SDK)
    plan = plan_of(dry_run(scratch, "ai.ts"))
    assert plan == [
        # createOpenAI's provider, migrated: seed stays seed, topP is top_p, and
        # maxOutputTokens is max_tokens (which the probe sets itself)
        (
            "chat/completions",
            "mistral-large-latest",
            ["seed", "top_p"],
            [{"path": "ai.ts", "line": 8}],
        ),
        # @ai-sdk/mistral: seed is sent as random_seed, and streamText streams
        (
            "chat/completions",
            "mistral-small-latest",
            ["random_seed", "stream", "temperature"],
            [{"path": "ai.ts", "line": 9}],
        ),
        ("embeddings", "mistral-embed", ["encoding_format"], [{"path": "ai.ts", "line": 10}]),
    ]


def test_streamtext_on_an_openai_provider_probes_the_stream_options_it_sends(
    scratch: Path,
) -> None:
    write(
        scratch,
        "stream.ts",
        'import { streamText } from "ai";\n'
        'import { createOpenAI } from "@ai-sdk/openai";\n'
        'const p = createOpenAI({ baseURL: "https://api.mistral.ai/v1", apiKey: process.env.MISTRAL_API_KEY ?? "" });\n'
        'streamText({ model: p.chat("mistral-small-latest"), prompt: "x" });\n',
    )
    (record,) = dry_run(scratch, "stream.ts")
    assert record["parameters"] == ["stream", "stream_options"]


def test_langchain_js_constructions_are_requests_with_their_options(scratch: Path) -> None:
    write(
        scratch,
        "lc.js",
        'import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";\n'
        'const llm = new ChatOpenAI({ model: "gpt-4o", topP: 0.5, maxTokens: 20, modelKwargs: { safe_prompt: true } });\n'
        'const embeddings = new OpenAIEmbeddings({ model: "text-embedding-3-small" });\n',
    )
    assert plan_of(dry_run(scratch, "lc.js")) == [
        (
            "chat/completions",
            "mistral-large-latest",
            ["safe_prompt", "top_p"],
            [{"path": "lc.js", "line": 2}],
        ),
        ("embeddings", "mistral-embed", [], [{"path": "lc.js", "line": 3}]),
    ]


def test_a_streaming_chatopenai_sends_stream_options_unless_stream_usage_is_off(
    scratch: Path,
) -> None:
    write(
        scratch,
        "stream.js",
        'import { ChatOpenAI } from "@langchain/openai";\n'
        'const a = new ChatOpenAI({ model: "mistral-small-latest", streaming: true });\n'
        'const b = new ChatOpenAI({ model: "mistral-large-latest", streaming: true, streamUsage: false });\n'
        'const c = new ChatOpenAI({ model: "ministral-8b-latest", streaming: false });\n',
    )
    assert {r["model"]: r["parameters"] for r in dry_run(scratch, "stream.js")} == {
        "mistral-small-latest": ["stream", "stream_options"],
        "mistral-large-latest": ["stream"],
        "ministral-8b-latest": ["stream"],
    }


def test_calls_that_do_not_go_to_mistral_are_not_planned(scratch: Path) -> None:
    write(
        scratch,
        "elsewhere.ts",
        'import OpenAI from "openai";\n'
        'import { generateText } from "ai";\n'
        'import { openai } from "@ai-sdk/openai";\n'
        'const groq = new OpenAI({ apiKey: process.env.GROQ_API_KEY, baseURL: "https://api.groq.com/openai/v1" });\n'
        "const kept = new OpenAI({ apiKey: profile.openaiKey });\n"
        'await groq.chat.completions.create({ model: "llama3-70b", messages: [] });\n'
        'await kept.chat.completions.create({ model: "gpt-4o", messages: [] });\n'
        'await generateText({ model: openai.chat("gpt-4o"), prompt: "x" });\n',
    )
    write(
        scratch,
        "ask.test.ts",
        'import OpenAI from "openai";\n'
        "const client = new OpenAI();\n"
        'client.chat.completions.create({ model: "gpt-4o", messages: [] });\n',
    )
    outcome = invoke(["probe", "--dry-run", "elsewhere.ts", "ask.test.ts"], scratch)
    assert outcome.exit_code == 0, outcome.stderr
    assert "Plan: 0 request(s)" in outcome.stdout
    assert (
        "elsewhere.ts:6: the client sends to https://api.groq.com/openai/v1, not to Mistral"
        in outcome.stdout
    )
    # a client the migration leaves (its key cannot be followed: MM125), and the AI SDK's
    # ready-made OpenAI provider (MM115): OpenAI's endpoint
    assert "elsewhere.ts:7: the client's base URL is OpenAI's" in outcome.stdout
    assert "elsewhere.ts:8: the client's base URL is OpenAI's" in outcome.stdout
    # a test's mocks are not requests
    assert "ask.test.ts" not in outcome.stdout


def test_a_client_left_as_it_is_with_mistral_s_url_is_planned(scratch: Path) -> None:
    """The migration leaves a client whose key it cannot follow (MM125), but one already
    pointed at Mistral sends there: its requests are probed. Without a base URL it would
    not be (the previous test)."""
    write(
        scratch,
        "route.ts",
        'import OpenAI from "openai";\n'
        'const mistral = new OpenAI({ apiKey: profile.mistral_api_key || "", baseURL: "https://api.mistral.ai/v1" });\n'
        'await mistral.chat.completions.create({ model: "mistral-large-latest", messages: [], max_tokens: 10 });\n',
    )
    assert plan_of(dry_run(scratch, "route.ts")) == [
        ("chat/completions", "mistral-large-latest", [], [{"path": "route.ts", "line": 3}])
    ]


def test_parameter_defaults_and_names_imported_from_the_project_are_followed(
    scratch: Path,
) -> None:
    """A client and a model constant imported from the project's module (an `@/` alias
    and a relative path), and a parameter's default, as Python's are."""
    write(
        scratch,
        "src/lib/openai.ts",
        'import OpenAI from "openai";\n'
        "export const openai = new OpenAI();\n"
        'export const FAST_MODEL = "mistral-small-latest";\n'
        'export async function complete(prompt: string, model = "mistral-large-latest") {\n'
        "  return openai.chat.completions.create({ model, messages: [], temperature: 0.1 });\n"
        "}\n",
    )
    write(
        scratch,
        "src/app/api/route.ts",
        'import { openai } from "@/lib/openai";\n'
        'import { FAST_MODEL } from "../../lib/openai.js";\n'
        "await openai.chat.completions.create({ model: FAST_MODEL, messages: [] });\n",
    )
    write(
        scratch,
        "src/app/api/other.ts",
        'import OpenAI from "openai";\n'
        'import { openai } from "@/lib/openai";\n'
        'const groq = new OpenAI({ baseURL: "https://api.groq.com/openai/v1", apiKey: process.env.GROQ_API_KEY });\n'
        'await openai.embeddings.create({ model: "mistral-embed", input: "x" });\n',
    )
    assert plan_of(dry_run(scratch, "src")) == [
        (
            "chat/completions",
            "mistral-large-latest",
            ["temperature"],
            [{"path": "src/lib/openai.ts", "line": 5}],
        ),
        (
            "chat/completions",
            "mistral-small-latest",
            [],
            [{"path": "src/app/api/route.ts", "line": 3}],
        ),
        # not every client the files build goes to Mistral (groq): the imported client is
        # followed to its module, not assumed
        ("embeddings", "mistral-embed", [], [{"path": "src/app/api/other.ts", "line": 4}]),
    ]


def test_the_js_front_end_gives_the_facts(scratch: Path) -> None:
    """The facts come from the pass `check` runs (JsFile.requests), not a second parser."""
    facts = collect_js_calls(
        b'import OpenAI from "openai";\n'
        b'const client = new OpenAI({ apiKey: process.env.MISTRAL_API_KEY ?? "", baseURL: process.env.MISTRAL_BASE_URL ?? "https://api.mistral.ai/v1" });\n'
        b'const params = { model: process.env.CHAT_MODEL ?? "mistral-small-latest", messages: [], n: 2, ...extra };\n'
        b"client.chat.completions.create(params);\n",
        "a.js",
        load_settings(start=scratch),
    )
    (call,) = facts.calls
    assert (call.line, call.api, call.method, call.spread) == (
        4,
        "chat.completions",
        "create",
        True,
    )
    assert call.client.base_url == (
        ValueFact("env", env="MISTRAL_BASE_URL", default="https://api.mistral.ai/v1"),
    )
    assert call.models == (ValueFact("env", env="CHAT_MODEL", default="mistral-small-latest"),)
    assert dict(call.params)["n"] == (ValueFact("literal", 2),)


# -- notebooks --------------------------------------------------------------------------
def test_a_notebook_is_planned_with_cell_and_line(scratch: Path) -> None:
    notebook(
        scratch,
        "demo.ipynb",
        [
            ("markdown", "# Demo\n"),
            ("code", "%pip install openai\nfrom openai import OpenAI\nclient = OpenAI()\n"),
            (
                "code",
                """\
                %%time
                answer = client.chat.completions.create(
                    model="gpt-4o-mini",
                    messages=[{"role": "user", "content": "hi"}],
                    temperature=0.5,
                )
                vectors = client.embeddings.create(model="text-embedding-3-small", input=["x"])
                """,
            ),
        ],
    )
    assert plan_of(dry_run(scratch, "demo.ipynb")) == [
        (
            "chat/completions",
            "mistral-small-latest",
            ["temperature"],
            [{"path": "demo.ipynb", "line": 2, "cell": 3}],
        ),
        ("embeddings", "mistral-embed", [], [{"path": "demo.ipynb", "line": 7, "cell": 3}]),
    ]
    text = invoke(["probe", "--dry-run", "demo.ipynb"], scratch).stdout
    assert "sent by: demo.ipynb:cell 3:2" in text


def test_a_notebook_client_pointed_elsewhere_is_not_planned(scratch: Path) -> None:
    notebook(
        scratch,
        "local.ipynb",
        [
            (
                "code",
                'from openai import OpenAI\nclient = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")\n',
            ),
            ("code", 'client.chat.completions.create(model="llama3", messages=[])\n'),
        ],
    )
    outcome = invoke(["probe", "--dry-run", "local.ipynb"], scratch)
    assert "Plan: 0 request(s)" in outcome.stdout
    assert (
        "local.ipynb:cell 2:1: the client sends to http://localhost:11434/v1, not to Mistral"
        in outcome.stdout
    )


# -- across languages -------------------------------------------------------------------
def test_the_same_request_from_python_and_typescript_is_sent_once(scratch: Path) -> None:
    write(
        scratch,
        "app.py",
        "from openai import OpenAI\n\nclient = OpenAI()\n"
        'client.chat.completions.create(model="mistral-small-latest", messages=[], temperature=0.2)\n',
    )
    write(
        scratch,
        "web/app.ts",
        'import OpenAI from "openai";\n\nconst client = new OpenAI();\n'
        'await client.chat.completions.create({ model: "mistral-small-latest", messages: [], temperature: 0.2 });\n',
    )
    assert plan_of(dry_run(scratch, ".")) == [
        (
            "chat/completions",
            "mistral-small-latest",
            ["temperature"],
            [{"path": "app.py", "line": 4}, {"path": "web/app.ts", "line": 4}],
        )
    ]


def test_a_live_probe_of_a_typescript_file_reports_its_location(
    scratch: Path,
    env: FakeMistral,  # noqa: F811
) -> None:
    write(
        scratch,
        "ask.ts",
        'import OpenAI from "openai";\n'
        "const client = new OpenAI();\n"
        'await client.chat.completions.create({ model: "mistral-small-latest", messages: [], user: "u-1" });\n'
        'await client.chat.completions.create({ model: "mistral-small-latest", messages: [], temperature: 0.3 });\n',
    )
    outcome: Outcome = invoke(["probe", "--yes", "--format", "json", "ask.ts"], scratch)
    assert KEY not in outcome.stdout + outcome.stderr
    assert outcome.exit_code == 1
    got = {
        tuple(r["parameters"]): (r["status"], r["locations"])
        for r in json.loads(outcome.stdout)
        if r["endpoint"] != "models"
    }
    assert got == {
        ("user",): ("rejected", [{"path": "ask.ts", "line": 3}]),
        ("temperature",): ("ok", [{"path": "ask.ts", "line": 4}]),
    }
    sent = [body or {} for _, path, body in env.requests if path.endswith("/chat/completions")]
    assert {json.dumps(b.get("temperature")) for b in sent} == {"null", "0.3"}
