"""Compare what two versions of mistral-migrate report and rewrite (run by hand).

    .venv/bin/python tests/compare_outputs.py --before main
    .venv/bin/python tests/compare_outputs.py --before main /work/corpus

For each folder (every folder under fixtures/ by default, plus any given), runs
`check --format json --no-cache .` and `diff --no-cache .` with the code of `--before`
(a git revision, exported to a temporary folder) and with the working tree, and prints
every finding or diff line one has and the other has not. A speed change must come out
empty, or each difference must be explained where it is committed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def export(revision: str, target: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", revision, "migrator", "rules"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def outputs(code: Path, folder: Path) -> tuple[list[str], list[str]]:
    """(findings as sorted JSON lines, the diff's lines) of the code in `code` on `folder`."""
    env = {**os.environ, "PYTHONPATH": str(code), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "migrator"]
    run: dict[str, Any] = {"cwd": folder, "env": env, "capture_output": True}
    run.update(text=True, encoding="utf-8", errors="surrogateescape")
    checked = subprocess.run([*command, "check", "--format", "json", "--no-cache", "."], **run)
    try:
        records = json.loads(checked.stdout or "[]")
    except json.JSONDecodeError:
        records = [{"unparsable output": checked.stdout[-2000:] + checked.stderr[-2000:]}]
    findings = sorted(json.dumps(r, sort_keys=True) for r in records)
    diffed = subprocess.run([*command, "diff", "--no-cache", "."], **run)
    return findings, diffed.stdout.splitlines()


def compare(before: Path, after: Path, folder: Path) -> int:
    old_findings, old_diff = outputs(before, folder)
    new_findings, new_diff = outputs(after, folder)
    differences = 0
    for label, old, new in (("finding", old_findings, new_findings), ("diff", old_diff, new_diff)):
        if old == new:
            continue
        lost = [line for line in old if line not in set(new)]
        gained = [line for line in new if line not in set(old)]
        for line in lost:
            print(f"{folder}: {label} only before: {line}")
        for line in gained:
            print(f"{folder}: {label} only after:  {line}")
        if not lost and not gained:
            print(f"{folder}: {label}s in another order")
        differences += max(1, len(lost) + len(gained))
    print(
        f"{folder}: {len(new_findings)} findings, {len(new_diff)} diff lines, "
        f"{differences} differences"
    )
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", default="main", help="git revision to compare with")
    parser.add_argument("folders", nargs="*", type=Path)
    args = parser.parse_args()
    folders = args.folders or sorted(p for p in (ROOT / "fixtures").iterdir() if p.is_dir())
    with tempfile.TemporaryDirectory(prefix="mm-before-") as temp:
        before = export(args.before, Path(temp))
        total = sum(compare(before, ROOT, folder.resolve()) for folder in folders)
    print(f"{total} differences in {len(folders)} folders")
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
