"""Build the expressions the migrated code uses to read its settings.

The quote character follows the literal being replaced, so a file written with single
quotes stays single-quoted.
"""

from __future__ import annotations

import libcst as cst

from migrator.stringlit import string_literal


def quote_of(node: cst.SimpleString) -> str:
    return "'" if node.quote.startswith("'") else '"'


def env_get(name: str, default: str, quote: str = '"') -> cst.BaseExpression:
    """`os.environ.get("NAME", "default")`: optional setting with a Mistral default."""
    # values are escaped: a name decoded from the file must not close its literal
    name_literal, default_literal = string_literal(name, quote), string_literal(default, quote)
    return cst.parse_expression(f"os.environ.get({name_literal}, {default_literal})")


def env_required(name: str, quote: str = '"') -> cst.BaseExpression:
    """`os.environ["NAME"]`: a secret has no sensible default, so fail fast when unset."""
    return cst.parse_expression(f"os.environ[{string_literal(name, quote)}]")


def string(value: str, quote: str = '"') -> cst.SimpleString:
    return cst.SimpleString(string_literal(value, quote))


def string_value(node: cst.CSTNode) -> str | None:
    """The value of a plain (non-bytes, non-f) string literal, else None."""
    if not isinstance(node, cst.SimpleString) or "b" in node.prefix.lower():
        return None
    value = node.evaluated_value
    return value if isinstance(value, str) else None
