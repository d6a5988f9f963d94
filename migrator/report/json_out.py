"""`check --format json`: the finding records of DESIGN.md, as one JSON list."""

from __future__ import annotations

import json
from collections.abc import Sequence

from migrator.findings import Finding


def render_json(findings: Sequence[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2) + "\n"
