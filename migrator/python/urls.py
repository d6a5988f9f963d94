"""OpenAI URLs in Python: base URLs become an env read; raw endpoint URLs are reported."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import CodeRange

from migrator.catalog import Connection
from migrator.endpoints import classify_url
from migrator.python.context import FileContext
from migrator.python.envexpr import env_get, quote_of, string
from migrator.python.roles import Role

KIND = "base URLs"


def base_url_names(connection: Connection) -> frozenset[str]:
    return frozenset((*connection.module_base_url, connection.base_url_keyword))


def sets_base_url(role: Role, connection: Connection) -> bool:
    if role.kind in ("assign", "param-default", "fallback"):
        return True
    return role.kind in ("keyword", "dict-value") and role.name in base_url_names(connection)


def rewrite_literal(
    node: cst.SimpleString, value: str, role: Role, where: CodeRange, ctx: FileContext
) -> cst.BaseExpression:
    connection = ctx.settings.catalog.connection
    kind = classify_url(value, connection)
    if kind in (None, "other", "mistral") or role.kind == "docstring":
        return node
    if kind == "base" and sets_base_url(role, connection):
        env, default = ctx.settings.base_url_env, ctx.settings.mistral_base_url
        if not ctx.report("MM101", where, url=value, env=env, default=default):
            return node
        if role.kind == "fallback":  # `os.getenv(...) or "<url>"`: the variable is read already
            ctx.rewrote(KIND, env, uses_os=False)
            return string(default, quote_of(node))
        ctx.rewrote(KIND, env)
        return env_get(env, default, quote_of(node))
    ctx.report("MM109", where, url=value)
    return node
