"""Read-only facts about the requests a Python file sends: for `mistral-migrate probe`.

Run on the file as the migration leaves it (the `fix` result, or the file itself when
nothing changes), so the model a call sends is what the migrated code reads: a literal,
or `os.environ.get("MISTRAL_LARGE_MODEL", "mistral-large-latest")`. Nothing here
rewrites or reports; it turns syntax into plain values (`ValueFact`) and leaves every
decision (which client goes to Mistral, which model an env var gives) to `migrator.probe`.

Names are followed within the file through LibCST's scope analysis (one binding, or each
of several), a parameter's default, and `a if c else b`; a name imported from another
module stays a reference (`helpdesk.settings.CHAT_MODEL`) that the plan resolves against
the module-level constants of the other files it read.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    Assignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)
from libcst.metadata.base_provider import LazyValue

from migrator.callrules import load_call_rules
from migrator.python.clientref import ClientResolver, iter_nodes
from migrator.python.envexpr import string_value
from migrator.python.envreads import ENV_CALLS, ENV_MAPPING
from migrator.requestfacts import CallFact, ClientFact, FileFacts, ValueFact
from migrator.settings import Settings

__all__ = ["CallFact", "ClientFact", "FileFacts", "ValueFact", "collect_calls"]

# How far names, parameters and references are followed.
MAX_DEPTH = 6


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def literal_of(node: cst.BaseExpression) -> tuple[bool, Any]:
    """(True, value) for a Python literal (numbers, strings, bools, None, and lists,
    tuples and dicts of them), else (False, None)."""
    text = string_value(node)
    if text is not None:
        return True, text
    if not isinstance(
        node,
        (cst.Integer, cst.Float, cst.Name, cst.UnaryOperation, cst.List, cst.Tuple, cst.Dict),
    ):
        return False, None
    try:
        value = ast.literal_eval(_code(node))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False, None
    if isinstance(value, tuple):
        value = list(value)
    return True, value


def _eager(value: Any) -> Any:
    """LibCST computes some metadata lazily: the value itself."""
    return value() if isinstance(value, LazyValue) else value


class _Collector:
    def __init__(self, wrapper: MetadataWrapper, display: str, settings: Settings) -> None:
        self.display = display
        self.module = wrapper.module
        self.qualified_names = wrapper.resolve(QualifiedNameProvider)
        self.scopes = wrapper.resolve(ScopeProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.positions = wrapper.resolve(PositionProvider)
        self.rules = load_call_rules()
        connection = settings.catalog.connection
        self.connection = connection
        self.model_keywords = connection.model_keywords
        self.resolver = ClientResolver(
            self.qualified,
            self.parent,
            self.scope,
            connection.clients,
            connection.sdk_module,
            self.rules,
            settings.frameworks.callables("wrapper"),
        )
        self.module_base: tuple[ValueFact, ...] = ()

    def qualified(self, node: cst.CSTNode) -> set[str]:
        return {q.name for q in _eager(self.qualified_names.get(node)) or ()}

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return _eager(self.parents.get(node))  # type: ignore[no-any-return]

    def scope(self, node: cst.CSTNode) -> Any:
        return _eager(self.scopes.get(node))

    # -- values -----------------------------------------------------------------------
    def values(self, node: cst.BaseExpression, depth: int = 0) -> tuple[ValueFact, ...]:
        if depth > MAX_DEPTH:
            return (ValueFact("unknown", text=_code(node)),)
        if isinstance(node, cst.IfExp):
            return self.values(node.body, depth + 1) + self.values(node.orelse, depth + 1)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            return self._fallback(node, depth)
        env = self._env_read(node)
        if env is not None:
            return (env,)
        known, value = literal_of(node)
        if known:
            return (ValueFact("literal", value),)
        if isinstance(node, cst.Name):
            return self._name_values(node, depth)
        if isinstance(node, cst.Attribute):
            names = self.qualified(node)
            if names:
                return (ValueFact("ref", env=sorted(names)[0], text=_code(node)),)
        return (ValueFact("unknown", text=_code(node)),)

    def _fallback(self, node: cst.BooleanOperation, depth: int) -> tuple[ValueFact, ...]:
        """`os.environ.get("X") or "default"` reads like a default."""
        left = self.values(node.left, depth + 1)
        right = self.values(node.right, depth + 1)
        if (
            len(left) == 1
            and left[0].kind == "env"
            and left[0].default is None
            and len(right) == 1
            and right[0].kind == "literal"
            and isinstance(right[0].value, str)
        ):
            return (ValueFact("env", env=left[0].env, default=right[0].value),)
        return left + right

    def _env_read(self, node: cst.BaseExpression) -> ValueFact | None:
        if isinstance(node, cst.Call) and self.qualified(node.func) & ENV_CALLS and node.args:
            name = string_value(node.args[0].value)
            if name is None:
                return None
            default = None
            for index, arg in enumerate(node.args[1:], start=1):
                if (arg.keyword is None and index == 1) or (
                    arg.keyword is not None and arg.keyword.value == "default"
                ):
                    default = string_value(arg.value)
            return ValueFact("env", env=name, default=default)
        if (
            isinstance(node, cst.Subscript)
            and ENV_MAPPING in self.qualified(node.value)
            and len(node.slice) == 1
            and isinstance(node.slice[0].slice, cst.Index)
        ):
            name = string_value(node.slice[0].slice.value)
            return None if name is None else ValueFact("env", env=name)
        return None

    def _name_values(self, node: cst.Name, depth: int) -> tuple[ValueFact, ...]:
        scope = self.scope(node)
        bindings = [a for a in scope[node.value] if isinstance(a, Assignment)] if scope else []
        found: list[ValueFact] = []
        for binding in bindings:
            found.extend(self._binding_values(binding.node, node, depth))
        if found:
            return tuple(found)
        names = self.qualified(node)
        if names and not bindings:
            return (ValueFact("ref", env=sorted(names)[0], text=node.value),)
        return (ValueFact("unknown", text=node.value),)

    def _binding_values(
        self, site: cst.CSTNode, name: cst.Name, depth: int
    ) -> tuple[ValueFact, ...]:
        if isinstance(site, cst.Param):
            if site.default is not None:
                return self.values(site.default, depth + 1)
            return (ValueFact("unknown", text=f"parameter {site.name.value}"),)
        if isinstance(site, (cst.Import, cst.ImportFrom)):
            names = self.qualified(name)
            return (ValueFact("ref", env=sorted(names)[0], text=name.value),) if names else ()
        holder = self.parent(site)
        if isinstance(holder, cst.AssignTarget):
            statement = self.parent(holder)
            if isinstance(statement, cst.Assign):
                return self.values(statement.value, depth + 1)
        if isinstance(holder, cst.AnnAssign) and holder.value is not None:
            return self.values(holder.value, depth + 1)
        if isinstance(holder, cst.NamedExpr):
            return self.values(holder.value, depth + 1)
        return (ValueFact("unknown", text=name.value),)

    # -- clients ----------------------------------------------------------------------
    def client_of(self, expr: cst.BaseExpression, depth: int = 0) -> ClientFact:
        """The constructor a receiver comes from, as far as it can be followed."""
        unknown = ClientFact((), known=False)
        if depth > MAX_DEPTH:
            return unknown
        if isinstance(expr, cst.Await):
            return self.client_of(expr.expression, depth + 1)
        if isinstance(expr, cst.Call):
            names = self.qualified(expr.func)
            if names & self.connection.clients:
                return self.constructor(expr)
            func = expr.func
            wrapping = names & self.resolver.wrapping_functions
            if wrapping and expr.args:
                inner = self.client_of(expr.args[0].value, depth + 1)
                return replace(inner, wrapper=sorted(wrapping)[0])
            if isinstance(func, cst.Attribute) and func.attr.value in self.rules.client_methods:
                return self.client_of(func.value, depth + 1)
            return unknown
        if isinstance(expr, cst.Name):
            if self.connection.sdk_module in self.qualified(expr):
                return ClientFact(self.module_base or (ValueFact("absent"),))
            return self._name_client(expr, depth)
        if isinstance(expr, cst.Attribute):
            return self._attribute_client(expr, depth)
        return unknown

    def _name_client(self, name: cst.Name, depth: int) -> ClientFact:
        scope = self.scope(name)
        bindings = [a for a in scope[name.value] if isinstance(a, Assignment)] if scope else []
        if len(bindings) != 1:
            return ClientFact((), known=False)
        site = bindings[0].node
        if isinstance(site, (cst.Import, cst.ImportFrom)):
            names = self.qualified(name)
            return ClientFact((), ref=sorted(names)[0]) if names else ClientFact((), known=False)
        holder = self.parent(site)
        value: cst.BaseExpression | None = None
        if isinstance(holder, cst.AssignTarget):
            statement = self.parent(holder)
            value = statement.value if isinstance(statement, cst.Assign) else None
        elif isinstance(holder, (cst.AnnAssign, cst.NamedExpr)):
            value = holder.value
        elif isinstance(holder, cst.AsName):
            item = self.parent(holder)
            value = item.item if isinstance(item, cst.WithItem) else None
        if value is None:
            return ClientFact((), known=False)
        return self.client_of(value, depth + 1)

    def _attribute_client(self, attribute: cst.Attribute, depth: int) -> ClientFact:
        """`self.client`: the one assignment to the same dotted name in the file."""
        dotted = get_full_name_for_node(attribute)
        if dotted is None:
            return ClientFact((), known=False)
        names = self.qualified(attribute)
        if names and not dotted.startswith(("self.", "cls.")):
            return ClientFact((), ref=sorted(names)[0])
        values = [
            statement.value
            for statement in iter_nodes(self.module)
            if isinstance(statement, cst.Assign)
            for target in statement.targets
            if get_full_name_for_node(target.target) == dotted
        ]
        if len(values) != 1:
            return ClientFact((), known=False)
        return self.client_of(values[0], depth + 1)

    def constructor(self, call: cst.Call) -> ClientFact:
        if any(arg.star == "**" for arg in call.args):
            return ClientFact((), known=False)
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == self.connection.base_url_keyword:
                return ClientFact(self.values(arg.value))
        return ClientFact((ValueFact("absent"),))

    # -- the file ---------------------------------------------------------------------
    def collect(self) -> FileFacts:
        facts = FileFacts(self.display)
        self._module_settings()
        for statement in self.module.body:
            self._module_constant(statement, facts)
        for node in iter_nodes(self.module):
            if isinstance(node, cst.Call):
                call = self._call(node)
                if call is not None:
                    facts.calls.append(call)
        return facts

    def _module_settings(self) -> None:
        """`openai.base_url = ...`: where the SDK's module-level client sends."""
        module = self.connection.sdk_module
        wanted = {f"{module}.{attr}" for attr in self.connection.module_base_url}
        for node in iter_nodes(self.module):
            if isinstance(node, cst.Assign):
                for target in node.targets:
                    if self.qualified(target.target) & wanted:
                        self.module_base = self.values(node.value)

    def _module_constant(self, statement: cst.BaseStatement, facts: FileFacts) -> None:
        if not isinstance(statement, cst.SimpleStatementLine):
            return
        for small in statement.body:
            targets: list[cst.BaseExpression] = []
            value: cst.BaseExpression | None = None
            if isinstance(small, cst.Assign):
                targets, value = [t.target for t in small.targets], small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                targets, value = [small.target], small.value
            if value is None:
                continue
            for target in targets:
                if not isinstance(target, cst.Name):
                    continue
                names = self.qualified(value.func) if isinstance(value, cst.Call) else set()
                if isinstance(value, cst.Call) and names & self.connection.clients:
                    facts.clients[target.value] = self.constructor(value)
                elif target.value in facts.constants:
                    facts.constants[target.value] += self.values(value)
                else:
                    facts.constants[target.value] = self.values(value)

    def _call(self, node: cst.Call) -> CallFact | None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return None
        path = self.resolver.path_of(func)
        if not path:
            return None
        found = self.rules.surface(path)
        if found is None:
            return None
        api, method = found
        receiver: cst.BaseExpression = func
        while isinstance(receiver, cst.Attribute) and self.resolver.path_of(receiver) != ():
            receiver = receiver.value
        models: tuple[ValueFact, ...] = ()
        params: list[tuple[str, tuple[ValueFact, ...]]] = []
        for arg in node.args:
            if arg.keyword is None:
                continue
            if arg.keyword.value in self.model_keywords:
                models = self.values(arg.value)
            else:
                params.append((arg.keyword.value, self.values(arg.value)))
        return CallFact(
            path=self.display,
            line=self.positions[node].start.line,
            api=api.dotted,
            method=method,
            client=self.client_of(receiver),
            models=models,
            params=tuple(params),
            spread=any(arg.star == "**" for arg in node.args),
        )


def collect_calls(source: bytes | str, display: str, settings: Settings) -> FileFacts:
    """The request facts of one Python file; an empty record when it does not parse."""
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError):
        return FileFacts(display)
    return _Collector(MetadataWrapper(module), display, settings).collect()
