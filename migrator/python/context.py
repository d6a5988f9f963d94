"""Per-file state shared by the Python rewrite rules: findings, counters, env vars.

Suppressions are decided here, at report time, because a silenced finding must also
silence its rewrite: `report` answers whether the rule is active at that spot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from libcst.metadata import CodeRange

from migrator.findings import Finding
from migrator.settings import Settings


@dataclass
class FileContext:
    settings: Settings
    path: str
    # line -> codes silenced on it (None = all); see migrator.suppressions
    ignores: dict[int, set[str] | None] = field(default_factory=dict)
    enabled: Callable[[str], bool] = lambda code: True
    findings: list[Finding] = field(default_factory=list)
    rewrites: Counter[str] = field(default_factory=Counter)
    env_vars: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)
    needs_os: bool = False
    # the file's own indentation unit, for lines the rewrite adds
    indent: str = "    "
    # first lines of the statements enclosing the node being visited, innermost last
    statement_lines: list[int] = field(default_factory=list)

    def silenced(self, code: str, line: int) -> bool:
        if not self.enabled(code):
            return True
        lines = {line, *self.statement_lines[-1:]}
        for number in lines:
            if number in self.ignores:
                codes = self.ignores[number]
                if codes is None or code in codes:
                    return True
        return False

    def report(self, code: str, where: CodeRange, **fields: object) -> bool:
        """Record a finding; False when it is silenced (and its rewrite must not happen)."""
        if self.silenced(code, where.start.line):
            return False
        rule = self.settings.catalog.rule(code)
        self.findings.append(
            Finding(
                path=self.path,
                line=where.start.line,
                column=where.start.column + 1,
                end_line=where.end.line,
                end_column=where.end.column + 1,
                code=code,
                severity=rule.severity,
                message=rule.format(**fields),
                fixable=rule.fixable,
            )
        )
        return True

    def rewrote(self, kind: str, env: str | None = None, uses_os: bool = True) -> None:
        self.rewrites[kind] += 1
        if env:
            self.env_vars.add(env)
        self.needs_os = self.needs_os or uses_os
