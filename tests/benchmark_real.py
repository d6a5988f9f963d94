"""Real-shaped code for tests/benchmark.py: small scripts with OpenAI use throughout.

Public OpenAI-using repositories are not 17 kB modules with a few OpenAI statements
(where slicing pays); they are scripts of 1-8 kB in which clients, calls and model ids
run through the whole file, with a notebook or two and config files next to them. The
shapes below are written from that pattern (no code is copied from any project).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3-mini", "gpt-3.5-turbo"]
EMBEDDINGS = ["text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"]
TOPICS = ["invoice", "ticket", "review", "article", "email", "recipe", "contract", "lesson"]

SCRIPT_HEAD = '''"""{topic} assistant: {purpose}."""

import json
import os
import sys
from pathlib import Path

{client_import}

{client_line}
MODEL = "{model}"
'''

CALL = '''

def {verb}_{topic}(text: str, temperature: float = {temp}) -> str:
    """{verb} one {topic} with the model."""
    messages = [
        {{"role": "system", "content": "You {verb} {topic}s for a small team."}},
        {{"role": "user", "content": text}},
    ]
    response = {await_}client.chat.completions.create(
        model={model_ref},
        messages=messages,
        temperature=temperature,
        max_tokens={tokens},
    )
    answer = response.choices[0].message.content or ""
    if len(answer) > {limit}:
        answer = answer[:{limit}]
    return answer.strip()
'''

STREAM = """

def stream_{topic}(prompt: str) -> None:
    stream = client.chat.completions.create(
        model="{model}",
        messages=[{{"role": "user", "content": prompt}}],
        stream=True,
    )
    for chunk in stream:
        delta = chunk.choices[0].delta.content
        if delta:
            sys.stdout.write(delta)
    sys.stdout.write("\\n")
"""

EMBED = """

def embed_{topic}s(texts: list[str]) -> list[list[float]]:
    result = client.embeddings.create(model="{embedding}", input=texts)
    return [item.embedding for item in result.data]


def nearest_{topic}(query: str, corpus: list[str]) -> str:
    vectors = embed_{topic}s([query, *corpus])
    first, rest = vectors[0], vectors[1:]
    scores = [sum(a * b for a, b in zip(first, vector)) for vector in rest]
    return corpus[scores.index(max(scores))]
"""

TOOLS = """

TOOLS = [
    {{
        "type": "function",
        "function": {{
            "name": "lookup_{topic}",
            "description": "Find a {topic} by its number.",
            "parameters": {{
                "type": "object",
                "properties": {{"number": {{"type": "string"}}}},
                "required": ["number"],
            }},
        }},
    }}
]


def with_tools_{topic}(question: str) -> dict:
    response = client.chat.completions.create(
        model="{model}",
        messages=[{{"role": "user", "content": question}}],
        tools=TOOLS,
        tool_choice="auto",
        response_format={{"type": "json_object"}},
    )
    message = response.choices[0].message
    if message.tool_calls:
        call = message.tool_calls[0]
        return {{"tool": call.function.name, "args": json.loads(call.function.arguments)}}
    return {{"text": message.content}}
"""

HELPER = '''

def load_{topic}s(folder: str) -> list[str]:
    """Every {topic} text under `folder`, oldest first."""
    paths = sorted(Path(folder).glob("*.txt"), key=lambda p: p.stat().st_mtime)
    texts = []
    for path in paths:
        text = path.read_text(encoding="utf-8").strip()
        if text and not text.startswith("#"):
            texts.append(text)
    return texts


def save_{topic}_results(results: dict[str, str], target: str) -> None:
    Path(target).write_text(json.dumps(results, indent=2), encoding="utf-8")
'''

MAIN = """

def main() -> None:
    folder = sys.argv[1] if len(sys.argv) > 1 else "data"
    results = {{}}
    for index, text in enumerate(load_{topic}s(folder)):
        results[str(index)] = {verb}_{topic}(text)
        print(index, results[str(index)][:60])
    save_{topic}_results(results, os.environ.get("OUTPUT", "results.json"))


if __name__ == "__main__":
    main()
