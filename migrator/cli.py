"""The `mistral-migrate` command line.

Exit codes follow ruff: 0 nothing to do, 1 changes or findings, 2 usage errors and any
internal failure (one line on stderr; the traceback only with --verbose).
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.text import Text

from migrator import __version__
from migrator.diffing import unified_diff
from migrator.findings import Finding, severity_rank
from migrator.pipeline import FileResult, decode_python
from migrator.report.console import make_console
from migrator.report.text import print_findings, print_fix_summary, print_models, summary_table
from migrator.runner import run
from migrator.secrets import redact
from migrator.settings import ConfigError, Settings, load_settings
from migrator.writer import ChangedOnDisk, write_atomic

F = TypeVar("F", bound=Callable[..., Any])
SEVERITY_CHOICE = click.Choice(["error", "warning", "info"])


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


def settings_for(config: Path | None, select: str | None = None, ignore: str | None = None) -> Settings:
    settings = load_settings(config)
    extra: dict[str, Any] = {}
    if select:
        extra["select"] = tuple(code.strip() for code in select.split(",") if code.strip())
    if ignore:
        extra["ignore"] = settings.ignore + tuple(c.strip() for c in ignore.split(",") if c.strip())
    if extra:
        from dataclasses import replace

        settings = replace(settings, **extra)
    return settings


paths_argument = click.argument(
    "paths", nargs=-1, type=click.Path(exists=True, path_type=Path)
)
config_option = click.option(
    "--config", type=click.Path(dir_okay=False, path_type=Path),
    help="pyproject.toml to read [tool.mistral-migrate] from (default: the nearest one).",
)
select_option = click.option("--select", metavar="CODES", help="Only these codes or prefixes, comma-separated (e.g. MM2,MM101).")
ignore_option = click.option("--ignore", metavar="CODES", help="Skip these codes or prefixes, comma-separated.")
jobs_option = click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
    help="Processes that parse files (default: the number of cores; small runs use one).",
)
no_cache_option = click.option(
    "--no-cache", is_flag=True,
    help="Neither read nor write the results cache (.mistral_migrate_cache/ at the project root).",
)


def fail_on_option(default_help: str) -> Callable[[F], F]:
    return click.option(
        "--fail-on", type=SEVERITY_CHOICE, default=None,
        help=f"Lowest severity that makes the exit code 1 (default: fail-on from config, else warning). {default_help}",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mistral-migrate")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks for internal errors.")
def main(verbose: bool) -> None:
    """Move code that uses the OpenAI API to Mistral's OpenAI-compatible endpoint.

    Rewrites hard-coded OpenAI clients, base URLs, API keys and model ids so they read
    environment variables whose defaults point at https://api.mistral.ai/v1 and Mistral
    models, and reports what a person must still review.

    \b
    Typical use:
      mistral-migrate diff .        # review the migration as a patch
      mistral-migrate fix .         # apply it, then read what is left for review
      mistral-migrate check .       # lint (pre-commit, CI)
    """


def _text(result: FileResult, data: bytes) -> str:
    try:
        return decode_python(data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return data.decode("utf-8", errors="replace")


def diff_text(result: FileResult, show_secrets: bool) -> str:
    assert result.new is not None
    text = unified_diff(result.display, _text(result, result.original), _text(result, result.new))
    return text if show_secrets else redact(text, result.secrets)


@main.command()
@paths_argument
@config_option
@click.option("--show-secrets", is_flag=True, help="Print removed API keys whole, so the patch applies with git apply.")
@jobs_option
@no_cache_option
@guarded
def diff(paths: tuple[Path, ...], config: Path | None, show_secrets: bool, jobs: int | None, no_cache: bool) -> None:
    """Print the unified diff the migration would make; write nothing.

    Paths in the diff are relative to the repository root, so
    `mistral-migrate diff > migration.patch && git apply migration.patch` works.
    A hunk that removes an API key is masked (and will not apply) unless --show-secrets.

    Exit 0 when there is nothing to change, 1 when there are changes.
    """
    settings = settings_for(config)
    console = make_console()
    # printed once the run (and its progress bar) is over; only changed files are kept
    changed = [r for r in run(paths or (Path("."),), settings, jobs, not no_cache) if r.changed]
    for result in changed:
        text = diff_text(result, show_secrets)
        if console.no_color:
            sys.stdout.write(text)
            continue
        for line in text.splitlines():
            style = ("bold" if line.startswith(("---", "+++")) else "green" if line.startswith("+")
                     else "red" if line.startswith("-") else "cyan" if line.startswith("@@") else "")
            console.print(Text(line, style=style))
    sys.stdout.flush()
    sys.exit(1 if changed else 0)


def _threshold(option: str | None, settings: Settings) -> int:
    return severity_rank(option or settings.fail_on)


@main.command()
@paths_argument
@config_option
@fail_on_option("Review findings at or above it give exit 1.")
@select_option
@ignore_option
@jobs_option
@no_cache_option
@guarded
def fix(paths: tuple[Path, ...], config: Path | None, fail_on: str | None, select: str | None, ignore: str | None,
        jobs: int | None, no_cache: bool) -> None:
    """Apply the rewrites in place, then print a summary and what still needs review.

    Files are written atomically (temporary file, then rename; the mode is kept). A file
    that changed on disk during the run is not overwritten.

    Exit 0 when nothing is left for review, 1 when review findings remain.
    """
    settings = settings_for(config, select, ignore)
    console = make_console()
    results: list[FileResult] = []
    written: list[str] = []
    for result in run(paths or (Path("."),), settings, jobs, not no_cache):
        results.append(result)
        if result.changed and result.new is not None:
            try:
                write_atomic(result.path, result.new, result.original)
                written.append(result.display)
            except ChangedOnDisk:
                click.echo(f"mistral-migrate: {result.display} changed on disk during the run; not written", err=True)
            except OSError as error:
                click.echo(f"mistral-migrate: cannot write {result.display}: {error.strerror}", err=True)
    review = [f for r in results for f in r.findings if not f.fixable]
    for result in results:
        result.findings = [f for f in result.findings if not f.fixable]
    print_findings(console, results)
    if review:
        console.print()
    print_fix_summary(console, results, written, review)
    threshold = _threshold(fail_on, settings)
    sys.exit(1 if any(severity_rank(f.severity) >= threshold for f in review) else 0)


@main.command()
@paths_argument
@config_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json: a list of finding records.")
@fail_on_option("Findings at or above it give exit 1.")
@select_option
@ignore_option
@jobs_option
@no_cache_option
@guarded
def check(paths: tuple[Path, ...], config: Path | None, output_format: str, fail_on: str | None,
          select: str | None, ignore: str | None, jobs: int | None, no_cache: bool) -> None:
    """Report findings (rewritable and manual-review) without changing files.

    Exit 0 when clean, 1 when a finding is at or above --fail-on.
    """
    settings = settings_for(config, select, ignore)
    results = list(run(paths or (Path("."),), settings, jobs, not no_cache))
    findings: list[Finding] = [f for r in results for f in r.findings]
    secrets = {s for r in results for s in r.secrets}
    if output_format == "json":
        payload = json.dumps([f.as_dict() for f in findings], indent=2)
        sys.stdout.write(redact(payload, secrets) + "\n")
    else:
        console = make_console()
        print_findings(console, results)
        if findings:
            console.print()
            console.print(summary_table(findings, f"{len(findings)} findings"))
        else:
            console.print("No findings.")
    threshold = _threshold(fail_on, settings)
    sys.exit(1 if any(severity_rank(f.severity) >= threshold for f in findings) else 0)


@main.command()
@config_option
@guarded
def models(config: Path | None) -> None:
    """Show the effective model map (shipped map plus your config) as a table."""
    print_models(make_console(), settings_for(config))


def run_main(argv: Sequence[str] | None = None) -> None:
    main(argv)
