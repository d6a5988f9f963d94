"""Keep rewritten calls readable: a one-line call that the rewrite made longer, and now
over the project's line length, is laid out one argument per line as black would; a call
the rewrite did not lengthen, or already spread over lines, keeps the author's layout."""

from __future__ import annotations

import libcst as cst

_RENDER = cst.Module([])


def _one_line(call: cst.Call) -> bool:
    return not isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace) and not any(
        isinstance(arg.comma, cst.Comma)
        and isinstance(arg.comma.whitespace_after, cst.ParenthesizedWhitespace)
        for arg in call.args
    )


def one_per_line(call: cst.Call, unit: str) -> cst.Call:
    """Each argument on its own line, a trailing comma, `)` on a line of its own."""
    indent = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(unit))
    close = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(""))
    args = [arg.with_changes(comma=cst.Comma(whitespace_after=indent)) for arg in call.args[:-1]]
    args.append(call.args[-1].with_changes(comma=cst.Comma(whitespace_after=close)))
    return call.with_changes(whitespace_before_args=indent, args=args)


def fit(original: cst.Call, updated: cst.Call, column: int, unit: str, limit: int) -> cst.Call:
    if updated is original or not updated.args or not _one_line(updated):
        return updated
    before = _RENDER.code_for_node(original)
    if "\n" in before or "\r" in before:
        return updated
    after = _RENDER.code_for_node(updated)
    if "\n" in after or "\r" in after:  # an inner call was split already: keep the hug
        return updated
    if len(after) <= len(before) or column + len(after) <= limit:
        return updated
    return one_per_line(updated, unit)
