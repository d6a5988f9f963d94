"""`--output-format concise` (one `path:line:col: CODE message` line per finding, which
editors and terminals turn into a jump) and `--statistics` (a count per code)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from migrator.catalog import Catalog
from migrator.display import printable
from migrator.findings import Finding


def concise_line(finding: Finding) -> str:
    """A notebook finding points at the .ipynb file's JSON line, as SARIF and GitHub do;
    the cell and its own line lead the message."""
    if finding.cell is None:
        line, column, message = finding.line, finding.column, finding.message
    else:
        line, column = finding.file_line or 1, finding.file_column or 1
        message = f"cell {finding.cell}, line {finding.line}: {finding.message}"
    fixable = " [*]" if finding.fixable else ""
    text = printable(" ".join(message.split()))
    return f"{printable(finding.path)}:{line}:{column}: {finding.code}{fixable} {text}"


def render_concise(findings: Sequence[Finding]) -> str:
    return "".join(concise_line(finding) + "\n" for finding in findings)


def statistics(findings: Sequence[Finding], catalog: Catalog) -> list[dict[str, object]]:
    """Counts per code, most frequent first (ruff's `--statistics`)."""
    counts = Counter(f.code for f in findings)
    fixable = {f.code for f in findings if f.fixable}
    return [
        {
            "code": code,
            "name": catalog.rules[code].title if code in catalog.rules else "",
            "count": count,
            "fixable": code in fixable,
        }
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def render_statistics(findings: Sequence[Finding], catalog: Catalog, as_json: bool) -> str:
    rows = statistics(findings, catalog)
    if as_json:
        return json.dumps(rows, indent=2) + "\n"
    return "".join(
        f"{row['count']:>5}\t{row['code']}\t{'[*]' if row['fixable'] else '[ ]'}\t{row['name']}\n"
        for row in rows
    )
