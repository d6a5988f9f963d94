"""One file in, its new bytes and findings out. Never raises for a bad file.

Reading, decoding and parsing problems become MM9xx findings so that one broken file
cannot stop a run over a repository.
"""

from __future__ import annotations

import io
import re
import tokenize
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from migrator.findings import Finding
from migrator.settings import Settings
from migrator.suppressions import code_filter, line_ignores


@dataclass
class FileResult:
    path: Path
    display: str
    original: bytes = b""
    new: bytes | None = None
    findings: list[Finding] = field(default_factory=list)
    rewrites: Counter[str] = field(default_factory=Counter)
    env_vars: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.new is not None and self.new != self.original


def tool_finding(display: str, code: str, settings: Settings, reason: str, line: int = 1, column: int = 1) -> Finding:
    rule = settings.catalog.rule(code)
    return Finding(display, line, column, line, column, code, rule.severity,
                   rule.format(reason=reason), rule.fixable)


def decode_python(data: bytes) -> str:
    """Strict decode honouring a PEP 263 cookie or BOM; raises on undecodable bytes."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def migrate_python(data: bytes, display: str, settings: Settings) -> FileResult:
    # Imported here: LibCST costs a quarter-second of start-up that a run whose files all
    # fail the prefilter (or hit the cache) never needs.
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    from migrator.python.context import FileContext
    from migrator.python.transformer import MigrationTransformer

    result = FileResult(Path(display), display, original=data)
    try:
        decode_python(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        result.findings.append(tool_finding(display, "MM902", settings, f"not valid text in its declared encoding ({error})"))
        return result
    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as error:
        reason = f"syntax error at line {error.raw_line}, column {error.raw_column + 1}: {error.message}"
        result.findings.append(tool_finding(display, "MM901", settings, reason, error.raw_line, error.raw_column + 1))
        return result
    ctx = FileContext(
        settings=settings, path=display, ignores=line_ignores(data),
        enabled=code_filter(settings, display),
    )
    try:
        # the tree was just parsed and is used once: the wrapper's defensive deep copy
        # (as costly as a second parse) buys nothing
        new_module = MetadataWrapper(module, unsafe_skip_copy=True).visit(MigrationTransformer(ctx))
        new = new_module.bytes
    except Exception as error:  # one file's internal failure must not end the run
        result.error = traceback.format_exc()
        result.findings.append(tool_finding(display, "MM903", settings, f"{type(error).__name__}: {error}"))
        return result
    result.new = new if new != data else None
    result.findings = sorted(ctx.findings, key=lambda f: (f.line, f.column, f.code))
    result.rewrites = ctx.rewrites
    result.env_vars = ctx.env_vars
    result.secrets = ctx.secrets
    return result


def read_file(path: Path, display: str, settings: Settings) -> tuple[bytes | None, Finding | None]:
    try:
        size = path.stat().st_size
        if size > settings.max_file_size:
            return None, tool_finding(display, "MM902", settings, f"{size:,} bytes is over the {settings.max_file_size:,}-byte limit (max-file-size)")
        data = path.read_bytes()
    except OSError as error:
        return None, tool_finding(display, "MM902", settings, error.strerror or str(error))
    if b"\0" in data:
        return None, tool_finding(display, "MM902", settings, "binary content (NUL bytes)")
    return data, None


def process_file(path: Path, display: str, settings: Settings, prefilter: re.Pattern[bytes] | None = None) -> FileResult:
    data, problem = read_file(path, display, settings)
    if data is None:
        result = FileResult(path, display)
        if problem:
            result.findings.append(problem)
        return result
    if prefilter is not None and not prefilter.search(data):
        return FileResult(path, display, original=data)
    result = migrate_python(data, display, settings)
    result.path = path
    return result

