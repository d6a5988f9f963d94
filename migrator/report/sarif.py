"""`check --format sarif`: SARIF 2.1.0 for GitHub code scanning (upload-sarif).

Every catalog rule is listed under `tool.driver.rules` with its help (the same text as
`mistral-migrate explain`), and each result points at it by id and index. Paths are
relative to the repository root (`%SRCROOT%`), percent-encoded as URIs must be; columns
count code points, as LibCST does. Each result has a `partialFingerprints` hash of its
code, file and source line text (not its line number), so code scanning keeps tracking an
alert when lines above it move. Every rule has a `helpUri`: its first reference, else the
tool's documentation.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from migrator import __version__
from migrator.catalog import Catalog, Rule
from migrator.findings import Finding
from migrator.report.ruledoc import rule_doc

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# where the documentation is when the package metadata cannot be read (a source tree)
HOME = "https://pypi.org/project/mistral-migrator/"


def project_url() -> str:
    """The tool's home, from the package metadata ([project.urls] in pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        for entry in metadata("mistral-migrator").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() in ("documentation", "homepage"):
                return url.strip()
    except PackageNotFoundError:  # run from a source tree that was never installed
        pass
    return HOME


def artifact_uri(path: str) -> dict[str, str]:
    """A finding's file as a SARIF artifactLocation: a relative, percent-encoded URI
    against %SRCROOT%, or a file: URI for a path outside the project."""
    encoded = quote(path.encode("utf-8", errors="surrogateescape"), safe="/")
    if path.startswith("/"):
        return {"uri": f"file://{encoded}"}
    return {"uri": encoded, "uriBaseId": "%SRCROOT%"}


def fingerprint(finding: Finding, line_text: str, seen: Counter[str]) -> str:
    """Hash of code, file and the finding's source line (whitespace-normalised), with the
    occurrence number of that hash in the file, as GitHub's own line hash is built."""
    text = " ".join(line_text.split())
    digest = hashlib.sha256(
        f"{finding.code}\0{finding.path}\0{text}".encode("utf-8", "surrogateescape")
    ).hexdigest()[:32]
    seen[digest] += 1
    return f"{digest}:{seen[digest]}"


def _rule(rule: Rule, home: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": rule.code,
        "name": rule.title,
        "shortDescription": {"text": rule.title.replace("-", " ")},
        "fullDescription": {"text": rule.what or rule.title},
        "help": {"text": rule_doc(rule, markdown=False), "markdown": rule_doc(rule, markdown=True)},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": [rule.code[:3] + "xx"], "fixable": rule.fixable},
    }
    references = [ref.split()[0] for ref in rule.references if ref.startswith("https://")]
    entry["helpUri"] = references[0] if references else home
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


def _result(finding: Finding, index: dict[str, int], hashed: str) -> dict[str, Any]:
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
                    "artifactLocation": artifact_uri(finding.path),
                    "region": _region(finding),
                }
            }
        ],
        "partialFingerprints": {"primaryLocationLineHash": hashed},
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


def sarif_log(
    findings: Sequence[Finding],
    catalog: Catalog,
    lines: Mapping[tuple[str, int | None, int], str] | None = None,
) -> dict[str, Any]:
    """`lines` maps (path, cell, line) to the (masked) source line text, for fingerprints."""
    rules = list(catalog.rules.values())
    index = {rule.code: number for number, rule in enumerate(rules)}
    home = project_url()
    seen: Counter[str] = Counter()
    hashes = [
        fingerprint(f, (lines or {}).get((f.path, f.cell, f.line), f.message), seen)
        for f in findings
    ]
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
                        "informationUri": home,
                        "rules": [_rule(rule, home) for rule in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [
                    _result(finding, index, hashed)
                    for finding, hashed in zip(findings, hashes, strict=True)
                ],
            }
        ],
    }


def render_sarif(
    findings: Sequence[Finding],
    catalog: Catalog,
    lines: Mapping[tuple[str, int | None, int], str] | None = None,
) -> str:
    return json.dumps(sarif_log(findings, catalog, lines), indent=2) + "\n"
