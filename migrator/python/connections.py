"""Which connections in a Python file move to Mistral, and which model ids reach them.

Run once per file before the rewrite (LibCST leaves children before parents, so a model
constant at the top is settled before the client call that reads it; the answer must be
known up front). It turns syntax into the plain facts of `migrator.decisions.connection`
and `migrator.decisions.model_ids` and keeps their verdicts:

- every client constructor (and the SDK module's own client): does it move? Its base URL
  (followed through a constant or an env read's default), a keyword that binds it
  elsewhere, and the APIs of every call the file makes through it;
- every model id sent through a client or framework call: which destination. An id is
  followed back from the call's `model=` (or a `**dict` it spreads) through names bound in
  the file (module constants, locals, parameter defaults and what the file's own calls of
  that function pass for the parameter, `self.x = ...` and class-body fields of the same
  attribute name, dict entries, `or` fallbacks and env-read defaults).

Across modules: a name the file imports (`from pkg.settings import MODEL`, `settings.MODEL`
after `import settings`, `cfg.model` of an imported settings object, `MODELS["chat"]`) that
reaches a model position is reported as a `ModelRead` (ctx.model_reads); the runner links
reads to the defining module and runs it again with the merged verdicts (ctx.imported_facts),
which are applied here to its module-level names, fields and dict entries
(migrator/crossmodule.py).

Not followed (the ids there get MM212 unless `rewrite-models = "all"`): calls from other
modules of a function defined here, values returned by functions,
containers indexed by position, and any client passed in from elsewhere (a parameter typed
`OpenAI` is a client, but not one this run is seen to move).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import libcst as cst
from libcst.metadata import Assignment, CodeRange

from migrator.crossmodule import ModelRead
from migrator.decisions.connection import (
    BaseKind,
    ConnectionFacts,
    ConnectionVerdict,
    judge_connection,
)
from migrator.decisions.model_ids import Destination, merge
from migrator.endpoints import classify_url
from migrator.frameworks import Framework
from migrator.python import clients, envreads
from migrator.python.clientref import MODULE, ClientResolver, Origin, ScopeOf, iter_nodes
from migrator.python.context import FileContext
from migrator.python.envexpr import string_value

QualifiedOf = Callable[[cst.CSTNode], set[str]]
ParentOf = Callable[[cst.CSTNode], "cst.CSTNode | None"]
PositionOf = Callable[[cst.CSTNode], CodeRange]
Target = tuple[Destination, str]

MAX_DEPTH = 8
UNREAD = (
    "no call that moves to Mistral reads it, in this file or in a module of the project that "
    "imports it"
)
OWN_CONNECTION = (
    "the dict it is in carries its own connection settings (an AG2/autogen config_list "
    "entry?): move the whole entry to Mistral by hand"
)
TYPED_ONLY = "it goes through a client passed in from elsewhere, of which only the type is seen"


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _keywords(call: cst.Call) -> dict[str, cst.Arg]:
    return {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}


class Connections:
    def __init__(
        self,
        ctx: FileContext,
        qualified: QualifiedOf,
        parent: ParentOf,
        scope: ScopeOf,
        position: PositionOf,
        resolver: ClientResolver,
        azure: ClientResolver,
    ) -> None:
        self.ctx = ctx
        self.connection = ctx.settings.catalog.connection
        self.qualified = qualified
        self.parent = parent
        self.scope = scope
        self.position = position
        self.resolver = resolver
        self.azure = azure
        self.facts: dict[cst.Call, ConnectionFacts] = {}
        self.verdicts: dict[cst.Call, ConnectionVerdict] = {}
        self.module_verdict = ConnectionVerdict(True)
        self.framework_verdicts: dict[cst.Call, ConnectionVerdict] = {}
        # model-carrying expressions (literals, env reads) -> where they are sent
        self.targets: dict[cst.CSTNode, Target] = {}
        # (start, end, why) of the arguments of clients that stay: nothing inside changes
        self.hands_off: list[tuple[tuple[int, int], tuple[int, int], str]] = []
        self._attributes: dict[str, list[cst.BaseExpression]] | None = None
        self._items: dict[str, list[tuple[str | None, cst.BaseExpression]]] | None = None
        self._module: cst.Module | None = None
        self._calls: list[cst.Call] = []

    # -- public -----------------------------------------------------------------------
    def analyse(
        self, module: cst.Module, module_configured: bool, module_base: cst.BaseExpression | None
    ) -> None:
        self._module = module
        calls = [node for node in iter_nodes(module) if isinstance(node, cst.Call)]
        self._calls = calls
        apis: dict[int, list[tuple[str, str]]] = {}
        origins: dict[cst.Call, Origin] = {}
        for call in calls:
            found = self.resolver.resolve(call.func) or self.azure.resolve(call.func)
            if found is None or not found[0]:
                continue
            path, origin = found
            origins[call] = origin
            surface = self.resolver.rules.surface(path)
            if surface is not None:
                api = surface[0]
                apis.setdefault(id(origin), []).append((api.dotted, api.status))
        for call in calls:
            names = self.qualified(call.func)
            if names & (self.connection.clients | self.connection.azure_clients):
                facts = self.client_facts(call, names, tuple(apis.get(id(call), ())))
                self.facts[call] = facts
                verdict = judge_connection(facts)
                self.verdicts[call] = verdict
                if not verdict.moves:
                    self._hands_off(call, verdict.reason)
        self.module_verdict = judge_connection(
            ConnectionFacts(
                kind="module",
                base="absent" if module_base is None else self.base_kind(module_base)[0],
                shown="" if module_base is None else self.base_kind(module_base)[1],
                apis=tuple(apis.get(id(MODULE), ())),
                module_configured=module_configured,
                where="of the openai module",
            )
        )
        for call in calls:
            if call in origins:
                self._client_call(call, origins[call])
            else:
                framework = self.ctx.settings.frameworks.of(self.qualified(call.func))
                if framework is not None and framework.kind != "wrapper":
                    self._framework_call(call, framework)
        self._imported_facts(module)
        for node in iter_nodes(module):
            if isinstance(node, cst.Dict) and self._own_connection(node):
                self._hands_off_span(node, node, OWN_CONNECTION)

    def _imported_facts(self, module: cst.Module) -> None:
        """Where other modules of the project send this module's names (their reads, merged
        by the runner): the values bound to them are marked like a local read's."""
        facts = self.ctx.imported_facts
        if not facts:
            return
        names: dict[str, list[cst.BaseExpression]] = {}
        for statement in module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    for assigned in small.targets:
                        if isinstance(assigned.target, cst.Name):
                            names.setdefault(assigned.target.value, []).append(small.value)
                elif (
                    isinstance(small, cst.AnnAssign)
                    and isinstance(small.target, cst.Name)
                    and small.value is not None
                ):
                    names.setdefault(small.target.value, []).append(small.value)
        for (name, attribute, key), target in facts.items():
            values = self._attribute_values(name) if attribute else names.get(name, [])
            for value in values:
                if key:
                    self._flow_key(value, frozenset({key}), target, 0)
                else:
                    self._flow(value, target, 0)

    def _read_elsewhere(
        self, name: cst.Name, chain: tuple[str, ...], key: str, target: Target
    ) -> bool:
        """Report `name` (then `.chain`, then `[key]`) as a read of another module's name when
        `name` is bound by an import; False when it is not."""
        scope = self.scope(name)
        if scope is None:
            return False
        found = False
        for assignment in scope[name.value]:
            node = assignment.node if isinstance(assignment, Assignment) else None
            if not isinstance(node, (cst.Import, cst.ImportFrom)) or isinstance(
                node.names, cst.ImportStar
            ):
                continue
            for alias in node.names:
                dotted = _code(alias.name)
                bound = alias.asname.name if alias.asname is not None else None
                if isinstance(bound, cst.Name):
                    if bound.value != name.value:
                        continue
                elif dotted.split(".")[0] != name.value:
                    continue
                elif isinstance(node, cst.Import):
                    dotted = name.value  # `import a.b` binds `a`
                level = 0
                if isinstance(node, cst.ImportFrom):
                    level = len(node.relative)
                    module = "" if node.module is None else _code(node.module)
                    dotted = f"{module}.{dotted}" if module else dotted
                self.ctx.model_reads.append(
                    ModelRead(level, ".".join((dotted, *chain)), key, target[0], target[1])
                )
                found = True
        return found

    @staticmethod
    def _attribute_chain(expr: cst.Attribute) -> tuple[cst.Name, tuple[str, ...]] | None:
        """`a.b.c` -> (Name a, ("b", "c")); None when the root is not a plain name."""
        chain: list[str] = []
        current: cst.BaseExpression = expr
        while isinstance(current, cst.Attribute):
            chain.append(current.attr.value)
            current = current.value
        if not isinstance(current, cst.Name):
            return None
        return current, tuple(reversed(chain))

    def _read_attribute_elsewhere(self, expr: cst.Attribute, key: str, target: Target) -> None:
        found = self._attribute_chain(expr)
        if found is not None:
            self._read_elsewhere(found[0], found[1], key, target)

    def destination(self, node: cst.CSTNode) -> Target:
        known = self.targets.get(node)
        if known is not None:
            return known
        return ("unknown", OWN_CONNECTION if self._in_connection_dict(node) else UNREAD)

    def _own_connection(self, entry: cst.Dict) -> bool:
        """A dict literal that names a model and its own key or base URL, none of it shown to
        reach a client that moves (an AG2/autogen config_list entry): it stays whole."""
        models = [
            element.value
            for element in entry.elements
            if isinstance(element, cst.DictElement)
            and string_value(element.key) in self.connection.model_dict_keys
        ]
        if not models or any(self.targets.get(value, ("",))[0] == "mistral" for value in models):
            return False
        return any(self._in_connection_dict(value) for value in models)

    def _in_connection_dict(self, node: cst.CSTNode) -> bool:
        """`{"model": "gpt-4o", "api_key": ...}`: an entry that names its own endpoint."""
        element = self.parent(node)
        holder = self.parent(element) if isinstance(element, cst.DictElement) else None
        if not isinstance(holder, cst.Dict):
            return False
        keys = {self.connection.api_key_keyword, self.connection.base_url_keyword}
        return any(
            isinstance(other, cst.DictElement) and string_value(other.key) in keys
            for other in holder.elements
        )

    def verdict_of(self, call: cst.Call) -> ConnectionVerdict | None:
        return self.verdicts.get(call)

    def origin_moves(self, call: cst.Call) -> bool:
        """Whether a call through a client goes to a client that moves or may (unknown)."""
        if not isinstance(call.func, cst.Attribute):
            return True
        verdict = self._origin_verdict(self.resolver.origin_of(call.func)[1])
        return verdict is None or verdict.moves or verdict.unknown

    def left_alone(self, where: CodeRange) -> str | None:
        """Why nothing changes at `where` (inside a client that stays), else None."""
        at = (where.start.line, where.start.column)
        return next((why for start, end, why in self.hands_off if start <= at < end), None)

    # -- connection facts ---------------------------------------------------------------
    def client_facts(
        self, call: cst.Call, names: set[str], apis: tuple[tuple[str, str], ...]
    ) -> ConnectionFacts:
        where = self._name_of(call)
        if names & self.connection.azure_clients:
            return ConnectionFacts(kind="azure", where=where)
        keywords = _keywords(call)
        bound_by = next(
            (
                (keyword, why)
                for keyword, why in self.connection.bound_keywords.items()
                if keyword in keywords and _code(keywords[keyword].value) != "None"
            ),
            None,
        )
        base_arg = keywords.get(self.connection.base_url_keyword)
        base: BaseKind = "absent"
        shown = ""
        if base_arg is not None:
            base, shown = self.base_kind(base_arg.value)
        return ConnectionFacts(
            kind="client", base=base, shown=shown, bound_by=bound_by, apis=apis, where=where
        )

    def _name_of(self, call: cst.Call) -> str:
        """How the reason names a client: the name it is bound to (also right in a notebook,
        whose findings count lines per cell), else its line."""
        holder = self.parent(call)
        if isinstance(holder, cst.Assign) and len(holder.targets) == 1:
            return f"`{_code(holder.targets[0].target)}`"
        if isinstance(holder, cst.AnnAssign):
            return f"`{_code(holder.target)}`"
        return f"on line {self.position(call).start.line}"

    def base_kind(self, value: cst.BaseExpression, depth: int = 0) -> tuple[BaseKind, str]:
        """Where a base URL expression points, and how a finding shows it."""
        literal = string_value(value)
        if literal is not None:
            return self._url_kind(literal)
        if isinstance(value, cst.Call) and self.qualified(value.func) & envreads.ENV_CALLS:
            index = envreads.default_arg_index(value)
            default = string_value(value.args[index].value) if index is not None else None
            if default is not None:
                kind, shown = self._url_kind(default)
                if kind in ("bound", "elsewhere"):
                    return kind, shown
        if isinstance(value, cst.Name) and depth < MAX_DEPTH:
            bound = self._single_value(value)
            if bound is not None:
                return self.base_kind(bound, depth + 1)
        elsewhere = clients.points_elsewhere(value, self.ctx)
        if elsewhere is not None:
            return "elsewhere", elsewhere
        if self._is_env_read(value):
            return "openai", ""
        return "unknown", _code(value)

    def _url_kind(self, url: str) -> tuple[BaseKind, str]:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        if host in self.connection.bound_hosts:
            return "bound", self.connection.bound_hosts[host]
        kind = classify_url(url, self.connection)
        if kind == "other":
            return "elsewhere", url
        if kind == "mistral":
            return "mistral", url
        if kind in ("base", "endpoint"):
            return "openai", url
        return "unknown", repr(url)

    def _is_env_read(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call):
            return bool(self.qualified(node.func) & envreads.ENV_CALLS)
        if isinstance(node, cst.Subscript):
            return envreads.ENV_MAPPING in self.qualified(node.value)
        return False

    def _single_value(self, name: cst.Name) -> cst.BaseExpression | None:
        """The value of a name the file binds exactly once by assignment."""
        values = list(self._bound_values(name))
        return values[0] if len(values) == 1 else None

    def _hands_off(self, call: cst.Call, why: str) -> None:
        if call.args:
            self._hands_off_span(call.args[0], call.args[-1], why)

    def _hands_off_span(self, start: cst.CSTNode, end: cst.CSTNode, why: str) -> None:
        first, last = self.position(start), self.position(end)
        self.hands_off.append(
            ((first.start.line, first.start.column), (last.end.line, last.end.column), why)
        )

    # -- model sinks ----------------------------------------------------------------------
    def _origin_verdict(self, origin: Origin) -> ConnectionVerdict | None:
        if origin == MODULE:
            return self.module_verdict
        if isinstance(origin, cst.Call):
            return self.verdicts.get(origin)
        return None

    def _client_call(self, call: cst.Call, origin: Origin) -> None:
        verdict = self._origin_verdict(origin)
        if verdict is None:
            target: Target = ("unknown", TYPED_ONLY)
        elif verdict.moves:
            target = ("mistral", "")
        else:
            target = ("unknown" if verdict.unknown else "stays", verdict.reason)
        keywords = self.connection.model_keywords
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in keywords:
                self._flow(arg.value, target, 0)
            elif arg.star == "**":
                self._flow_key(arg.value, frozenset(keywords), target, 0)

    def _framework_call(self, call: cst.Call, framework: Framework) -> None:
        name = _code(call.func)
        if framework.kind == "manual":
            verdict = ConnectionVerdict(
                False, reason=f"{name}() is migrated by hand ({framework.manual_code})"
            )
        else:
            keywords = _keywords(call)
            verdict = ConnectionVerdict(True)
            for keyword in framework.base_url:
                if keyword in keywords:
                    kind, shown = self.base_kind(keywords[keyword].value)
                    if kind in ("elsewhere", "bound"):
                        verdict = ConnectionVerdict(False, reason=f"{name}() points at {shown}")
                    elif kind == "unknown":
                        verdict = ConnectionVerdict(
                            False,
                            reason=f"{name}() takes its base URL from {shown}, which the tool "
                            "cannot follow",
                            unknown=True,
                        )
        self.framework_verdicts[call] = verdict
        if verdict.moves:
            target: Target = ("mistral", "")
        else:
            target = ("unknown" if verdict.unknown else "stays", verdict.reason)
        for arg in self._framework_model_args(call, framework):
            self._flow(arg.value, target, 0)
        for arg in call.args:
            if arg.star == "**":
                self._flow_key(arg.value, frozenset(framework.model), target, 0)

    def _framework_model_args(self, call: cst.Call, framework: Framework) -> Iterator[cst.Arg]:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in framework.model:
                yield arg
        positional = [arg for arg in call.args if arg.keyword is None]
        index = framework.model_position
        if (
            index is not None
            and framework.model
            and len(positional) > index
            and not positional[index].star
        ):
            yield positional[index]

    # -- following values -------------------------------------------------------------
    def _mark(self, node: cst.CSTNode, target: Target) -> None:
        known = self.targets.get(node)
        self.targets[node] = target if known is None else merge(known, target)

    def _flow(self, expr: cst.BaseExpression, target: Target, depth: int) -> None:
        """Mark every literal and env read whose value `expr` can take."""
        if depth > MAX_DEPTH:
            return
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            self._mark(expr, target)
        elif isinstance(expr, cst.Name):
            self._read_elsewhere(expr, (), "", target)
            for value in self._bound_values(expr, with_defaults=True):
                self._flow(value, target, depth + 1)
        elif isinstance(expr, cst.Attribute):
            self._read_attribute_elsewhere(expr, "", target)
            for value in self._attribute_values(expr.attr.value):
                self._flow(value, target, depth + 1)
        elif isinstance(expr, cst.Subscript):
            key = self._literal_key(expr)
            if key is not None:
                self._flow_key(expr.value, frozenset({key}), target, depth + 1)
        elif isinstance(expr, cst.BooleanOperation):
            self._flow(expr.left, target, depth + 1)
            self._flow(expr.right, target, depth + 1)
        elif isinstance(expr, cst.IfExp):
            self._flow(expr.body, target, depth + 1)
            self._flow(expr.orelse, target, depth + 1)
        elif isinstance(expr, cst.Call) and self.qualified(expr.func) & envreads.ENV_CALLS:
            self._mark(expr, target)
            index = envreads.default_arg_index(expr)
            if index is not None:
                self._flow(expr.args[index].value, target, depth + 1)

    def _flow_key(
        self, expr: cst.BaseExpression, keys: frozenset[str], target: Target, depth: int
    ) -> None:
        """Mark the values stored under `keys` in the dict `expr` can be."""
        if depth > MAX_DEPTH:
            return
        if isinstance(expr, cst.Dict):
            self._flow_dict(expr, keys, target, depth)
        elif isinstance(expr, cst.Call) and _code(expr.func) == "dict":
            for arg in expr.args:
                if arg.keyword is not None and arg.keyword.value in keys:
                    self._flow(arg.value, target, depth + 1)
        elif isinstance(expr, cst.Name):
            for single in sorted(keys) if len(keys) == 1 else ():
                self._read_elsewhere(expr, (), single, target)
            for value in self._bound_values(expr, with_defaults=True):
                self._flow_key(value, keys, target, depth + 1)
            for statement in self._item_writes(expr.value):
                key, value = statement
                if key in keys:
                    self._flow(value, target, depth + 1)
        elif isinstance(expr, cst.Attribute):
            for single in sorted(keys) if len(keys) == 1 else ():
                self._read_attribute_elsewhere(expr, single, target)
            for value in self._attribute_values(expr.attr.value):
                self._flow_key(value, keys, target, depth + 1)

    def _flow_dict(self, entry: cst.Dict, keys: frozenset[str], target: Target, depth: int) -> None:
        for element in entry.elements:
            if isinstance(element, cst.DictElement):
                if string_value(element.key) in keys:
                    self._flow(element.value, target, depth + 1)
            elif isinstance(element, cst.StarredDictElement):
                self._flow_key(element.value, keys, target, depth + 1)

    @staticmethod
    def _literal_key(subscript: cst.Subscript) -> str | None:
        if len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
            return None
        return string_value(subscript.slice[0].slice.value)

    def _bound_values(
        self, name: cst.Name, with_defaults: bool = False
    ) -> Iterator[cst.BaseExpression]:
        """The values assigned to `name` where it is read (parameter defaults too)."""
        scope = self.scope(name)
        if scope is None:
            return
        for assignment in scope[name.value]:
            if not isinstance(assignment, Assignment):
                continue
            node = assignment.node
            if isinstance(node, cst.Param):
                if with_defaults and node.default is not None:
                    yield node.default
                if with_defaults:
                    yield from self._call_site_args(node)
                continue
            holder = self.parent(node)
            if isinstance(holder, cst.AssignTarget):
                statement = self.parent(holder)
                if isinstance(statement, cst.Assign):
                    yield statement.value
            elif isinstance(holder, cst.AnnAssign) and holder.value is not None:
                yield holder.value

    def _attribute_values(self, attr: str) -> list[cst.BaseExpression]:
        """Values assigned to `<anything>.attr` or to a class-body field `attr` in the file:
        `self.model = "gpt-4o"`, `model: str = "gpt-4o"` in a settings class."""
        if self._attributes is None:
            self._attributes = {}
            assert self._module is not None
            for node in iter_nodes(self._module):
                if isinstance(node, cst.Assign):
                    for target in node.targets:
                        self._index_attribute(target.target, node.value)
                elif isinstance(node, cst.AnnAssign) and node.value is not None:
                    self._index_attribute(node.target, node.value)
        return self._attributes.get(attr, [])

    def _index_attribute(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        assert self._attributes is not None
        if isinstance(target, cst.Attribute):
            self._attributes.setdefault(target.attr.value, []).append(value)
        elif isinstance(target, cst.Name) and self._in_class_body(target):
            self._attributes.setdefault(target.value, []).append(value)

    def _in_class_body(self, node: cst.CSTNode) -> bool:
        current = self.parent(node)
        while current is not None:
            if isinstance(current, cst.ClassDef):
                return True
            if isinstance(current, (cst.FunctionDef, cst.Lambda, cst.Module)):
                return False
            current = self.parent(current)
        return False

    def _item_writes(self, name: str) -> list[tuple[str | None, cst.BaseExpression]]:
        """`name["model"] = value` statements in the file."""
        if self._items is None:
            self._items = {}
            assert self._module is not None
            for node in iter_nodes(self._module):
                if not isinstance(node, cst.Assign):
                    continue
                for target in node.targets:
                    item = target.target
                    if isinstance(item, cst.Subscript) and isinstance(item.value, cst.Name):
                        written = (self._literal_key(item), node.value)
                        self._items.setdefault(item.value.value, []).append(written)
        return self._items.get(name, [])

    def _call_site_args(self, param: cst.Param) -> Iterator[cst.BaseExpression]:
        """What the file's own calls of a function pass for `param`: `ask("gpt-4o")` and
        `ask(model="gpt-4o")` for `def ask(model)`, `self.ask(...)` for a method."""
        parameters = self.parent(param)
        function = self.parent(parameters) if parameters is not None else None
        if not isinstance(parameters, cst.Parameters) or not isinstance(function, cst.FunctionDef):
            return
        positional = [*parameters.posonly_params, *parameters.params]
        index = next((i for i, p in enumerate(positional) if p is param), None)
        for call in self._calls:
            offset = self._calls_function(call, function)
            if offset is None:
                continue
            passed = [arg for arg in call.args if arg.keyword is None]
            if any(arg.star for arg in passed):
                continue
            for position, arg in enumerate(passed):
                if index is not None and position + offset == index:
                    yield arg.value
            for arg in call.args:
                if arg.keyword is not None and arg.keyword.value == param.name.value:
                    yield arg.value

    def _calls_function(self, call: cst.Call, function: cst.FunctionDef) -> int | None:
        """How many leading parameters the call fills implicitly (1 for `self.f(...)`) when
        it calls `function`, else None."""
        name = function.name.value
        if isinstance(call.func, cst.Name) and call.func.value == name:
            scope = self.scope(call.func)
            if scope is not None and any(
                isinstance(a, Assignment) and a.node is function for a in scope[name]
            ):
                return 0
        if (
            isinstance(call.func, cst.Attribute)
            and call.func.attr.value == name
            and isinstance(call.func.value, cst.Name)
            and call.func.value.value in ("self", "cls")
            and self._in_class_body(function)
        ):
            return 1
        return None
