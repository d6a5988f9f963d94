"""Model ids in Python: rewrite where they choose the model, report everywhere else."""

from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import CodeRange

from migrator.decisions.model_ids import Destination, judge_model_id
from migrator.envnames import renamed_variable
from migrator.modelmap import ModelMatch
from migrator.python.context import FileContext
from migrator.python.envexpr import env_get, quote_of, string
from migrator.python.roles import NAMING, ROUTING, Role, describe

KIND = "model ids"
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]*")


def chooses_model(role: Role, ctx: FileContext) -> bool:
    connection = ctx.settings.catalog.connection
    if role.kind in NAMING:
        return True
    if role.kind == "keyword":
        return role.name in connection.model_keywords
    if role.kind == "dict-value":
        return role.name in connection.model_dict_keys
    return False


def report_unrewritable(match: ModelMatch, where: CodeRange, ctx: FileContext) -> None:
    entry = match.entry
    if match.kind == "unmapped":
        ctx.report("MM202", where, openai=match.text, review=entry.review if entry else "")
    elif match.kind == "fine_tune":
        ctx.report(
            "MM204",
            where,
            openai=match.text,
            base=match.openai_id,
            mistral=entry.mistral if entry and entry.mistral else "none",
        )
    else:
        ctx.report("MM203", where, openai=match.text)


def report_review(match: ModelMatch, where: CodeRange, ctx: FileContext) -> None:
    entry = match.entry
    if entry is not None and entry.review:
        ctx.report("MM205", where, openai=match.text, mistral=entry.mistral, review=entry.review)


def held_back(
    match: ModelMatch, destination: tuple[Destination, str], where: CodeRange, ctx: FileContext
) -> bool:
    """Whether an id that names the model stays because it is not shown to reach Mistral
    (reported here, MM212/MM213). An unmapped id of unknown destination is left to
    MM202-MM204, which already say it stays and why."""
    verdict = judge_model_id(destination[0], destination[1], ctx.settings.rewrite_models)
    if verdict.rewrite:
        return False
    if verdict.code == "MM212" and (not match.rewritable or match.entry is None):
        return False
    mapped = match.entry.mistral if match.entry and match.entry.mistral else "none"
    assert verdict.code is not None
    ctx.report(verdict.code, where, openai=match.text, reason=verdict.reason, mistral=mapped)
    return True


def rewrite_literal(
    node: cst.SimpleString,
    match: ModelMatch,
    role: Role,
    where: CodeRange,
    ctx: FileContext,
    destination: tuple[Destination, str],
) -> cst.BaseExpression:
    """The replacement for a model literal in `role` (the node itself when not rewritten)."""
    mapped = match.entry.mistral if match.entry and match.entry.mistral else "none"
    if chooses_model(role, ctx):
        if held_back(match, destination, where, ctx):
            return node
        if not match.rewritable or match.entry is None:
            report_unrewritable(match, where, ctx)
            return node
        entry = match.entry
        if not ctx.report("MM201", where, openai=match.text, mistral=entry.mistral, env=entry.env):
            return node
        report_review(match, where, ctx)
        ctx.rewrote(KIND, entry.env)
        return env_get(entry.env, entry.mistral, quote_of(node))
    if role.kind == "docstring":
        return node
    if role.kind in ROUTING:
        ctx.report("MM206", where, openai=match.text, place=ROUTING[role.kind], mistral=mapped)
    elif match.kind == "unknown" and role.kind in ("positional", "keyword", "other"):
        # An id-shaped string passed somewhere we cannot interpret: too weak to flag.
        return node
    else:
        ctx.report("MM207", where, openai=match.text, place=describe(role), mistral=mapped)
    return node


def rewrite_env_default(
    name: str,
    default: cst.SimpleString,
    match: ModelMatch,
    where: CodeRange,
    ctx: FileContext,
    destination: tuple[Destination, str],
) -> tuple[str, cst.SimpleString] | bool:
    """`os.getenv("X", "gpt-4o")`: the new variable name and default; False to keep the
    read as it is, True when it is held back (the variable then keeps its name too: it
    carries an id for a connection that does not move)."""
    if held_back(match, destination, where, ctx):
        return True
    if not match.rewritable or match.entry is None:
        report_unrewritable(match, where, ctx)
        return False
    entry = match.entry
    # the variable keeps its identity (OPENAI_MODEL -> MISTRAL_MODEL): a deployment that
    # sets it must still be able to, and two variables must not collapse into one
    new_name = renamed_variable(name, ctx.settings) or name
    if not ctx.report("MM201", where, openai=match.text, mistral=entry.mistral, env=new_name):
        return False
    report_review(match, where, ctx)
    ctx.rewrote(KIND, new_name, uses_os=False)
    return new_name, string(entry.mistral, quote_of(default))


def report_in_fstring(node: cst.FormattedString, where: CodeRange, ctx: FileContext) -> None:
    for part in node.parts:
        if not isinstance(part, cst.FormattedStringText):
            continue
        for token in _TOKEN.findall(part.value):
            # "gpt-4o-{size}" leaves "gpt-4o-": the id is what precedes the separator
            token = token.rstrip("-_.:")
            match = ctx.settings.models.lookup(token)
            if match is not None and match.kind != "unknown":
                mapped = match.entry.mistral if match.entry and match.entry.mistral else "none"
                ctx.report("MM207", where, openai=token, place="inside an f-string", mistral=mapped)
