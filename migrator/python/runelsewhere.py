"""Functions run outside their module (decisions/names.py): which ones, and what they see.

Read from syntax: a decorator call, or a call given the function by name, with a keyword
from rules/connection.toml [run_elsewhere] marks the function; the strings in that
keyword's value (`["os", "requests"]`, `"import os"`, `Import("os")`) and the function's
own `import` statements are the names it has there.
"""

from __future__ import annotations

import ast
import re
import warnings
from functools import lru_cache

import libcst as cst

from migrator.catalog import read_toml
from migrator.python.clientref import iter_nodes
from migrator.rules_dir import rules_dir

_IMPORTED = re.compile(r"^\s*(?:import\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*$")


@lru_cache(maxsize=1)
def marker_keywords() -> frozenset[str]:
    return frozenset(read_toml(rules_dir() / "connection.toml")["run_elsewhere"]["keywords"])


def _declared(value: ast.expr) -> set[str]:
    names = set()
    for node in ast.walk(value):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found = _IMPORTED.match(node.value)
            if found:
                names.add(found.group("name"))
    return names


def _markers(call: ast.Call) -> list[ast.keyword]:
    keywords = marker_keywords()
    return [k for k in call.keywords if k.arg in keywords]


def run_elsewhere(data: bytes) -> dict[str, set[str]]:
    """Function name -> the names declared for it, for every function the module hands
    to a registry (by decorator or by name) with declared imports.

    Read from the whole file with Python's own parser, before the pass: the pass may see
    only the statements that matter (python/slicing.py), and the call registering a
    function (`register(fn, imports=[...])`) need not be one of them."""
    if not any(k.encode() + b"=" in data for k in marker_keywords()):
        return {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data)
    except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError):
        return {}
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and (markers := _markers(decorator)):
                    declared = found.setdefault(node.name, set())
                    for keyword in markers:
                        declared |= _declared(keyword.value)
        elif isinstance(node, ast.Call) and (markers := _markers(node)):
            for arg in node.args:
                if isinstance(arg, ast.Name):
                    declared = found.setdefault(arg.id, set())
                    for keyword in markers:
                        declared |= _declared(keyword.value)
    return found


def imported_in(function: cst.FunctionDef) -> set[str]:
    """Names the function binds by its own `import` statements."""
    names = set()
    for node in iter_nodes(function.body):
        if isinstance(node, cst.Import):
            for alias in node.names:
                bound = alias.asname.name if alias.asname else alias.name
                if isinstance(bound, cst.Name):
                    names.add(bound.value)
    return names


def names_used(node: cst.CSTNode, name: str) -> int:
    return sum(1 for n in iter_nodes(node) if isinstance(n, cst.Name) and n.value == name)
