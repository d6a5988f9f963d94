"""Benchmark the JavaScript/TypeScript pass on a synthetic repository (run by hand;
pytest does not collect it).

    .venv/bin/python tests/benchmark_js.py --files 1500 --openai-share 0.33

Builds N TypeScript files of about --size bytes each (a share of them use the openai
client), then times the real CLI as a subprocess (`check` with an empty cache, and
warm) against a bare tree-sitter parse of the OpenAI-using files, in the same number
of processes. Wall times of whole processes, start-up included (see benchmark.py).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

from benchmark import measure

BARE_PARSE = """
import sys
from multiprocessing import get_context
from pathlib import Path

from migrator.javascript.syntax import grammar_of, parse

def one(path):
    parse(Path(path).read_bytes(), grammar_of(path))
    return 0

jobs, paths = int(sys.argv[1]), Path(sys.argv[2]).read_text().split()
if jobs == 1:
    for path in paths:
        one(path)
else:
    with get_context("fork").Pool(jobs) as pool:
        for _ in pool.imap(one, paths, max(1, min(8, len(paths) // (jobs * 8)))):
            pass
"""

CLIENT = """import OpenAI from "openai";

export const client = new OpenAI({{ apiKey: process.env.OPENAI_API_KEY }});

export async function ask(question: string): Promise<string> {{
  const reply = await client.chat.completions.create({{
    model: "{model}",
    messages: [{{ role: "user", content: question }}],
    max_completion_tokens: 400,
  }});
  return reply.choices[0].message.content ?? "";
}}
"""

BLOCK = """
export interface {name}Record {{
  id: string;
  total: number;
  tags: string[];
}}

export function summarize{name}s(items: {name}Record[], limit = {limit}): Map<string, number> {{
  const totals = new Map<string, number>();
  for (const item of items.slice(0, limit)) {{
    for (const tag of item.tags) {{
      totals.set(tag, (totals.get(tag) ?? 0) + item.total);
    }}
  }}
  return totals;
}}
"""

NAMES = ["Order", "Invoice", "Customer", "Ticket", "Report", "Session", "Account", "Payment"]


def build(target: Path, files: int, share: float, size: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    (target / "pyproject.toml").write_text("[project]\nname = 'synthetic'\n")
    using: list[Path] = []
    for index in range(files):
        uses = index < round(files * share)
        text = CLIENT.format(model=rng.choice(["gpt-4o", "gpt-4o-mini", "o3-mini"])) if uses else ""
        while len(text) < size:
            text += BLOCK.format(name=rng.choice(NAMES) + str(len(text)), limit=rng.randint(5, 500))
        path = target / "src" / f"mod{index % 30:02d}" / f"file_{index:05d}.ts"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if uses:
            using.append(path)
    return using


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=1500)
    parser.add_argument("--openai-share", type=float, default=0.33)
    parser.add_argument("--size", type=int, default=8000, help="mean bytes per file")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    target = Path(tempfile.mkdtemp(prefix="mm-bench-js-"))
    try:
        using = build(target, args.files, args.openai_share, args.size, args.seed)
        total = sum(p.stat().st_size for p in (target / "src").rglob("*.ts"))
        print(
            f"repository: {args.files} TypeScript files, {total / 1e6:.1f} MB; {len(using)} use OpenAI; "
            f"jobs={args.jobs}; {os.cpu_count()} cores"
        )
        cli = [sys.executable, "-m", "migrator", "check", "--jobs", str(args.jobs)]
        listing = target / "using.txt"
        listing.write_text("\n".join(str(p) for p in using))
        rows = [
            ("check (cold)", measure([*cli, "."], target), args.files),
            ("check (warm)", measure([*cli, "."], target), args.files),
            (
                "bare tree-sitter parse",
                measure([sys.executable, "-c", BARE_PARSE, str(args.jobs), str(listing)], target),
                len(using),
            ),
        ]
        bare = rows[-1][1]["wall"]
        print(f"{'run':26} {'wall s':>7} {'files/s':>9} {'peak MB':>8} {'vs bare':>8}")
        for name, figures, count in rows:
            print(
                f"{name:26} {figures['wall']:7.2f} {count / figures['wall']:9.0f} "
                f"{figures['rss_kb'] / 1024:8.0f} {figures['wall'] / bare:7.2f}x"
            )
    finally:
        shutil.rmtree(target, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
