#!/usr/bin/env python3
"""Ecosystem check: run mistral-migrate over a corpus of real projects and write a review file.

Like ruff's ecosystem check: the engine's unit tests say what we meant, real projects say
what a user gets. For each project of ``ecosystem/manifest.toml`` this script

1. takes its extracted folder under ``--corpus`` (``<owner>+<name>``), or extracts it first
   from a fetched git snapshot under ``--mirror`` (``git archive <commit> <paths>``), keeping
   source and config files only (no lock files, binary assets or files over 1 MB);
2. copies it to a temporary directory, so the corpus itself is never changed;
3. runs ``mistral-migrate check --format json`` and ``mistral-migrate diff`` on the copy;
4. runs ``mistral-migrate fix`` twice and checks the result: the second ``fix`` must change
   nothing, every rewritten ``.py`` that compiled before still compiles, every ``.ipynb``
   stays valid JSON, every JS/TS file has no more tree-sitter error nodes than before; with
   ``--tsc``, ``tsc --noEmit`` is run before and after where a tsconfig.json exists and only
   new errors are counted;
5. writes ONE Markdown review file: per project, every diff hunk with the findings on its
   lines and a verdict slot, then every finding not on a hunk, grouped by code.

The corpus is other people's code: it stays outside the repository (default /work/corpus/).
Only the manifest and this script live in the project. The script needs nothing beyond the
standard library, the project's own CLI (and its tree-sitter grammars, for the parse check),
``git`` to extract from snapshots, and for ``--tsc`` a ``tsc`` on PATH
(``npm install -g typescript``).

A reviewer fills in each ``verdict:`` line with correct / wrong / questionable / import-only
(followed by a note). ``--carry-over OLD.md`` copies verdicts of hunks whose text is unchanged
from an earlier review, so after a rebase only changed hunks need reading. ``--tally FILE``
prints the per-project verdict table of a reviewed file.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef,import-not-found]

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
VERDICTS = ("correct", "wrong", "questionable", "import-only")
PY_EXT = {".py", ".pyi"}
JS_EXT = {".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"}
# What extraction drops: lock files and binary assets (no code, often large), and any file
# over MAX_FILE_BYTES (recorded data dumps). Everything else under the manifest's paths stays.
DROP_NAMES = {
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "uv.lock",
    "bun.lockb",
    "Pipfile.lock",
}
DROP_EXT = {
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".svg", ".pdf", ".mp3", ".mp4",
    ".wav", ".zip", ".gz", ".tar", ".woff", ".woff2", ".ttf", ".otf", ".bin", ".pkl",
    ".parquet", ".sqlite", ".db", ".lock",
}  # fmt: skip
MAX_FILE_BYTES = 1_000_000
NO_INSTALL_CODES = {"TS2591", "TS2580"}  # "Cannot find name 'process'" without @types/node


@dataclass
class Project:
    """One manifest entry."""

    repo: str
    commit: str
    paths: list[str]
    kind: str
    language: str
    why: str

    @property
    def slug(self) -> str:
        return self.repo.replace("/", "+")


@dataclass
class Hunk:
    """One hunk of the diff, keyed by file, notebook cell and its text (for carry-over)."""

    path: str
    cell: int | None
    header: str
    old_start: int
    old_len: int
    lines: list[str]
    findings: list[dict] = field(default_factory=list)

    @property
    def key(self) -> str:
        body = "\n".join(self.lines)
        return hashlib.sha1(f"{self.path}|{self.cell}|{body}".encode()).hexdigest()[:12]

    def covers(self, finding: dict) -> bool:
        if finding.get("path") != self.path or finding.get("cell") != self.cell:
            return False
        line = int(finding.get("line", 0))
        end = self.old_start + max(self.old_len, 1) - 1
        return self.old_start <= line <= end


def load_manifest(path: Path) -> list[Project]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for entry in data.get("project", []):
        out.append(Project(**{k: entry[k] for k in Project.__dataclass_fields__}))
    return out


def git_dir(mirror: Path, project: Project) -> Path | None:
    """The snapshot's git directory (a bare repo, or a clone's .git) if it was fetched."""
    base = mirror / project.slug / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def extract(project: Project, mirror: Path, dest: Path) -> str:
    """Extract the manifest's paths at its commit into dest; say what happened."""
    gdir = git_dir(mirror, project)
    if gdir is None:
        return "missing: no corpus folder and no snapshot under the mirror"
    proc = subprocess.run(
        [
            "git",
            f"--git-dir={gdir}",
            "archive",
            "--format=tar",
            project.commit,
            "--",
            *project.paths,
        ],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        return "missing: git archive failed: " + proc.stderr.decode(errors="replace").strip()
    dest.mkdir(parents=True, exist_ok=True)
    kept = dropped = 0
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        for member in tar.getmembers():
            name = Path(member.name)
            if not member.isfile() or member.name.startswith("/") or ".." in name.parts:
                continue
            if (
                name.name in DROP_NAMES
                or name.suffix.lower() in DROP_EXT
                or member.size > MAX_FILE_BYTES
            ):
                dropped += 1
                continue
            tar.extract(member, dest, filter="data")
            kept += 1
    return f"extracted {kept} files ({dropped} dropped: lock files, assets, > 1 MB)"


def cli_command(explicit: str | None) -> list[str]:
    """The mistral-migrate to run: --cli, else the one next to this Python, else PATH."""
    if explicit:
        return [explicit]
    beside = Path(sys.executable).with_name("mistral-migrate")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("mistral-migrate")
    if found:
        return [found]
    return [sys.executable, "-m", "migrator"]


TIMEOUT = 900  # seconds per CLI call; --timeout


def run_cli(cli: list[str], args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """One CLI call; a hang (seen once: a parallel worker died and fix waited forever) comes
    back as exit 124 with the reason in stderr instead of stopping the whole run."""
    try:
        return subprocess.run(
            [*cli, *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, 124, "", f"timed out after {TIMEOUT} s")


HUNK_RE = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
FILE_RE = re.compile(r"^--- a/(.+?)(?: \(cell (\d+)\))?$")


def parse_diff(text: str) -> list[Hunk]:
    """Hunks of mistral-migrate's unified diff (notebooks come cell by cell)."""
    hunks: list[Hunk] = []
    path: str | None = None
    cell: int | None = None
    current: Hunk | None = None
    for line in text.splitlines():
        m = FILE_RE.match(line)
        if m:
            path, cell = m.group(1), int(m.group(2)) if m.group(2) else None
            current = None
            continue
        if line.startswith("+++ "):
            continue
        m = HUNK_RE.match(line)
        if m and path is not None:
            old_len = int(m.group(2)) if m.group(2) is not None else 1
            current = Hunk(path, cell, line, int(m.group(1)), old_len, [])
            hunks.append(current)
            continue
        if current is not None and line[:1] in (" ", "+", "-", "\\"):
            current.lines.append(line)
    return hunks


def snapshot(root: Path) -> dict[str, str]:
    """Content hash of every file under root (to see what a second fix changed)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and ".mistral_migrate_cache" not in p.parts:
            out[str(p.relative_to(root))] = hashlib.sha1(p.read_bytes()).hexdigest()
    return out


def compiles(path: Path) -> bool:
    try:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def js_errors(path: Path) -> int | None:
    """Error and missing nodes tree-sitter finds in a JS/TS file (None: no grammar here)."""
    try:
        import tree_sitter
        import tree_sitter_javascript
        import tree_sitter_typescript
    except ImportError:
        return None
    suffix = path.suffix
    if suffix == ".tsx":
        lang = tree_sitter_typescript.language_tsx()
    elif suffix in {".ts", ".mts", ".cts"}:
        lang = tree_sitter_typescript.language_typescript()
    else:
        lang = tree_sitter_javascript.language()
    tree = tree_sitter.Parser(tree_sitter.Language(lang)).parse(path.read_bytes())
    count = 0
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        stack.extend(node.children)
    return count


def tsc_errors(root: Path) -> Counter[str] | None:
    """tsc --noEmit diagnostics as (file, code, message) ignoring lines; None: not run."""
    tsc = shutil.which("tsc")
    if tsc is None or not (root / "tsconfig.json").is_file():
        return None
    proc = subprocess.run(
        [tsc, "--noEmit", "--pretty", "false", "-p", "tsconfig.json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    errors: Counter[str] = Counter()
    for line in proc.stdout.splitlines():
        m = re.match(r"^(.+?)\(\d+,\d+\): error (TS\d+): (.*)$", line)
        if m:
            errors[f"{m.group(1)} {m.group(2)} {m.group(3)}"] += 1
    return errors


@dataclass
class Result:
    """Everything measured on one project."""

    project: Project
    status: str
    findings: list[dict] = field(default_factory=list)
    hunks: list[Hunk] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def still_valid(work: Path, before_files: dict[str, bytes], scratch: Path) -> list[str]:
    """What the fix broke: Python that compiled and no longer does, notebooks that are no
    longer JSON, JS/TS with more tree-sitter error nodes than before."""
    rewritten = [k for k, data in before_files.items() if (work / k).read_bytes() != data]
    bad_py, bad_nb, bad_js = [], [], []
    for rel in rewritten:
        path = work / rel
        suffix = path.suffix
        if suffix in PY_EXT:
            orig = scratch / "orig.py"
            orig.write_bytes(before_files[rel])
            if compiles(orig) and not compiles(path):
                bad_py.append(rel)
        elif suffix == ".ipynb":
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError):
                bad_nb.append(rel)
        elif suffix in JS_EXT:
            orig = scratch / f"orig{suffix}"
            orig.write_bytes(before_files[rel])
            before_n, after_n = js_errors(orig), js_errors(path)
            if before_n is not None and after_n is not None and after_n > before_n:
                bad_js.append(f"{rel} ({before_n} -> {after_n} error nodes)")
    return [
        f"{label}: " + ", ".join(bad)
        for label, bad in (
            ("Python no longer compiles", bad_py),
            ("notebook no longer JSON", bad_nb),
            ("JS/TS new parse errors", bad_js),
        )
        if bad
    ]


def check_project(
    project: Project, folder: Path, cli: list[str], use_tsc: bool, jobs: int | None = None
) -> Result:
    """Run check, diff and fix (twice) on a copy of folder."""
    result = Result(project, "ok")
    opts = ["--no-cache", *(["-j", str(jobs)] if jobs else [])]
    with tempfile.TemporaryDirectory(prefix="mm-eco-") as tmp:
        work = Path(tmp) / project.slug
        shutil.copytree(folder, work, symlinks=True)
        before_files = {
            str(p.relative_to(work)): p.read_bytes() for p in work.rglob("*") if p.is_file()
        }
        tsc_before = tsc_errors(work) if use_tsc else None

        proc = run_cli(cli, ["check", "--format", "json", *opts, "."], work)
        try:
            result.findings = json.loads(proc.stdout or "[]")
        except json.JSONDecodeError:
            result.problems.append(f"check did not print JSON (exit {proc.returncode})")
        if proc.returncode not in (0, 1):
            result.problems.append(f"check exit {proc.returncode}: {proc.stderr.strip()[-500:]}")

        proc = run_cli(cli, ["diff", *opts, "."], work)
        if proc.returncode not in (0, 1):
            result.problems.append(f"diff exit {proc.returncode}: {proc.stderr.strip()[-500:]}")
        result.hunks = parse_diff(proc.stdout)
        for finding in result.findings:
            for hunk in result.hunks:
                if hunk.covers(finding):
                    hunk.findings.append(finding)
                    break

        proc = run_cli(cli, ["fix", *opts, "."], work)
        if proc.returncode not in (0, 1):
            result.problems.append(f"fix exit {proc.returncode}: {proc.stderr.strip()[-500:]}")
        first = snapshot(work)
        proc = run_cli(cli, ["fix", *opts, "."], work)
        second = snapshot(work)
        changed_again = sorted(k for k in second if first.get(k) != second[k])
        if changed_again:
            result.problems.append("second fix changed: " + ", ".join(changed_again[:10]))
        else:
            result.checks.append("idempotent (second fix changed nothing)")

        rewritten = sum(1 for k, d in before_files.items() if (work / k).read_bytes() != d)
        result.checks.append(f"{rewritten} files rewritten")
        result.problems += still_valid(work, before_files, Path(tmp))
        if use_tsc:
            tsc_after = tsc_errors(work)
            if tsc_before is None or tsc_after is None:
                result.checks.append("tsc: not run (no tsconfig.json or no tsc on PATH)")
            else:
                new = tsc_after - tsc_before
                # Without node_modules, tsc cannot see @types/node: a file that now reads
                # process.env gets TS2591/TS2580 there. Counted apart, not as a problem.
                env = Counter({k: v for k, v in new.items() if k.split()[1] in NO_INSTALL_CODES})
                real = new - env
                result.checks.append(
                    f"tsc --noEmit: {sum(tsc_before.values())} errors before, "
                    f"{sum(real.values())} new after, {sum(env.values())} new that only "
                    "an install would settle (TS2591/TS2580: process without @types/node)"
                )
                if real:
                    result.problems.append("new tsc errors: " + "; ".join(list(real)[:10]))
    return result


def short(finding: dict) -> str:
    where = finding["path"]
    if finding.get("cell") is not None:
        where += f" (cell {finding['cell']})"
    msg = finding["message"].replace("\n", " ")
    if len(msg) > 300:
        msg = msg[:300] + "…"
    return f"`{finding['code']}` {where}:{finding['line']}: {msg}"


def old_verdicts(path: Path | None) -> dict[str, str]:
    """hunk key -> verdict line of an earlier review (carry-over)."""
    if path is None or not path.is_file():
        return {}
    out: dict[str, str] = {}
    key = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^#### .*\[([0-9a-f]{12})\]", line)
        if m:
            key = m.group(1)
        elif key and line.startswith("- verdict:"):
            value = line[len("- verdict:") :].strip()
            if value and not value.startswith("?"):
                out[key] = value
            key = None
    return out


def fence(lines: list[str]) -> str:
    body = "\n".join(lines)
    ticks = "````" if "```" in body else "```"
    return f"{ticks}diff\n{body}\n{ticks}"


def write_review(results: list[Result], out: Path, carried: dict[str, str], head: str) -> None:
    parts = [
        f"# Ecosystem review (mistral-migrate at {head})",
        "",
        "Each hunk has a `- verdict:` line: correct / wrong / questionable / import-only, then a"
        " note. Findings listed under a hunk are those whose line the hunk covers. Findings on no"
        " hunk follow per project, grouped by code; write `FP` after one judged a false positive.",
        "",
    ]
    for r in results:
        p = r.project
        parts += [
            f"## {p.repo} @ {p.commit[:12]}",
            "",
            f"- kind: {p.kind} ({p.language})",
            f"- status: {r.status}",
            f"- hunks: {len(r.hunks)}, findings: {len(r.findings)}",
        ]
        parts += [f"- check: {c}" for c in r.checks]
        parts += [f"- PROBLEM: {c}" for c in r.problems]
        parts.append("")
        if r.hunks:
            parts += ["### Hunks", ""]
        for i, h in enumerate(r.hunks, 1):
            where = h.path + (f" (cell {h.cell})" if h.cell is not None else "")
            parts += [f"#### {p.slug} H{i} {where} {h.header} [{h.key}]", "", fence(h.lines), ""]
            parts += [f"- {short(f)}" for f in h.findings]
            parts += [f"- verdict: {carried.get(h.key, '?')}", ""]
        on_hunk = {id(f) for h in r.hunks for f in h.findings}
        rest: dict[str, list[dict]] = defaultdict(list)
        for f in r.findings:
            if id(f) not in on_hunk:
                rest[f["code"]].append(f)
        if rest:
            parts += ["### Findings not on a hunk", ""]
        for code in sorted(rest):
            parts += [f"#### {code} ({len(rest[code])})", ""]
            parts += [f"- {short(f)}" for f in rest[code]]
            parts.append("")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(parts) + "\n", encoding="utf-8")


def tally(path: Path) -> str:
    """Per-project verdict counts of a reviewed file, as a Markdown table."""
    rows: dict[str, Counter[str]] = {}
    project = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^## (\S+) @ (\w+)", line)
        if m:
            project = f"{m.group(1)} @ {m.group(2)}"
            rows[project] = Counter()
        elif project and line.startswith("- verdict:"):
            word = line[len("- verdict:") :].strip().split(" ")[0].rstrip(":,;")
            rows[project][word if word in VERDICTS else "unreviewed"] += 1
    head = "| project | hunks | correct | wrong | questionable | import-only | unreviewed |"
    lines = [head, "|---|---|---|---|---|---|---|"]
    total: Counter[str] = Counter()
    for name, c in rows.items():
        total.update(c)
        lines.append(
            f"| {name} | {sum(c.values())} | {c['correct']} | {c['wrong']} | "
            f"{c['questionable']} | {c['import-only']} | {c['unreviewed']} |"
        )
    lines.append(
        f"| **total** | {sum(total.values())} | {total['correct']} | {total['wrong']} | "
        f"{total['questionable']} | {total['import-only']} | {total['unreviewed']} |"
    )
    return "\n".join(lines)


def repo_head() -> str:
    proc = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    global TIMEOUT
    parser = argparse.ArgumentParser(
        prog="ecosystem/run.py",
        description=__doc__.split("\n\n")[0],
        epilog=(
            "Needs: git (to extract from snapshots), the project's mistral-migrate (run this "
            "with the project's venv Python, or pass --cli), tree-sitter grammars for the "
            "parse check (installed with the project); --tsc needs tsc on PATH (npm install "
            "-g typescript). The review file goes to --out (default: "
            "<corpus>/review-<commit>.md, outside the repository)."
        ),
    )
    parser.add_argument("--manifest", type=Path, default=HERE / "manifest.toml")
    parser.add_argument(
        "--corpus", type=Path, default=Path("/work/corpus"), help="extracted projects"
    )
    parser.add_argument(
        "--mirror",
        type=Path,
        default=Path("/work/.mirror"),
        help="fetched git snapshots (<owner>+<name>/repo); used to extract missing projects",
    )
    parser.add_argument("--out", type=Path, help="review file to write (Markdown)")
    parser.add_argument("--only", action="append", default=[], help="repo substring (repeat)")
    parser.add_argument("--cli", help="mistral-migrate executable to run")
    parser.add_argument("--tsc", action="store_true", help="also count new tsc --noEmit errors")
    parser.add_argument("-j", "--jobs", type=int, help="passed to mistral-migrate -j")
    parser.add_argument(
        "--timeout", type=int, default=TIMEOUT, help="seconds per CLI call (default %(default)s)"
    )
    parser.add_argument("--extract-only", action="store_true", help="extract, then stop")
    parser.add_argument(
        "--carry-over", type=Path, help="earlier review: keep verdicts of unchanged hunks"
    )
    parser.add_argument("--tally", type=Path, help="print the verdict table of a reviewed file")
    args = parser.parse_args(argv)

    if args.tally:
        print(tally(args.tally))
        return 0
    projects = load_manifest(args.manifest)
    if args.only:
        projects = [p for p in projects if any(s in p.repo for s in args.only)]
    cli = cli_command(args.cli)
    TIMEOUT = args.timeout
    head = repo_head()
    out = args.out or args.corpus / f"review-{head}.md"
    carried = old_verdicts(args.carry_over)
    results: list[Result] = []
    for project in projects:
        folder = args.corpus / project.slug
        if not folder.is_dir():
            note = extract(project, args.mirror, folder)
            print(f"{project.repo}: {note}", file=sys.stderr)
            if note.startswith("missing"):
                results.append(Result(project, note))
                continue
        if args.extract_only:
            continue
        print(f"{project.repo}: checking", file=sys.stderr)
        results.append(check_project(project, folder, cli, args.tsc, args.jobs))
        # written after every project, so a long run can be read (and reviewed) as it goes
        write_review(results, out, carried, head)
    if args.extract_only:
        return 0
    write_review(results, out, carried, head)
    hunks = sum(len(r.hunks) for r in results)
    findings = sum(len(r.findings) for r in results)
    problems = sum(len(r.problems) for r in results)
    print(f"{len(results)} projects, {hunks} hunks, {findings} findings, {problems} problems")
    print(f"review file: {out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
