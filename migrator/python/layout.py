"""Keep rewritten calls readable: a one-line call that the rewrite made longer, and now
over the project's line length, is laid out one argument per line as black would; a call
the rewrite did not lengthen, or already spread over lines, keeps the author's layout.
Arguments the rewrite adds go in the call's own layout (`append_args`)."""

from __future__ import annotations

from collections.abc import Sequence

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


def _own_line(
    indent: str, comment: cst.TrailingWhitespace | None = None
) -> cst.ParenthesizedWhitespace:
    """A line break (keeping `comment` at the end of the line it leaves), then `indent`."""
    return cst.ParenthesizedWhitespace(
        first_line=comment or cst.TrailingWhitespace(),
        indent=True,
        last_line=cst.SimpleWhitespace(indent),
    )


class _Shift(cst.CSTTransformer):
    """Indent the continuation lines inside an argument by one more unit: it moves from
    the opening line of its call to a line of its own."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def leave_ParenthesizedWhitespace(
        self, original: cst.ParenthesizedWhitespace, updated: cst.ParenthesizedWhitespace
    ) -> cst.ParenthesizedWhitespace:
        return updated.with_changes(
            last_line=cst.SimpleWhitespace(self.unit + updated.last_line.value)
        )


def _multi_line(call: cst.Call) -> bool:
    return "\n" in _RENDER.code_for_node(call) or "\r" in _RENDER.code_for_node(call)


def _unit_of(call: cst.Call) -> str:
    """The indentation unit inside a call: a tab where its lines are tab-indented."""
    return "\t" if "\n\t" in _RENDER.code_for_node(call) else "    "


def append_args(call: cst.Call, new: Sequence[cst.Arg], unit: str | None = None) -> cst.Call:
    """Add keyword arguments at the end of a call, in its own layout.

    A one-line call gets them on its line (`fit` splits it if that is now too long). A call
    spread over lines ends up with one argument per line, as black would write it: the
    last argument keeps its trailing comment, the added arguments are indented like the
    others, the closing bracket keeps its line and indentation, and an argument that was
    hugging the opening bracket (`OpenAI(http_client=httpx.Client(\\n...\\n))`) moves to a
    line of its own with its inner lines indented one unit deeper."""
    args = list(call.args)
    if not args:
        spaced = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return call.with_changes(
            args=[arg.with_changes(comma=spaced) for arg in new[:-1]] + [new[-1]]
        )
    if not _multi_line(call):
        separator = (
            args[0].comma
            if len(args) > 1 and isinstance(args[0].comma, cst.Comma)
            else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
        trailing = args[-1].comma
        args[-1] = args[-1].with_changes(comma=separator)
        added = [arg.with_changes(comma=separator) for arg in new[:-1]]
        added.append(new[-1].with_changes(comma=trailing))
        return call.with_changes(args=args + added)
    unit = unit or _unit_of(call)
    opening = call.whitespace_before_args
    opened_inline = not isinstance(opening, cst.ParenthesizedWhitespace)
    inner = opening.last_line.value if isinstance(opening, cst.ParenthesizedWhitespace) else unit
    last = args[-1]
    closing: cst.BaseParenthesizableWhitespace = (
        last.comma.whitespace_after
        if isinstance(last.comma, cst.Comma)
        else last.whitespace_after_arg
    )
    closing_indent = (
        closing.last_line.value if isinstance(closing, cst.ParenthesizedWhitespace) else ""
    )
    comment = closing.first_line if isinstance(closing, cst.ParenthesizedWhitespace) else None
    laid: list[cst.Arg] = []
    for index, arg in enumerate(args):
        if opened_inline:
            shifted = arg.visit(_Shift(unit))
            assert isinstance(shifted, cst.Arg)
            arg = shifted
        if index < len(args) - 1:
            if not (
                isinstance(arg.comma, cst.Comma)
                and isinstance(arg.comma.whitespace_after, cst.ParenthesizedWhitespace)
            ):
                arg = arg.with_changes(comma=cst.Comma(whitespace_after=_own_line(inner)))
        else:
            arg = arg.with_changes(
                whitespace_after_arg=cst.SimpleWhitespace("")
                if not isinstance(arg.comma, cst.Comma)
                else arg.whitespace_after_arg,
                comma=cst.Comma(whitespace_after=_own_line(inner, comment)),
            )
        laid.append(arg)
    for arg in new[:-1]:
        laid.append(arg.with_changes(comma=cst.Comma(whitespace_after=_own_line(inner))))
    # comment lines standing before the closing bracket stay there
    before_close = _own_line(closing_indent).with_changes(
        empty_lines=closing.empty_lines if isinstance(closing, cst.ParenthesizedWhitespace) else ()
    )
    laid.append(new[-1].with_changes(comma=cst.Comma(whitespace_after=before_close)))
    return call.with_changes(
        whitespace_before_args=_own_line(inner) if opened_inline else opening, args=laid
    )


def fit_dict(
    original: cst.Dict, updated: cst.Dict, column: int, indent: str | None, unit: str, limit: int
) -> cst.Dict:
    """A one-line dict the rewrite pushed past the line length (`json={"model": ...}`):
    one entry per line, a trailing comma, `}` back at the indentation of its line.
    `indent`: that line's indentation relative to its block, when known (else the dict
    keeps its line)."""
    if updated is original or indent is None or not updated.elements:
        return updated
    before, after = _RENDER.code_for_node(original), _RENDER.code_for_node(updated)
    if any(c in before + after for c in "\r\n") or len(after) <= len(before):
        return updated
    if column + len(after) <= limit:
        return updated
    inner = _own_line(indent + unit)
    elements = [e.with_changes(comma=cst.Comma(whitespace_after=inner)) for e in updated.elements]
    elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=_own_line(indent)))
    return updated.with_changes(
        lbrace=cst.LeftCurlyBrace(whitespace_after=inner),
        rbrace=cst.RightCurlyBrace(whitespace_before=cst.SimpleWhitespace("")),
        elements=elements,
    )
