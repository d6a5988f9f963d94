"""`check --format sarif`: SARIF 2.1.0 for GitHub code scanning (upload-sarif).

Every catalog rule is listed under `tool.driver.rules` with its help (the same text as
`mistral-migrate explain`), and each result points at it by id and index. Paths are
relative to the repository root (`%SRCROOT%`); columns count code points, as LibCST does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from migrator import __version__
from migrator.catalog import Catalog, Rule
from migrator.findings import Finding
from migrator.report.ruledoc import rule_doc

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rule(rule: Rule) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": rule.code,
        "name": rule.title,
        "shortDescription": {"text": rule.title.replace("-", " ")},
        "fullDescription": {"text": rule.what or rule.title},
        "help": {"text": rule_doc(rule, markdown=False), "markdown": rule_doc(rule, markdown=True)},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": [rule.code[:3] + "xx"], "fixable": rule.fixable},
    }
    if rule.references:
        entry["helpUri"] = rule.references[0]
    return entry


def _region(finding: Finding) -> dict[str, int]:
    if finding.cell is not None:
        # A region must be a line of the artifact: the .ipynb JSON line that holds the
        # cell's source line. The cell and its own line go in the message and properties.
        return {
            "startLine": max(finding.file_line or 1, 1),
            "startColumn": max(finding.file_column or 1, 1),
        }
    return {
        "startLine": max(finding.line, 1),
        "startColumn": max(finding.column, 1),
        "endLine": max(finding.end_line, finding.line, 1),
        "endColumn": max(finding.end_column, 1),
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    text = (
        finding.message
        if finding.cell is None
        else f"cell {finding.cell}, line {finding.line}: {finding.message}"
    )
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                    "region": _region(finding),
                }
            }
        ],
    }
    if finding.cell is not None:
        result["properties"] = {
            "cell": finding.cell,
            "cellLine": finding.line,
            "cellColumn": finding.column,
        }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    return result


def sarif_log(findings: Sequence[Finding], catalog: Catalog) -> dict[str, Any]:
    rules = list(catalog.rules.values())
    index = {rule.code: number for number, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mistral-migrate",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(finding, index) for finding in findings],
            }
        ],
    }


def render_sarif(findings: Sequence[Finding], catalog: Catalog) -> str:
    return json.dumps(sarif_log(findings, catalog), indent=2) + "\n"
