"""Run the LibCST pass over the part of a file that can matter.

Scope and qualified-name metadata, positions, parents and the transformer's visit cost
about twenty times the parse of a file, while in a typical file only a few top-level
statements have anything to do with OpenAI; and LibCST's parse and code generation are
themselves the largest cost left. So neither sees the whole file: Python's own parser
(`ast`, about a quarter of LibCST's parse) gives the top-level statements' line ranges
(decorators included, statements sharing a line grouped), and each run of statements
that cannot be affected is swapped, at the text level, for a placeholder: a bytes
literal spanning exactly the same lines with the file's own line breaks (so every line
and column of every finding is unchanged). Only that reduced source is parsed by LibCST
and run through the pass; after it each placeholder in the output is swapped back for
the original bytes of its statements.

A top-level statement is kept when
- it is the first one (the docstring) or an import at module level (qualified names
  come from imports; `import os` is placed among them);
- its text holds one of the prefilter's anchors in any letter case (the same triggers
  as the file prefilter, from rules data);
- it mentions a name that a kept statement of the two kinds above binds at module level
  (an assignment target, a `global`, an import alias, the root of an attribute assigned
  outside a class), repeated until nothing changes: `client = OpenAI()` keeps every
  function that uses `client`;
- it binds at module level (def and class included) a name a kept statement mentions:
  a name bound in the file resolves differently from an unbound one (`getattr` defined
  locally is not `builtins.getattr`; a local `os` qualifies `os.getenv`).
Why that is enough: a rule fires on a literal or comment holding a trigger, or on a name
that resolves, through imports or assignments, to the SDK, a client or a framework, and
such a name is bound by a statement that holds a trigger or mentions one bound that way.
Definitions (`def`, `class`) do not propagate: the client resolver follows assignments,
parameters and attributes, never the return value of a call or an instance of a class.

Nothing is assumed where it can be checked: the file must be UTF-8 without a BOM or
other declared encoding (as LibCST reports it: others are not sliced), Python's parser
must accept it, the reduced source must come back from LibCST byte for byte (bar the
final carriage return it drops from a CR-only file: pipeline.lost_final_newline), its
top-level statements must be the kept ones plus the placeholders, and each placeholder
must come out of the pass once and unchanged. When anything does not line up, the
caller parses and runs the whole file, which then reports MM901 or MM905 as it would
without slicing.
Files with a star import are never sliced (every unresolved name may then be the SDK's).
LibCST takes the first indented block's indent as the file's indent unit (the rewrites
indent the lines they add with it); when that block is left out, the unit is read from
Python's tree and handed to the pass (FileContext.file_indent).

What the whole pass would do differently, deliberately:
- a statement that Python accepts but LibCST cannot parse (or cannot reproduce byte for
  byte) in a left-out region no longer stops the file: it is migrated, and that region
  comes back verbatim (the whole pass reports MM901 or MM905 for the file);
- blank lines and comments right after a left-out compound statement belong, in the
  reduced module, to the next kept statement rather than to the block before it; no
  rule reads them (suppressions are read from the file's bytes).
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from migrator.prefilter import prefilter_for
from migrator.settings import Settings

# Marks a placeholder; a file that contains it is never sliced.
MARKER = "mm-slice-"
# Slicing pays for its own work (Python's parse, the bookkeeping) only on files of some
# size and when most of a file can be left out.
MIN_SIZE = 2_000
MAX_KEPT_SHARE = 0.7

_WORD = re.compile(r"[^\W\d]\w*")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_STAR_IMPORT = re.compile(rb"\bimport[\s\\(]*\*")
_IMPORT = re.compile(rb"\bimport\b")


# What LibCST takes as the indent of a module without indented blocks.
DEFAULT_INDENT = "    "


@dataclass
class Slice:
    """The reduced source and how to put the left-out statements back."""

    source: bytes
    # placeholder literal (as written in the source) -> the original bytes it stands for
    regions: dict[bytes, bytes]
    # how many top-level statements the reduced source must parse into
    statements: int
    # the whole file's default indent (its first INDENT token), and whether the reduced
    # source still holds that token
    indent: str
    indent_shown: bool

    def lines_up(self, module: cst.Module) -> bool:
        """The parsed reduced source has the kept statements and the placeholders as its
        top-level statements, and the indent unit found for the whole file matches
        where the reduced source shows it. (LibCST writes each block whose indent is
        the module's default from the module's default, so the module keeps its own;
        the pass is told the file's through FileContext.file_indent.)"""
        if len(module.body) != self.statements:
            return False
        literals = {
            line.body[0].value.value
            for line in module.body
            if isinstance(line, cst.SimpleStatementLine)
            and len(line.body) == 1
            and isinstance(line.body[0], cst.Expr)
            and isinstance(line.body[0].value, cst.SimpleString)
        }
        if any(placeholder.decode("ascii") not in literals for placeholder in self.regions):
            return False
        return not self.indent_shown or module.default_indent == self.indent

    def restore(self, code: bytes) -> bytes | None:
        """`code` (the reduced module's output) with each placeholder swapped back; None
        when a placeholder is missing, repeated or out of order."""
        out: list[bytes] = []
        position = 0
        for placeholder, original in self.regions.items():
            at = code.find(placeholder, position)
            if at == -1 or code.find(placeholder, at + 1) != -1:
                return None
            out += (code[position:at], original)
            position = at + len(placeholder)
        out.append(code[position:])
        return b"".join(out)


@dataclass
class _Group:
    """Top-level statements that share lines (`a = 1; b = 2`): one LibCST statement."""

    first: int
    last: int
    statements: list[ast.stmt]


def _first_line(statement: ast.stmt) -> int:
    decorators = getattr(statement, "decorator_list", None)
    return (
        min([statement.lineno, *(d.lineno for d in decorators)]) if decorators else statement.lineno
    )


def _groups(body: list[ast.stmt]) -> list[_Group]:
    groups: list[_Group] = []
    for statement in body:
        first, last = _first_line(statement), statement.end_lineno or statement.lineno
        if groups and first <= groups[-1].last:
            groups[-1].last = max(groups[-1].last, last)
            groups[-1].statements.append(statement)
        else:
            groups.append(_Group(first, last, [statement]))
    return groups


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def bindings(statements: list[ast.stmt]) -> tuple[set[str], set[str]]:
    """(names the statements bind at module level that may hold a client, the same plus
    the names of module-level functions and classes).

    Errs wide: comprehension variables at module level count, and so does the root of
    every attribute assigned outside a class (`state.client = OpenAI()` in a function is
    read back as `state.client` anywhere).
    """
    binds: set[str] = set()
    defined: set[str] = set()
    stack: list[tuple[ast.AST, bool, bool]] = [(s, True, False) for s in statements]
    while stack:
        node, at_module, in_class = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if at_module:
                defined.add(node.name)
            is_class = isinstance(node, ast.ClassDef)
            outer: list[ast.AST] = list(node.decorator_list)
            if isinstance(node, ast.ClassDef):
                outer += [*node.bases, *node.keywords]
            else:
                outer += [node.args] + ([node.returns] if node.returns else [])
            stack += [(n, at_module, in_class) for n in outer]
            stack += [(n, False, in_class or is_class) for n in node.body]
            continue
        if isinstance(node, ast.Lambda):
            stack += [(node.args, at_module, in_class), (node.body, False, in_class)]
            continue
        if isinstance(node, ast.Global):
            binds.update(node.names)
        elif isinstance(node, ast.Name):
            if at_module and not isinstance(node.ctx, ast.Load):
                binds.add(node.id)
        elif isinstance(node, ast.Attribute):
            if not in_class and isinstance(node.ctx, ast.Store):
                root = _root_name(node)
                if root is not None:
                    binds.add(root)
        elif isinstance(node, ast.alias):
            if at_module:
                binds.add(node.asname or node.name.split(".")[0])
        elif at_module and isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            if node.name:
                binds.add(node.name)
        elif at_module and isinstance(node, ast.MatchMapping) and node.rest:
            binds.add(node.rest)
        stack += [(child, at_module, in_class) for child in ast.iter_child_nodes(node)]
    return binds, binds | defined


def _words(text: str) -> set[str]:
    """Every identifier-like word of the text (strings and comments too: erring wide),
    with the NFKC form Python's parser gives non-ASCII identifiers."""
    words = set(_WORD.findall(text))
    if not text.isascii():
        words |= {unicodedata.normalize("NFKC", w) for w in words if not w.isascii()}
    return words


def _is_import(group: _Group, text: bytes) -> bool:
    """An import at module level, also inside `try:` / `if TYPE_CHECKING:`."""
    if any(isinstance(s, (ast.Import, ast.ImportFrom)) for s in group.statements):
        return True
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return not all(isinstance(s, definitions) for s in group.statements) and bool(
        _IMPORT.search(text)
    )


def relevant(groups: list[_Group], texts: list[bytes], seeds: set[int]) -> list[bool]:
    """Which groups the pass must see (the rules of the module docstring)."""
    count = len(groups)
    kept = [False] * count
    words = [_words(t.decode("utf-8", "surrogateescape")) for t in texts]
    found = [bindings(g.statements) for g in groups]
    propagating = set(seeds)
    for index in range(count):
        kept[index] = index == 0 or index in seeds or _is_import(groups[index], texts[index])
    bound: set[str] = set()
    for index in propagating:
        bound |= found[index][0]
    changed = True
    while changed:
        changed = False
        for index in range(count):
            if index not in propagating and not words[index].isdisjoint(bound):
                propagating.add(index)
                kept[index] = True
                bound |= found[index][0]
                changed = True
    mentioned: set[str] = set()
    for index in range(count):
        if kept[index]:
            mentioned |= words[index]
    for index in range(count):
        if not kept[index] and not found[index][1].isdisjoint(mentioned):
            kept[index] = True
    return kept


class _Lines:
    """Line starts and line breaks of a file, as Python's tokenizer counts lines."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        matches = list(_LINE_BREAK.finditer(data))
        self.breaks = [(m.start(), m.end()) for m in matches]
        self.starts = [0] + [end for _, end in self.breaks]
        self.count = len(self.breaks) + (0 if data.endswith((b"\n", b"\r")) else 1)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def start(self, line: int) -> int:
        return self.starts[line - 1]

    def content_end(self, line: int) -> int:
        return self.breaks[line - 1][0] if line - 1 < len(self.breaks) else len(self.data)

    def line_break(self, line: int) -> bytes:
        if line - 1 >= len(self.breaks):
            return b""
        start, end = self.breaks[line - 1]
        return self.data[start:end]


def _default_indent(groups: list[_Group], lines: _Lines) -> tuple[int, str] | Literal[False] | None:
    """Where the file's first INDENT token is (the group and its whitespace: LibCST takes
    it as the module's default indent, which the rewrites use), None when the file has
    no indented block, False when this cannot be told from Python's tree for sure."""
    for index, group in enumerate(groups):
        for statement in group.statements:
            found = _first_block_indent(statement, lines)
            if found is not None:
                return found if found is False else (index, found)
    return None


def _blocks(statement: ast.stmt) -> list[list[ast.stmt]]:
    """The statement's blocks in source order (`elif` handled by the caller)."""
    if isinstance(statement, (ast.For, ast.AsyncFor, ast.While, ast.If)):
        return [statement.body, statement.orelse]
    if isinstance(statement, (ast.Try, ast.TryStar)):
        return [
            statement.body,
            *(h.body for h in statement.handlers),
            statement.orelse,
            statement.finalbody,
        ]
    if isinstance(
        statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.AsyncWith)
    ):
        return [statement.body]
    return []


