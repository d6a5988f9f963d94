"""OpenAI URLs in Python: base URLs become an env read; raw endpoint URLs are reported."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst
from libcst.metadata import CodeRange

from migrator.catalog import Connection
from migrator.decisions.baseurl import appends_api_path, replacement
from migrator.endpoints import classify_url
from migrator.python.context import FileContext
from migrator.python.envexpr import env_get, quote_of, string, string_value
from migrator.python.roles import ParentOf, Role

KIND = "base URLs"


def base_url_names(connection: Connection) -> frozenset[str]:
    return frozenset((*connection.module_base_url, connection.base_url_keyword))


def sets_base_url(role: Role, connection: Connection) -> bool:
    if role.kind in ("assign", "param-default", "fallback"):
        return True
    return role.kind in ("keyword", "dict-value") and role.name in base_url_names(connection)


def host_finding(url: str, new: str, seen: bool, where: CodeRange, ctx: FileContext) -> bool:
    """MM127 for a host kept at its depth; False when silenced."""
    unseen = "" if seen else "; its use is not visible here: check it appends the API path"
    return ctx.report("MM127", where, url=url, new=new, unseen=unseen)


def suffix_appended(use: cst.CSTNode, parent_of: ParentOf) -> str | None:
    """The text code appends right after `use`: `f"{HOST}/v1/..."`, `HOST + "/v1/..."`."""
    holder = parent_of(use)
    if isinstance(holder, cst.FormattedStringExpression):
        fstring = parent_of(holder)
        if isinstance(fstring, cst.FormattedString):
            parts = list(fstring.parts)
            index = parts.index(holder)
            following = parts[index + 1] if index + 1 < len(parts) else None
            if isinstance(following, cst.FormattedStringText):
                return following.value
        return None
    if (
        isinstance(holder, cst.BinaryOperation)
        and isinstance(holder.operator, cst.Add)
        and holder.left is use
    ):
        right = holder.right
        if isinstance(right, cst.FormattedString) and right.parts:
            first = right.parts[0]
            return first.value if isinstance(first, cst.FormattedStringText) else None
        return string_value(right)
    return None


def uses_append_api_path(uses: list[cst.CSTNode], parent_of: ParentOf, base: str) -> bool:
    """Every use of a host is seen appending the API path (and there is one at least)."""
    return bool(uses) and all(
        (suffix := suffix_appended(use, parent_of)) is not None and appends_api_path(suffix, base)
        for use in uses
    )


def rewrite_literal(
    node: cst.SimpleString,
    value: str,
    role: Role,
    where: CodeRange,
    ctx: FileContext,
    host_seen: Callable[[], bool] = lambda: False,
) -> cst.BaseExpression:
    """`host_seen`: whether the uses of the name this literal is bound to are all seen
    appending the API path (asked only for a host)."""
    connection = ctx.settings.catalog.connection
    kind = classify_url(value, connection)
    if kind in (None, "other", "mistral") or role.kind == "docstring":
        return node
    verdict = replacement(value, ctx.settings.mistral_base_url)
    if kind == "base" and sets_base_url(role, connection) and not verdict.reads_variable:
        if not host_finding(value, verdict.url, host_seen(), where, ctx):
            return node
        ctx.rewrote(KIND, uses_os=False)
        return string(verdict.url, quote_of(node))
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
