"""The `mistral-migrate` command line.

Exit codes follow ruff: 0 nothing to do, 1 changes or findings, 2 usage errors and any
internal failure (one line on stderr; the traceback only with --verbose).
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.text import Text

from migrator import __version__
from migrator.annotate import annotate as annotate_review
from migrator.catalog import load_catalog
from migrator.diffing import unified_diff
from migrator.discovery import JS_SUFFIXES, repo_root
from migrator.display import printable_lines
from migrator.findings import Finding, severity_rank
from migrator.init_project import ENV_EXAMPLE, init_project
from migrator.pipeline import FileResult, process_file
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
from migrator.runner import run
from migrator.secrets import add_patterns as add_secret_patterns
from migrator.secrets import redact
from migrator.settings import ConfigError, Settings, build_settings, load_settings
from migrator.writer import (
    ChangedOnDisk,
    OutsideTree,
    deferred_interrupts,
    interrupt_on_sigterm,
    write_atomic,
)

F = TypeVar("F", bound=Callable[..., Any])
SEVERITY_CHOICE = click.Choice(["error", "warning", "info"])


def js_grammar(path: Path) -> str | None:
    """The tree-sitter grammar of a JS/TS file (for `fix --annotate`), None for Python."""
    if path.suffix not in JS_SUFFIXES:
        return None
    from migrator.javascript.syntax import grammar_of

    return grammar_of(path.name)


def fail(message: str) -> None:
    click.echo(f"mistral-migrate: error: {message}", err=True)
    sys.exit(2)


def guarded(command: F) -> F:
    """Turn config errors and crashes into exit 2 with one line (traceback with --verbose)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ConfigError as error:
            fail(str(error))
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as error:  # the promise: no traceback without --verbose
            if click.get_current_context().find_root().params.get("verbose"):
                traceback.print_exc()
            fail(f"internal error: {type(error).__name__}: {error}")

    return wrapper  # type: ignore[return-value]


def settings_for(
    config: Path | None, select: str | None = None, ignore: str | None = None
) -> Settings:
    settings = load_settings(config)
    add_secret_patterns(settings.secret_patterns)
    extra: dict[str, Any] = {}
    if select:
        extra["select"] = tuple(code.strip() for code in select.split(",") if code.strip())
    if ignore:
        extra["ignore"] = settings.ignore + tuple(c.strip() for c in ignore.split(",") if c.strip())
    if extra:
        from dataclasses import replace

        settings = replace(settings, **extra)
    return settings


def _existing(
    ctx: click.Context, param: click.Parameter, value: tuple[Path, ...]
) -> tuple[Path, ...]:
    """A missing path is a usage error in one line, not click's three-line usage block."""
    for path in value:
        if not path.exists() and not path.is_symlink():
            fail(f"path not found: {path}")
    return value


paths_argument = click.argument(
    "paths", nargs=-1, type=click.Path(path_type=Path), callback=_existing
)
config_option = click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="pyproject.toml to read [tool.mistral-migrate] from (default: the nearest one).",
)
select_option = click.option(
    "--select",
    metavar="CODES",
    help="Only these codes or prefixes, comma-separated (e.g. MM2,MM101).",
)
ignore_option = click.option(
    "--ignore", metavar="CODES", help="Skip these codes or prefixes, comma-separated."
)
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes that parse files (default: the number of cores; small runs use one).",
)
no_cache_option = click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the results cache (in the user cache folder; $MISTRAL_MIGRATE_CACHE_DIR moves it).",
)


def fail_on_option(default_help: str) -> Callable[[F], F]:
    return click.option(
        "--fail-on",
        type=SEVERITY_CHOICE,
        default=None,
        help=f"Lowest severity that makes the exit code 1 (default: fail-on from config, else warning). {default_help}",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mistral-migrate")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks for internal errors.")
def main(verbose: bool) -> None:
    """Move code that uses the OpenAI API to Mistral's OpenAI-compatible endpoint.

    Rewrites hard-coded OpenAI clients, base URLs, API keys and model ids so they read
    environment variables whose defaults point at https://api.mistral.ai/v1 and Mistral
    models, and reports what a person must still review. Reads Python (.py, .pyi),
    notebooks (.ipynb), JavaScript/TypeScript (.js .mjs .cjs .jsx .ts .mts .cts .tsx)
    and config files (.env*, TOML, YAML, JSON).

    \b
    Typical use:
      mistral-migrate diff .        # review the migration as a patch
      mistral-migrate fix .         # apply it, then read what is left for review
      mistral-migrate check .       # lint (pre-commit, CI)
      mistral-migrate probe --dry-run .   # the requests the migrated code sends;
                                          # without --dry-run, test them on the endpoint
    """


def _text(data: bytes) -> str:
    """The file's bytes as text for a patch that `git apply` takes: a BOM stays in the
    first line and bytes of other encodings (a latin-1 cookie) go back out unchanged."""
    return data.decode("utf-8", errors="surrogateescape")


