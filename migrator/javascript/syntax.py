"""Reading JS/TS with tree-sitter: which grammar a file takes, and where it is broken.

tree-sitter is an error-recovering parser: it always returns a tree. A tree with an
ERROR or MISSING node is treated as unparsable (MM901), so no edit is ever made on a
guess about what the author meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import tree_sitter

GRAMMARS = {
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
}
JS_SUFFIXES = tuple(GRAMMARS)


@cache
def language_for(grammar: str) -> tree_sitter.Language:
    if grammar == "javascript":
        import tree_sitter_javascript

        return tree_sitter.Language(tree_sitter_javascript.language())
    import tree_sitter_typescript

    pointer = (
        tree_sitter_typescript.language_tsx()
        if grammar == "tsx"
        else tree_sitter_typescript.language_typescript()
    )
    return tree_sitter.Language(pointer)


@cache
def parser_for(grammar: str) -> tree_sitter.Parser:
    return tree_sitter.Parser(language_for(grammar))


# Node kinds the pass looks at, found by one query run in tree-sitter's C code: walking
# every node from Python cost more than the parse itself.
_KINDS = {
    "import_statement": "(import_statement) @import_statement",
    "variable_declarator": "(variable_declarator) @variable_declarator",
    "new_expression": "(new_expression) @new_expression",
    "call_expression": "(call_expression) @call_expression",
    "string": "(string) @string",
    "template_string": "(template_string) @template_string",
    "comment": "(comment) @comment",
    "function_declaration": "(function_declaration) @function_declaration",
    "regex": "(regex) @regex",
}
_TS_KINDS = {
    "required_parameter": "(required_parameter) @required_parameter",
    "optional_parameter": "(optional_parameter) @optional_parameter",
    "field": "(public_field_definition) @field",
}
_JS_KINDS = {"field": "(field_definition) @field"}
KINDS = (*_KINDS, *_TS_KINDS, "env_read", "meta_env_read")
FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
    }
)


def _env_patterns(objects: frozenset[str]) -> str:
    """`process.env.NAME` and `process.env["NAME"]` for each two-part env object."""
    patterns = []
    for dotted_name in sorted(objects):
        if dotted_name.endswith("()"):  # a getter: Deno.env.get("NAME")
            parts = dotted_name[:-2].split(".")
            if len(parts) == 3:
                a, b, c = parts
                getter = (
                    "function: (member_expression object: (member_expression object: "
                    "(identifier) @_ga property: (property_identifier) @_gb) property: "
                    f'(property_identifier) @_gc) (#eq? @_ga "{a}") (#eq? @_gb "{b}") '
                    f'(#eq? @_gc "{c}")'
                )
                patterns.append(f"(call_expression {getter}) @env_read")
            continue
        if dotted_name.startswith("import.meta."):
            continue
        head, _, tail = dotted_name.partition(".")
        base = (
            "object: (member_expression object: (identifier) @_h property: "
            f'(property_identifier) @_t) (#eq? @_h "{head}") (#eq? @_t "{tail}")'
        )
        patterns.append(f"(member_expression {base}) @env_read")
        patterns.append(f"(subscript_expression {base}) @env_read")
    for dotted_name in sorted(objects):  # import.meta.env: a meta property's member
        head, _, tail = dotted_name.rpartition(".")
        if head != "import.meta":
            continue
        base = (
            "object: (member_expression object: (meta_property) property: "
            f'(property_identifier) @_m) (#eq? @_m "{tail}")'
        )
        patterns.append(f"(member_expression {base}) @meta_env_read")
        patterns.append(f"(subscript_expression {base}) @meta_env_read")
    return "\n".join(patterns)


@cache
def _query(grammar: str, env_objects: frozenset[str]) -> tree_sitter.Query:
    kinds = {**_KINDS, **(_JS_KINDS if grammar == "javascript" else _TS_KINDS)}
    return tree_sitter.Query(
        language_for(grammar), "\n".join(kinds.values()) + "\n" + _env_patterns(env_objects)
    )


def collect(
    root: tree_sitter.Node, grammar: str, env_objects: frozenset[str]
) -> dict[str, list[tree_sitter.Node]]:
    """The nodes of each kind in KINDS, in source order."""
    captures = tree_sitter.QueryCursor(_query(grammar, env_objects)).captures(root)
    found: dict[str, list[tree_sitter.Node]] = {kind: [] for kind in KINDS}
    for kind in found:
        nodes = captures.get(kind, [])
        found[kind] = sorted(nodes, key=lambda node: (node.start_byte, -node.end_byte))
    return found


_ENTITY = re.compile(rb"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);")


def _bare_ampersands(data: bytes, start: int, end: int) -> list[int]:
    """Offsets of `&` in [start, end) that are not an entity (`&amp;`) nor part of `&&`/`&=`."""
    found = []
    at = data.find(b"&", start, end)
    while at >= 0:
        pair = data[at - 1 : at] + data[at + 1 : at + 2]
        if b"&" not in pair and data[at + 1 : at + 2] != b"=" and not _ENTITY.match(data, at):
            found.append(at)
        at = data.find(b"&", at + 1, end)
    return found


def parse_tolerant(data: bytes, grammar: str) -> tree_sitter.Tree:
    """The parse tree, tolerating a bare `&` in JSX text or an attribute string
    (`<p>Q & A</p>`, `href="?a=1&b=2"`), which TypeScript and Babel accept and the grammar
    does not. Each bare `&` inside an error is read as `_` (one byte for one, so every
    offset stays the file's own); the tree is taken only when the whole file then parses,
    and the file's own bytes are what is edited."""
    tree = parse(data, grammar)
    if grammar == "typescript" or not tree.root_node.has_error or b"&" not in data:
        return tree
    masked = bytearray(data)
    for node in walk(tree.root_node):
        if node.is_error:
            for at in _bare_ampersands(data, node.start_byte, node.end_byte):
                masked[at : at + 1] = b"_"
    if masked == data:
        return tree
    again = parse(bytes(masked), grammar)
    return tree if again.root_node.has_error else again


def grammar_of(name: str) -> str:
    """The grammar for a file name; `.d.ts` and friends are plain TypeScript."""
    for suffix, grammar in GRAMMARS.items():
        if name.endswith(suffix):
            return grammar
    return "javascript"


def parse(data: bytes, grammar: str) -> tree_sitter.Tree:
    return parser_for(grammar).parse(data)


def walk(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """Every node below `root` in source order, with a cursor (no per-level lists)."""
    cursor = root.walk()
    while True:
        yield cursor.node  # type: ignore[misc]
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def first_error(root: tree_sitter.Node) -> tree_sitter.Node | None:
    """The first ERROR or MISSING node, or None for a clean tree."""
    if not root.has_error:
        return None
    for node in walk(root):
        if node.is_error or node.is_missing:
            return node
    return root


def error_reason(node: tree_sitter.Node, data: bytes) -> str:
    if node.is_missing:
        return f"expected {node.type!r} here"
    snippet = (
        data[node.start_byte : node.end_byte]
        .split(b"\n", 1)[0][:30]
        .decode("utf-8", "replace")
        .strip()
    )
    if not snippet:
        return "unexpected end of input"
    return f"the code from here on does not parse ({snippet!r}...)"


def line_statement_starts(data: bytes, grammar: str) -> set[int]:
    """0-based lines where a statement is the first thing on the line: where a comment
    line can go above it without landing inside a string, template or JSX text."""
    tree = parse(data, grammar)
    starts: set[int] = set()
    for node in walk(tree.root_node):
        kind = node.type
        if not (
            kind.endswith(("_statement", "_declaration"))
            or kind in ("public_field_definition", "method_definition")
        ):
            continue
        row, column = node.start_point
        line_start = node.start_byte - column
        if not data[line_start : node.start_byte].strip(b" \t"):
            starts.add(row)
    return starts
