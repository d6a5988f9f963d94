"""What a string literal is doing where it stands, in JS/TS: the same questions as
`migrator.python.roles` ("does it choose the model, or is it compared, looked up,
combined?"), asked of tree-sitter's node types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node

from migrator.javascript.values import dotted, key_name

# Positions where the rewrite may put `a ?? b` without parentheses.
_SAFE_PARENTS = frozenset(
    {
        "pair",
        "variable_declarator",
        "assignment_expression",
        "assignment_pattern",
        "required_parameter",
        "optional_parameter",
        "public_field_definition",
        "field_definition",
        "arguments",
        "array",
        "parenthesized_expression",
        "return_statement",
        "arrow_function",
        "ternary_expression",
        "spread_element",
        "jsx_expression",
        "object_assignment_pattern",
    }
)
_COMPARE = frozenset({"===", "!==", "==", "!="})

NAMING = frozenset({"assign", "param-default", "fallback", "env-default"})
PLACES = {
    "compare": "a comparison",
    "membership": "a membership test",
    "dict-key": "an object key",
    "match": "a switch case",
    "subscript": "a lookup key",
    "prefix-test": "a prefix test",
    "literal-type": "a TypeScript literal type",
}


@dataclass(frozen=True)
class Role:
    kind: str
    name: str | None = None  # object key or method name
    call: Node | None = None
    other: Node | None = None  # the left side of a fallback


def needs_parentheses(node: Node) -> bool:
    """Whether `a ?? b` put in place of `node` must be parenthesised (`x || (a ?? b)`)."""
    parent = node.parent
    if parent is None:
        return True
    if parent.type in _SAFE_PARENTS:
        return (
            parent.type == "ternary_expression" and parent.child_by_field_name("condition") == node
        )
    if parent.type == "binary_expression":
        operator = parent.child_by_field_name("operator")
        return not (operator is not None and operator.text == b"??")
    return True


def _under_as_const(node: Node) -> bool:
    holder = node.parent
    while holder is not None and holder.type in (
        "object",
        "array",
        "pair",
        "parenthesized_expression",
    ):
        holder = holder.parent
    if holder is None or holder.type != "as_expression":
        return False
    return any(child.type == "const" or child.text == b"const" for child in holder.children[1:])


# Parents whose kind alone gives the role of a literal under them.
_ROLE_OF_PARENT = {
    "literal_type": "literal-type",
    "union_type": "literal-type",
    "as_expression": "typed",
    "satisfies_expression": "typed",
    "assignment_pattern": "param-default",
    "required_parameter": "param-default",
    "optional_parameter": "param-default",
    "switch_case": "match",
    "subscript_expression": "subscript",
    "jsx_attribute": "jsx",
    "expression_statement": "directive",
}
# Assignments: the literal is assigned when it is the field named here.
_ASSIGNED_FIELD = {
    "variable_declarator": "value",
    "public_field_definition": "value",
    "field_definition": "value",
    "assignment_expression": "right",
}


def role_of(node: Node) -> Role:
    """What a literal does where it stands: the parent's kind decides, through a table
    for the plain cases and one small function per kind that needs a closer look."""
    parent = node.parent
    if parent is None:
        return Role("other")
    kind = parent.type
    if kind in _ROLE_OF_PARENT:
        return Role(_ROLE_OF_PARENT[kind])
    if kind in _ASSIGNED_FIELD:
        assigned = parent.child_by_field_name(_ASSIGNED_FIELD[kind]) == node
        return Role("assign") if assigned else Role("other")
    judge = _ROLE_BY_PARENT.get(kind)
    return judge(node, parent) if judge is not None else Role("other")


def _pair_role(node: Node, parent: Node) -> Role:
    if parent.child_by_field_name("key") == node:
        return Role("dict-key")
    if _under_as_const(parent):  # rewriting would widen the declared literal type
        return Role("typed")
    return Role("dict-value", key_name(parent))


def _destructured_default_role(node: Node, parent: Node) -> Role:
    """`{ OPENAI_MODEL = "gpt-4o" } = process.env`: the default of an env read."""
    if parent.child_by_field_name("right") != node:
        return Role("other")
    left = parent.child_by_field_name("left")
    holder = parent.parent.parent if parent.parent is not None else None
    value = (
        holder.child_by_field_name("value")
        if holder is not None and holder.type == "variable_declarator"
        else None
    )
    if left is not None and left.text and value is not None and dotted(value) is not None:
        return Role("env-default", left.text.decode(), other=value)
    return Role("param-default")


def _binary_role(node: Node, parent: Node) -> Role:
    operator = parent.child_by_field_name("operator")
    op = operator.text.decode() if operator is not None and operator.text else ""
    if op in _COMPARE:
        return Role("compare")
    if op in ("??", "||") and parent.child_by_field_name("right") == node:
        return Role("fallback", op, other=parent.child_by_field_name("left"))
    return Role("concat") if op == "+" else Role("other")


def _array_role(node: Node, parent: Node) -> Role:
    holder = parent.parent
    if holder is not None and holder.type == "member_expression":
        prop = holder.child_by_field_name("property")
        if prop is not None and prop.text in (b"includes", b"indexOf", b"has"):
            return Role("membership")
    return Role("container")


def _argument_role(node: Node, parent: Node) -> Role:
    call = parent.parent
    function = call.child_by_field_name("function") if call is not None else None
    method = None
    if function is not None and function.type == "member_expression":
        prop = function.child_by_field_name("property")
        method = prop.text.decode() if prop is not None and prop.text else None
    if method in ("startsWith", "endsWith"):
        return Role("prefix-test", method, call)
    if method in ("includes", "has", "indexOf"):
        return Role("membership", method, call)
    index = [c.id for c in parent.named_children].index(node.id)
    return Role("positional", method, call, None) if index >= 0 else Role("other")


def _ternary_role(node: Node, parent: Node) -> Role:
    if parent.child_by_field_name("condition") == node:
        return Role("other")
    inner = role_of(parent)
    return inner if inner.kind != "fallback" else Role("other")


_ROLE_BY_PARENT: dict[str, Callable[[Node, Node], Role]] = {
    "pair": _pair_role,
    "object_assignment_pattern": _destructured_default_role,
    "binary_expression": _binary_role,
    "array": _array_role,
    "arguments": _argument_role,
    "ternary_expression": _ternary_role,
    "parenthesized_expression": lambda node, parent: role_of(parent),
}


def describe(role: Role) -> str:
    if role.kind in PLACES:
        return PLACES[role.kind]
    if role.kind == "dict-value":
        return f"as the value of key {role.name!r}" if role.name else "as an object value"
    if role.kind == "positional":
        return "passed as an argument"
    if role.kind == "container":
        return "in an array"
    if role.kind == "concat":
        return "in a concatenation"
    if role.kind == "jsx":
        return "in a JSX attribute"
    if role.kind == "typed":
        return "under a TypeScript `as`/`satisfies`"
    return "in an expression the tool does not rewrite"
