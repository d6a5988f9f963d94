"""What `check`, `fix` and `diff` share: their options (ruff's names where ruff has one),
error handling, and turning the command line into (settings, result) pairs.

Kept out of cli.py so the commands read as what they do.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from migrator.discovery import display_path
from migrator.display import printable, printable_lines
from migrator.pipeline import FileResult, process_file
from migrator.projects import (
    NestedConfigs,
    display_root,
    force_excluded,
    outside_shard,
    parse_shard,
    project_groups,
    select_files,
)
from migrator.report.console import COLOR_MODES, set_color
from migrator.runner import run
from migrator.secrets import add_patterns as add_secret_patterns
from migrator.secrets import redact
from migrator.settings import ConfigError, Settings, normalize_code, parse_override

F = TypeVar("F", bound=Callable[..., Any])
SEVERITY_CHOICE = click.Choice(["error", "warning", "info"])
# the exit status of a process ended by SIGPIPE, as `git log | head` gives
BROKEN_PIPE = 141


def fail(message: str) -> None:
    # a message may quote config or file content: masked, one line, no control character
    click.echo(f"mistral-migrate: error: {printable(redact(message))}", err=True)
    sys.exit(2)


def verbose() -> bool:
    """-v given before or after the subcommand."""
    context = click.get_current_context(silent=True)
    while context is not None:
        if context.params.get("verbose"):
            return True
        context = context.parent
    return False


def quiet_stdout_after_broken_pipe() -> None:
    """`diff | head`: the reader is gone; end quietly, and point stdout at /dev/null so
    the interpreter's last flush does not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test runner's buffer)
        pass
    sys.exit(BROKEN_PIPE)


def guarded(command: F) -> F:
    """Turn config errors and crashes into exit 2 with one line (traceback with --verbose)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ConfigError as error:
            fail(str(error))
        except BrokenPipeError:
            quiet_stdout_after_broken_pipe()
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as error:  # the promise: no traceback without --verbose
            if verbose():
                click.echo(printable_lines(redact(traceback.format_exc())), err=True, nl=False)
            fail(f"internal error: {type(error).__name__}: {error}")

    return wrapper  # type: ignore[return-value]


def _existing(
    ctx: click.Context, param: click.Parameter, value: tuple[Path, ...]
) -> tuple[Path, ...]:
    """A missing path is a usage error in one line, not click's three-line usage block.
    `-` is standard input."""
    for path in value:
        if str(path) != "-" and not path.exists() and not path.is_symlink():
            fail(f"path not found: {path}")
    return value


def _color(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    set_color(value or "auto")  # every invocation starts from auto (tests run many)
    return value


paths_argument = click.argument(
    "paths", nargs=-1, type=click.Path(path_type=Path), callback=_existing
)
config_option = click.option(
    "--config",
    "config",
    multiple=True,
    metavar="FILE|KEY=VALUE",
    help="A config file to use instead of the nearest one above each path "
    "(pyproject.toml, mistral-migrate.toml or .mistral-migrate.toml), or a KEY=VALUE "
    "override in TOML (`--config line-length=100`, `--config 'ignore=[\"MM205\"]'`); repeatable.",
)
select_option = click.option(
    "--select",
    metavar="CODES",
    help="Only these codes or prefixes, comma-separated, any case (e.g. MM2,MM101).",
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
    help="Neither read nor write the results cache (in the user cache folder; "
    "$MISTRAL_MIGRATE_CACHE_DIR moves it).",
)
verbose_option = click.option(
    "-v", "--verbose", is_flag=True, help="Show tracebacks and the config each path uses."
)
quiet_option = click.option(
    "-q", "--quiet", is_flag=True, help="Print findings (or the diff) and nothing else."
)
color_option = click.option(
    "--color",
    type=click.Choice(COLOR_MODES),
    default=None,
    callback=_color,
    expose_value=False,
    is_eager=True,
    help="Colour the output: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces it), "
    "always or never.",
)
stdin_option = click.option(
    "--stdin-filename",
    metavar="PATH",
    help="With `-` as the path: the name of the file read from standard input (its "
    "config, its kind, the name in the output).",
)
force_exclude_option = click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply the config's `exclude` (and the default excludes) to files named on the "
    "command line too, as pre-commit hooks need.",
)
shard_option = click.option(
    "--shard",
    metavar="K/N",
    help="Only the K-th of N shards of the files (by a stable hash of each path), to split "
    "a run over N CI jobs.",
)
exit_zero_option = click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 even when there are findings (2 still means an error).",
)


def fail_on_option(default_help: str) -> Callable[[F], F]:
    return click.option(
        "--fail-on",
        type=SEVERITY_CHOICE,
        default=None,
        help="Lowest severity that makes the exit code 1 (default: fail-on from config, "
        f"else warning). {default_help}",
    )


def run_options(command: F) -> F:
    """The options every file-reading command takes, in --help order."""
    for option in reversed(
        (
            paths_argument,
            config_option,
            select_option,
            ignore_option,
            force_exclude_option,
            stdin_option,
            shard_option,
            jobs_option,
            no_cache_option,
            color_option,
            quiet_option,
            verbose_option,
        )
    ):
        command = option(command)
    return command


@dataclass(frozen=True)
class RunOptions:
    paths: tuple[Path, ...]
    config: tuple[str, ...] = ()
    select: str | None = None
    ignore: str | None = None
    force_exclude: bool = False
    stdin_filename: str | None = None
    shard: str | None = None
    jobs: int | None = None
    no_cache: bool = False
    quiet: bool = False
    verbose: bool = False

    @classmethod
    def take(cls, params: dict[str, Any]) -> RunOptions:
        """The shared options out of a command's keyword arguments (the rest stay)."""
        names = {name for name in cls.__dataclass_fields__}
        return cls(**{name: params.pop(name) for name in list(params) if name in names})

    @property
    def from_stdin(self) -> bool:
        """`-` as the only path, or --stdin-filename with no path (as ruff reads it)."""
        names = [str(path) for path in self.paths]
        if "-" in names and len(names) > 1:
            raise ConfigError("`-` (standard input) must be the only path")
        return names == ["-"] or (not names and self.stdin_filename is not None)


