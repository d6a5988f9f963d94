"""Reading JS expressions the rules care about: env reads, literal values, object options."""

from __future__ import annotations

from tree_sitter import Node

from migrator.javascript.source import string_value

NOT_LITERAL = object()
_WRAPPERS = (
    "parenthesized_expression",
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
)


def unwrap(node: Node | None) -> Node | None:
    while node is not None and node.type in _WRAPPERS and node.named_children:
        node = node.named_children[0]
    return node


def dotted(node: Node | None) -> str | None:
    """`process.env` for a member chain of plain names, else None."""
    if node is None:
        return None
    if node.type in ("identifier", "property_identifier") and node.text:
        return node.text.decode()
    if node.type == "member_expression":
        base = dotted(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        return f"{base}.{prop.text.decode()}" if base and prop is not None and prop.text else None
    return None


def env_read(node: Node | None, objects: frozenset[str]) -> tuple[str, Node] | None:
    """`process.env.NAME` / `process.env["NAME"]`: the name, and the node that spells it."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        if dotted(node.child_by_field_name("object")) in objects and prop is not None and prop.text:
            return prop.text.decode(), prop
    if node.type == "subscript_expression":
        index = node.child_by_field_name("index")
        name = string_value(index)
        if dotted(node.child_by_field_name("object")) in objects and name and index is not None:
            return name, index
    if node.type == "call_expression":  # Deno.env.get("NAME"): a getter, spelled `X()`
        function, arguments = (
            node.child_by_field_name("function"),
            node.child_by_field_name("arguments"),
        )
        args = arguments.named_children if arguments is not None else []
        if len(args) == 1 and f"{dotted(function)}()" in objects:
            name = string_value(args[0])
            if name:
                return name, args[0]
    return None


def key_name(pair: Node) -> str | None:
    key = pair.child_by_field_name("key")
    if key is None:
        return None
    if key.type in ("property_identifier", "identifier") and key.text:
        return key.text.decode()
    return string_value(key)


def properties(obj: Node) -> dict[str, Node]:
    """Key -> value node of an object literal's plain `key: value` pairs (first wins)."""
    found: dict[str, Node] = {}
    for child in obj.named_children:
        if child.type == "pair":
            name, value = key_name(child), child.child_by_field_name("value")
            if name is not None and value is not None:
                found.setdefault(name, value)
        elif child.type == "shorthand_property_identifier" and child.text:
            found.setdefault(child.text.decode(), child)
    return found


def lookup(obj: Node, path: str) -> Node | None:
    """The value at a dotted option path (`configuration.baseURL`), or None."""
    node: Node | None = obj
    for part in path.split("."):
        node = unwrap(node)
        if node is None or node.type != "object":
            return None
        node = properties(node).get(part)
    return node


def has_spread(obj: Node) -> bool:
    return any(child.type == "spread_element" for child in obj.named_children)


def branches(node: Node | None) -> list[Node]:
    """The values an expression can take: both arms of `a ? b : c`, else itself."""
    node = unwrap(node)
    if node is None:
        return []
    if node.type == "ternary_expression":
        return branches(node.child_by_field_name("consequence")) + branches(
            node.child_by_field_name("alternative")
        )
    return [node]


def literal(node: Node) -> object:
    """A number, string or boolean literal's value; NOT_LITERAL otherwise; None for null."""
    node = unwrap(node) or node
    if node.type == "number" and node.text:
        try:
            return float(node.text.decode().replace("_", ""))
        except ValueError:
            return NOT_LITERAL
    if node.type == "unary_expression" and node.child_by_field_name("operator") is not None:
        operator = node.child_by_field_name("operator")
        inner = literal(node.child_by_field_name("argument") or node)
        if operator is not None and operator.text == b"-" and isinstance(inner, float):
            return -inner
        return NOT_LITERAL
    if node.type in ("true", "false"):
        return node.type == "true"
    if node.type in ("null", "undefined"):
        return None
    value = string_value(node)
    return value if value is not None else NOT_LITERAL


def is_token_ids(node: Node) -> bool:
    node = unwrap(node) or node
    if node.type != "array" or not node.named_children:
        return False
    items = node.named_children
    if all(item.type == "number" for item in items):
        return True
    return all(
        item.type == "array"
        and item.named_children
        and all(x.type == "number" for x in item.named_children)
        for item in items
    )
