"""A Jupyter notebook through the Python rules: code cells in, changed `source` spans out.

The code cells are migrated as one module (each cell's IPython syntax masked, a marker
comment between cells), because a notebook is one namespace: `from openai import OpenAI`
in cell 1 is what makes `OpenAI()` in cell 4 a client. A cell that does not parse on its
own is reported and left out; the others still run. `import os` is added once, in the
first code cell that has imports (else the first code cell), where isort would put it.

Only the `source` values of changed cells are replaced in the original JSON text;
markdown cells, outputs, metadata, indentation, key order and escapes stay as they were.
Findings carry the cell number and the line within the cell, plus the matching line and
column in the .ipynb file for SARIF and GitHub annotations.
"""

from __future__ import annotations

import bisect
import codecs
import difflib
import json
import re
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper

from migrator import pipeline
from migrator.findings import Finding
from migrator.notebooks.jsonspans import CellSpan, SourceSpan, locate_cells, uses_ascii_escapes
from migrator.notebooks.magics import (
    PLACEHOLDER_COMMENT,
    PYTHON_CELL_MAGICS,
    Masked,
    cell_magic,
    mask,
    restore,
)
from migrator.python.context import FileContext
from migrator.python.imports import binds_os, ensure_import_os, has_imports
from migrator.python.rawhttp import raw_http_lines
from migrator.python.transformer import MigrationTransformer
from migrator.secrets import looks_like_secret
from migrator.secrets import mask as mask_secret
from migrator.settings import Settings
from migrator.suppressions import code_filter, find_suppressions

ENV_MAGIC = "MM113"
_BOUNDARY = re.compile(r"^# mistral-migrate-cell-boundary (\d+)\n", re.MULTILINE)


@dataclass
class Part:
    """One code cell in the combined module."""

    cell: CellSpan
    source: SourceSpan
    masked: Masked
    first_line: int  # its first line in the combined module
    line_count: int
    added_newline: bool


def _is_placeholder(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Pass)
        and statement.trailing_whitespace.comment is not None
        and statement.trailing_whitespace.comment.value.startswith(PLACEHOLDER_COMMENT)
    )


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