_INDENT = re.compile(rb"[ \t]+")
_DECORATOR_PREFIX = re.compile(rb"([ \t]+)@[ \t]*")
_CASE_PREFIX = re.compile(rb"([ \t]+)case\b")


def _first_block_indent(statement: ast.stmt, lines: _Lines) -> str | Literal[False] | None:
    """The whitespace of the statement's first block that sits on its own lines (an
    INDENT token), None when every block shares its header's line, False when unsure."""
    if isinstance(statement, ast.Match):
        pattern = statement.cases[0].pattern
        text = lines.data[lines.start(pattern.lineno) : lines.content_end(pattern.lineno)]
        match = _CASE_PREFIX.match(text)
        return match.group(1).decode("ascii") if match else False
    for block in _blocks(statement):
        if not block:
            continue
        first = block[0]
        line = _first_line(first)
        text = lines.data[lines.start(line) : lines.content_end(line)]
        decorators = getattr(first, "decorator_list", None)
        if b"\f" in text[: decorators[0].col_offset if decorators else first.col_offset]:
            return False  # a form feed resets the tokenizer's column count
        if decorators:
            match = _DECORATOR_PREFIX.fullmatch(text[: decorators[0].col_offset])
            indent = match.group(1) if match else None
        else:
            prefix = text[: first.col_offset]
            indent = prefix if _INDENT.fullmatch(prefix) else None
        if indent is not None:
            previous = (
                lines.data[lines.start(line - 1) : lines.content_end(line - 1)] if line > 1 else b""
            )
            if previous.endswith(b"\\"):
                return False  # a continued line: no INDENT after all, or unsure
            return indent.decode("ascii")
        if not text[: first.col_offset if not decorators else 0].strip(b" \t"):
            # nothing before it on its line but no indent either: an `elif` (its own
            # blocks follow) or something this does not know
            if (
                isinstance(statement, ast.If)
                and block is statement.orelse
                and isinstance(first, ast.If)
            ):
                found = _first_block_indent(first, lines)
                if found is not None:
                    return found
                continue
            return False
    return None


