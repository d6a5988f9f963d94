"""Benchmark mistral-migrate on a generated repository or a corpus (run by hand).

    .venv/bin/python tests/benchmark.py --files 1800 --openai-share 0 --size 16700
    .venv/bin/python tests/benchmark.py --files 1800 --openai-share 0.33
    .venv/bin/python tests/benchmark.py --shape real --files 600 --openai-share 0.8
    .venv/bin/python tests/benchmark.py --corpus /work/corpus
    .venv/bin/python tests/benchmark.py --corpus /root/.pyenv/versions/3.11.7/lib/python3.11

Shapes: `synthetic` builds N Python files of about --size bytes each (clients, settings
modules and unrelated modules; --openai-share of them use OpenAI, a few statements in a
long module); `real` builds project folders of small scripts (1-8 kB) with OpenAI calls
throughout, small utility modules, a notebook in some folders and config files
(tests/benchmark_real.py); `--corpus DIR` copies a folder (any tree with .py files) and
runs on that. The real CLI runs as a subprocess for `check` cold (empty cache), `check`
warm, `diff` (warm) and `fix` cold (on a fresh copy), next to a bare
`libcst.parse_module` of the .py files the prefilter keeps, in the same number of
processes, and semgrep with four equivalent rules (tests/benchmark_semgrep.yml) when a
`semgrep` is on PATH or given with --semgrep. Each run is wall time of a whole process
(start-up included); peak memory is the largest resident set of that process or any of
its workers (getrusage RUSAGE_CHILDREN). The ratios at the end are what the README's
targets are stated in.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs one command and prints its wall time and peak RSS (kB) of it and its workers.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "code": code}))
"""

BARE_PARSE = """
import sys
from multiprocessing import get_context
from pathlib import Path

import libcst

def parse(path):
    libcst.parse_module(Path(path).read_bytes())
    return 0

jobs, paths = int(sys.argv[1]), Path(sys.argv[2]).read_text().split()
if jobs == 1:
    for path in paths:
        parse(path)
else:
    with get_context("fork").Pool(jobs) as pool:
        for _ in pool.imap(parse, paths, max(1, min(8, len(paths) // (jobs * 8)))):
            pass
"""

NOUNS = [
    "order",
    "invoice",
    "customer",
    "ticket",
    "report",
    "session",
    "account",
    "payment",
    "shipment",
    "profile",
    "message",
    "document",
    "schedule",
    "record",
    "item",
    "batch",
]
VERBS = [
    "load",
    "parse",
    "render",
    "validate",
    "collect",
    "merge",
    "filter",
    "export",
    "summarise",
    "normalise",
    "resolve",
    "archive",
]


def block(rng: random.Random) -> str:
    """A realistic chunk of application code (a dataclass and a few functions)."""
    noun, verb = rng.choice(NOUNS), rng.choice(VERBS)
    name = noun.capitalize() + rng.choice(["Record", "Entry", "Snapshot", "View", "State"])
    field = rng.choice(["status", "owner", "region", "category", "priority"])
    limit = rng.choice([10, 50, 100, 250, 1000])
    return f'''

@dataclass
class {name}:
    """One {noun} as the {verb} step sees it."""

    identifier: str
    {field}: str = "unknown"
    created_at: float = 0.0
    tags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {{"identifier": self.identifier, "{field}": self.{field}, "tags": list(self.tags)}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "{name}":
        return cls(str(data["identifier"]), str(data.get("{field}", "unknown")),
                   float(data.get("created_at", 0.0)), list(data.get("tags", [])))


def {verb}_{noun}s(items: list[dict[str, Any]], limit: int = {limit}) -> list[{name}]:
    """{verb.capitalize()} the {noun} entries, keeping at most `limit` of the active ones."""
    kept: list[{name}] = []
    for index, item in enumerate(items):
        if index >= limit:
            break
        if item.get("{field}") in ("active", "pending") and item.get("identifier"):
            kept.append({name}.from_dict(item))
    logger.debug("kept %d of %d {noun}s", len(kept), len(items))
    return kept


def group_{noun}s_by_{field}(records: list[{name}]) -> dict[str, list[{name}]]:
    groups: dict[str, list[{name}]] = {{}}
    for record in sorted(records, key=lambda r: (r.{field}, r.created_at)):
        groups.setdefault(record.{field}, []).append(record)
    return {{key: value for key, value in groups.items() if value}}
'''