class Notebook:
    def __init__(self, data: bytes, display: str, settings: Settings) -> None:
        self.data = data
        self.display = display
        self.settings = settings
        self.result = pipeline.FileResult(Path(display), display, original=data)
        self.bom = data.startswith(codecs.BOM_UTF8)
        self.text = ""
        self.ascii = False
        self.newlines: list[int] = []

    # -- positions ---------------------------------------------------------------------
    def _file_position(self, source: SourceSpan, line: int, column: int) -> tuple[int, int]:
        """The .ipynb line and column of a cell's (line, column), both 1-based."""
        if source.is_list:
            index = min(max(line - 1, 0), len(source.items) - 1)
            before = source.values[index][: max(column - 1, 0)]
        else:
            index = 0
            cell_lines = _lines(source.values[0])
            before = (
                "".join(cell_lines[: line - 1])
                + (cell_lines[line - 1] if line - 1 < len(cell_lines) else "")[: max(column - 1, 0)]
            )
        start = source.items[index][0]
        offset = start + 1 + len(json.dumps(before, ensure_ascii=self.ascii)) - 2
        row = bisect.bisect_right(self.newlines, start)
        line_start = self.newlines[row - 1] + 1 if row else 0
        return row + 1, offset - line_start + 1

    def _tool_finding(
        self, code: str, reason: str, cell: CellSpan | None = None, line: int = 1, column: int = 1
    ) -> Finding:
        finding = pipeline.tool_finding(self.display, code, self.settings, reason, line, column)
        if cell is None or cell.source is None:
            return finding
        file_line, file_column = self._file_position(cell.source, line, column)
        return replace(finding, cell=cell.number, file_line=file_line, file_column=file_column)

    # -- the run ----------------------------------------------------------------------
    def migrate(self) -> pipeline.FileResult:
        try:
            self.text = self.data[len(codecs.BOM_UTF8) if self.bom else 0 :].decode("utf-8")
        except UnicodeDecodeError as error:
            return self._fail("MM902", f"not valid UTF-8 ({error})")
        try:
            json.loads(self.text)
            cells = locate_cells(self.text)
        except json.JSONDecodeError as error:
            return self._fail(
                "MM901",
                f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
                error.lineno,
                error.colno,
            )
        except (ValueError, KeyError, IndexError) as error:
            return self._fail("MM901", f"not a Jupyter notebook: {error}")
        self.ascii = uses_ascii_escapes(self.text)
        self.newlines = [match.start() for match in re.finditer("\n", self.text)]
        try:
            parts = self._parts(cells)
            if parts:
                self._run(parts)
        except Exception as error:  # one notebook's internal failure must not end the run
            self.result.error = traceback.format_exc()
            self.result.findings.append(
                self._tool_finding("MM903", f"{type(error).__name__}: {error}")
            )
            self.result.new = None
        self.result.findings.sort(key=lambda f: (f.cell or 0, f.line, f.column, f.code))
        return self.result

    def _fail(self, code: str, reason: str, line: int = 1, column: int = 1) -> pipeline.FileResult:
        self.result.findings.append(self._tool_finding(code, reason, None, line, column))
        return self.result

    def _parts(self, cells: list[CellSpan]) -> list[Part]:
        parts: list[Part] = []
        line = 1
        for cell in cells:
            source = cell.source
            if cell.cell_type != "code" or source is None or not source.text.strip():
                continue
            magic = cell_magic(source.text)
            if magic is not None and magic not in PYTHON_CELL_MAGICS:
                continue  # %%bash, %%sql, %%writefile ...: not Python run in the kernel
            masked = mask(source.text)
            if pipeline.too_deep_for_parsers(masked.text.encode("utf-8")):
                self.result.findings.append(
                    self._tool_finding(
                        "MM901",
                        f"cell {cell.number} skipped, nested too deeply to parse safely",
                        cell,
                        1,
                        1,
                    )
                )
                continue
            try:
                cst.parse_module(masked.text)
            except cst.ParserSyntaxError as error:
                row, column, reason = pipeline.explain_syntax_error(
                    masked.text.encode("utf-8"), error
                )
                reason = reason.replace(
                    "(Python 2 code? mistral-migrate reads Python 3 only)", ""
                ).rstrip()
                self.result.findings.append(
                    self._tool_finding(
                        "MM901", f"cell {cell.number} skipped, {reason}", cell, row, column
                    )
                )
                continue
            added = not masked.text.endswith("\n")
            count = len(_lines(masked.text))
            parts.append(Part(cell, source, masked, line + 1, count, added))
            line += 1 + count
        return parts

    def code_cells(self) -> list[Part]:
        """The code cells that run as Python, masked, as `migrate` reads them (none for a
        file that is not a readable notebook)."""
        try:
            self.text = self.data[len(codecs.BOM_UTF8) if self.bom else 0 :].decode("utf-8")
            json.loads(self.text)
            return self._parts(locate_cells(self.text))
        except (UnicodeDecodeError, ValueError, KeyError, IndexError):
            return []

    def _run(self, parts: list[Part]) -> None:
        combined = combine(parts).encode("utf-8")
        ctx = FileContext(
            settings=self.settings,
            path=self.display,
            ignores=find_suppressions(combined),
            enabled=code_filter(self.settings, self.display),
            add_import_os=False,
            raw_http=raw_http_lines(combined, self.settings),
        )
        module = cst.parse_module(combined)
        new_code = MetadataWrapper(module).visit(MigrationTransformer(ctx)).code
        self._report_env_magics(parts, ctx)
        pieces = _BOUNDARY.split(new_code)
        new_texts = {
            int(number): body for number, body in zip(pieces[1::2], pieces[2::2], strict=False)
        }
        for part in parts:
            if part.added_newline and new_texts[part.cell.number].endswith("\n"):
                new_texts[part.cell.number] = new_texts[part.cell.number][:-1]
        if ctx.needs_os:
            self._add_import_os(parts, new_texts)
        replacements: list[tuple[int, int, str]] = []
        for part in parts:
            after = restore(new_texts[part.cell.number], part.masked)
            before = part.source.text
            self.result.cells[part.cell.number] = (before, after)
            if after != before:
                replacements.append(
                    (part.source.start, part.source.end, self._encode(part.source, after))
                )
        findings = ctx.findings + pipeline.unused_suppressions(ctx)
        self.result.findings += [self._locate(finding, parts) for finding in findings]
        self.result.rewrites, self.result.env_vars, self.result.secrets = (
            ctx.rewrites,
            ctx.env_vars,
            ctx.secrets | self.result.secrets,
        )
        if replacements:
            text = self.text
            for start, end, value in sorted(replacements, reverse=True):
                text = text[:start] + value + text[end:]
            self.result.new = (codecs.BOM_UTF8 if self.bom else b"") + text.encode("utf-8")

    def _add_import_os(self, parts: list[Part], new_texts: dict[int, str]) -> None:
        modules = {
            part.cell.number: cst.parse_module(new_texts[part.cell.number]) for part in parts
        }
        if any(binds_os(module) for module in modules.values()):
            return
        target = next((p for p in parts if has_imports(modules[p.cell.number])), parts[0])
        module = modules[target.cell.number]
        # Magic lines (`%pip install`, `%env`) at the top of the cell stay above the imports.
        lead = 0
        while lead < len(module.body) and _is_placeholder(module.body[lead]):
            lead += 1
        if lead == len(module.body):
            lead = 0
        rest = ensure_import_os(module.with_changes(body=module.body[lead:]))
        new_texts[target.cell.number] = module.with_changes(
            body=[*module.body[:lead], *rest.body]
        ).code

    def _report_env_magics(self, parts: list[Part], ctx: FileContext) -> None:
        """`%env OPENAI_API_KEY=...`: the migrated code reads other variables now."""
        connection = self.settings.catalog.connection
        if not self.settings.rename_env:
            return
        for part in parts:
            for line, magic, name, value in part.masked.env_settings:
                if not name.startswith(connection.env_prefix):
                    continue
                if name in connection.env_api_key:
                    advice = f"set {self.settings.api_key_env} instead"
                elif name in connection.env_base_url:
                    advice = (
                        f"set {self.settings.base_url_env} instead (or drop the line: "
                        f"the default is {self.settings.mistral_base_url})"
                    )
                else:
                    advice = "set the Mistral variable the code now reads"
                secret = value.strip().strip("'\"")
                if looks_like_secret(secret):
                    ctx.secrets.add(secret)
                    advice += (
                        f"; the key {mask_secret(secret)} is saved in the notebook: "
                        "revoke it and set keys outside the notebook"
                    )
                row = part.first_line + line - 1
                where = CodeRange(CodePosition(row, 0), CodePosition(row, 0))
                ctx.report(ENV_MAGIC, where, magic=f"%{magic}", name=name, advice=advice)

    def _locate(self, finding: Finding, parts: list[Part]) -> Finding:
        starts = [part.first_line for part in parts]
        index = max(bisect.bisect_right(starts, finding.line) - 1, 0)
        part = parts[index]
        line = min(max(finding.line - part.first_line + 1, 1), part.line_count)
        end_line = min(max(finding.end_line - part.first_line + 1, line), part.line_count)
        column = finding.column
        if finding.code == ENV_MAGIC:
            column = 1
        file_line, file_column = self._file_position(part.source, line, column)
        return replace(
            finding,
            line=line,
            end_line=end_line,
            column=column,
            end_column=finding.end_column
            if end_line > line or finding.end_column >= column
            else column,
            cell=part.cell.number,
            file_line=file_line,
            file_column=file_column,
        )

    # -- writing ----------------------------------------------------------------------
    def _encode(self, source: SourceSpan, new: str) -> str:
        """The new `source` value in the notebook's own layout; unchanged lines keep
        their original JSON text."""
        dump = lambda value: json.dumps(value, ensure_ascii=self.ascii)  # noqa: E731
        if not source.is_list:
            return dump(new)
        lines = _lines(new)
        if not source.items:
            return dump(lines) if lines else "[]"
        raws = [self.text[a:b] for a, b in source.items]
        out: list[str] = []
        matcher = difflib.SequenceMatcher(a=list(source.values), b=lines, autojunk=False)
        for tag, a1, a2, b1, b2 in matcher.get_opcodes():
            out += raws[a1:a2] if tag == "equal" else [dump(line) for line in lines[b1:b2]]
        lead = self.text[source.start + 1 : source.items[0][0]]
        trail = self.text[source.items[-1][1] : source.end - 1]
        if len(source.items) > 1:
            separator = self.text[source.items[0][1] : source.items[1][0]]
        else:  # one line so far: indented layouts repeat the indent, compact ones json's ", "
            separator = "," + lead if lead else ", "
        return "[" + lead + separator.join(out) + trail + "]"


def combine(parts: list[Part]) -> str:
    """The code cells as one module (a notebook is one namespace), each after a boundary
    comment; a part's `first_line` is its first line here."""
    return "".join(
        f"# mistral-migrate-cell-boundary {part.cell.number}\n"
        + part.masked.text
        + ("\n" if part.added_newline else "")
        for part in parts
    )


def cell_of(parts: list[Part], line: int) -> tuple[int, int]:
    """A line of the combined module -> (cell number, line within that cell)."""
    starts = [part.first_line for part in parts]
    part = parts[max(bisect.bisect_right(starts, line) - 1, 0)]
    return part.cell.number, min(max(line - part.first_line + 1, 1), part.line_count)


def migrate_notebook(data: bytes, display: str, settings: Settings) -> pipeline.FileResult:
    return Notebook(data, display, settings).migrate()
