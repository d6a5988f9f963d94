"""The `mistral-migrate` command line.

Exit codes follow ruff: 0 nothing to do, 1 changes or findings, 2 usage errors and any
internal failure (one line on stderr; the traceback only with --verbose).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from migrator import __version__
from migrator.annotate import TAG, drop_stale, line_map, split_lines
from migrator.annotate import annotate as annotate_review
from migrator.catalog import load_catalog
from migrator.cliopts import (
    RunOptions,
    config_option,
    config_sources,
    exit_zero_option,
    fail,
    fail_on_option,
    guarded,
    paths_argument,
    results,
    run_options,
    verbose_traceback,
)
from migrator.diffing import unified_diff
from migrator.discovery import JS_SUFFIXES, PYTHON_SUFFIXES, tree_root
from migrator.display import printable, printable_lines
from migrator.findings import Finding, severity_rank
from migrator.init_project import ENV_EXAMPLE, init_project
from migrator.pipeline import FileResult, process_file
from migrator.report.concise import render_concise, render_statistics
from migrator.report.console import make_console
from migrator.report.github import render_github
from migrator.report.json_out import render_json
from migrator.report.ruledoc import rule_doc
from migrator.report.sarif import render_sarif
from migrator.report.text import (
    closing_line,
    print_findings,
    print_fix_summary,
    print_models,
    print_rules,
    summary_table,
)
from migrator.secrets import redact
from migrator.settings import ConfigError, Settings, build_settings, load_settings
from migrator.writer import (
    ChangedOnDisk,
    NotRegular,
    OutsideTree,
    ReadOnly,
    deferred_interrupts,
    interrupt_on_sigterm,
    write_atomic,
)


def js_grammar(path: Path) -> str | None:
    """The tree-sitter grammar of a JS/TS file (for `fix --annotate`), None for Python."""
    if path.suffix not in JS_SUFFIXES:
        return None
    from migrator.javascript.syntax import grammar_of

    return grammar_of(path.name)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mistral-migrate")
@click.option(
    "-v", "--verbose", is_flag=True, help="Show tracebacks and the config each path uses."
)
def main(verbose: bool) -> None:
    """Move code that uses the OpenAI API to Mistral's OpenAI-compatible endpoint.

    Rewrites hard-coded OpenAI clients, base URLs, API keys and model ids so they read
    environment variables whose defaults point at https://api.mistral.ai/v1 and Mistral
    models, and reports what a person must still review. Reads Python (.py, .pyi),
    notebooks (.ipynb), JavaScript/TypeScript (.js .mjs .cjs .jsx .ts .mts .cts .tsx)
    and config files (.env*, TOML, YAML, JSON).

    \b
    Typical use:
      mistral-migrate diff .                  # review the migration
      mistral-migrate diff -o m.patch .       # or write it as a patch for git apply
      mistral-migrate fix .                   # apply it; read what is left for review
      mistral-migrate check .                 # lint (pre-commit, CI)
      mistral-migrate probe --dry-run .       # the requests the migrated code sends;
                                              # without --dry-run, test them on the endpoint

    Each path uses the nearest config above it (.mistral-migrate.toml,
    mistral-migrate.toml, or pyproject.toml with [tool.mistral-migrate]).
    """
    keep_undecodable_names()


def keep_undecodable_names() -> None:
    """A file name that is not valid UTF-8 reaches Python as a str holding surrogates;
    written back out as the bytes it was made of (what `ls` shows), so one such name
    cannot stop a run in any output format."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, AttributeError, io.UnsupportedOperation):
                stream.reconfigure(errors="surrogateescape")


def _text(data: bytes) -> str:
    """The file's bytes as text for a patch that `git apply` takes: a BOM stays in the
    first line and bytes of other encodings (a latin-1 cookie) go back out unchanged."""
    return data.decode("utf-8", errors="surrogateescape")


def _ended(text: str) -> str:
    return text if text.endswith("\n") or not text else text + "\n"


def diff_text(result: FileResult, show_secrets: bool, notebook_json: bool = False) -> str:
    """One file's diff; a notebook cell by cell unless `notebook_json` (which applies)."""
    assert result.new is not None
    if result.cells and not notebook_json:
        # a notebook: one readable diff per changed cell rather than one of its JSON
        # (a cell's last line has no newline; the diff is for reading, so it gets one)
        text = "".join(
            unified_diff(result.display, _ended(before), _ended(after), note=f" (cell {number})")
            for number, (before, after) in sorted(result.cells.items())
            if before != after
        )
    else:
        text = unified_diff(result.display, _text(result.original), _text(result.new))
    return text if show_secrets else redact(text, result.secrets)