def plan(data: bytes, settings: Settings, always: bool = False) -> Slice | None:
    """The reduced source for the pass, or None when the whole file must (or may as well)
    be looked at. `always` slices whenever it is possible (tests compare both ways)."""
    if not always and len(data) < MIN_SIZE:
        return None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return None
    if encoding != "utf-8":  # a BOM ("utf-8-sig") or another declared encoding
        return None
    if MARKER.encode() in data or _STAR_IMPORT.search(data):
        return None
    offsets = prefilter_for(settings).anchor_offsets(data)
    if offsets is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data)
    except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError):
        return None
    groups = _groups(tree.body)
    if len(groups) < 2:
        return None
    lines = _Lines(data)
    texts = [data[lines.start(g.first) : lines.content_end(g.last)] for g in groups]
    firsts = [g.first for g in groups]
    seeds: set[int] = set()
    for offset in offsets:
        line = lines.line_of(offset)
        index = bisect.bisect_right(firsts, line) - 1
        if index >= 0 and line <= groups[index].last:
            seeds.add(index)
    kept = relevant(groups, texts, seeds)
    if not data.endswith((b"\n", b"\r")):
        kept[-1] = True  # a placeholder ends with its line break; this line has none
    kept_bytes = sum(len(t) for t, k in zip(texts, kept, strict=False) if k)
    if all(kept) or (not always and kept_bytes > MAX_KEPT_SHARE * len(data)):
        return None
    indent = _default_indent(groups, lines)
    if indent is False:
        return None
    return _reduce(groups, kept, lines, indent)


