"""OpenAI clients and the module-level SDK settings.

A client ends up with an explicit `api_key` and `base_url` that read the configured
variables, unless it was deliberately pointed at another provider (left alone, MM105)
or built from `**kwargs` the tool cannot see (reported, MM108).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import CodeRange

from migrator.decisions.keys import literal_key_code
from migrator.endpoints import classify_url, mistral_path_wrong
from migrator.python.context import FileContext
from migrator.python.envexpr import env_get, env_required, quote_of, string_value
from migrator.python.layout import append_args  # (also used by frameworks.py)
from migrator.secrets import mask

KEY_KIND = "API keys"
CLIENT_KIND = "client settings"

IsEnvRead = Callable[[cst.BaseExpression], bool]
# a name bound once to a string literal -> (the literal, the line it is on)
ConstantOf = Callable[[cst.BaseExpression], "tuple[str, int] | None"]


def _keyword_args(call: cst.Call) -> dict[str, cst.Arg]:
    return {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}


def _key_from_env(ctx: FileContext) -> cst.BaseExpression:
    ctx.rewrote(CLIENT_KIND, ctx.settings.api_key_env)
    return env_required(ctx.settings.api_key_env, ctx.quote)


def _base_from_env(ctx: FileContext) -> cst.BaseExpression:
    ctx.rewrote(CLIENT_KIND, ctx.settings.base_url_env)
    return env_get(ctx.settings.base_url_env, ctx.settings.mistral_base_url, ctx.quote)


def replace_key_literal(
    node: cst.SimpleString, value: str, where: CodeRange, ctx: FileContext
) -> cst.BaseExpression:
    ctx.secrets.add(value)
    code = literal_key_code(value)
    if not ctx.report(code, where, secret=mask(value), env=ctx.settings.api_key_env):
        return node
    ctx.rewrote(KEY_KIND, ctx.settings.api_key_env)
    return env_required(ctx.settings.api_key_env, quote_of(node))


_ENV_READERS = {"os.getenv", "os.environ.get", "getenv", "environ.get"}


def _env_variable(value: cst.BaseExpression) -> str | None:
    """The variable an `os.environ[...]` / `os.environ.get(...)` / `os.getenv(...)` reads,
    by spelling: enough to tell an OpenAI variable from another provider's."""
    if isinstance(value, cst.Subscript) and len(value.slice) == 1:
        base = get_full_name_for_node(value.value)
        element = value.slice[0].slice
        if base in ("os.environ", "environ") and isinstance(element, cst.Index):
            return string_value(element.value)
    if (
        isinstance(value, cst.Call)
        and get_full_name_for_node(value.func) in _ENV_READERS
        and value.args
    ):
        return string_value(value.args[0].value)
    return None


def _optional_key_read(value: cst.BaseExpression, ctx: FileContext) -> bool:
    """`os.getenv("OPENAI_API_KEY")` / `os.environ.get(...)` with no default, of a key
    variable the migration renames (the project's own Mistral reads are left alone)."""
    if not isinstance(value, cst.Call) or len(value.args) != 1 or value.args[0].keyword is not None:
        return False
    variable = _env_variable(value)
    connection = ctx.settings.catalog.connection
    return (
        variable is not None
        and variable in connection.env_api_key
        and variable != ctx.settings.api_key_env
        and ctx.settings.rename_env
    )


def _name_literal(value: cst.BaseExpression) -> cst.SimpleString:
    assert isinstance(value, cst.Call) and isinstance(value.args[0].value, cst.SimpleString)
    return value.args[0].value


def _openai_variable(variable: str, read: cst.BaseExpression, ctx: FileContext) -> bool:
    """Whether a base-URL variable is (or defaults to) OpenAI's: a known name, the OPENAI_
    prefix, the configured Mistral name, or a read whose default is an OpenAI URL. Any
    other name (GROQ_BASE_URL, LLM_BASE_URL) is a deliberate endpoint: left alone."""
    connection = ctx.settings.catalog.connection
    if (
        variable in connection.env_base_url
        or variable == ctx.settings.base_url_env
        or variable.startswith(connection.env_prefix)
    ):
        return True
    if isinstance(read, cst.Call) and len(read.args) > 1:
        default = string_value(read.args[1].value)
        return default is not None and classify_url(default, connection) in (
            "base",
            "endpoint",
            "mistral",
        )
    return False


