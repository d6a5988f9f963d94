"""Time and peak memory of `fix` on one Python file, by file size (issue 18 item 12).

    .venv/bin/python tests/benchmark_size.py 125000 500000 2000000

Each size gets a fresh git folder holding one generated file (an OpenAI client and
functions calling it, about 150 bytes each: every one of them is rewritten), run as
`fix --no-cache` in a child process with max-file-size raised to let it through. It
prints wall and CPU seconds, the peak resident memory of the run's processes, bytes of
memory per byte of source and the outcome (rewritten, or the MM902 that refused it).
Not a test: timings depend on the machine; the linear-growth test in
tests/test_hardening.py counts calls instead.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAD = b'from openai import OpenAI\nclient = OpenAI()\nMODEL = "gpt-4o"\n'
BODY = (
    b"def f%d(a, b=None):\n"
    b'    """doc %d"""\n'
    b'    x = client.chat.completions.create(model="gpt-4o-mini", '
    b'messages=[{"role": "user", "content": a}])\n'
    b"    return x.choices[0].message.content + str(%d)\n\n"
)


def source(size: int) -> bytes:
    parts, total, index = [HEAD], len(HEAD), 0
    while total < size:
        part = BODY % (index, index, index)
        parts.append(part)
        total += len(part)
        index += 1
    return b"".join(parts)


def measure(size: int) -> str:
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        (project / ".git").mkdir()
        limit = max(size * 2, 1_000_000)
        (project / "pyproject.toml").write_text(
            f"[tool.mistral-migrate]\nmax-file-size = {limit}\n"
        )
        data = source(size)
        (project / "big.py").write_bytes(data)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        outcome = subprocess.run(
            [sys.executable, "-m", "migrator", "fix", "--no-cache", "big.py"],
            cwd=project,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
        )
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        peak = after.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        written = (project / "big.py").read_bytes() != data
        refused = [line for line in outcome.stdout.decode().splitlines() if "MM902" in line]
        result = "rewritten" if written else (refused[0].strip() if refused else "unchanged")
        return (
            f"{len(data):>10,} bytes  {wall:7.1f} s wall  {cpu:7.1f} s cpu  "
            f"{peak / 1e6:8.0f} MB peak  {peak / len(data):6.0f} B/B  "
            f"exit {outcome.returncode}  {result}"
        )


def main(argv: list[str]) -> None:
    for size in [int(arg) for arg in argv] or [125_000, 500_000]:
        print(measure(size), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