def _ended(text: str) -> str:
    return text if text.endswith("\n") or not text else text + "\n"


def diff_text(result: FileResult, show_secrets: bool, notebook_json: bool = False) -> str:
    assert result.new is not None
    if result.cells and not notebook_json:
        # a notebook: one readable diff per changed cell rather than one of its JSON
        # (a cell's last line has no newline; the diff is for reading, so it gets one)
        text = "".join(
            unified_diff(f"{result.display} (cell {number})", _ended(before), _ended(after))
            for number, (before, after) in sorted(result.cells.items())
            if before != after
        )
    else:
        text = unified_diff(result.display, _text(result.original), _text(result.new))
    return text if show_secrets else redact(text, result.secrets)


@main.command()
@paths_argument
@config_option
@click.option(
    "--show-secrets",
    is_flag=True,
    help="Print removed API keys whole, so the patch applies with git apply.",
)
@click.option(
    "--notebook-json",
    is_flag=True,
    help="Diff notebooks as their .ipynb JSON (a patch git apply accepts) instead of cell by cell.",
)
@jobs_option
@no_cache_option
@guarded
def diff(
    paths: tuple[Path, ...],
    config: Path | None,
    show_secrets: bool,
    notebook_json: bool,
    jobs: int | None,
    no_cache: bool,
) -> None:
    """Print the unified diff the migration would make; write nothing.

    Paths in the diff are relative to the repository root, so
    `mistral-migrate diff > migration.patch && git apply migration.patch` works.
    A hunk that removes an API key is masked (and will not apply) unless --show-secrets.
    Notebooks are shown cell by cell (`--- a/nb.ipynb (cell 3)`), for reading; with
    --notebook-json their hunks are of the .ipynb file itself, so the patch applies.

    Exit 0 when there is nothing to change, 1 when there are changes.
    """
    settings = settings_for(config)
    console = make_console()
    # printed once the run (and its progress bar) is over; only changed files are kept
    changed: list[FileResult] = []
    for result in run(paths or (Path("."),), settings, jobs, not no_cache):
        report_tool_problems(result)
        if result.changed:
            changed.append(result)
    for result in changed:
        text = diff_text(result, show_secrets, notebook_json)
        if console.no_color:
            sys.stdout.flush()
            sys.stdout.buffer.write(text.encode("utf-8", errors="surrogateescape"))
            continue
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
    sys.stdout.flush()
    sys.exit(1 if changed else 0)


def report_tool_problems(result: FileResult) -> None:
    """MM9xx problems (file skipped) go to stderr where the main output is a patch."""
    for finding in result.findings:
        if finding.code.startswith("MM9"):
            click.echo(
                f"mistral-migrate: {finding.path}:{finding.location}: "
                f"{finding.code} {finding.message}",
                err=True,
            )
    verbose_traceback(result)


def verbose_traceback(result: FileResult) -> None:
    if result.error and click.get_current_context().find_root().params.get("verbose"):
        click.echo(redact(result.error, result.secrets), err=True)


def write_one(result: FileResult, written: list[str]) -> bool:
    """Write one file atomically; False (and a line on stderr) when it was not written."""
    assert result.new is not None
    try:
        with deferred_interrupts():
            write_atomic(result.path, result.new, result.original, repo_root(Path.cwd()))
            written.append(result.display)
        return True
    except OutsideTree as error:
        click.echo(
            f"mistral-migrate: {result.display} links to {error}, outside this tree; not written",
            err=True,
        )
    except ChangedOnDisk:
        click.echo(
            f"mistral-migrate: {result.display} changed on disk during the run; not written",
            err=True,
        )
    except OSError as error:
        click.echo(
            f"mistral-migrate: cannot write {result.display}: {error.strerror or error}", err=True
        )
    return False


def point_at_written_lines(result: FileResult, settings: Settings) -> None:
    """Re-check a rewritten file so review findings name lines of the file as it now is
    (an added `import os` or a call split over lines moves everything below it)."""
    after = process_file(result.path, result.display, settings)
    result.findings = after.findings
    result.original = after.original
    result.secrets |= after.secrets


def _threshold(option: str | None, settings: Settings) -> int:
    return severity_rank(option or settings.fail_on)


