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

from collections.abc import Callable, Iterator

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Assignment, Scope

from migrator.callrules import CallRules

Path = tuple[str, ...]
QualifiedOf = Callable[[cst.CSTNode], set[str]]
ParentOf = Callable[[cst.CSTNode], "cst.CSTNode | None"]
ScopeOf = Callable[[cst.CSTNode], "Scope | None"]

# How far a chain of bindings (`c = client; d = c.with_options(...)`) is followed.
MAX_DEPTH = 8
# The receiver names through which methods reach attributes set on their own class.
SELF_NAMES = ("self", "cls")


def iter_nodes(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node below `root`, depth first. A plain walk: `matchers.findall` costs ten
    times more, which showed on the per-file hot path."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


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
        self._held: set[tuple[cst.ClassDef | None, str]] | None = None
        # binding site -> what it holds; also breaks cycles such as `c = c.with_options()`
        self._bound: dict[cst.CSTNode, Path | None] = {}

    # -- public -----------------------------------------------------------------------
    def path_of(self, expr: cst.BaseExpression, depth: int = 0) -> Path | None:
        """The resource path below a client (`()` for the client itself), else None."""
        if depth > MAX_DEPTH:
            return None
        attrs: list[str] = []
        node: cst.BaseExpression = expr
        while True:
            base = self._root(node, depth)
            if base is not None:
                tail = [a for a in reversed(attrs) if a not in self.rules.wrappers]
                return base + tuple(tail)
            if not isinstance(node, cst.Attribute):
                return None
            attrs.append(node.attr.value)
            node = node.value

    # -- roots ------------------------------------------------------------------------
    def _root(self, node: cst.BaseExpression, depth: int) -> Path | None:
        if isinstance(node, cst.Call):
            return self._call_root(node, depth)
        if isinstance(node, cst.Name):
            return self._name_root(node, depth)
        if isinstance(node, cst.Attribute):
            return () if self._held_attribute(node) else None
        return None

    def _call_root(self, call: cst.Call, depth: int) -> Path | None:
        names = self.qualified(call.func)
        if names & self.clients:
            return ()
        if names & self.wrapping_functions and call.args and not call.args[0].star:
            return () if self.path_of(call.args[0].value, depth + 1) == () else None
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in self.rules.client_methods:
            return () if self.path_of(func.value, depth + 1) == () else None
        return None

    def _name_root(self, name: cst.Name, depth: int) -> Path | None:
        if self.sdk_module in self.qualified(name):
            # `import openai` / `import openai as oa`: the SDK's module-level client.
            return ()
        scope = self.scope(name)
        if scope is None:
            return None
        for assignment in scope[name.value]:
            if not isinstance(assignment, Assignment):
                continue
            path = self._bound_path(assignment.node, depth)
            if path is not None:
                return path
        return None

    def _bound_path(self, node: cst.CSTNode, depth: int) -> Path | None:
        """What a binding site holds: the value assigned, or the annotation declared."""
        if node not in self._bound:
            self._bound[node] = None
            self._bound[node] = self._binding(node, depth)
        return self._bound[node]

    def _binding(self, node: cst.CSTNode, depth: int) -> Path | None:
        if isinstance(node, cst.Param):
            return () if node.annotation and self.is_client_type(node.annotation) else None
        holder = self.parent(node)
        if isinstance(holder, cst.AssignTarget):
            statement = self.parent(holder)
            if isinstance(statement, cst.Assign):
                return self.value_path(statement.value, depth)
        if isinstance(holder, cst.AnnAssign) and holder.target is node:
            if self.is_client_type(holder.annotation):
                return ()
            return self.value_path(holder.value, depth) if holder.value else None
        if isinstance(holder, cst.AsName):
            item = self.parent(holder)
            if isinstance(item, cst.WithItem):
                return self.value_path(item.item, depth)
        if isinstance(holder, cst.NamedExpr) and holder.target is node:
            return self.value_path(holder.value, depth)
        return None

    def value_path(self, value: cst.BaseExpression, depth: int) -> Path | None:
        if isinstance(value, cst.BooleanOperation):
            return self.value_path(value.left, depth) or self.value_path(value.right, depth)
        if isinstance(value, cst.IfExp):
            return self.value_path(value.body, depth) or self.value_path(value.orelse, depth)
        if isinstance(value, cst.Await):
            return self.value_path(value.expression, depth)
        return self.path_of(value, depth + 1)

    def is_client_type(self, annotation: cst.Annotation) -> bool:
        """`OpenAI`, `openai.AsyncOpenAI`, `Optional[OpenAI]`, `OpenAI | None`."""
        names = [
            n for n in iter_nodes(annotation.annotation) if isinstance(n, (cst.Name, cst.Attribute))
        ]
        return any(self.qualified(name) & self.clients for name in names)

    # -- attributes holding a client --------------------------------------------------
    def _held_attribute(self, node: cst.Attribute) -> bool:
        dotted = get_full_name_for_node(node)
        if dotted is None:
            return False
        held = self._held_attributes(node)
        return (self._class_of(node), dotted) in held or (None, dotted) in held

    def _held_attributes(self, node: cst.CSTNode) -> set[tuple[cst.ClassDef | None, str]]:
        if self._held is None:
            self._held = set()
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
            if isinstance(statement, cst.Assign):
                targets = [t.target for t in statement.targets]
                holds = self.value_path(statement.value, 0) == ()
            else:
                assert isinstance(statement, cst.AnnAssign)
                targets = [statement.target]
                holds = self.is_client_type(statement.annotation) or (
                    statement.value is not None and self.value_path(statement.value, 0) == ()
                )
            if not holds:
                continue
            for target in targets:
                self._remember(target)

    def _remember(self, target: cst.BaseExpression) -> None:
        assert self._held is not None
        owner = self._class_of(target)
        if isinstance(target, cst.Attribute):
            dotted = get_full_name_for_node(target)
            if dotted is not None:
                self._held.add((owner, dotted))
        elif (
            isinstance(target, cst.Name) and owner is not None and self._directly_in(target, owner)
        ):
            # A class-body field (`client: OpenAI`, dataclass or pydantic), read as self.client.
            for receiver in SELF_NAMES:
                self._held.add((owner, f"{receiver}.{target.value}"))

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
