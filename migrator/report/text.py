"""Human-readable output: findings grouped by file, the fix summary, the model table."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from migrator.catalog import Catalog
from migrator.configfiles.kinds import config_kind
from migrator.discovery import JS_SUFFIXES, NOTEBOOK_SUFFIXES, PYTHON_SUFFIXES
from migrator.display import printable, window
from migrator.findings import Finding
from migrator.pipeline import FileResult, decode_python
from migrator.secrets import redact
from migrator.settings import Settings

CODE_SUFFIXES = (*PYTHON_SUFFIXES, *NOTEBOOK_SUFFIXES, *JS_SUFFIXES)
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _source_lines(result: FileResult) -> list[str]:
    try:
        text = decode_python(result.original)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        text = result.original.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _cell_lines(result: FileResult) -> dict[int, list[str]]:
    return {number: before.split("\n") for number, (before, _after) in result.cells.items()}


def print_findings(
    console: Console, results: Iterable[FileResult], show_source: bool = True
) -> None:
    """One block per file: a header, then each finding with its code, severity, message
    and source line, so the block can be pasted into a pull request as it is."""
    first = True
    for result in results:
        if not result.findings:
            continue
        if not first:
            console.print()
        first = False
        lines = _source_lines(result) if show_source and not result.cells else []
        cells = _cell_lines(result) if show_source else {}
        count = len(result.findings)
        console.print(
            Text(
                f"{printable(result.display)} ({count} finding{'s' if count != 1 else ''})",
                style="bold underline",
            )
        )
        for finding in result.findings:
            line = Text("  ")
            line.append(f"{finding.location} ", style="bold")
            line.append(finding.code, style=SEVERITY_STYLE[finding.severity])
            line.append(f" {finding.severity}")
            if finding.fixable:
                line.append(" [fixable]", style="green")
            line.append(": " + redact(finding.message, result.secrets))
            console.print(line)
            shown = cells.get(finding.cell, []) if finding.cell is not None else lines
            if show_source and 0 < finding.line <= len(shown):
                source = redact(shown[finding.line - 1].rstrip(), result.secrets)
                source = window(printable(source), finding.column)
                console.print(Text(f"    {finding.line:>5} | {source}", style="dim"))


def summary_table(findings: Sequence[Finding], title: str, catalog: Catalog | None = None) -> Table:
    """Counts per code, with the rule title and whether `fix` handles it."""
    table = Table(title=title, title_justify="left")
    table.add_column("code")
    if catalog is not None:
        table.add_column("rule")
    table.add_column("severity")
    table.add_column("fixable")
    table.add_column("count", justify="right")
    counts = Counter((f.code, f.severity, f.fixable) for f in findings)
    for (code, severity, fixable), count in sorted(counts.items()):
        row: list[str | Text] = [code]
        if catalog is not None:
            row.append(catalog.rules[code].title if code in catalog.rules else "")
        row += [
            Text(severity, style=SEVERITY_STYLE[severity]),
            "yes" if fixable else "no",
            str(count),
        ]
        table.add_row(*row)
    return table


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def closing_line(findings: Sequence[Finding]) -> str:
    fixable = sum(f.fixable for f in findings)
    review = len(findings) - fixable
    files = len({f.path for f in findings})
    return (
        f"{_count(len(findings), 'finding')} in {_count(files, 'file')}: "
        f"{fixable} fixed by `mistral-migrate fix`, {review} to review by hand "
        "(`mistral-migrate explain CODE` says why)."
    )


def print_fix_summary(
    console: Console,
    results: Sequence[FileResult],
    written: Sequence[str],
    review: Sequence[Finding],
) -> None:
    """Plain lines (they read the same at 80 columns, in a log and in a pull request):
    the files written by name, rewrites by kind, what is left, and the environment
    variables the rewritten code reads. Names a config file now sets are listed apart:
    a variable set in `.env` is not one the code reads."""
    rewrites: Counter[str] = Counter()
    code_vars: set[str] = set()
    config_vars: set[str] = set()
    for result in results:
        if result.display in written:
            rewrites.update(result.rewrites)
            if config_kind(result.path) is None or result.path.suffix in CODE_SUFFIXES:
                code_vars |= result.env_vars
            else:
                config_vars |= result.env_vars
    count = len(written)
    console.print(
        Text(f"mistral-migrate fix: {count} file{'s' if count != 1 else ''} changed", style="bold")
    )
    for name in written:
        console.print(Text(f"  {printable(name)}"))
    if rewrites:
        shown = [f"{kind} {number}" for kind, number in sorted(rewrites.items())]
        _listed(console, "rewritten", shown)
    console.print(Text(f"left for review: {len(review)}"))
    if written:
        _listed(console, "env vars the code now reads", sorted(code_vars) or ["-"])
    if config_vars:
        _listed(console, "env vars renamed in config files", sorted(config_vars))


def _listed(console: Console, label: str, items: Sequence[str]) -> None:
    """`label: a, b, c`, wrapped to the console's width with the items indented."""
    lines = textwrap.wrap(
        f"{label}: {', '.join(items)}",
        width=max(console.width, 40),
        subsequent_indent="  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    for line in lines:
        console.print(Text(line))


# below this width the model map is a list of blocks: five columns of ids do not fit
WIDE_TABLE = 140


def print_models(console: Console, settings: Settings) -> None:
    if console.width < WIDE_TABLE:
        print_model_list(console, settings)
        return
    table = Table(title="Effective model map", title_justify="left")
    # ids and variable names are copied from here: never broken across lines
    for column in ("OpenAI id", "Mistral id", "env var", "context"):
        table.add_column(column, no_wrap=True)
    table.add_column("review", overflow="fold", min_width=24)
    for entry in sorted(settings.models.entries.values(), key=lambda e: e.openai_id):
        before = f"{entry.context_window:,}" if entry.context_window else "?"
        after = f"{entry.mistral_context_window:,}" if entry.mistral_context_window else "?"
        table.add_row(
            entry.openai_id,
            entry.mistral or Text("(none)", style="red"),
            entry.env or "-",
            f"{before} -> {after}" if entry.mistral else before,
            entry.review,
        )
    console.print(table)


def print_model_list(console: Console, settings: Settings) -> None:
    """The model map for a narrow terminal or a pipe: a block per model, ids whole."""
    console.print(Text("Effective model map", style="bold"))
    for entry in sorted(settings.models.entries.values(), key=lambda e: e.openai_id):
        before = f"{entry.context_window:,}" if entry.context_window else "?"
        after = f"{entry.mistral_context_window:,}" if entry.mistral_context_window else "?"
        console.print()
        head = Text(f"{entry.openai_id} -> ", style="bold")
        head.append(entry.mistral or "(none)", style="" if entry.mistral else "red")
        console.print(head)
        context = f"{before} -> {after}" if entry.mistral else before
        console.print(Text(f"  env var: {entry.env or '-'}; context: {context}"))
        if entry.review:
            for line in textwrap.wrap(
                f"review: {entry.review}",
                width=max(console.width - 2, 38),
                initial_indent="  ",
                subsequent_indent="    ",
            ):
                console.print(Text(line))


def print_rules(console: Console, catalog: Catalog) -> None:
    table = Table(title="mistral-migrate rules", title_justify="left")
    for column in ("code", "title", "severity", "fixable"):
        table.add_column(column)
    for rule in catalog.rules.values():
        table.add_row(
            rule.code,
            rule.title,
            Text(rule.severity, style=SEVERITY_STYLE[rule.severity]),
            "yes" if rule.fixable else "no",
        )
    console.print(table)
