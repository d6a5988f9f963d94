"""Reads of OpenAI environment variables: `os.environ[...]`, `os.environ.get`, `os.getenv`.

Renamed to the configured variables under the default preset; an OpenAI default value
(base URL or model id) is migrated in place, keeping the call's own form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import CodeRange

from migrator.decisions.baseurl import replacement
from migrator.decisions.env_writes import EnvUseVerdict, judge_env_use
from migrator.decisions.envvars import default_for_read, judge_kept_read
from migrator.decisions.model_ids import Destination
from migrator.endpoints import classify_url
from migrator.envnames import renamed_variable
from migrator.python import models, urls
from migrator.python.clientref import iter_nodes
from migrator.python.context import FileContext
from migrator.python.envexpr import quote_of, string, string_value
from migrator.python.roles import ParentOf

ENV_CALLS = frozenset({"os.getenv", "os.environ.get"})
ENV_MAPPING = "os.environ"
KIND = "env var names"


def renamed(name: str, ctx: FileContext) -> str | None:
    return renamed_variable(name, ctx.settings)


def _rename(
    node: cst.SimpleString,
    where: CodeRange,
    ctx: FileContext,
    uses: EnvUses | None = None,
    writing: bool = False,
) -> cst.SimpleString:
    old = string_value(node)
    new = renamed(old, ctx) if old else None
    if old is None or new is None:
        return node
    if uses is not None and not kept_by(uses, old, new, where, ctx, writing):
        return node
    if not ctx.report("MM104", where, old=old, new=new):
        return node
    ctx.rewrote(KIND, new, uses_os=False)
    return string(new, quote_of(node))


def kept_by(
    uses: EnvUses, old: str, new: str, where: CodeRange, ctx: FileContext, writing: bool
) -> bool:
    """True when the variable may be renamed here; else its finding says why not."""
    verdict = uses.verdict(old, new, writing)
    if verdict.rename:
        return True
    if verdict.code is not None:
        ctx.report(verdict.code, where, **verdict.fields)
    return False


def is_write_target(node: cst.CSTNode, parent_of: ParentOf) -> bool:
    """`os.environ[...] = v`, `os.environ[...] += v`, `del os.environ[...]`."""
    holder = parent_of(node)
    if isinstance(holder, cst.AssignTarget):
        return holder.target is node
    if isinstance(holder, (cst.AugAssign, cst.AnnAssign)):
        return holder.target is node
    return isinstance(holder, cst.Del)


def default_arg_index(call: cst.Call) -> int | None:
    for index, arg in enumerate(call.args):
        if (arg.keyword is None and index == 1) or (arg.keyword and arg.keyword.value == "default"):
            return index
    return None


def in_presence_test(node: cst.CSTNode, parent_of: ParentOf) -> bool:
    """Whether the value at `node` is only asked "is it set?": the test of an `if`,
    `while`, conditional expression or `assert`, possibly under `not`, `and`/`or`,
    `:=` or a comparison with None or "" (`x is not None`, `x != ""`); or `bool(...)`."""
    child: cst.CSTNode = node
    parent = parent_of(child)
    while parent is not None:
        if isinstance(parent, (cst.If, cst.While, cst.IfExp)):
            return parent.test is child
        if isinstance(parent, cst.Assert):
            return parent.test is child
        if isinstance(parent, cst.BooleanOperation) or (
            isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not)
        ):
            pass
        elif isinstance(parent, cst.Comparison) and parent.left is child:
            if not all(_empty_value(target.comparator) for target in parent.comparisons):
                return False
        elif isinstance(parent, cst.Arg):
            call = parent_of(parent)
            return (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Name)
                and call.func.value == "bool"
            )
        elif not (isinstance(parent, cst.NamedExpr) and parent.value is child):
            return False
        child, parent = parent, parent_of(parent)
    return False


def _empty_value(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value == "None"
    return string_value(node) == ""


def rewrite_call(
    original: cst.Call,
    updated: cst.Call,
    where: CodeRange,
    ctx: FileContext,
    has_fallback: bool = False,
    destination: tuple[Destination, str] = ("unknown", ""),
    tested: bool = False,
    uses: EnvUses | None = None,
    host_seen: Callable[[], bool] = lambda: False,
) -> cst.Call:
    """`has_fallback`: the read is the left side of `... or default`, which already
    supplies the value used when the variable is unset. `tested`: the read (or the name
    it is bound to) is tested for presence, so it gets no default (decisions/envvars.py)."""
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
    target_name = renamed(name, ctx)
    if (
        uses is not None
        and target_name is not None
        and not kept_by(uses, name, target_name, where, ctx, writing=False)
    ):
        return updated  # the whole read stays: its default belongs to the OpenAI variable
    index = default_arg_index(updated)
    default = args[index].value if index is not None else None
    default_value = string_value(default) if default is not None else None
    if index is not None and isinstance(default, cst.SimpleString) and default_value is not None:
        connection = ctx.settings.catalog.connection
        verdict = replacement(default_value, ctx.settings.mistral_base_url)
        if classify_url(default_value, connection) == "base" and not verdict.reads_variable:
            if urls.host_finding(default_value, verdict.url, host_seen(), where, ctx):
                ctx.rewrote("base URLs", uses_os=False)
                args[index] = args[index].with_changes(value=string(verdict.url, quote_of(default)))
        elif classify_url(default_value, connection) == "base" and ctx.report(
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
    if len(args) == 1 and default_for_read(
        renamed=new_name_node is not name_node,
        base_url_variable=name in ctx.settings.catalog.connection.env_base_url,
        has_default=index is not None,
        has_fallback=has_fallback,
        tested=tested,
    ):
        # Unset, the SDK would fall back to api.openai.com and send it the Mistral key:
        # the migrated read defaults to Mistral's endpoint instead.
        default_arg = cst.Arg(string(ctx.settings.mistral_base_url, quote_of(name_node)))
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        args = [args[0].with_changes(comma=comma), default_arg]
    return updated.with_changes(args=args)


def rewrite_subscript(
    updated: cst.Subscript,
    where: CodeRange,
    ctx: FileContext,
    uses: EnvUses | None = None,
    writing: bool = False,
) -> cst.Subscript:
    if len(updated.slice) != 1 or not isinstance(updated.slice[0].slice, cst.Index):
        return updated
    index = updated.slice[0].slice
    if not isinstance(index.value, cst.SimpleString):
        return updated
    new_index = index.with_changes(value=_rename(index.value, where, ctx, uses, writing))
    return updated.with_changes(slice=[updated.slice[0].with_changes(slice=new_index)])


# os.environ methods and os functions that set or remove a variable
ENV_WRITERS = frozenset(
    {"os.environ.setdefault", "os.environ.pop", "os.environ.update", "os.putenv", "os.unsetenv"}
)
# keywords naming the variable a settings library reads (pydantic Field, pydantic v1 env=)
ALIAS_KEYWORDS = frozenset({"alias", "validation_alias", "env"})
# methods that look a name up in a mapping (`cfg.get("OPENAI_API_KEY")`)
LOOKUPS = frozenset({"get", "pop", "setdefault"})

Names = Callable[[cst.CSTNode], set[str]]


@dataclass
class EnvUses:
    """Per OpenAI variable the file uses: the lines where it is written, where its name is
    data, and where its value goes to a client left on OpenAI (decisions/envvars.py)."""

    written: dict[str, set[int]] = field(default_factory=dict)
    named: dict[str, set[int]] = field(default_factory=dict)
    unmigrated: dict[str, set[int]] = field(default_factory=dict)

    def add(self, table: dict[str, set[int]], name: str, line: int) -> None:
        table.setdefault(name, set()).add(line)

    def verdict(self, name: str, new: str, writing: bool = False) -> EnvUseVerdict:
        written = judge_env_use(name, new, self.written.get(name, ()), writing)
        if not written.rename:
            return written
        return judge_kept_read(name, new, self.named.get(name, ()), self.unmigrated.get(name, ()))


class EnvUseCollector:
    """One walk over the module before the rewrite: every use of an OpenAI variable that
    a rename would cut off. Reads are followed one step: `K = os.environ["OPENAI_API_KEY"]`
    then `OpenAIChat(api_key=K)` (an imported class the run does not migrate)."""

    def __init__(
        self,
        ctx: FileContext,
        qualified: Names,
        imported: Names,
        parent: ParentOf,
        line_of: Callable[[cst.CSTNode], int],
        references: Callable[[cst.Name], list[cst.CSTNode]],
    ) -> None:
        self.ctx = ctx
        self.qualified = qualified
        self.imported = imported
        self.parent = parent
        self.line_of = line_of
        self.references = references
        self.uses = EnvUses()
        connection = ctx.settings.catalog.connection
        frameworks = ctx.settings.frameworks.frameworks
        self.connection_keywords = frozenset(
            {connection.api_key_keyword, connection.base_url_keyword}
            | {k for f in frameworks for k in (*f.api_key, *f.base_url)}
        )
        self.migrated = connection.clients | connection.azure_clients

    def collect(self, module: cst.Module) -> EnvUses:
        for node in iter_nodes(module):
            if isinstance(node, cst.Subscript) and ENV_MAPPING in self.qualified(node.value):
                self._subscript(node)
            elif isinstance(node, cst.Call):
                self._call(node)
            elif isinstance(node, cst.SimpleString):
                self._named(node)
        return self.uses

    def _variable(self, node: cst.CSTNode | None) -> str | None:
        name = string_value(node) if node is not None else None
        return name if name and renamed(name, self.ctx) is not None else None

    def _subscript(self, node: cst.Subscript) -> None:
        index = node.slice[0].slice if len(node.slice) == 1 else None
        name = self._variable(index.value if isinstance(index, cst.Index) else None)
        if name is None:
            return
        if is_write_target(node, self.parent):
            self.uses.add(self.uses.written, name, self.line_of(node))
        else:
            self._follow_read(node, name)

    def _call(self, node: cst.Call) -> None:
        names = self.qualified(node.func)
        if names & ENV_CALLS:
            name = self._variable(node.args[0].value) if node.args else None
            if name is not None:
                self._follow_read(node, name)
        elif names & ENV_WRITERS:
            for arg in node.args:
                values = (
                    [e.key for e in arg.value.elements if isinstance(e, cst.DictElement)]
                    if isinstance(arg.value, cst.Dict)
                    else [arg.value]
                )
                if arg.keyword is not None:
                    values = [cst.SimpleString(repr(arg.keyword.value))]
                for value in values:
                    name = self._variable(value)
                    if name is not None:
                        self.uses.add(self.uses.written, name, self.line_of(node))
                if arg.keyword is None and not isinstance(arg.value, cst.Dict):
                    break  # only the first positional argument names the variable

    def _named(self, node: cst.SimpleString) -> None:
        name = self._variable(node)
        if name is None:
            return
        holder = self.parent(node)
        if isinstance(holder, cst.Index):
            subscript = self.parent(self.parent(holder) or holder)
            if isinstance(subscript, cst.Subscript) and ENV_MAPPING not in self.qualified(
                subscript.value
            ):
                self.uses.add(self.uses.named, name, self.line_of(node))
        elif isinstance(holder, cst.DictElement) and holder.key is node:
            call = self.parent(self.parent(self.parent(holder) or holder) or holder)
            if not (isinstance(call, cst.Call) and self.qualified(call.func) & ENV_WRITERS):
                self.uses.add(self.uses.named, name, self.line_of(node))
        elif isinstance(holder, cst.Arg) and self._names_variable(holder):
            self.uses.add(self.uses.named, name, self.line_of(node))

    def _names_variable(self, arg: cst.Arg) -> bool:
        """`Field(alias="OPENAI_API_KEY")`, `cfg.get("OPENAI_API_KEY")`: the name as data."""
        call = self.parent(arg)
        if not isinstance(call, cst.Call):
            return False
        if arg.keyword is not None:
            return arg.keyword.value in ALIAS_KEYWORDS
        return (
            isinstance(call.func, cst.Attribute)
            and call.func.attr.value in LOOKUPS
            and call.args[0] is arg
            and not self.qualified(call.func) & (ENV_CALLS | ENV_WRITERS)
        )

    def _follow_read(self, read: cst.BaseExpression, name: str) -> None:
        holder = self.parent(read)
        if self._unmigrated_keyword(holder):
            self.uses.add(self.uses.unmigrated, name, self.line_of(read))
            return
        if isinstance(holder, cst.Assign) and len(holder.targets) == 1:
            target = holder.targets[0].target
            if isinstance(target, cst.Name):
                for use in self.references(target):
                    if self._unmigrated_keyword(self.parent(use)):
                        self.uses.add(self.uses.unmigrated, name, self.line_of(use))

    def _unmigrated_keyword(self, arg: cst.CSTNode | None) -> bool:
        """`api_key=<value>` (or a base URL keyword) on a call of an imported class or
        function that the run does not migrate: it keeps reading the OpenAI value."""
        if not isinstance(arg, cst.Arg) or arg.keyword is None:
            return False
        if arg.keyword.value not in self.connection_keywords:
            return False
        call = self.parent(arg)
        if not isinstance(call, cst.Call):
            return False
        names = self.imported(call.func)
        if not names or names & self.migrated:
            return False
        return self.ctx.settings.frameworks.of(names) is None