def _reduce(
    groups: list[_Group], kept: list[bool], lines: _Lines, indent: tuple[int, str] | None
) -> Slice | None:
    """The file with each run of left-out groups swapped for a placeholder over the same
    lines: from the run's first line (decorators included) to its last statement's last
    line. Blank lines and comments between runs and kept statements stay as they are."""
    data = lines.data
    out: list[bytes] = []
    regions: dict[bytes, bytes] = {}
    statements = 0
    position = 0
    index = 0
    while index < len(groups):
        statements += 1
        if kept[index]:
            index += 1
            continue
        end = index
        while end + 1 < len(groups) and not kept[end + 1]:
            end += 1
        first, last = groups[index].first, groups[end].last
        if not lines.line_break(last):
            return None
        inner = b"".join(lines.line_break(line) for line in range(first, last))
        literal = b'b"""' + f"{MARKER}{len(regions)}:".encode() + inner + b'"""'
        start, stop = lines.start(first), lines.content_end(last)
        out += (data[position:start], literal)
        regions[literal] = data[start:stop]
        position = stop
        index = end + 1
    out.append(data[position:])
    if indent is None:
        default_indent, shown = DEFAULT_INDENT, True
    else:
        default_indent, shown = indent[1], kept[indent[0]]
    return Slice(b"".join(out), regions, statements, default_indent, shown)
