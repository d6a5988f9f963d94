"""`check --format github`: GitHub Actions workflow commands, one annotation per finding.

Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message `%`,
CR and LF are percent-encoded; in properties `:` and `,` are too.
"""

from __future__ import annotations

from collections.abc import Sequence

from migrator.display import printable
from migrator.findings import Finding

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    # a file name may hold escape sequences: GitHub's log viewer renders them
    return escape_data(printable(text)).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = {
        "file": finding.path,
        "line": str(finding.line),
        "col": str(finding.column),
        "endLine": str(finding.end_line),
        "endColumn": str(finding.end_column),
        "title": finding.code,
    }
    message = finding.message
    if finding.cell is not None:
        # GitHub annotates the .ipynb file as text: point at the cell's line in the JSON
        line = str(finding.file_line or 1)
        properties.update(line=line, col=str(finding.file_column or 1), endLine=line)
        del properties["endColumn"]
        message = f"cell {finding.cell}, line {finding.line}: {message}"
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{COMMAND[finding.severity]} {joined}::{escape_data(message)}"


def render_github(findings: Sequence[Finding]) -> str:
    return "".join(annotation(f) + "\n" for f in findings)
