"""Which calls go through an OpenAI client, and to which resource below it.

Parameter and API checks must fire on `client.chat.completions.create(...)` only when
`client` really is an OpenAI client: any object can have a `.chat.completions.create`
method. A call's receiver is followed back through the scope analysis LibCST already ran
for qualified names (no second parse): a name bound to a client constructor (`=`, `:=`,
`with ... as`), a parameter annotated with a client class, an inline `OpenAI(...)`, an
attribute assigned a client (`self.client = AsyncOpenAI()`), `client.with_options(...)`,
and the SDK module itself (`openai.chat.completions.create`). Anything else is unknown
and left alone.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Assignment, Scope

from migrator.callrules import CallRules
from migrator.python.nodeindex import iter_nodes

Path = tuple[str, ...]
# Where a client came from: its constructor call, MODULE for the SDK module's own client,
# or None when the tool sees only a type (`client: OpenAI` as a parameter or field).
MODULE = "module"
Origin = cst.Call | str | None
Resolved = tuple[Path, Origin]
QualifiedOf = Callable[[cst.CSTNode], set[str]]
ParentOf = Callable[[cst.CSTNode], "cst.CSTNode | None"]
ScopeOf = Callable[[cst.CSTNode], "Scope | None"]

# How far a chain of bindings (`c = client; d = c.with_options(...)`) is followed.
MAX_DEPTH = 8
# The receiver names through which methods reach attributes set on their own class.
SELF_NAMES = ("self", "cls")


class ClientResolver:
    """Answers "is this expression an OpenAI client, or a resource below one?" for a file."""

    def __init__(
        self,
        qualified: QualifiedOf,
        parent: ParentOf,
        scope: ScopeOf,
        clients: frozenset[str],
        sdk_module: str,
        rules: CallRules,
        wrappers: frozenset[str] = frozenset(),
    ) -> None:
        self.qualified = qualified
        self.parent = parent
        self.scope = scope
        self.clients = clients
        self.sdk_module = sdk_module
        self.rules = rules
        # functions that wrap a client and return something called the same way
        # (`instructor.from_openai(OpenAI())`): from the framework table
        self.wrapping_functions = wrappers
        self._held: dict[tuple[cst.ClassDef | None, str], Origin] | None = None
        # binding site -> what it holds; also breaks cycles such as `c = c.with_options()`
        self._bound: dict[cst.CSTNode, Resolved | None] = {}

    # -- public -----------------------------------------------------------------------
    def path_of(self, expr: cst.BaseExpression, depth: int = 0) -> Path | None:
        """The resource path below a client (`()` for the client itself), else None."""
        found = self.resolve(expr, depth)
        return found[0] if found is not None else None

    def origin_of(self, expr: cst.BaseExpression) -> tuple[bool, Origin]:
        """(whether `expr` is a client or a resource below one, where that client came from)."""
        found = self.resolve(expr)
        return (False, None) if found is None else (True, found[1])

    def resolve(self, expr: cst.BaseExpression, depth: int = 0) -> Resolved | None:
        """The resource path below a client and the client's origin, else None."""
        if depth > MAX_DEPTH:
            return None
        attrs: list[str] = []
        node: cst.BaseExpression = expr
        while True:
            base = self._root(node, depth)
            if base is not None:
                tail = [a for a in reversed(attrs) if a not in self.rules.wrappers]
                return base[0] + tuple(tail), base[1]
            if not isinstance(node, cst.Attribute):
                return None
            attrs.append(node.attr.value)
            node = node.value

    # -- roots ------------------------------------------------------------------------
    def _root(self, node: cst.BaseExpression, depth: int) -> Resolved | None:
        if isinstance(node, cst.Call):
            return self._call_root(node, depth)
        if isinstance(node, cst.Name):
            return self._name_root(node, depth)
        if isinstance(node, cst.Attribute):
            return self._held_attribute(node)
        return None

    def _client_itself(self, expr: cst.BaseExpression, depth: int) -> Resolved | None:
        found = self.resolve(expr, depth + 1)
        return found if found is not None and found[0] == () else None

    def _call_root(self, call: cst.Call, depth: int) -> Resolved | None:
        names = self.qualified(call.func)
        if names & self.clients:
            return (), call
        if names & self.wrapping_functions and call.args and not call.args[0].star:
            return self._client_itself(call.args[0].value, depth)
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in self.rules.client_methods:
            return self._client_itself(func.value, depth)
        return None

    def _name_root(self, name: cst.Name, depth: int) -> Resolved | None:
        if self.sdk_module in self.qualified(name):
            # `import openai` / `import openai as oa`: the SDK's module-level client.
            return (), MODULE
        scope = self.scope(name)
        if scope is None:
            return None
        found: list[Resolved] = []
        for assignment in scope[name.value]:
            if not isinstance(assignment, Assignment):
                continue
            path = self._bound_path(assignment.node, depth)
            if path is not None:
                found.append(path)
        if not found:
            return None
        # a name bound to two different clients: which one a call reaches is not known
        origins = {id(origin) for _path, origin in found}
        return found[0] if len(origins) == 1 else (found[0][0], None)

    def _bound_path(self, node: cst.CSTNode, depth: int) -> Resolved | None:
        """What a binding site holds: the value assigned, or the annotation declared."""
        if node not in self._bound:
            self._bound[node] = None
            self._bound[node] = self._binding(node, depth)
        return self._bound[node]

    def _binding(self, node: cst.CSTNode, depth: int) -> Resolved | None:
        if isinstance(node, cst.Param):
            return ((), None) if node.annotation and self.is_client_type(node.annotation) else None
        holder = self.parent(node)
        if isinstance(holder, cst.AssignTarget):
            statement = self.parent(holder)
            if isinstance(statement, cst.Assign):
                return self.value_path(statement.value, depth)
        if isinstance(holder, cst.AnnAssign) and holder.target is node:
            if holder.value is not None and (found := self.value_path(holder.value, depth)):
                return found
            if self.is_client_type(holder.annotation):
                return (), None
            return self.value_path(holder.value, depth) if holder.value else None
        if isinstance(holder, cst.AsName):
            item = self.parent(holder)
            if isinstance(item, cst.WithItem):
                return self.value_path(item.item, depth)
        if isinstance(holder, cst.NamedExpr) and holder.target is node:
            return self.value_path(holder.value, depth)
        return None

    def value_path(self, value: cst.BaseExpression, depth: int) -> Resolved | None:
        if isinstance(value, cst.BooleanOperation):
            return self.value_path(value.left, depth) or self.value_path(value.right, depth)
        if isinstance(value, cst.IfExp):
            return self.value_path(value.body, depth) or self.value_path(value.orelse, depth)
        if isinstance(value, cst.Await):
            return self.value_path(value.expression, depth)
        return self.resolve(value, depth + 1)

    def is_client_type(self, annotation: cst.Annotation) -> bool:
        """`OpenAI`, `openai.AsyncOpenAI`, `Optional[OpenAI]`, `OpenAI | None`."""
        names = [
            n for n in iter_nodes(annotation.annotation) if isinstance(n, (cst.Name, cst.Attribute))
        ]
        return any(self.qualified(name) & self.clients for name in names)

    # -- attributes holding a client --------------------------------------------------
    def _held_attribute(self, node: cst.Attribute) -> Resolved | None:
        dotted = get_full_name_for_node(node)
        if dotted is None:
            return None
        held = self._held_attributes(node)
        for key in ((self._class_of(node), dotted), (None, dotted)):
            if key in held:
                return (), held[key]
        return None

    def _held_attributes(self, node: cst.CSTNode) -> dict[tuple[cst.ClassDef | None, str], Origin]:
        if self._held is None:
            self._held = {}
            module = self._module_of(node)
            if module is not None:
                self._collect_held(module)
        return self._held

    def _collect_held(self, module: cst.Module) -> None:
        assert self._held is not None
        for statement in iter_nodes(module):
            if not isinstance(statement, (cst.Assign, cst.AnnAssign)):
                continue
            targets: list[cst.BaseExpression]
            found: Resolved | None
            if isinstance(statement, cst.Assign):
                targets = [t.target for t in statement.targets]
                found = self.value_path(statement.value, 0)
            else:
                assert isinstance(statement, cst.AnnAssign)
                targets = [statement.target]
                found = self.value_path(statement.value, 0) if statement.value else None
                if (found is None or found[0] != ()) and self.is_client_type(statement.annotation):
                    found = (), None
            if found is None or found[0] != ():
                continue
            for target in targets:
                self._remember(target, found[1])

    def _remember(self, target: cst.BaseExpression, origin: Origin) -> None:
        assert self._held is not None
        owner = self._class_of(target)
        keys: list[tuple[cst.ClassDef | None, str]] = []
        if isinstance(target, cst.Attribute):
            dotted = get_full_name_for_node(target)
            if dotted is not None:
                keys.append((owner, dotted))
        elif (
            isinstance(target, cst.Name) and owner is not None and self._directly_in(target, owner)
        ):
            # A class-body field (`client: OpenAI`, dataclass or pydantic), read as self.client.
            keys.extend((owner, f"{receiver}.{target.value}") for receiver in SELF_NAMES)
        for key in keys:
            # two different clients held under one name: the origin is not known
            self._held[key] = origin if self._held.get(key, origin) is origin else None

    def _directly_in(self, node: cst.CSTNode, owner: cst.ClassDef) -> bool:
        current = self.parent(node)
        while current is not None and current is not owner:
            if isinstance(current, (cst.FunctionDef, cst.Lambda)):
                return False
            current = self.parent(current)
        return current is owner

    def _class_of(self, node: cst.CSTNode) -> cst.ClassDef | None:
        current = self.parent(node)
        while current is not None and not isinstance(current, cst.ClassDef):
            current = self.parent(current)
        return current

    def _module_of(self, node: cst.CSTNode) -> cst.Module | None:
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(current, cst.Module):
            current = self.parent(current)
        return current