HEADER = '''"""Helpers for the {noun} service."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
'''

CLIENT = """
import os

from openai import OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"], timeout=30)
logger = logging.getLogger(__name__)


def ask(question: str) -> str:
    response = client.chat.completions.create(
        model="{model}",
        messages=[{{"role": "user", "content": question}}],
        temperature=0.2,
    )
    return response.choices[0].message.content or ""


def embed(texts: list[str]) -> list[list[float]]:
    result = client.embeddings.create(model="text-embedding-3-small", input=texts)
    return [item.embedding for item in result.data]
"""

SETTINGS = """
import os

logger = logging.getLogger(__name__)

OPENAI_BASE_URL = "https://api.openai.com/v1"
CHAT_MODEL = os.getenv("OPENAI_MODEL", "{model}")
FAST_MODEL = "gpt-4o-mini"
API_KEY = os.environ.get("OPENAI_API_KEY", "")
"""

PLAIN = """
logger = logging.getLogger(__name__)
"""


def make_file(rng: random.Random, size: int, kind: str) -> str:
    text = HEADER.format(noun=rng.choice(NOUNS))
    model = rng.choice(["gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3-mini"])
    text += {"client": CLIENT, "settings": SETTINGS, "plain": PLAIN}[kind].format(model=model)
    while len(text) < size:
        text += block(rng)
    return text


def build_repo(target: Path, files: int, share: float, size: int, seed: int) -> list[Path]:
    """Write the repository; returns the OpenAI-using files."""
    rng = random.Random(seed)
    (target / "pyproject.toml").write_text("[project]\nname = 'synthetic'\n")
    (target / ".gitignore").write_text("*.log\nbuild/\n")
    openai_count = round(files * share)
    using: list[Path] = []
    for index in range(files):
        kind = ("client" if index % 2 else "settings") if index < openai_count else "plain"
        folder = target / "src" / f"pkg{index % 40:02d}" / f"sub{index % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"module_{index:05d}.py"
        path.write_text(make_file(rng, max(200, int(rng.gauss(size, size / 4))), kind))
        if kind != "plain":
            using.append(path)
    return using


