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
from functools import lru_cache

from migrator.endpoints import classify_url
from migrator.settings import Settings

# Statements with a body: a URL in their header is rare, and their body is not "the request".
_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor,
             ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)


@lru_cache(maxsize=4)
def _endpoint_bytes(hosts: tuple[str, ...]) -> re.Pattern[bytes]:
    """An OpenAI host followed by a path other than the bare base (`/v1`, `/v1/`): the
    byte test that keeps `ast` away from the many files that only name the base URL."""
    alternatives = b"|".join(re.escape(host.encode()) for host in hosts)
    return re.compile(rb"(?:" + alternatives + rb")/(?!v1/?(?![\w.\-/]))")


Span = tuple[int, int, int, int]  # first line, first column, last line, end column (0-based columns)


def raw_http_lines(data: bytes, settings: Settings) -> list[Span]:
    """The extent of each simple statement holding an OpenAI endpoint URL, or a
    module-level constant holding one (`OPENAI_URL = "https://..."`)."""
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
        return isinstance(node, ast.Constant) and isinstance(node.value, str) \
            and classify_url(node.value.split("{", 1)[0], connection) == "endpoint"

    names = {
        target.id for statement in tree.body if isinstance(statement, ast.Assign) and endpoint(statement.value)
        for target in statement.targets if isinstance(target, ast.Name)
    }
    spans = []
    for statement in ast.walk(tree):
        if not isinstance(statement, ast.stmt) or isinstance(statement, _COMPOUND):
            continue
        if any(endpoint(node) or (isinstance(node, ast.Name) and node.id in names) for node in ast.walk(statement)):
            spans.append((statement.lineno, statement.col_offset,
                          statement.end_lineno or statement.lineno, statement.end_col_offset or 0))
    return spans
