"""What a name in a JS/TS file refers to, from its imports: resolution by import, not by
spelling.

`import OpenAI from "openai"` binds `OpenAI` to `openai.default`; `import { OpenAI as C }`
binds `C` to `openai.OpenAI`; `import * as oa` and `const oa = require("openai")` bind
`oa` to the module itself, so `oa.OpenAI` is `openai.OpenAI`. A name declared again in
an inner function or block (a parameter, a `const`) shadows the import there. A local
`class OpenAI {}` is never an import, so it is never the SDK.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node

from migrator.javascript.source import string_value

# Nodes that open a scope for names declared directly inside them.
_SCOPES = frozenset(
    {
        "statement_block",
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
        "class_body",
        "for_statement",
        "for_in_statement",
        "catch_clause",
    }
)
_DECLARATIONS = ("lexical_declaration", "variable_declaration")


def _module_of(node: Node | None) -> str | None:
    """`require("x")`, `await import("x")` (or their `.default`/`.Name`): the dotted target."""
    if node is None:
        return None
    if node.type == "parenthesized_expression" and node.named_children:
        return _module_of(node.named_children[-1])
    if node.type == "await_expression":
        return _module_of(node.named_children[0] if node.named_children else None)
    if node.type == "member_expression":
        base = _module_of(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        return f"{base}.{prop.text.decode()}" if base and prop is not None and prop.text else None
    if node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if function is None or arguments is None or function.type not in ("identifier", "import"):
        return None
    if function.type == "identifier" and function.text != b"require":
        return None
    args = arguments.named_children
    return string_value(args[0]) if len(args) == 1 else None


Found = list[tuple[Node, str, str]]  # (the local name's identifier, dotted target, module)


def _pattern_bindings(pattern: Node, target: str, module: str, out: Found) -> None:
    """`const { OpenAI, default: Client } = require("openai")`."""
    if pattern.type == "identifier" and pattern.text:
        out.append((pattern, target, module))
        return
    if pattern.type != "object_pattern":
        return
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern" and child.text:
            out.append((child, f"{target}.{child.text.decode()}", module))
        elif child.type == "pair_pattern":
            key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
            if key is not None and value is not None and key.text:
                _pattern_bindings(
                    value, f"{target}.{string_value(key) or key.text.decode()}", module, out
                )


def _import_bindings(statement: Node, out: Found) -> None:
    module = string_value(statement.child_by_field_name("source"))
    for child in statement.named_children:
        if child.type == "import_require_clause":  # TS: import OpenAI = require("openai")
            name, source = child.named_children[0], child.child_by_field_name("source")
            required = string_value(source)
            if name.text and required:
                out.append((name, required, required))
        if child.type != "import_clause" or module is None:
            continue
        for part in child.named_children:
            if part.type == "identifier" and part.text:
                out.append((part, f"{module}.default", module))
            elif part.type == "namespace_import":
                for name in part.named_children:
                    if name.type == "identifier" and name.text:
                        out.append((name, module, module))
            elif part.type == "named_imports":
                for spec in part.named_children:
                    if spec.type != "import_specifier":
                        continue
                    spelled, alias = (
                        spec.child_by_field_name("name"),
                        spec.child_by_field_name("alias"),
                    )
                    if spelled is None or not spelled.text:
                        continue
                    imported = string_value(spelled) or spelled.text.decode()
                    local = alias if alias is not None and alias.text else spelled
                    out.append((local, f"{module}.{imported}", module))


@dataclass(frozen=True)
class Binding:
    target: str  # `openai.default`
    module: str  # `openai`, `./lib/openai`, `@acme/llm`


def collect_bindings(
    nodes: list[Node], scopes: Scopes, canonical: Callable[[str], str] = str
) -> dict[tuple[int, str], Binding]:
    """(declaring scope, local name) -> what it is bound to, from import statements and
    requires (`require("openai")`, `await import("openai")`, also inside functions).
    `canonical` names the package a specifier loads (`npm:openai@4` -> `openai`)."""
    found: Found = []
    for node in nodes:
        if node.type == "import_statement":
            _import_bindings(node, found)
        elif node.type == "variable_declarator":
            target = _module_of(node.child_by_field_name("value"))
            name = node.child_by_field_name("name")
            if target is not None and name is not None:
                module = _module_of(_bare_module(node.child_by_field_name("value"))) or target
                _pattern_bindings(name, target, module, found)
    bindings = {}
    for name, target, module in found:
        package = canonical(module)
        if package != module and target.startswith(module):
            target = package + target[len(module) :]
        bindings[(scopes.declaring_scope(name), (name.text or b"").decode())] = Binding(
            target, package
        )
    return bindings


def _bare_module(node: Node | None) -> Node | None:
    """The `require(...)` / `import(...)` call inside `require("x").default`."""
    while node is not None and node.type in (
        "member_expression",
        "parenthesized_expression",
        "await_expression",
    ):
        node = (
            node.child_by_field_name("object")
            if node.type == "member_expression"
            else (node.named_children[-1] if node.named_children else None)
        )
    return node


def _bound_names(pattern: Node, out: set[bytes]) -> None:
    """Every name a binding pattern introduces (`a`, `{ b, c: d }`, `[e = 1]`, `f: T`)."""
    if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
        out.add(pattern.text or b"")
        return
    if pattern.type in (
        "member_expression",
        "type_annotation",
        "string",
        "number",
        "property_identifier",
    ):
        return
    if pattern.type in (
        "assignment_pattern",
        "required_parameter",
        "optional_parameter",
        "object_assignment_pattern",
    ):
        left = pattern.child_by_field_name("left") or pattern.child_by_field_name("pattern")
        if left is not None:
            _bound_names(left, out)
        return
    if pattern.type == "pair_pattern":
        value = pattern.child_by_field_name("value")
        if value is not None:
            _bound_names(value, out)
        return
    for child in pattern.named_children:
        _bound_names(child, out)


def _declared(scope: Node) -> frozenset[bytes]:
    """The names `scope` itself declares: parameters, declarations directly in it."""
    names: set[bytes] = set()
    parameters = scope.child_by_field_name("parameters") or scope.child_by_field_name("parameter")
    if parameters is not None:
        _bound_names(parameters, names)
    if scope.type == "for_in_statement":  # for (const OpenAI of things)
        left = scope.child_by_field_name("left")
        if left is not None:
            _bound_names(left, names)
    children = list(scope.named_children)
    for child in scope.named_children:
        if child.type == "export_statement":
            children.extend(child.named_children)
    for child in children:
        if child.type in _DECLARATIONS:
            for declarator in child.named_children:
                target = declarator.child_by_field_name("name")
                if target is not None:
                    _bound_names(target, names)
        elif child.type in (
            "function_declaration",
            "class_declaration",
            "generator_function_declaration",
        ):
            own = child.child_by_field_name("name")
            if own is not None and own.text:
                names.add(own.text)
    return frozenset(names)


class Scopes:
    """Which declaration a name refers to, with what each scope declares computed once
    (a lookup per identifier that re-read every enclosing block grew with the file)."""

    def __init__(self) -> None:
        self._declared: dict[int, frozenset[bytes]] = {}

    def declaring_scope(self, identifier: Node) -> int:
        """The id of the scope whose declaration of this name the identifier refers to (the
        module's when no enclosing function or block declares it): two variables that share
        a spelling in different scopes are different variables."""
        name = identifier.text or b""
        node = identifier.parent
        while node is not None and node.type != "program":
            if node.type in _SCOPES:
                declared = self._declared.get(node.id)
                if declared is None:
                    declared = self._declared[node.id] = _declared(node)
                if name in declared:
                    return node.id
            node = node.parent
        return node.id if node is not None else -1


class Resolver:
    """Dotted targets of expressions: `OpenAI` -> `openai.default`,
    `oa.OpenAI` -> `openai.OpenAI`."""

    def __init__(self, bindings: dict[tuple[int, str], Binding], scopes: Scopes) -> None:
        self.bindings = bindings
        self.scopes = scopes
        self.names = {name for _, name in bindings}

    def by_name(self, name: str) -> Binding | None:
        """For a type name (`client: OpenAI`): the binding of that name, any scope."""
        return next((b for (_, bound), b in self.bindings.items() if bound == name), None)

    def target(self, node: Node | None) -> str | None:
        if node is None:
            return None
        if node.type == "parenthesized_expression" and node.named_children:
            return self.target(node.named_children[-1])
        if node.type == "identifier" and node.text:
            name = node.text.decode()
            if name not in self.names:
                return None
            bound = self.bindings.get((self.scopes.declaring_scope(node), name))
            return bound.target if bound is not None else None
        if node.type == "member_expression":
            base = self.target(node.child_by_field_name("object"))
            prop = node.child_by_field_name("property")
            if base is None or prop is None or not prop.text:
                return None
            return f"{base}.{prop.text.decode()}"
        return None