def measure(command: list[str], cwd: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def kept_by_prefilter(target: Path) -> list[Path]:
    """The Python files of `target` the tool's own prefilter lets into the pass."""
    from migrator.discovery import PYTHON_SUFFIXES, discover
    from migrator.prefilter import prefilter_for
    from migrator.settings import load_settings

    settings = load_settings(start=target)
    prefilter = prefilter_for(settings)
    return [
        path
        for path in discover([target], settings.exclude, settings.root)
        if path.suffix in PYTHON_SUFFIXES and prefilter.search(path.read_bytes(), python=True)
    ]


def semgrep_row(semgrep: str, jobs: int, target: Path) -> dict[str, float]:
    rules = ROOT / "tests" / "benchmark_semgrep.yml"
    command = [semgrep, "scan", "--config", str(rules), "--metrics=off", "--quiet"]
    return measure([*command, "--jobs", str(jobs), "--disable-version-check", "."], target)


def build(args: argparse.Namespace, target: Path) -> None:
    if args.corpus is not None:
        shutil.copytree(
            args.corpus,
            target,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(".git", "__pycache__", ".mistral_migrate_cache"),
        )
    elif args.shape == "real":
        from benchmark_real import build_real_repo

        build_real_repo(target, args.files, args.openai_share, args.seed)
    else:
        build_repo(target, args.files, args.openai_share, args.size, args.seed)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=1800)
    parser.add_argument("--openai-share", type=float, default=0.33)
    parser.add_argument("--size", type=int, default=16_700, help="mean bytes per file")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--skip-no-cache", action="store_true", help="leave out the second cold run"
    )
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    parser.add_argument("--shape", choices=["synthetic", "real"], default="synthetic")
    parser.add_argument("--corpus", type=Path, help="run on a copy of this folder instead")
    parser.add_argument("--semgrep", default=shutil.which("semgrep"), help="semgrep to compare")
    parser.add_argument("--skip-fix", action="store_true", help="leave out the fix run")
    args = parser.parse_args()

    target = args.keep or Path(tempfile.mkdtemp(prefix="mm-bench-"))
    target.mkdir(parents=True, exist_ok=True)
    fix_copy = Path(tempfile.mkdtemp(prefix="mm-bench-fix-"))
    try:
        build(args, target)
        files = [
            p
            for p in target.rglob("*")
            if p.is_file() and ".mistral_migrate_cache" not in p.parts and p.name != "using.txt"
        ]
        total = sum(p.stat().st_size for p in files)
        using = kept_by_prefilter(target)
        using_bytes = sum(p.stat().st_size for p in using)
        python = sum(1 for p in files if p.suffix == ".py")
        print(
            f"repository: {len(files)} files ({python} .py), {total / 1e6:.1f} MB; the prefilter "
            f"keeps {len(using)} .py files ({using_bytes / 1e6:.1f} MB); jobs={args.jobs}; "
            f"{os.cpu_count()} cores"
        )
        shutil.copytree(target, fix_copy, dirs_exist_ok=True)
        cli = [sys.executable, "-m", "migrator"]
        jobs = ["--jobs", str(args.jobs)]
        shutil.rmtree(target / ".mistral_migrate_cache", ignore_errors=True)
        count = len(files)
        cold = measure([*cli, "check", *jobs, "."], target)
        rows = [
            ("check (cold)", cold, count, total),
            ("check (warm)", measure([*cli, "check", *jobs, "."], target), count, total),
            ("diff (warm)", measure([*cli, "diff", *jobs, "."], target), count, total),
        ]
        if not args.skip_no_cache:
            rows.append(
                (
                    "check --no-cache",
                    measure([*cli, "check", *jobs, "--no-cache", "."], target),
                    count,
                    total,
                )
            )
        fixed = None
        if not args.skip_fix:
            fixed = measure([*cli, "fix", *jobs, "."], fix_copy)
            rows.append(("fix (cold)", fixed, count, total))
        semgrep = None
        if args.semgrep:
            semgrep = semgrep_row(args.semgrep, args.jobs, target)
            rows.append(("semgrep, 4 rules", semgrep, python, total))
        bare = None
        if using:
            listing = fix_copy.parent / f"{target.name}-using.txt"
            listing.write_text("\n".join(str(p) for p in using))
            bare = measure([sys.executable, "-c", BARE_PARSE, str(args.jobs), str(listing)], target)
            rows.append(("bare parse (prefilter keeps)", bare, len(using), using_bytes))
        print(f"{'run':28} {'wall s':>7} {'files/s':>9} {'MB/s':>7} {'peak MB':>8} {'vs bare':>8}")
        for name, figures, count, size in rows:
            ratio = f"{figures['wall'] / bare['wall']:.2f}x" if bare else "-"
            print(
                f"{name:28} {figures['wall']:7.2f} {count / figures['wall']:9.0f} "
                f"{size / 1e6 / figures['wall']:7.1f} {figures['rss_kb'] / 1024:8.0f} {ratio:>8}"
            )
        ratios = [f"check cold {cold['wall']:.2f} s"]
        if bare:
            ratios.append(f"check cold / bare parse {cold['wall'] / bare['wall']:.2f}x")
            if fixed:
                ratios.append(f"fix cold / bare parse {fixed['wall'] / bare['wall']:.2f}x")
        if semgrep:
            ratios.append(f"check cold / semgrep {cold['wall'] / semgrep['wall']:.2f}x")
        peak = max(
            f["rss_kb"] for name, f, _, _ in rows if not name.startswith(("semgrep", "bare"))
        )
        ratios.append(f"peak memory of the tool {peak / 1024:.0f} MB")
        print("ratios: " + "; ".join(ratios))
    finally:
        if args.keep is None:
            shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(fix_copy, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