@main.command()
@paths_argument
@config_option
@fail_on_option("Review findings at or above it give exit 1.")
@select_option
@ignore_option
@click.option(
    "--annotate",
    is_flag=True,
    help="Also insert a `# TODO(mistral-migrate): MMxxx reason` comment above each statement left for review.",
)
@jobs_option
@no_cache_option
@guarded
def fix(
    paths: tuple[Path, ...],
    config: Path | None,
    fail_on: str | None,
    select: str | None,
    ignore: str | None,
    annotate: bool,
    jobs: int | None,
    no_cache: bool,
) -> None:
    """Apply the rewrites in place, then print a summary and what still needs review.

    Files are written atomically (temporary file, then rename; the mode is kept). A file
    that changed on disk during the run is not overwritten. With --annotate, each
    statement left for review gets a TODO comment above it (`#` in Python, `//` in
    JS/TS; never twice).

    Exit 0 when nothing is left for review, 1 when review findings remain.
    """
    settings = settings_for(config, select, ignore)
    console = make_console()
    results: list[FileResult] = []
    written: list[str] = []
    interrupt_on_sigterm()
    try:
        for result in run(paths or (Path("."),), settings, jobs, not no_cache):
            results.append(result)
            verbose_traceback(result)
            if annotate and result.anchors:
                fixed = result.new if result.new is not None else result.original
                result.new = annotate_review(
                    result.original,
                    fixed,
                    result.findings,
                    result.anchors,
                    result.secrets,
                    js_grammar(result.path),
                )
            if result.changed and result.new is not None and write_one(result, written):
                point_at_written_lines(result, settings)
    except KeyboardInterrupt:
        click.echo(
            f"mistral-migrate: interrupted; {len(written)} file(s) were written whole, the rest "
            f"are untouched: {', '.join(written) or 'none'}",
            err=True,
        )
        sys.exit(130)
    review = [f for r in results for f in r.findings if not f.fixable]
    for result in results:
        result.findings = [f for f in result.findings if not f.fixable]
    print_findings(console, results)
    if review:
        console.print()
    print_fix_summary(console, results, written, review)
    threshold = _threshold(fail_on, settings)
    sys.exit(1 if any(severity_rank(f.severity) >= threshold for f in review) else 0)


FORMATS = ("text", "json", "sarif", "github")


def render_text(results: Sequence[FileResult], findings: Sequence[Finding]) -> None:
    console = make_console()
    print_findings(console, results)
    if not findings:
        console.print("No findings.")
        return
    console.print()
    console.print(summary_table(findings, "Summary", load_catalog()))
    console.print(redact(closing_line(findings)))


@main.command()
@paths_argument
@config_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people; json: a list of finding records; sarif: SARIF 2.1.0 for "
    "GitHub code scanning; github: workflow-command annotations.",
)
@fail_on_option("Findings at or above it give exit 1.")
@select_option
@ignore_option
@jobs_option
@no_cache_option
@guarded
def check(
    paths: tuple[Path, ...],
    config: Path | None,
    output_format: str,
    fail_on: str | None,
    select: str | None,
    ignore: str | None,
    jobs: int | None,
    no_cache: bool,
) -> None:
    """Report findings (rewritable and manual-review) without changing files.

    Every format masks API keys (`sk-...Io0`). Exit 0 when clean, 1 when a finding is at
    or above --fail-on (default: fail-on from config, else warning).
    """
    settings = settings_for(config, select, ignore)
    results = list(run(paths or (Path("."),), settings, jobs, not no_cache))
    for result in results:
        verbose_traceback(result)
    findings: list[Finding] = [f for r in results for f in r.findings]
    secrets = {s for r in results for s in r.secrets}
    if output_format == "text":
        render_text(results, findings)
    else:
        renderers: dict[str, Callable[[], str]] = {
            "json": lambda: render_json(findings),
            "sarif": lambda: render_sarif(findings, settings.catalog),
            "github": lambda: render_github(findings),
        }
        sys.stdout.write(redact(renderers[output_format](), secrets))
    sys.stdout.flush()
    threshold = _threshold(fail_on, settings)
    sys.exit(1 if any(severity_rank(f.severity) >= threshold for f in findings) else 0)


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
        "kept": "pyproject.toml already has [tool.mistral-migrate]: left as it is (--force replaces it)",
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
def rules(config: Path | None) -> None:
    """List every rule: code, title, severity, and whether `fix` rewrites it."""
    print_rules(make_console(), settings_for(config).catalog)


@main.command()
@click.argument("code")
@config_option
@guarded
def explain(code: str, config: Path | None) -> None:
    """Explain one rule (what it does, why, an example, what to use instead, fix safety),
    or one `probe` verdict (ok, rejected, unknown-model, ignored, deprecated,
    context-differs, unauthorized, rate-limited, error, planned)."""
    from migrator.probe.data import verdict_doc

    catalog = settings_for(config).catalog
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
def models(config: Path | None) -> None:
    """Show the effective model map (shipped map plus your config) as a table."""
    print_models(make_console(), settings_for(config))


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
    config: Path | None,
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
    parameters it passes. GET /models checks every model id the code or the model map
    uses (exists, deprecation, context window). Requests are tiny: max_tokens=1 and a
    one-word message; embeddings of one word.

    \b
    Verdicts: ok, rejected, unknown-model, ignored, unauthorized, rate-limited, error
    (model checks also: deprecated, context-differs). `mistral-migrate explain VERDICT`
    says what one means. The key (MISTRAL_API_KEY unless configured) is never printed.

    Exit 0 when everything is ok (or a dry run), 1 when anything is rejected, unknown,
    ignored, deprecated or smaller than the map says, 2 for usage, auth or network errors.
    """
    import os

    from migrator.probe.command import ProbeRun

    settings = settings_for(config)
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