def print_diff(text: str, console: Console) -> None:
    """A diff on stdout: bytes as they are when piped, coloured lines on a terminal (where
    control characters from the files are shown escaped, with or without colour)."""
    if console.no_color and not sys.stdout.isatty():
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8", errors="surrogateescape"))
        return
    shown = text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
    # a terminal: control characters from the files are shown, not acted on
    for line in printable_lines(shown).splitlines():
        style = (
            "bold"
            if line.startswith(("---", "+++"))
            else "green"
            if line.startswith("+")
            else "red"
            if line.startswith("-")
            else "cyan"
            if line.startswith("@@")
            else ""
        )
        console.print(Text(line, style=style))


def write_patch(target: Path, patch: str) -> None:
    """The exact patch, readable by its owner only: it holds the keys the patched files
    hold (that is what lets it apply)."""
    data = patch.encode("utf-8", errors="surrogateescape")
    if str(target) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        return
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)


@main.command()
@run_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the exact patch to FILE for `git apply FILE`: keys whole (the "
    "patched files hold them already), notebooks as hunks of their .ipynb JSON. "
    "`-o -` prints only that patch on stdout.",
)
@click.option(
    "--show-secrets",
    is_flag=True,
    help="Print removed API keys whole on stdout too.",
)
@click.option(
    "--notebook-json",
    is_flag=True,
    help="Show notebooks as hunks of their .ipynb JSON on stdout instead of cell by cell.",
)
@exit_zero_option
@guarded
def diff(
    output: Path | None, show_secrets: bool, notebook_json: bool, exit_zero: bool, **params: Any
) -> None:
    """Print the unified diff the migration would make; write no source file.

    Stdout is for reading: API keys masked, notebooks cell by cell
    (`--- a/nb.ipynb (cell 3)`). `-o FILE` writes the patch that applies:

    \b
      mistral-migrate diff -o migration.patch .
      git apply migration.patch

    Paths are relative to the project's git work tree (else its config's folder), so
    run `git apply` there. A note on stderr says when stdout's hunks were masked.

    Exit 0 when there is nothing to change, 1 when there are changes.
    """
    options = RunOptions.take(params)
    console = make_console()
    # printed once the run (and its progress bar) is over; only changed files are kept
    changed: list[FileResult] = []
    for _settings, result in results(options):
        report_tool_problems(result)
        if result.changed:
            changed.append(result)
    # stdout shows the diff for reading, unless `-q -o FILE`, or `-o -` (then the patch)
    printed = (not options.quiet or output is None) and str(output) != "-"
    masked = 0
    for result in changed:
        text = diff_text(result, True, notebook_json)
        shown = text if show_secrets else redact(text, result.secrets)
        masked += shown != text
        if printed:
            print_diff(shown, console)
    sys.stdout.flush()
    if output is not None:
        write_patch(output, "".join(diff_text(result, True, True) for result in changed))
    if masked and printed:
        click.echo(
            f"mistral-migrate: API keys are masked in the diff of {masked} file(s) on stdout, "
            "so those hunks do not apply as printed; `diff -o FILE` writes a patch that does",
            err=True,
        )
    sys.exit(1 if changed and not exit_zero else 0)


def report_tool_problems(result: FileResult) -> None:
    """MM9xx problems (file skipped) go to stderr where the main output is a patch."""
    for finding in result.findings:
        if finding.code.startswith("MM9"):
            click.echo(
                f"mistral-migrate: {printable(finding.path)}:{finding.location}: "
                f"{finding.code} {redact(finding.message, result.secrets)}",
                err=True,
            )
    verbose_traceback(result)


def write_one(result: FileResult, written: list[str]) -> bool:
    """Write one file atomically; False (and a line on stderr naming it) when it was not
    written: `fix` then exits 1, whatever is left for review."""
    assert result.new is not None
    why = None
    try:
        with deferred_interrupts():
            write_atomic(result.path, result.new, result.original, tree_root(result.path))
            written.append(result.display)
        return True
    except OutsideTree as error:
        why = f"links to {error}, outside this tree"
    except ChangedOnDisk:
        why = "changed on disk during the run"
    except ReadOnly:
        why = "is read-only"
    except NotRegular:
        why = "is not a regular file"
    except OSError as error:
        why = f"cannot be written: {error.strerror or error}"
    click.echo(f"mistral-migrate: {result.display} {why}; not written", err=True)
    return False


