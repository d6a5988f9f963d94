"""`fix --annotate`: a `# TODO(mistral-migrate): MMxxx reason` comment above each statement
left for manual review, so the review list travels with the diff into the pull request
(like bump-pydantic's `# TODO[pydantic]`).

It runs on the fixed bytes. Findings carry the first line of their statement in the
original file; a line-level diff of original and fixed text maps it to the fixed file.
Comments go above a statement's first line (checked against the statements `ast` finds in
the fixed file, so never inside a string), with that statement's indentation and the
file's newline style. A comment block directly above that
already holds the same code is left alone, so a second run adds nothing.
"""

from __future__ import annotations

import ast
import codecs
import io
import re
import tokenize
from collections.abc import Sequence
from difflib import SequenceMatcher

from migrator.findings import Finding
from migrator.secrets import redact

TAG = "TODO(mistral-migrate):"
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_EXISTING = re.compile(rb"(?:#|//)\s*TODO\(mistral-migrate\):\s*(MM\d+)")
_INDENT = re.compile(rb"[ \t]*")


def split_lines(data: bytes) -> list[bytes]:
    """Lines with their own endings (\\n, \\r\\n or \\r), as the tokenizer counts them."""
    return _LINE.findall(data)


def newline_of(data: bytes) -> bytes:
    match = re.search(rb"\r\n|\r|\n", data)
    return match.group(0) if match else b"\n"


def encoding_of(data: bytes) -> str:
    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:
        return "utf-8"


