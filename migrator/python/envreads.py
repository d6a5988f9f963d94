"""Reads of OpenAI environment variables: `os.environ[...]`, `os.environ.get`, `os.getenv`.

Renamed to the configured variables under the default preset; an OpenAI default value
(base URL or model id) is migrated in place, keeping the call's own form.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import CodeRange

from migrator.decisions.model_ids import Destination
from migrator.endpoints import classify_url
from migrator.envnames import renamed_variable
from migrator.python import models
from migrator.python.context import FileContext
from migrator.python.envexpr import quote_of, string, string_value

ENV_CALLS = frozenset({"os.getenv", "os.environ.get"})
ENV_MAPPING = "os.environ"
KIND = "env var names"


def renamed(name: str, ctx: FileContext) -> str | None:
    return renamed_variable(name, ctx.settings)


def _rename(node: cst.SimpleString, where: CodeRange, ctx: FileContext) -> cst.SimpleString:
    old = string_value(node)
    new = renamed(old, ctx) if old else None
    if old is None or new is None:
        return node
    if not ctx.report("MM104", where, old=old, new=new):
        return node
    ctx.rewrote(KIND, new, uses_os=False)
    return string(new, quote_of(node))


def default_arg_index(call: cst.Call) -> int | None:
    for index, arg in enumerate(call.args):
        if (arg.keyword is None and index == 1) or (arg.keyword and arg.keyword.value == "default"):
            return index
    return None


def rewrite_call(
    original: cst.Call,
    updated: cst.Call,
    where: CodeRange,
    ctx: FileContext,
    has_fallback: bool = False,
    destination: tuple[Destination, str] = ("unknown", ""),
) -> cst.Call:
    """`has_fallback`: the read is the left side of `... or default`, which already
    supplies the value used when the variable is unset."""
    if (
        not updated.args
        or not isinstance(updated.args[0].value, cst.SimpleString)
        or updated.args[0].keyword is not None
    ):
        return updated  # os.getenv(key="..."): rare, and a default added after it would not compile
    args = list(updated.args)
    name_node = args[0].value
    assert isinstance(name_node, cst.SimpleString)
    name = string_value(name_node) or ""
    index = default_arg_index(updated)
    default = args[index].value if index is not None else None
    default_value = string_value(default) if default is not None else None
    if index is not None and isinstance(default, cst.SimpleString) and default_value is not None:
        connection = ctx.settings.catalog.connection
        if classify_url(default_value, connection) == "base" and ctx.report(
            "MM101",
            where,
            url=default_value,
            env=renamed(name, ctx) or name,
            default=ctx.settings.mistral_base_url,
        ):
            ctx.rewrote("base URLs", uses_os=False)
            args[index] = args[index].with_changes(
                value=string(ctx.settings.mistral_base_url, quote_of(default))
            )
        else:
            match = ctx.settings.models.lookup(default_value)
            if match is not None:
                result = models.rewrite_env_default(name, default, match, where, ctx, destination)
                if result is True:
                    return updated
                if result is not False:
                    new_name, new_default = result
                    args[index] = args[index].with_changes(value=new_default)
                    args[0] = args[0].with_changes(value=string(new_name, quote_of(name_node)))
                    return updated.with_changes(args=args)
    new_name_node = _rename(name_node, where, ctx)
    args[0] = args[0].with_changes(value=new_name_node)
    if (
        index is None
        and len(args) == 1
        and new_name_node is not name_node
        and not has_fallback
        and name in ctx.settings.catalog.connection.env_base_url
    ):
        # Unset, the SDK would fall back to api.openai.com and send it the Mistral key:
        # the migrated read defaults to Mistral's endpoint instead.
        default_arg = cst.Arg(string(ctx.settings.mistral_base_url, quote_of(name_node)))
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        args = [args[0].with_changes(comma=comma), default_arg]
    return updated.with_changes(args=args)


def rewrite_subscript(updated: cst.Subscript, where: CodeRange, ctx: FileContext) -> cst.Subscript:
    if len(updated.slice) != 1 or not isinstance(updated.slice[0].slice, cst.Index):
        return updated
    index = updated.slice[0].slice
    if not isinstance(index.value, cst.SimpleString):
        return updated
    new_index = index.with_changes(value=_rename(index.value, where, ctx))
    return updated.with_changes(slice=[updated.slice[0].with_changes(slice=new_index)])