def point_at_written_lines(result: FileResult, settings: Settings) -> None:
    """Re-check a rewritten file so review findings name lines of the file as it now is
    (an added `import os` or a call split over lines moves everything below it). The
    workers did that check already for the bytes just written (FileResult.rechecked);
    only what they did not see (an --annotate write) is parsed again here."""
    if result.rechecked is not None and result.new is not None:
        result.findings, result.original = result.rechecked, result.new
        result.anchors = result.recheck_anchors or {}
        result.rechecked = result.recheck_anchors = None
        result.new = None
        return
    after = process_file(result.path, result.display, settings)
    result.findings = after.findings
    result.anchors = after.anchors
    result.original = after.original
    result.new = None
    result.secrets |= after.secrets


def still_true(
    findings: Sequence[Finding], before: bytes, after: bytes, catalog: Any
) -> list[Finding]:
    """The first pass's findings that stay true once the site is rewritten (a committed
    key is still in the history), moved to the line their statement now starts on and
    no longer marked fixable (the rewrite is done; revoking the key is not)."""
    kept = [f for f in findings if f.code in catalog.rules and catalog.rules[f.code].kept_after_fix]
    if not kept:
        return []
    mapping = line_map(split_lines(before), split_lines(after), None)
    moved = []
    for finding in kept:
        if finding.cell is None and finding.line - 1 in mapping:
            line = mapping[finding.line - 1] + 1
            # the statement's first line; the key's own column is gone with the rewrite
            finding = replace(finding, line=line, column=1, end_line=line, end_column=1)
        # done by `fix`; what is left (revoking the key) is for a person
        moved.append(replace(finding, fixable=False))
    return moved


def fix_one(
    result: FileResult, settings: Settings, annotate: bool, written: list[str], failed: list[str]
) -> None:
    """Rewrite, write and re-check one file; with --annotate, then bring its TODO comments
    in line with what the re-check still reports (added where missing, stale ones gone),
    so a second `fix --annotate` changes nothing."""
    first = result.findings
    before = result.original
    if result.changed and result.new is not None:
        if not write_one(result, written):
            failed.append(result.display)
            return
        point_at_written_lines(result, settings)
    kept = (
        still_true(first, before, result.original, settings.catalog)
        if result.original != before
        else []
    )
    # Python and JS/TS only: notebooks and config files never get TODO comments
    annotatable = result.path.suffix in (*PYTHON_SUFFIXES, *JS_SUFFIXES)
    if annotate and annotatable and (result.anchors or TAG.encode() in result.original):
        grammar = js_grammar(result.path)
        current = drop_stale(result.original, result.findings, result.anchors, grammar)
        result.new = annotate_review(
            current, current, result.findings, result.anchors, result.secrets, grammar
        )
        if result.changed and write_one(result, written):
            point_at_written_lines(result, settings)
    result.findings = [*kept, *(f for f in result.findings if f not in kept)]


def _threshold(option: str | None, settings: Settings) -> int:
    return severity_rank(option or settings.fail_on)


def _failed(
    pairs: Sequence[tuple[Settings, Sequence[Finding]]], fail_on: str | None, exit_zero: bool
) -> bool:
    """Whether any finding is at or above its project's --fail-on."""
    if exit_zero:
        return False
    return any(
        severity_rank(f.severity) >= _threshold(fail_on, settings)
        for settings, findings in pairs
        for f in findings
    )