"""

CLIENTS = [
    ("from openai import OpenAI", 'client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])', ""),
    ("from openai import OpenAI", "client = OpenAI()", ""),
    ("import openai", 'client = openai.OpenAI(base_url="https://api.openai.com/v1")', ""),
    ("from openai import AsyncOpenAI", "client = AsyncOpenAI()", "await "),
]

PLAIN = '''"""Small utilities for the {topic} pipeline."""

import csv
import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass
class {name}:
    identifier: str
    title: str
    score: float = 0.0


def read_{topic}s(path: str) -> list[{name}]:
    with open(path, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return [{name}(row["id"], row["title"], float(row.get("score", 0))) for row in rows]


def top_{topic}s(items: list[{name}], count: int = {limit}) -> list[{name}]:
    ranked = sorted(items, key=lambda item: item.score, reverse=True)
    logger.info("kept %d of %d", min(count, len(ranked)), len(ranked))
    return ranked[:count]
'''


def script(rng: random.Random, size: int) -> str:
    """One OpenAI-using script of about `size` bytes (1-8 kB), calls throughout."""
    topic = rng.choice(TOPICS)
    client_import, client_line, await_ = rng.choice(CLIENTS)
    text = SCRIPT_HEAD.format(
        topic=topic.capitalize(),
        purpose=rng.choice(["summaries", "triage", "drafting", "search"]),
        client_import=client_import,
        client_line=client_line,
        model=rng.choice(MODELS),
    )
    text += HELPER.format(topic=topic)
    verbs = ["summarise", "classify", "translate", "rewrite", "extract", "grade", "tag"]
    parts = [CALL] if await_ else [CALL, STREAM, EMBED, TOOLS]
    count = 0
    while len(text) < size - 400:
        part = CALL if count == 0 else rng.choice(parts)
        verb = verbs[count % len(verbs)] + ("" if count < len(verbs) else f"_{count}")
        chunk = part.format(
            topic=topic,
            verb=verb,
            model=rng.choice(MODELS),
            model_ref=rng.choice(["MODEL", f'"{rng.choice(MODELS)}"']),
            embedding=rng.choice(EMBEDDINGS),
            temp=rng.choice([0, 0.2, 0.7]),
            tokens=rng.choice([256, 512, 1024]),
            limit=rng.choice([500, 2000, 4000]),
            await_=await_,
        )
        if part is not CALL:
            chunk = chunk.replace(f"_{topic}", f"_{topic}_{count}")
            parts = [p for p in parts if p is not part]
        text += chunk.replace("\ndef ", "\nasync def ") if await_ else chunk
        count += 1
    main = MAIN.format(topic=topic, verb="summarise")
    if await_:
        text = text.replace("import json\n", "import asyncio\nimport json\n", 1)
        main = main.replace(
            "= summarise_" + topic + "(text)", "= asyncio.run(summarise_" + topic + "(text))"
        )
        text = text.replace("async def load_", "def load_").replace("async def save_", "def save_")
    return text + main


def plain(rng: random.Random) -> str:
    topic = rng.choice(TOPICS)
    return PLAIN.format(topic=topic, name=topic.capitalize() + "Row", limit=rng.choice([5, 10]))


def notebook(rng: random.Random) -> str:
    """A small notebook: set-up, a client, a call, an output cell."""
    model = rng.choice(MODELS)
    cells = [
        ("markdown", f"# Trying {rng.choice(TOPICS)} prompts\n"),
        ("code", "import os\nfrom openai import OpenAI\n\nclient = OpenAI()\n"),
        (
            "code",
            "response = client.chat.completions.create(\n"
            f'    model="{model}",\n'
            '    messages=[{"role": "user", "content": "Say hello"}],\n'
            ")\nprint(response.choices[0].message.content)\n",
        ),
        (
            "code",
            'vectors = client.embeddings.create(model="text-embedding-3-small", input=["a"])\n',
        ),
    ]
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": kind,
                    "metadata": {},
                    "source": source.splitlines(keepends=True),
                    **({"outputs": [], "execution_count": None} if kind == "code" else {}),
                }
                for kind, source in cells
            ],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


def configs(rng: random.Random) -> dict[str, str]:
    model = rng.choice(MODELS)
    return {
        ".env.example": f"OPENAI_API_KEY=\nOPENAI_MODEL={model}\nLOG_LEVEL=info\n",
        "config.yaml": f"llm:\n  provider: openai\n  model: {model}\n  temperature: 0.2\n",
    }


def build_real_repo(target: Path, files: int, share: float, seed: int) -> None:
    """`files` Python files in project folders of a few scripts each: `share` of them are
    OpenAI-using scripts (1-8 kB), the rest small utilities; each project folder with
    OpenAI use also gets a notebook (one in three) and config files."""
    rng = random.Random(seed)
    (target / "pyproject.toml").write_text("[project]\nname = 'real-shaped'\n")
    (target / ".gitignore").write_text("*.log\n.venv/\n")
    using = round(files * share)
    for index in range(files):
        folder = target / f"project{index // 12:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        if index < using:
            size = rng.randint(1000, 8000)
            (folder / f"app_{index:05d}.py").write_text(script(rng, size))
            if index % 12 == 0:
                for name, text in configs(rng).items():
                    (folder / name).write_text(text)
                if index % 36 == 0:
                    (folder / f"explore_{index:05d}.ipynb").write_text(notebook(rng))
        else:
            (folder / f"util_{index:05d}.py").write_text(plain(rng))
