"""What a string literal is doing where it stands.

The same `"gpt-4o"` is rewritten when it chooses the model (`model="gpt-4o"`), but only
reported when it is compared, looked up or combined, because rewriting those would
silently change what the surrounding logic matches. This module answers "which is it?"
from the literal's parents alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from migrator.python.envexpr import string_value

ParentOf = Callable[[cst.CSTNode], cst.CSTNode | None]


@dataclass(frozen=True)
class Role:
    kind: str
    # keyword name, dict key or method name, where the kind has one
    name: str | None = None
    call: cst.Call | None = None
    index: int = -1


# `x or "gpt-4o"`: the literal is the value used when the left side is empty
NAMING = frozenset({"assign", "param-default", "fallback"})
ROUTING = {
    "compare": "a comparison",
    "membership": "a membership test",
    "dict-key": "a dict key",
    "match": "a match case",
    "subscript": "a lookup key",
    "prefix-test": "a prefix test",
    "enum-member": "an enum member's value",
}


def _container_role(container: cst.CSTNode, parent_of: ParentOf) -> Role:
    holder = parent_of(container)
    if isinstance(holder, (cst.ComparisonTarget, cst.Comparison)):
        return Role("membership")
    if isinstance(holder, cst.MatchValue):
        return Role("match")
    return Role("container")


def _in_literal_type(index: cst.CSTNode, parent_of: ParentOf) -> bool:
    """`Literal["gpt-4o", "gpt-4o-mini"]`: a type listing values, not a lookup."""
    element = parent_of(index) if isinstance(index, cst.Index) else index
    subscript = parent_of(element) if element is not None else None
    if not isinstance(subscript, cst.Subscript):
        return False
    value = subscript.value
    name = value.attr.value if isinstance(value, cst.Attribute) else getattr(value, "value", "")
    return name == "Literal"


def role_of(node: cst.CSTNode, parent_of: ParentOf) -> Role:
    parent = parent_of(node)
    if isinstance(parent, cst.Arg):
        call = parent_of(parent)
        assert isinstance(call, cst.Call)
        if parent.keyword is not None:
            return Role("keyword", parent.keyword.value, call)
        index = list(call.args).index(parent)
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
        if method in ("startswith", "endswith"):
            return Role("prefix-test", method, call)
        return Role("positional", method, call, index)
    if isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is node:
        return Role("assign")
    if isinstance(parent, cst.Param) and parent.default is node:
        return Role("param-default")
    if isinstance(parent, cst.DictElement):
        if parent.key is node:
            return Role("dict-key")
        return Role("dict-value", string_value(parent.key))
    if isinstance(parent, (cst.Comparison, cst.ComparisonTarget)):
        return Role("compare")
    if isinstance(parent, cst.Element):
        container = parent_of(parent)
        return _container_role(container, parent_of) if container is not None else Role("other")
    if isinstance(parent, cst.MatchValue):
        return Role("match")
    if isinstance(parent, (cst.Index, cst.SubscriptElement)):
        return Role("type") if _in_literal_type(parent, parent_of) else Role("subscript")
    if (
        isinstance(parent, cst.BooleanOperation)
        and isinstance(parent.operator, cst.Or)
        and parent.right is node
    ):
        return Role("fallback")
    if isinstance(parent, (cst.ConcatenatedString, cst.BinaryOperation)):
        return Role("concat")
    if isinstance(parent, cst.Expr):
        return Role("docstring")
    return Role("other")


def describe(role: Role) -> str:
    """How a finding names a position it does not rewrite."""
    if role.kind in ROUTING:
        return ROUTING[role.kind]
    if role.kind == "keyword":
        return f"passed as {role.name}="
    if role.kind == "positional":
        return "passed as a positional argument"
    if role.kind == "dict-value":
        return f"as the value of dict key {role.name!r}" if role.name else "as a dict value"
    if role.kind == "container":
        return "in a list, tuple or set"
    if role.kind == "concat":
        return "in a concatenation"
    return "in an expression the tool does not rewrite"