@main.command()
@run_options
@fail_on_option("Review findings at or above it give exit 1.")
@click.option(
    "--annotate",
    is_flag=True,
    help="Also insert a `# TODO(mistral-migrate): MMxxx reason` comment above each statement "
    "left for review (and drop ones no longer true).",
)
@exit_zero_option
@guarded
def fix(fail_on: str | None, annotate: bool, exit_zero: bool, **params: Any) -> None:
    """Apply the rewrites in place, then print what still needs review and a summary.

    Files are written atomically (temporary file, then rename; the mode is kept). A file
    that changed on disk during the run is not overwritten. With --annotate, each
    statement left for review gets a TODO comment above it (`#` in Python, `//` in
    JS/TS; never twice). A committed key (MM102) is still reported after its rewrite:
    the key is in the history and must be revoked. With `-` the fixed standard input is
    printed on stdout and the findings go to stderr.

    A file that cannot be written (read-only, changed on disk, a link out of its tree)
    is named on stderr and left as it was.

    Exit 0 when nothing is left for review, 1 when review findings remain or a file
    could not be written.
    """
    options = RunOptions.take(params)
    if options.from_stdin:
        fix_stdin(options, fail_on, exit_zero)
        return
    console = make_console()
    done: list[tuple[Settings, FileResult]] = []
    written: list[str] = []
    failed: list[str] = []
    interrupt_on_sigterm()
    try:
        for settings, result in results(options, recheck=True):
            done.append((settings, result))
            verbose_traceback(result)
            fix_one(result, settings, annotate, written, failed)
    except KeyboardInterrupt:
        click.echo(
            f"mistral-migrate: interrupted; {len(written)} file(s) were written whole, the rest "
            f"are untouched: {', '.join(written) or 'none'}",
            err=True,
        )
        sys.exit(130)
    unwritten = set(failed)  # a file not written still has all of its findings
    for _settings, result in done:
        result.findings = [
            f
            for f in result.findings
            if not f.fixable or kept_after_fix(f, _settings) or result.display in unwritten
        ]
    review = [f for _settings, r in done for f in r.findings]
    files = [result for _settings, result in done]
    print_findings(console, files)
    if not options.quiet:
        if review:
            console.print()
        print_fix_summary(console, files, list(dict.fromkeys(written)), review)
    if failed:
        click.echo(
            f"mistral-migrate: {len(failed)} file(s) could not be written: {', '.join(failed)}",
            err=True,
        )
    left = _failed([(s, r.findings) for s, r in done], fail_on, exit_zero)
    sys.exit(1 if failed or left else 0)


def kept_after_fix(finding: Finding, settings: Settings) -> bool:
    rule = settings.catalog.rules.get(finding.code)
    return rule is not None and rule.kept_after_fix


def fix_stdin(options: RunOptions, fail_on: str | None, exit_zero: bool) -> None:
    """`fix -`: the fixed text on stdout (as formatters and editors expect), the review
    findings as concise lines on stderr."""
    [(settings, result)] = list(results(options))
    data = result.new if result.changed and result.new is not None else result.original
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    left = [f for f in result.findings if not f.fixable or kept_after_fix(f, settings)]
    if not options.quiet or left:
        click.echo(redact(render_concise(left), result.secrets), err=True, nl=False)
    sys.exit(1 if _failed([(settings, left)], fail_on, exit_zero) else 0)


FORMATS = ("text", "concise", "json", "sarif", "github")
FORMAT_ENV = "MISTRAL_MIGRATE_OUTPUT_FORMAT"


def render_text(results: Sequence[FileResult], findings: Sequence[Finding], quiet: bool) -> None:
    console = make_console()
    print_findings(console, results)
    if quiet:
        return
    if not findings:
        console.print("No findings.")
        return
    console.print()
    console.print(summary_table(findings, "Summary", load_catalog()))
    console.print(redact(closing_line(findings)))


def source_lines(results: Sequence[FileResult]) -> dict[tuple[str, int | None, int], str]:
    """(path, cell, line) -> the finding's masked source line, for SARIF fingerprints."""
    lines: dict[tuple[str, int | None, int], str] = {}
    for result in results:
        text = result.original.decode("utf-8", errors="replace")
        plain = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for finding in result.findings:
            shown = (
                result.cells.get(finding.cell, ("", ""))[0].split("\n")
                if finding.cell is not None
                else plain
            )
            if 0 < finding.line <= len(shown):
                source = redact(shown[finding.line - 1], result.secrets)
                lines[(finding.path, finding.cell, finding.line)] = source
    return lines


