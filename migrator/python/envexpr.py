"""Build the expressions the migrated code uses to read its settings.

The quote character follows the literal being replaced, so a file written with single
quotes stays single-quoted.
"""

from __future__ import annotations

import libcst as cst


def quote_of(node: cst.SimpleString) -> str:
    return "'" if node.quote.startswith("'") else '"'


def env_get(name: str, default: str, quote: str = '"') -> cst.BaseExpression:
    """`os.environ.get("NAME", "default")`: optional setting with a Mistral default."""
    return cst.parse_expression(f"os.environ.get({quote}{name}{quote}, {quote}{default}{quote})")


def env_required(name: str, quote: str = '"') -> cst.BaseExpression:
    """`os.environ["NAME"]`: a secret has no sensible default, so fail fast when unset."""
    return cst.parse_expression(f"os.environ[{quote}{name}{quote}]")


def string(value: str, quote: str = '"') -> cst.SimpleString:
    return cst.SimpleString(f"{quote}{value}{quote}")


def string_value(node: cst.CSTNode) -> str | None:
    """The value of a plain (non-bytes, non-f) string literal, else None."""
    if not isinstance(node, cst.SimpleString) or "b" in node.prefix.lower():
        return None
    value = node.evaluated_value
    return value if isinstance(value, str) else None
