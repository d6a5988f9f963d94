"""Statements that call an OpenAI endpoint URL directly (`requests.post("https://api.openai
.com/v1/chat/completions", ...)`): reported (MM109) and otherwise left whole.

Renaming the key variable or mapping the model inside such a statement would send a
Mistral key and a Mistral id to api.openai.com, which only fails; left whole, the request
keeps working until a person points it at Mistral, and the next run then migrates the
rest. Found with `ast` (only in files whose bytes mention an OpenAI host with a path, so
the common file pays nothing).
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable
from functools import lru_cache

from migrator.endpoints import classify_url
from migrator.settings import Settings

# Statements with a body: a URL in their header is rare, and their body is not "the request".
_COMPOUND = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.Match,
)


@lru_cache(maxsize=4)
def _endpoint_bytes(hosts: tuple[str, ...]) -> re.Pattern[bytes]:
    """An OpenAI host followed by a path other than the bare base (`/v1`, `/v1/`): the
    byte test that keeps `ast` away from the many files that only name the base URL."""
    alternatives = b"|".join(re.escape(host.encode()) for host in hosts)
    return re.compile(rb"(?:" + alternatives + rb")/(?!v1/?(?![\w.\-/{]))")


Span = tuple[
    int, int, int, int
]  # first line, first column, last line, end column (0-based columns)


def raw_http_lines(data: bytes, settings: Settings) -> list[Span]:
    """The extent of each simple statement (or `with` header) holding an OpenAI endpoint
    URL, an f-string built on OpenAI's host, or a name its scope assigns one to
    (`url = "https://..."`; a module's names count in every function)."""
    connection = settings.catalog.connection
    if not _endpoint_bytes(connection.openai_hosts).search(data):
        return []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []

    def endpoint(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return classify_url(node.value.split("{", 1)[0], connection) == "endpoint"
        if (
            isinstance(node, ast.JoinedStr)
            and node.values
            and isinstance(node.values[0], ast.Constant)
        ):
            # f"https://api.openai.com/v1/{path}": a URL built on OpenAI's host
            head = str(node.values[0].value)
            return len(node.values) > 1 and classify_url(head, connection) in ("base", "endpoint")
        return False

    spans: list[Span] = []
    for scope in ast.walk(tree):
        if isinstance(scope, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef)):
            _scope_spans(scope, endpoint, spans)
    return sorted(set(spans))


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of a module or function, without those of functions and classes in it."""
    found: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))
    return found


def _scope_spans(scope: ast.AST, endpoint: Callable[[ast.AST], bool], spans: list[Span]) -> None:
    """Statements of one scope that hold an endpoint URL, or a name this scope (or, for
    the module, any scope) assigns one to: `url = "https://api.openai.com/v1/..."`."""
    own = _own_nodes(scope)
    names = {
        target.id
        for node in own
        if isinstance(node, ast.Assign) and endpoint(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    searched = list(ast.walk(scope)) if isinstance(scope, ast.Module) else own
    for statement in searched:
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            # `async with http.post(URL, json=...) as response:`: the header is the request
            header = statement.items
            if any(
                endpoint(n) or (isinstance(n, ast.Name) and n.id in names)
                for item in header
                for n in ast.walk(item)
            ):
                last = header[-1].context_expr
                spans.append(
                    (
                        statement.lineno,
                        statement.col_offset,
                        last.end_lineno or last.lineno,
                        last.end_col_offset or 0,
                    )
                )
            continue
        if not isinstance(statement, ast.stmt) or isinstance(statement, _COMPOUND):
            continue
        if any(
            endpoint(node) or (isinstance(node, ast.Name) and node.id in names)
            for node in ast.walk(statement)
        ):
            spans.append(
                (
                    statement.lineno,
                    statement.col_offset,
                    statement.end_lineno or statement.lineno,
                    statement.end_col_offset or 0,
                )
            )