@main.command()
@run_options
@click.option(
    "--output-format",
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    envvar=FORMAT_ENV,
    show_envvar=True,
    help="text for people; concise: one `path:line:col: CODE message` line each (editors "
    "jump to it); json: finding records; sarif: SARIF 2.1.0 for code scanning; github: "
    "workflow-command annotations.",
)
@fail_on_option("Findings at or above it give exit 1.")
@click.option("--statistics", is_flag=True, help="Print a count per code instead of the findings.")
@exit_zero_option
@guarded
def check(
    output_format: str, fail_on: str | None, statistics: bool, exit_zero: bool, **params: Any
) -> None:
    """Report findings (rewritable and manual-review) without changing files.

    Every format masks API keys (`sk-...Io0`). Exit 0 when clean, 1 when a finding is at
    or above --fail-on (default: fail-on from config, else warning).
    """
    options = RunOptions.take(params)
    done = list(results(options))
    files = [result for _settings, result in done]
    for result in files:
        verbose_traceback(result)
    # masked before encoding: a key inside JSON's `\"` escapes would slip past the masking
    findings: list[Finding] = [
        replace(f, message=redact(f.message, r.secrets)) for r in files for f in r.findings
    ]
    secrets = {s for r in files for s in r.secrets}
    catalog = done[0][0].catalog if done else load_catalog()
    if statistics:
        sys.stdout.write(redact(render_statistics(findings, catalog, output_format == "json")))
    elif output_format == "text":
        render_text(files, findings, options.quiet)
    else:
        renderers: dict[str, Callable[[], str]] = {
            "concise": lambda: render_concise(findings),
            "json": lambda: render_json(findings),
            "sarif": lambda: render_sarif(findings, catalog, source_lines(files)),
            "github": lambda: render_github(findings),
        }
        sys.stdout.write(redact(renderers[output_format](), secrets))
        if output_format == "concise" and not options.quiet:
            sys.stdout.write(closing_line(findings) + "\n" if findings else "No findings.\n")
    sys.stdout.flush()
    sys.exit(1 if _failed([(s, r.findings) for s, r in done], fail_on, exit_zero) else 0)


