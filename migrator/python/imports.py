"""Add `import os` once, where a person would have put it.

LibCST's AddImportsVisitor also inserts blank lines around the import it adds; a codemod
that promises byte-for-byte stability elsewhere cannot afford that, so this places the
statement itself: among the leading standard-library imports in alphabetical order,
else before the first import, else after the module docstring.
"""

from __future__ import annotations

import sys

import libcst as cst

IMPORT_OS = cst.parse_statement("import os\n")


def _names_os(name: cst.BaseExpression) -> bool:
    """`os` or `os.<sub>` (`import os.path` binds `os` too)."""
    if isinstance(name, cst.Attribute):
        name = name.value
    return isinstance(name, cst.Name) and name.value == "os"


def _binds_os(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.Import):
            for alias in small.names:
                if alias.asname is None and _names_os(alias.name):
                    return True
    return False


def _import_names(statement: cst.BaseStatement) -> list[str] | None:
    """Top-level module names imported by an import line, None if not an import line."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return None
    names: list[str] = []
    for small in statement.body:
        if isinstance(small, cst.Import):
            names += [cst.helpers.get_full_name_for_node(a.name) or "" for a in small.names]
        elif isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
            names.append(cst.helpers.get_full_name_for_node(small.module) or "")
        else:
            return None
    return [name.split(".")[0] for name in names]


def _is_docstring(statement: cst.BaseStatement) -> bool:
    # plain isinstance tests: importing libcst.matchers costs more than a parse
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def binds_os(module: cst.Module) -> bool:
    return any(_binds_os(statement) for statement in module.body)


def has_imports(module: cst.Module) -> bool:
    return any(_import_names(statement) is not None for statement in module.body)


def ensure_import_os(module: cst.Module) -> cst.Module:
    body = list(module.body)
    if binds_os(module):
        return module
    start = 1 if body and _is_docstring(body[0]) else 0
    stdlib = sys.stdlib_module_names
    first_import: int | None = None
    last_stdlib: int | None = None
    plain_after_os: int | None = None  # first `import x` (stdlib) that sorts after os
    last_plain: int | None = None  # last `import x` (stdlib)
    first_from: int | None = None  # first `from x import y` (stdlib)
    for index in range(start, len(body)):
        names = _import_names(body[index])
        if names is None:
            break
        if names == ["__future__"]:
            start = index + 1
            continue
        if first_import is None:
            first_import = index
        if not all(name in stdlib for name in names):
            continue
        last_stdlib = index
        statement = body[index]
        assert isinstance(statement, cst.SimpleStatementLine)
        if isinstance(statement.body[0], cst.Import):
            last_plain = index
            if plain_after_os is None and names[0] > "os":
                plain_after_os = index
        elif first_from is None:
            first_from = index
    # isort's order: plain `import x` lines first, alphabetically, then `from` imports.
    position: int | None = None
    if plain_after_os is not None:
        position = plain_after_os
    elif last_plain is not None:
        position = last_plain + 1
    elif first_from is not None:
        position = first_from
    elif first_import is not None:
        position = first_import
    if position is not None:
        anchor = body[position] if position < len(body) else None
        if anchor is not None and position == first_import:
            # Before the first import: take over its leading blank lines/comments, and
            # keep a third-party block separated from the new stdlib line.
            third_party = last_stdlib is None
            new = IMPORT_OS.with_changes(leading_lines=anchor.leading_lines)
            gap = (cst.EmptyLine(),) if third_party else ()
            body[position] = anchor.with_changes(leading_lines=gap)
            body.insert(position, new)
        else:
            body.insert(position, IMPORT_OS)
        return module.with_changes(body=body)
    # No imports at all: after the docstring, separated from the code by a blank line.
    if start < len(body):
        nxt = body[start]
        body[start] = nxt.with_changes(leading_lines=(cst.EmptyLine(),))
        body.insert(start, IMPORT_OS.with_changes(leading_lines=nxt.leading_lines))
    else:
        body.append(IMPORT_OS)
    return module.with_changes(body=body)
