"""One file in, its new bytes and findings out. Never raises for a bad file.

Reading, decoding and parsing problems become MM9xx findings so that one broken file
cannot stop a run over a repository.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import traceback
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from migrator.configfiles import ParseError, config_kind, migrate_config
from migrator.configfiles.kinds import is_skipped_config
from migrator.crossmodule import ImportedFacts, ModelRead
from migrator.decisions.file_kinds import (
    DESCRIBED,
    NOT_REQUESTS,
    FileRole,
    file_role,
    json_top_level_is_list,
)
from migrator.discovery import (
    JS_SUFFIXES,
    NOTEBOOK_SUFFIXES,
    PYTHON_SUFFIXES,
    NotRegularFile,
    OverLimit,
    read_regular,
)
from migrator.findings import Finding
from migrator.secrets import is_real_key, mask, redact, secret_pattern
from migrator.settings import Settings
from migrator.suppressions import code_filter, find_suppressions, unused_codes

if TYPE_CHECKING:  # LibCST is imported lazily: see migrate_python
    import libcst as cst

    from migrator.python.context import FileContext


UNUSED_SUPPRESSION = "MM904"
# a committed key in a file that is not migrated (a test, recorded data, docs)
SECRET_IN_FILE = "MM508"


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
    # finding -> first line of its statement (Python-pass findings only); see annotate.py
    anchors: dict[Finding, int] = field(default_factory=dict)
    error: str | None = None
    # notebooks: cell number -> (source before, source after) of each code cell read
    cells: dict[int, tuple[str, str]] = field(default_factory=dict)
    # `fix`: the findings of `new` itself, computed in the worker (parallel.py)
    rechecked: list[Finding] | None = None
    # with `rechecked`: the anchors of the file as it will be written (annotate needs them)
    recheck_anchors: dict[Finding, int] | None = None
    # imported names this file sends as a model id, and where (migrator/crossmodule.py)
    model_reads: list[ModelRead] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.new is not None and self.new != self.original


def tool_finding(
    display: str,
    code: str,
    settings: Settings,
    reason: str,
    line: int = 1,
    column: int = 1,
    **fields: object,
) -> Finding:
    """An MM9xx finding; its reason may quote source text, so it is redacted here."""
    rule = settings.catalog.rule(code)
    return Finding(
        display,
        line,
        column,
        line,
        column,
        code,
        rule.severity,
        redact(rule.format(reason=reason, **fields)),
        rule.fixable,
    )


def explain_syntax_error(data: bytes, error: cst.ParserSyntaxError) -> tuple[int, int, str]:
    """Line, column and a plain-words reason for a file LibCST cannot parse.

    LibCST's native parser reports positions loosely and in grammar terms; CPython's own
    compiler says it in words ("Missing parentheses in call to 'print'") and pinpoints
    the spot, so it is asked once the file is known to be broken.
    """
    try:
        compile(data, "<file>", "exec", dont_inherit=True)
    except SyntaxError as python_error:
        line = python_error.lineno or error.raw_line
        column = python_error.offset or error.raw_column + 1
        reason = f"syntax error at line {line}, column {column}: {python_error.msg}"
        if "print" in python_error.msg or "Missing parentheses" in python_error.msg:
            reason += " (Python 2 code? mistral-migrate reads Python 3 only)"
        return line, column, reason
    except (ValueError, OverflowError, MemoryError, RecursionError):
        pass
    reason = (
        f"LibCST cannot parse this file at line {error.raw_line}: {error.message.splitlines()[0]}"
    )
    return error.raw_line, error.raw_column + 1, reason


def unused_suppressions(ctx: FileContext) -> list[Finding]:
    """MM904 for ignore comments that silenced nothing (like ruff's RUF100)."""
    if not ctx.enabled(UNUSED_SUPPRESSION):
        return []
    rule = ctx.settings.catalog.rule(UNUSED_SUPPRESSION)
    found = []
    for suppression in ctx.ignores.values():
        unused = unused_codes(suppression, ctx.enabled)
        if unused is None:
            continue
        what = f"ignore[{', '.join(unused)}]" if unused else "ignore"
        found.append(
            Finding(
                ctx.path,
                suppression.line,
                suppression.column,
                suppression.line,
                suppression.end_column,
                UNUSED_SUPPRESSION,
                rule.severity,
                rule.format_js(suppression=what)
                if ctx.language == "javascript"
                else rule.format(suppression=what),
                rule.fixable,
            )
        )
    return found


def lost_final_newline(data: bytes, regenerated: bytes) -> bytes:
    """LibCST drops the last `\r` of a file that uses bare CR line endings; that one known
    loss is put back. Anything else the parser does not reproduce is refused (MM905)."""
    if regenerated != data and data.startswith(regenerated) and data[len(regenerated) :] == b"\r":
        return b"\r"
    return b""


def too_deep_for_parsers(data: bytes) -> bool:
    """Nesting past what CPython's parser takes (thousands of levels, generated code).

    LibCST's native parser takes somewhat more and then crashes the whole process (a
    segmentation fault, not an exception), so such a file must not reach it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(data)
    except (MemoryError, RecursionError):
        return True
    except (SyntaxError, ValueError, OverflowError):
        return False  # LibCST may still read it (newer syntax): it decides, as before
    return False


def compiles_as_well(before: bytes, after: bytes) -> bool:
    """The last guard before a write: a file that compiled must still compile."""
    try:
        compile(after, "<rewritten>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError):
        pass
    try:
        compile(before, "<original>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return True  # newer syntax than this Python reads: nothing to compare with
    return False


def first_differing_line(before: bytes, after: bytes) -> int:
    for number, (old, new) in enumerate(
        zip(before.splitlines(True), after.splitlines(True), strict=False), start=1
    ):
        if old != new:
            return number
    return min(len(before.splitlines()), len(after.splitlines())) + 1


def decode_python(data: bytes) -> str:
    """Strict decode honouring a PEP 263 cookie or BOM; raises on undecodable bytes."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


# Valid Python nests brackets at most 200 deep (CPython's tokenizer limit); LibCST's tree
# walk takes several Python frames per level, so such code needs more than the default
# 1,000 frames. This is enough for the deepest valid code, and small enough for C's stack.
RECURSION_ROOM = 12_000


@contextmanager
def recursion_room(frames: int) -> Iterator[None]:
    """Let the tree walk recurse `frames` deep, then restore the previous limit."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, frames))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def migrate_python(
    data: bytes,
    display: str,
    settings: Settings,
    slicing: str = "auto",
    facts: ImportedFacts | None = None,
) -> FileResult:
    """The Python pass over one file, with room for deeply nested (valid) code."""
    with recursion_room(RECURSION_ROOM):
        return _migrate_python(data, display, settings, slicing, facts)


def _migrate_python(
    data: bytes,
    display: str,
    settings: Settings,
    slicing: str = "auto",
    facts: ImportedFacts | None = None,
) -> FileResult:
    """The Python pass over one file. `slicing` is "auto" (look only at the top-level
    statements that can matter when that pays: migrator/python/slicing.py), "always"
    (whenever possible; tests compare it with the whole pass) or "never". `facts`: where
    other modules of the project send this module's names (migrator/crossmodule.py)."""
    # Imported here: LibCST costs a quarter-second of start-up that a run whose files all
    # fail the prefilter (or hit the cache) never needs.
    import libcst as cst

    result = FileResult(Path(display), display, original=data)
    try:
        decode_python(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        result.findings.append(
            tool_finding(
                display, "MM902", settings, f"not valid text in its declared encoding ({error})"
            )
        )
        return result
    ctx = new_context(data, display, settings, facts)
    new = None if slicing == "never" else sliced_pass(data, ctx, slicing == "always")
    if new is None:
        if too_deep_for_parsers(data):
            reason = "nested too deeply to parse safely (Python's own parser gives up on it)"
            result.findings.append(tool_finding(display, "MM901", settings, reason))
            return result
        try:
            module = cst.parse_module(data)
        except cst.ParserSyntaxError as error:
            line, column, reason = explain_syntax_error(data, error)
            result.findings.append(tool_finding(display, "MM901", settings, reason, line, column))
            return result
        except RecursionError:  # Python's parser takes deeper nesting than LibCST's tree
            reason = "nested too deeply for LibCST to parse"
            result.findings.append(tool_finding(display, "MM901", settings, reason))
            return result
        ctx = new_context(data, display, settings, facts)
        try:
            new = full_pass(module, ctx)
        except RecursionError:  # past even RECURSION_ROOM: said plainly, not as a crash
            reason = "nested too deeply for the tool to walk its syntax tree"
            result.findings.append(tool_finding(display, "MM901", settings, reason))
            return result
        except Exception as error:  # one file's internal failure must not end the run
            result.error = traceback.format_exc()
            result.findings.append(
                tool_finding(display, "MM903", settings, f"{type(error).__name__}: {error}")
            )
            return result
        regenerated = module.bytes
        lost = lost_final_newline(data, regenerated)
        new += lost
    else:
        regenerated, lost = data, b""  # sliced_pass checked the round trip of what it parsed
    result.new = new if new != data else None
    if result.new is not None and regenerated + lost != data:
        result.new = None
        if ctx.rewrites:
            line = first_differing_line(data, regenerated)
            reason = f"the parser alone already changes line {line}"
            count = sum(ctx.rewrites.values())
            ctx.findings.append(tool_finding(display, "MM905", settings, reason, line, count=count))
    if result.new is not None and not compiles_as_well(data, result.new):
        result.new = None
        ctx.findings.append(
            tool_finding(
                display,
                "MM903",
                settings,
                "the rewritten file would not compile, so it was left unchanged",
                1,
                1,
            )
        )
    result.findings = sorted(
        ctx.findings + unused_suppressions(ctx), key=lambda f: (f.line, f.column, f.code)
    )
    result.anchors = ctx.anchors
    result.rewrites = ctx.rewrites
    result.env_vars = ctx.env_vars
    result.secrets = ctx.secrets
    result.model_reads = ctx.model_reads
    return result


def new_context(
    data: bytes, display: str, settings: Settings, facts: ImportedFacts | None = None
) -> FileContext:
    from migrator.python.context import FileContext
    from migrator.python.rawhttp import raw_http_lines
    from migrator.python.runelsewhere import run_elsewhere

    return FileContext(
        settings=settings,
        path=display,
        ignores=find_suppressions(data),
        enabled=code_filter(settings, display),
        raw_http=raw_http_lines(data, settings),
        run_elsewhere=run_elsewhere(data),
        imported_facts=facts or {},
    )


def full_pass(module: cst.Module, ctx: FileContext) -> bytes:
    from libcst.metadata import MetadataWrapper

    from migrator.python.transformer import MigrationTransformer

    # the tree was just parsed and is used once: the wrapper's defensive deep copy
    # (as costly as a second parse) buys nothing
    return MetadataWrapper(module, unsafe_skip_copy=True).visit(MigrationTransformer(ctx)).bytes


def sliced_pass(data: bytes, ctx: FileContext, always: bool) -> bytes | None:
    """The pass over the statements that can matter, or None: then the whole file is
    parsed and run (with a fresh context), so a file's outcome never depends on the
    slicing. Only the reduced source is parsed; it must come back from LibCST byte for
    byte (bar the one known loss, lost_final_newline), else the whole pass decides,
    MM901 and MM905 included."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    from migrator.python.slicing import plan
    from migrator.python.transformer import MigrationTransformer

    try:
        reduced = plan(data, ctx.settings, always)
        if reduced is None:
            return None
        parsed = cst.parse_module(reduced.source)
        regenerated = parsed.bytes
        lost = lost_final_newline(reduced.source, regenerated)
        if regenerated + lost != reduced.source:
            return None
        if not reduced.lines_up(parsed):
            return None
        ctx.file_indent = reduced.indent
        output = MetadataWrapper(parsed, unsafe_skip_copy=True).visit(MigrationTransformer(ctx))
    except Exception:
        return None
    return reduced.restore(output.bytes + lost)


def migrate_config_file(data: bytes, path: Path, display: str, settings: Settings) -> FileResult:
    """A config file (.env, TOML, YAML, JSON): the same FileResult as for Python."""
    result = FileResult(path, display, original=data)
    kind = config_kind(path)
    assert kind is not None
    try:
        outcome = migrate_config(data, path, display, kind, settings)
    except UnicodeDecodeError as error:
        result.findings.append(
            tool_finding(display, "MM902", settings, f"not valid UTF-8 ({error})")
        )
        return result
    except ParseError as error:
        result.findings.append(
            tool_finding(
                display, "MM901", settings, f"{kind} {error.reason}", error.line, error.column
            )
        )
        return result
    except Exception as error:  # one file's internal failure must not end the run
        result.error = traceback.format_exc()
        result.findings.append(
            tool_finding(display, "MM903", settings, f"{type(error).__name__}: {error}")
        )
        return result
    result.new = outcome.new
    result.findings = outcome.findings
    result.rewrites = outcome.rewrites
    result.env_vars = outcome.env_vars
    result.secrets = outcome.secrets
    return result


def read_file(path: Path, display: str, settings: Settings) -> tuple[bytes | None, Finding | None]:
    """The file's bytes, or None and an MM902 that says why not. Only regular files are
    read (a FIFO or a device named `x.py` is reported, never waited on or read whole)."""
    limit = settings.max_file_size
    try:
        data = read_regular(path, limit)
    except OverLimit as error:
        size = error.args[0]
        return None, tool_finding(
            display,
            "MM902",
            settings,
            f"{size:,} bytes is over the {limit:,}-byte limit (max-file-size)",
        )
    except NotRegularFile as error:
        return None, tool_finding(display, "MM902", settings, f"{error.args[0]}, not a file")
    except OSError as error:
        return None, tool_finding(display, "MM902", settings, error.strerror or str(error))
    if b"\0" in data:
        return None, tool_finding(display, "MM902", settings, "binary content (NUL bytes)")
    return data, None


def is_python_script(data: bytes) -> bool:
    """An extension-less executable whose shebang names Python (`bin/serve`)."""
    first = data.split(b"\n", 1)[0]
    return first.startswith(b"#!") and b"python" in first


def role_of_file(path: Path, display: str, data: bytes) -> FileRole:
    """decisions/filekind.py: a test, recorded data, docs, or a request (code, config)."""
    is_json = config_kind(path) == "json"
    head = data[:64].decode("utf-8", "replace") if is_json else ""
    return file_role(display, is_json, is_json and json_top_level_is_list(head))


def non_request_result(
    data: bytes, path: Path, display: str, settings: Settings, role: FileRole
) -> FileResult:
    """Tests, recorded data and docs are not requests: nothing in them is rewritten or
    linted as a connection; a committed key shaped like a real one is still reported."""
    result = FileResult(path, display, original=data)
    if not code_filter(settings, display)(SECRET_IN_FILE):
        return result
    text = data.decode("utf-8", "replace")
    rule = settings.catalog.rule(SECRET_IN_FILE)
    where = f"{DESCRIBED[role]} (not migrated: not a request to OpenAI)"
    for found in secret_pattern(settings.secret_patterns).finditer(text):
        key = found.group(0)
        if not is_real_key(key):
            continue
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        end_column = column + len(key)
        message = rule.format(secret=mask(key), key=where)
        result.findings.append(
            Finding(
                display,
                line,
                column,
                line,
                end_column,
                SECRET_IN_FILE,
                rule.severity,
                message,
                rule.fixable,
            )
        )
        result.secrets.add(key)
    return result


def process_file(
    path: Path,
    display: str,
    settings: Settings,
    prefilter: re.Pattern[bytes] | None = None,
    facts: ImportedFacts | None = None,
) -> FileResult:
    data, problem = read_file(path, display, settings)
    if data is None:
        result = FileResult(path, display)
        if problem:
            result.findings.append(problem)
        return result
    return process_data(data, path, display, settings, prefilter, facts)


def process_data(
    data: bytes,
    path: Path,
    display: str,
    settings: Settings,
    prefilter: re.Pattern[bytes] | None = None,
    facts: ImportedFacts | None = None,
) -> FileResult:
    """One file's bytes, already read, through the pass its kind takes."""
    if (prefilter is not None and not prefilter.search(data)) or is_skipped_config(path):
        return FileResult(path, display, original=data)
    role = role_of_file(path, display, data)
    if role in NOT_REQUESTS and path.suffix not in JS_SUFFIXES:  # (the JS pass decides)
        return non_request_result(data, path, display, settings, role)
    if path.suffix in NOTEBOOK_SUFFIXES:
        from migrator.notebooks.migrate import migrate_notebook  # builds on this module

        result = migrate_notebook(data, display, settings)
        result.path = path
        return result
    if path.suffix in JS_SUFFIXES:
        from migrator.javascript.migrate import migrate_javascript  # builds on this module

        result = migrate_javascript(data, display, settings)
        result.path = path
        return result
    if path.suffix not in PYTHON_SUFFIXES:
        if config_kind(path) is not None:
            return migrate_config_file(data, path, display, settings)
        if not is_python_script(data):
            # named on the command line but neither Python nor a config kind (README.md)
            return FileResult(path, display, original=data)
    if facts:
        result = migrate_python(data, display, settings, facts=facts)
    else:
        result = migrate_python(data, display, settings)
    result.path = path
    return result