@main.command()
@click.argument(
    "directory", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--force", is_flag=True, help="Replace an existing [tool.mistral-migrate] section.")
@guarded
def init(directory: Path, force: bool) -> None:
    """Add a commented [tool.mistral-migrate] section and a matching .env.example.

    \b
    pyproject.toml: the section (every default, commented out) is appended; the rest of
      the file is kept byte for byte. A file that has the section is left alone unless
      --force. Without a pyproject.toml, one holding only the section is created.
    .env.example: one NAME=default line for the API key, the base URL and each model
      variable the migrated project reads (found by scanning DIRECTORY like `check`).
      Lines already there, under their old OPENAI_* names or the new ones, are not
      added again.

    Exit 0; running it twice changes nothing the second time.
    """
    pyproject = directory / "pyproject.toml"
    settings = (
        load_settings(pyproject)
        if pyproject.is_file()
        else build_settings({}, None, directory.resolve())
    )
    result = init_project(directory, settings, force)
    console = make_console()
    messages = {
        "created": "created pyproject.toml with a commented [tool.mistral-migrate] section",
        "added": "added a commented [tool.mistral-migrate] section to pyproject.toml",
        "replaced": "replaced the [tool.mistral-migrate] section in pyproject.toml",
        "kept": "pyproject.toml already has [tool.mistral-migrate]: left as it is "
        "(--force replaces it)",
        "unchanged": "pyproject.toml: [tool.mistral-migrate] is already the default section",
    }
    console.print(messages[result.pyproject], markup=False)
    if result.env_added:
        console.print(f"{ENV_EXAMPLE}: added {', '.join(result.env_added)}", markup=False)
    else:
        console.print(f"{ENV_EXAMPLE}: already lists every variable", markup=False)


@main.command()
@config_option
@guarded
def rules(config: tuple[str, ...]) -> None:
    """List every rule: code, title, severity, and whether `fix` rewrites it."""
    print_rules(make_console(), settings_here(config).catalog)


@main.command()
@click.argument("code")
@config_option
@guarded
def explain(code: str, config: tuple[str, ...]) -> None:
    """Explain one rule (what it does, why, an example, what to use instead, fix safety),
    or one `probe` verdict (ok, rejected, unknown-model, ignored, deprecated,
    context-differs, unauthorized, rate-limited, error, planned)."""
    from migrator.probe.data import verdict_doc

    catalog = settings_here(config).catalog
    rule = catalog.rules.get(code.strip().upper())
    doc = verdict_doc(code) if rule is None else None
    if doc is not None:
        click.echo(doc, nl=False)
        return
    if rule is None:
        # echo only what looks like a code: a pasted key must not land in a terminal log
        shown = repr(code) if re.fullmatch(r"[A-Za-z]{1,4}[0-9]{0,4}", code.strip()) else "given"
        fail(f"unknown rule code {shown}; `mistral-migrate rules` lists them")
        return
    click.echo(rule_doc(rule), nl=False)


@main.command()
@config_option
@guarded
def models(config: tuple[str, ...]) -> None:
    """Show the effective model map (shipped map plus your config) as a table."""
    print_models(make_console(), settings_here(config))


def settings_here(config: tuple[str, ...]) -> Settings:
    """Settings of the working directory's project (for commands that read no files)."""
    path, overrides = config_sources(config)
    return load_settings(path, overrides=overrides)


def _interactive() -> bool:
    """Whether a person can answer the confirmation (tests replace it)."""
    return sys.stdin.isatty()


@main.command()
@paths_argument
@config_option
@click.option(
    "--base-url",
    metavar="URL",
    help="Endpoint to probe (default: the base-URL variable, MISTRAL_BASE_URL unless "
    "configured, else https://api.mistral.ai/v1).",
)
@click.option("--dry-run", is_flag=True, help="Print the plan; send nothing (no key needed).")
@click.option("-y", "--yes", is_flag=True, help="Send without asking (needed without a terminal).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="json: a list of records (endpoint, model, parameters, status, http_status, "
    "detail, locations).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Requests in flight at once (default 2).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=None,
    metavar="SECONDS",
    help="Per-request timeout (default 30).",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Retries of a request answered 429, waiting as Retry-After says (default 3).",
)
@click.option(
    "--update-rules",
    "update_rules",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help='Write what was observed as a rules overlay; load it with rules-overlay = "FILE" '
    "in [tool.mistral-migrate] so `check` follows the endpoint.",
)
@guarded
def probe(
    paths: tuple[Path, ...],
    config: tuple[str, ...],
    base_url: str | None,
    dry_run: bool,
    yes: bool,
    output_format: str,
    concurrency: int | None,
    timeout: float | None,
    retries: int | None,
    update_rules: Path | None,
) -> None:
    """Send one minimal request per distinct (endpoint, model, parameters) the migrated
    code sends, and report what the endpoint does with it.

    \b
    The plan comes from the same analysis as `check`, on the code as `fix` would leave it:
    every chat-completions and embeddings call on a client that goes to Mistral, with the
    model it sends (a literal; an env var's value when set, else its default) and the
    parameters it passes, in Python files, notebooks (cell:line) and JS/TS (openai-node
    calls, the AI SDK's generateText/streamText/embed, LangChain.js ChatOpenAI and
    OpenAIEmbeddings; settings named as the request body sends them). GET /models checks
    every model id the code or the model map uses (exists, deprecation, context window).
    Requests are tiny: max_tokens=1 and a one-word message; embeddings of one word.

    \b
    Verdicts: ok, rejected, unknown-model, ignored, unauthorized, rate-limited, error
    (model checks also: deprecated, context-differs). `mistral-migrate explain VERDICT`
    says what one means. The key (MISTRAL_API_KEY unless configured) is never printed.

    Exit 0 when everything is ok (or a dry run), 1 when anything is rejected, unknown,
    ignored, deprecated or smaller than the map says, 2 for usage, auth or network errors.
    """
    import os

    from migrator.probe.command import ProbeRun

    settings = settings_here(config)
    key = os.environ.get(settings.api_key_env, "")
    verbose = bool(click.get_current_context().find_root().params.get("verbose"))
    run = ProbeRun(settings, key, base_url, concurrency, timeout, retries)
    try:
        plan = run.plan(paths or (Path("."),))
        if dry_run:
            sys.stdout.write(run.hide(run.render_plan(plan, output_format)))
            sys.exit(0)
        if not key:
            fail(
                f"${settings.api_key_env} is not set: probe needs a key to send "
                "(--dry-run does not)"
            )
        if not plan.requests and not plan.models:
            click.echo("mistral-migrate: nothing to probe", err=True)
            sys.exit(0)
        if not yes:
            if not _interactive():
                fail(
                    "probe sends requests that use your key; confirm with --yes "
                    "(there is no terminal to ask on)"
                )
            question = (
                f"Send GET /models and {len(plan.requests)} request(s) to {run.base_url} "
                f"with ${settings.api_key_env}?"
            )
            if not click.confirm(question, default=False, err=True):
                sys.exit(2)
        records = run.send(plan)
        sys.stdout.write(run.hide(run.render(records, plan, output_format)))
        if update_rules is not None:
            written = run.update_rules(update_rules, records)
            click.echo(
                f"mistral-migrate: {update_rules}: {written} observation(s) written", err=True
            )
        sys.stdout.flush()
        sys.exit(run.exit_code(records))
    except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
        raise
    except ConfigError:
        raise
    except Exception as error:  # the key must not reach a traceback either
        if verbose:
            click.echo(run.hide(traceback.format_exc()), err=True)
        fail(run.hide(f"internal error: {type(error).__name__}: {error}"))


def run_main(argv: Sequence[str] | None = None) -> None:
    main(argv)