def statement_starts(data: bytes) -> set[int] | None:
    """0-based first lines of every statement (a decorated one starts at its first
    decorator); None when this Python cannot parse the file."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return None
    starts = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            decorators = getattr(node, "decorator_list", [])
            starts.add(min([node.lineno, *(d.lineno for d in decorators)]) - 1)
    return starts


def _common_prefix(a: bytes, b: bytes) -> int:
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return size


def line_map(
    before: Sequence[bytes], after: Sequence[bytes], starts: set[int] | None
) -> dict[int, int]:
    """0-based original line -> 0-based fixed line. An unchanged line maps exactly; a line
    in a rewritten block maps to the statement start in that block whose text begins most
    like it (rewrites keep a statement's opening), else to the block's first line."""
    mapping: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        for offset, line in enumerate(range(i1, i2)):
            if tag == "equal":
                mapping[line] = j1 + offset
                continue
            candidates = [j for j in range(j1, j2) if starts is None or j in starts] or [j1]
            mapping[line] = max(
                candidates, key=lambda j: (_common_prefix(before[line], after[j]), -j)
            )
    return mapping


def _statement_at_or_before(target: int, starts: set[int] | None) -> int:
    if starts is None or target in starts:
        return target
    earlier = [start for start in starts if start <= target]
    return max(earlier) if earlier else target


def _sites(
    findings: Sequence[Finding], anchors: dict[Finding, int]
) -> dict[int, dict[str, list[Finding]]]:
    """Original anchor line (1-based) -> code -> findings there, in report order."""
    sites: dict[int, dict[str, list[Finding]]] = {}
    for finding in findings:
        if finding.fixable or finding not in anchors:
            continue
        sites.setdefault(anchors[finding], {}).setdefault(finding.code, []).append(finding)
    return sites


def _existing_codes(lines: Sequence[bytes], index: int, prefix: bytes = b"#") -> set[str]:
    """Codes already in TODO comments in the comment block directly above line `index`."""
    codes: set[str] = set()
    above = index - 1
    while above >= 0 and lines[above].lstrip().startswith(prefix):
        codes.update(match.decode() for match in _EXISTING.findall(lines[above]))
        above -= 1
    return codes


def _comment(code: str, findings: Sequence[Finding], secrets: set[str], prefix: str = "#") -> str:
    message = " ".join(redact(findings[0].message, secrets).split())
    more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"{prefix} {TAG} {code} {message}{more}"


def annotate(
    original: bytes,
    fixed: bytes,
    findings: Sequence[Finding],
    anchors: dict[Finding, int],
    secrets: set[str] = frozenset(),  # type: ignore[assignment]
    grammar: str | None = None,
) -> bytes:
    """The fixed bytes with a TODO comment above every statement still to review.
    `grammar` names a JS/TS grammar (`//` comments, statements found by tree-sitter);
    None is Python."""
    sites = _sites(findings, anchors)
    if not sites:
        return fixed
    if grammar is not None:
        from migrator.javascript.syntax import first_error, line_statement_starts, parse_tolerant

        annotated = _annotate(
            original, fixed, sites, secrets, line_statement_starts(fixed, grammar), "//"
        )
        return (
            annotated
            if first_error(parse_tolerant(annotated, grammar).root_node) is None
            else fixed
        )
    return _annotate(original, fixed, sites, secrets, statement_starts(fixed), "#")


def _annotate(
    original: bytes,
    fixed: bytes,
    sites: dict[int, dict[str, list[Finding]]],
    secrets: set[str],
    starts: set[int] | None,
    prefix: str,
) -> bytes:
    before, after = split_lines(original), split_lines(fixed)
    mapping = line_map(before, after, starts)
    newline, encoding = newline_of(fixed), encoding_of(fixed)
    bom = codecs.BOM_UTF8 if fixed.startswith(codecs.BOM_UTF8) else b""
    if bom and after:
        after[0] = after[0][len(bom) :]
    inserts: dict[int, list[bytes]] = {}
    for anchor, by_code in sites.items():
        if not 0 < anchor <= len(before):
            continue
        target = _statement_at_or_before(mapping.get(anchor - 1, len(after)), starts)
        leading = _INDENT.match(before[anchor - 1].lstrip(codecs.BOM_UTF8))
        indent = leading.group(0) if leading is not None else b""
        present = _existing_codes(after, target, prefix.encode()) if target <= len(after) else set()
        for code, found in by_code.items():
            if code in present:
                continue
            text = _comment(code, found, secrets, prefix).encode(
                encoding, errors="backslashreplace"
            )
            inserts.setdefault(target, []).append(indent + text + newline)
    if not inserts:
        return fixed
    if after and not after[-1].endswith((b"\n", b"\r")) and len(after) in inserts:
        after[-1] += newline
    out: list[bytes] = []
    for index in range(len(after) + 1):
        out.extend(inserts.get(index, []))
        if index < len(after):
            out.append(after[index])
    return bom + b"".join(out)


def _comment_lines(data: bytes, lines: Sequence[bytes], grammar: str | None) -> set[int]:
    """0-based lines that hold only a comment: for Python the tokenizer's COMMENT tokens
    (never text inside a string); for JS/TS lines that start with `//`."""
    if grammar is not None:
        return {i for i, line in enumerate(lines) if line.lstrip().startswith(b"//")}
    found: set[int] = set()
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            if token.type == tokenize.COMMENT and not token.line[: token.start[1]].strip():
                found.add(token.start[0] - 1)
    except (tokenize.TokenError, SyntaxError):
        return set()
    return found


def drop_stale(
    data: bytes,
    findings: Sequence[Finding],
    anchors: dict[Finding, int],
    grammar: str | None = None,
) -> bytes:
    """`data` without the TODO comments whose code is no longer reported at the statement
    below them, so `fix --annotate` run twice leaves no stale TODO behind. `findings` and
    `anchors` are of `data` itself (a re-check of the written file)."""
    lines = split_lines(data)
    comments = _comment_lines(data, lines, grammar)
    wanted: dict[int, set[str]] = {}
    for finding in findings:
        if not finding.fixable and finding in anchors:
            wanted.setdefault(anchors[finding] - 1, set()).add(finding.code)
    drop: set[int] = set()
    for index in sorted(comments):
        match = _EXISTING.search(lines[index])
        if match is None:
            continue
        below = index + 1
        while below in comments:
            below += 1
        if match.group(1).decode() not in wanted.get(below, set()):
            drop.add(index)
    if not drop:
        return data
    return b"".join(line for index, line in enumerate(lines) if index not in drop)