def config_sources(values: Sequence[str]) -> tuple[Path | None, list[dict[str, Any]]]:
    """`--config` values: at most one file, any number of KEY=VALUE overrides."""
    files = [value for value in values if "=" not in value or Path(value).is_file()]
    if len(files) > 1:
        raise ConfigError(f"--config: one config file at most, got {', '.join(files)}")
    overrides = [parse_override(value) for value in values if value not in files]
    return (Path(files[0]) if files else None), overrides


def _cli_codes(value: str | None, option: str, settings: Settings) -> tuple[str, ...]:
    return tuple(
        normalize_code(code, option, settings.catalog)
        for code in (value or "").split(",")
        if code.strip()
    )


def with_cli_codes(settings: Settings, options: RunOptions) -> Settings:
    """`--select` replaces the config's select, `--ignore` adds to its ignore."""
    extra: dict[str, Any] = {}
    if options.select:
        extra["select"] = _cli_codes(options.select, "--select", settings)
    if options.ignore:
        extra["ignore"] = settings.ignore + _cli_codes(options.ignore, "--ignore", settings)
    return replace(settings, **extra) if extra else settings


def grouped(options: RunOptions) -> list[tuple[Settings, list[Path]]]:
    config, overrides = config_sources(options.config)
    paths = [Path(options.stdin_filename or "stdin.py")] if options.from_stdin else None
    groups = project_groups(paths or list(options.paths or (Path("."),)), config, overrides)
    out = []
    for settings, group in groups:
        settings = with_cli_codes(settings, options)
        add_secret_patterns(settings.secret_patterns)
        if options.verbose or verbose():
            where = settings.config_path or "none (defaults)"
            click.echo(f"mistral-migrate: config {where} for {len(group)} path(s)", err=True)
        out.append((settings, group))
    return out


def results(options: RunOptions, recheck: bool = False) -> Iterator[tuple[Settings, FileResult]]:
    """Every file's result with the settings it ran under, in the order paths were given.
    `recheck` (for `fix`): the workers also check each rewritten file as it will be
    written (FileResult.rechecked), so the main process does not parse it again."""
    shard = parse_shard(options.shard) if options.shard else None
    groups = grouped(options)  # config errors surface before any work
    if options.from_stdin:
        settings, group = groups[0]
        yield settings, stdin_result(group[0], settings, options.force_exclude)
        return
    config, overrides = config_sources(options.config)
    nested = NestedConfigs(overrides, lambda found: with_cli_codes(found, options))
    for settings, group in groups:
        files = select_files(group, settings, options.force_exclude, shard)
        context = outside_shard(group, settings, options.force_exclude, shard)
        # one --config FILE is for every path; else each file takes its nearest config
        parts = [(settings, files)] if config is not None else nested.split(files, settings)
        for part_settings, part in parts:
            if (options.verbose or verbose()) and part_settings is not settings:
                click.echo(
                    f"mistral-migrate: config {part_settings.config_path} for "
                    f"{len(part)} file(s) below it",
                    err=True,
                )
            outcome = run(
                part, part_settings, options.jobs, not options.no_cache, context, recheck=recheck
            )
            for result in outcome:
                yield part_settings, result


def stdin_result(name: Path, settings: Settings, force_exclude: bool) -> FileResult:
    """Standard input run as the file `name` would be (editors pipe an unsaved buffer).
    The bytes go through a private temporary file of the same name, so every reader
    (Python, notebook, JS/TS, config) sees what it would on disk."""
    data = sys.stdin.buffer.read()
    display = display_path(name, display_root(settings))
    if force_exclude and force_excluded(name, settings):
        return FileResult(name, display, original=data)
    with tempfile.TemporaryDirectory(prefix="mistral-migrate-") as folder:
        temporary = Path(folder) / (name.name or "stdin.py")
        temporary.write_bytes(data)
        result = process_file(temporary, display, settings)
    result.path = name
    return result


def verbose_traceback(result: FileResult) -> None:
    if result.error and verbose():
        click.echo(printable_lines(redact(result.error, result.secrets)), err=True)
