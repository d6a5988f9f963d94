"""Per-file state shared by the rewrite rules (Python and JavaScript): findings, counters, env vars.

Suppressions are decided here, at report time, because a silenced finding must also
silence its rewrite: `report` answers whether the rule is active at that spot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from migrator.crossmodule import ImportedFacts, ModelRead
from migrator.findings import Finding
from migrator.settings import Settings
from migrator.suppressions import Suppression


class _Position(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


class Range(Protocol):
    """Where a finding is: LibCST's CodeRange, or the JS pass's Span (0-based columns)."""

    @property
    def start(self) -> _Position: ...
    @property
    def end(self) -> _Position: ...


@dataclass
class FileContext:
    settings: Settings
    path: str
    # line -> the ignore comment on it; see migrator.suppressions
    ignores: dict[int, Suppression] = field(default_factory=dict)
    enabled: Callable[[str], bool] = lambda code: True
    findings: list[Finding] = field(default_factory=list)
    rewrites: Counter[str] = field(default_factory=Counter)
    env_vars: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)
    needs_os: bool = False
    # False when the caller places `import os` itself (a notebook puts it in one cell)
    add_import_os: bool = True
    # the file's own indentation unit, for lines the rewrite adds
    indent: str = "    "
    # the whole file's indentation unit when the pass sees a reduced module that may not
    # show it (migrator/python/slicing.py); None: the module's own
    file_indent: str | None = None
    # lines of statements that call an OpenAI endpoint URL directly: no rewrite inside
    # (migrator/python/rawhttp.py)
    raw_http: list[tuple[int, int, int, int]] = field(default_factory=list)
    # functions of the file run outside it -> the names declared for them
    # (migrator/python/runelsewhere.py, read from the whole file before the pass)
    run_elsewhere: dict[str, set[str]] = field(default_factory=dict)
    # names this file imports that reach a model position, and where they are sent
    # (migrator/crossmodule.py); filled by the Python pass
    model_reads: list[ModelRead] = field(default_factory=list)
    # where other modules of the project send this module's names (migrator/crossmodule.py)
    imported_facts: ImportedFacts = field(default_factory=dict)
    # "javascript": messages speak of object properties, not keyword arguments
    language: str = "python"
    # quote characters of the f-strings enclosing the node being visited (innermost last)
    fstring_quotes: list[str] = field(default_factory=list)

    @property
    def quote(self) -> str:
        """The quote for strings the rewrite adds: inside an f-string, not the f-string's
        own (before Python 3.12 the same quote there ends the f-string)."""
        return "'" if self.fstring_quotes and self.fstring_quotes[-1] == '"' else '"'

    # first lines of the statements enclosing the node being visited, innermost last
    statement_lines: list[int] = field(default_factory=list)
    # finding -> first line of its innermost statement: where `fix --annotate` writes
    anchors: dict[Finding, int] = field(default_factory=dict)

    def silenced(self, code: str, line: int) -> bool:
        """Whether the code is off here; an ignore comment that covers it counts as used
        even when select/ignore also turn the code off (it is not an unused comment)."""
        by_comment = False
        for number in {line, *self.statement_lines[-1:]}:
            suppression = self.ignores.get(number)
            if suppression is not None and suppression.covers(code):
                suppression.used.add(code)
                by_comment = True
        return by_comment or not self.enabled(code)

    def in_raw_http(self, where: Range) -> bool:
        """Whether the position lies inside a statement that calls an OpenAI endpoint."""
        at = (where.start.line, where.start.column)
        return any(
            (first, column) <= at < (last, end) for first, column, last, end in self.raw_http
        )

    def report(self, code: str, where: Range, **fields: object) -> bool:
        """Record a finding; False when it is silenced (and its rewrite must not happen)."""
        if self.silenced(code, where.start.line):
            return False
        rule = self.settings.catalog.rule(code)
        if rule.fixable and self.in_raw_http(where):
            return False  # left whole with its OpenAI URL, reported as MM109
        finding = Finding(
            path=self.path,
            line=where.start.line,
            column=where.start.column + 1,
            end_line=where.end.line,
            end_column=where.end.column + 1,
            code=code,
            severity=rule.severity,
            message=rule.format_js(**fields)
            if self.language == "javascript"
            else rule.format(**fields),
            fixable=rule.fixable,
        )
        self.findings.append(finding)
        self.anchors[finding] = (
            self.statement_lines[-1] if self.statement_lines else where.start.line
        )
        return True

    def rewrote(self, kind: str, env: str | None = None, uses_os: bool = True) -> None:
        self.rewrites[kind] += 1
        if env:
            self.env_vars.add(env)
        self.needs_os = self.needs_os or uses_os
