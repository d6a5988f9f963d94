"""Literal values of call arguments, for the value checks of `rules/params.toml`.

A check can only judge what is written in the call: `n=3` and `temperature=1.8` are
known, `n=settings.choices` is not (the caller decides whether that is "cannot tell").
"""

from __future__ import annotations

import libcst as cst

from migrator.python.envexpr import string_value

NOT_LITERAL = object()


def branches(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The values an expression can take when it is a conditional: `1.9 if hot else 0.2`."""
    if isinstance(node, cst.IfExp):
        return branches(node.body) + branches(node.orelse)
    return [node]


def number_value(node: cst.BaseExpression) -> float | int | object | None:
    """An int/float literal (with a leading sign), None for `None`, else NOT_LITERAL."""
    if isinstance(node, cst.Name) and node.value == "None":
        return None
    if isinstance(node, (cst.Integer, cst.Float)):
        return node.evaluated_value
    if isinstance(node, cst.UnaryOperation) and isinstance(
        node.expression, (cst.Integer, cst.Float)
    ):
        value = node.expression.evaluated_value
        if isinstance(node.operator, cst.Minus):
            return -value
        if isinstance(node.operator, cst.Plus):
            return value
    return NOT_LITERAL


def text_value(node: cst.BaseExpression) -> str | object | None:
    """A plain string literal, None for `None`, else NOT_LITERAL."""
    if isinstance(node, cst.Name) and node.value == "None":
        return None
    value = string_value(node)
    return NOT_LITERAL if value is None else value


def is_token_ids(node: cst.BaseExpression) -> bool:
    """A literal list/tuple of ints, or of such lists: OpenAI's pre-tokenized input."""
    if not isinstance(node, (cst.List, cst.Tuple)) or not node.elements:
        return False
    values = [element.value for element in node.elements]
    if all(isinstance(value, cst.Integer) for value in values):
        return True
    return all(
        isinstance(value, (cst.List, cst.Tuple))
        and value.elements
        and all(isinstance(e.value, cst.Integer) for e in value.elements)
        for value in values
    )