def points_elsewhere(value: cst.BaseExpression, ctx: FileContext) -> str | None:
    """What a base URL points at when that is not OpenAI (nor Mistral): a literal URL of
    another host, another provider's variable (`GROQ_BASE_URL`), or an f-string whose
    text starts with another host (`f"http://{host}/v1"`). None otherwise."""
    connection = ctx.settings.catalog.connection
    literal = string_value(value)
    if literal is not None and classify_url(literal, connection) == "other":
        return literal
    variable = _env_variable(value)
    if variable is not None and not _openai_variable(variable, value, ctx):
        return f"{variable} (an environment variable)"
    if (
        isinstance(value, cst.FormattedString)
        and value.parts
        and isinstance(value.parts[0], cst.FormattedStringText)
    ):
        head = value.parts[0].value
        known = (*connection.openai_hosts, urlsplit(connection.mistral_base_url).hostname or "")
        if head.startswith(("http://", "https://")) and not any(host in head for host in known):
            return cst.Module([]).code_for_node(value)
    return None


def _first(args: dict[str, cst.Arg], names: Sequence[str]) -> tuple[str, cst.Arg | None]:
    """The keyword among `names` the call passes (a framework may take aliases), else the first."""
    for name in names:
        if name in args:
            return name, args[name]
    return names[0], None


def rewrite_client(
    name: str,
    original: cst.Call,
    updated: cst.Call,
    position: Callable[[cst.CSTNode], CodeRange],
    is_env_read: IsEnvRead,
    ctx: FileContext,
    key_keywords: Sequence[str] = (),
    base_keywords: Sequence[str] = (),
    add_missing: bool = True,
    constant_of: ConstantOf | None = None,
) -> cst.Call:
    """SDK clients by default; a framework passes its own keyword names (aliases first
    found wins, the first name is the one added) and whether missing ones are added."""
    connection = ctx.settings.catalog.connection
    before = _keyword_args(original)
    key_kw, key = _first(before, key_keywords or (connection.api_key_keyword,))
    base_kw, base = _first(before, base_keywords or (connection.base_url_keyword,))
    if base is not None:
        elsewhere = points_elsewhere(base.value, ctx)
        if elsewhere is not None:
            ctx.report("MM105", position(original), url=elsewhere)
            return updated
        literal = string_value(base.value)
        if literal is not None and mistral_path_wrong(literal, connection):
            ctx.report(
                "MM118", position(base.value), url=literal, default=connection.mistral_base_url
            )
    after = _keyword_args(updated)
    args = list(updated.args)
    if key is not None:
        literal = string_value(key.value)
        if literal is not None and isinstance(key.value, cst.SimpleString):
            new_value = replace_key_literal(key.value, literal, position(key.value), ctx)
            args[args.index(after[key_kw])] = after[key_kw].with_changes(value=new_value)
        elif (constant := constant_of(key.value) if constant_of else None) is not None:
            value, line = constant
            ctx.secrets.add(value)
            ctx.report(
                "MM114",
                position(key.value),
                keyword=key_kw,
                secret=mask(value),
                line=line,
                env=ctx.settings.api_key_env,
            )
        elif not is_env_read(key.value):
            ctx.report("MM108", position(key.value), keyword=key_kw)
        elif _optional_key_read(key.value, ctx):
            # os.getenv("OPENAI_API_KEY") -> a read that cannot be None: the SDK replaces a
            # None key by OPENAI_API_KEY, which would then be sent to Mistral
            args[args.index(after[key_kw])] = after[key_kw].with_changes(
                value=env_required(ctx.settings.api_key_env, quote_of(_name_literal(key.value)))
            )
            ctx.rewrote(KEY_KIND, ctx.settings.api_key_env)  # `import os` where the file lacks it
    if base is not None and string_value(base.value) is None and not is_env_read(base.value):
        ctx.report("MM108", position(base.value), keyword=base_kw)
    updated = updated.with_changes(args=args)
    if any(arg.star == "**" for arg in original.args):
        ctx.report("MM108", position(original), keyword="**kwargs")
        return updated
    missing = (
        [kw for kw, arg in ((key_kw, key), (base_kw, base)) if arg is None] if add_missing else []
    )
    added = ", ".join(
        f"{kw}= from {ctx.settings.api_key_env if kw == key_kw else ctx.settings.base_url_env}"
        for kw in missing
    )
    if not missing or not ctx.report(
        "MM103", position(original), client=f"{name}()", missing=" and ".join(missing), added=added
    ):
        return updated
    new_args = [
        cst.Arg(
            keyword=cst.Name(kw),
            value=_key_from_env(ctx) if kw == key_kw else _base_from_env(ctx),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        )
        for kw in missing
    ]
    return append_args(updated, new_args)


def module_setting_statement(
    target: cst.Attribute, attr: str, ctx: FileContext
) -> cst.SimpleStatementLine:
    """`openai.base_url = os.environ.get(...)`, spelled with the file's own module alias."""
    return cst.SimpleStatementLine(
        body=[
            cst.Assign(
                targets=[cst.AssignTarget(target.with_changes(attr=cst.Name(attr)))],
                value=_base_from_env(ctx),
            )
        ]
    )
