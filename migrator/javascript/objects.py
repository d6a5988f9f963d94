"""Adding properties to an options object the way a person would type them.

A one-line object gets them on its line, or is laid out one property per line when the
line would outgrow the configured length (as a formatter would); a multi-line one gets
one line each, indented like its last property, keeping its trailing-comma habit; no
object at all (`new OpenAI()`) gets one. Commas are found as tokens of the parse tree,
never by scanning text, so a comment next to a comma stays where it was, and so does a
comment that is the object's only content.
"""

from __future__ import annotations

from itertools import pairwise

from tree_sitter import Node

from migrator.javascript.state import JsFile
from migrator.javascript.values import properties, unwrap

Addition = tuple[str, str]  # (option path, value text)


def _nest(
    additions: list[Addition], options: Node | None
) -> tuple[list[str], dict[str, list[str]]]:
    """Top-level property texts, and texts for existing nested objects (by key)."""
    top: list[str] = []
    nested: dict[str, list[str]] = {}
    groups: dict[str, list[str]] = {}
    existing = properties(options) if options is not None else {}
    for path, value in additions:
        if "." not in path:
            top.append(f"{path}: {value}")
            continue
        outer, inner = path.split(".", 1)
        holder = unwrap(existing.get(outer))
        if holder is not None and holder.type == "object":
            nested.setdefault(outer, []).append(f"{inner}: {value}")
        else:
            groups.setdefault(outer, []).append(f"{inner}: {value}")
    top.extend(f"{outer}: {{ {', '.join(items)} }}" for outer, items in groups.items())
    return top, nested


def add_properties(
    js: JsFile,
    arguments: Node | None,
    options: Node | None,
    additions: list[Addition],
    after: Node | None = None,
    callee: Node | None = None,
) -> None:
    """`after`: the argument a new options object follows (`new ChatOpenAI("model")`);
    `callee`: the constructor of a `new OpenAI` written without parentheses."""
    top, nested = _nest(additions, options)
    if options is None:
        if arguments is not None and top:
            _new_object(js, arguments, top, after)
        elif arguments is None and callee is not None and top:
            js.edits.insert(callee.end_byte, "({ " + ", ".join(top) + " })")
        return
    existing = properties(options)
    for outer, items in nested.items():
        holder = unwrap(existing[outer])
        assert holder is not None
        # laid out anew only on a line of its own: inside a one-line object that is itself
        # laid out anew, its indentation is not known yet
        own_line = (
            js.source.point(holder.start_byte).line != js.source.point(options.start_byte).line
        )
        _append(js, holder, items, explode=own_line)
    if top:
        _append(js, options, top, explode=True)


def _width(js: JsFile, offset: int) -> int:
    data = js.source.data
    start = js.source.line_start(offset)
    end = data.find(b"\n", offset)
    end = len(data) if end < 0 else end
    return len(data[start:end].decode("utf-8", "replace").rstrip("\r"))


def _new_object(js: JsFile, arguments: Node, items: list[str], after: Node | None) -> None:
    """`()` -> `({ apiKey: ..., baseURL: ... })`; `("m")` -> `("m", { ... })`."""
    source = js.source
    inline = "{ " + ", ".join(items) + " }"
    at = after.end_byte if after is not None else arguments.start_byte + 1
    lead = ", " if after is not None else ""
    comments = [c for c in arguments.children if c.type == "comment"]
    if after is None and comments:  # new OpenAI(/* options */): after the comment
        at, lead = comments[-1].end_byte, " "
    if _width(js, arguments.start_byte) + len(lead) + len(
        inline
    ) <= js.ctx.settings.js_line_length or js.under_directive(arguments.start_byte):
        js.edits.insert(at, lead + inline)
        return
    newline = source.newline.decode()
    indent = source.indent_at(arguments.start_byte).decode()
    unit = source.indent_unit().decode()
    body = "".join(f"{newline}{indent}{unit}{item}," for item in items)
    js.edits.insert(at, lead + "{" + body + newline + indent + "}")


def _tokens(obj: Node) -> tuple[list[Node], list[Node], list[Node]]:
    """Members, comma tokens and comments of an object literal, in source order."""
    members, commas, comments = [], [], []
    for child in obj.children:
        if child.type == ",":
            commas.append(child)
        elif child.type == "comment":
            comments.append(child)
        elif child.is_named:
            members.append(child)
    return members, commas, comments


def _line_end(data: bytes, offset: int) -> int:
    end = data.find(b"\n", offset)
    end = len(data) if end < 0 else end
    return end - 1 if end > 0 and data[end - 1 : end] == b"\r" else end


def _append(js: JsFile, obj: Node, items: list[str], explode: bool) -> None:
    js.laid_out.add(obj.id)
    source = js.source
    data = source.data
    members, commas, comments = _tokens(obj)
    close = obj.end_byte - 1  # the `}`
    one_line = source.point(obj.start_byte).line == source.point(obj.end_byte).line
    newline = source.newline.decode()
    if not members:
        inside = data[obj.start_byte + 1 : obj.end_byte - 1]
        if not comments and one_line:  # {} -> { apiKey: ..., baseURL: ... }
            js.edits.insert(
                obj.start_byte + 1,
                " " + ", ".join(items) + ("" if inside.startswith(b" ") else " "),
            )
        elif not comments:  # {\n} -> one line per property, the closing brace where it was
            indent = source.indent_at(obj.start_byte).decode() + source.indent_unit().decode()
            js.edits.insert(
                obj.start_byte + 1, "".join(f"{newline}{indent}{item}," for item in items)
            )
        elif one_line:
            js.edits.insert(comments[-1].end_byte, " " + ", ".join(items))
        else:
            indent = source.indent_at(comments[-1].start_byte).decode()
            js.edits.insert(
                _line_end(data, comments[-1].end_byte),
                "".join(f"{newline}{indent}{item}," for item in items),
            )
        return
    last = members[-1]
    trailing = next((c for c in commas if c.start_byte >= last.end_byte), None)
    if one_line:
        added = ", ".join(items)
        if (
            not explode
            or comments
            or _width(js, obj.start_byte) + len(added) + 2 <= js.ctx.settings.js_line_length
            or js.under_directive(obj.start_byte)
        ):
            if trailing is not None:
                js.edits.insert(trailing.end_byte, f" {added},")
            else:
                js.edits.insert(last.end_byte, f", {added}")
            return
        _explode(js, obj, members, commas, items)
        return
    indent = source.indent_at(last.start_byte).decode()
    if source.point(last.start_byte).line == source.point(obj.start_byte).line:
        indent = source.indent_at(obj.start_byte).decode() + source.indent_unit().decode()
    text = "".join(f"{newline}{indent}{item}," for item in items)
    anchor = trailing.end_byte if trailing is not None else last.end_byte
    if trailing is None:
        text = text[:-1]  # the object had no trailing comma: neither do the added lines
        js.edits.insert(last.end_byte, ",")
    # after a comment that ends the last property's line, never before it
    point = anchor
    line_end = _line_end(data, anchor)
    rest = data[anchor:line_end].strip()
    if rest.startswith((b"//", b"/*")) and line_end <= close:
        point = line_end
    js.edits.insert(point, text)


def _explode(
    js: JsFile, obj: Node, members: list[Node], commas: list[Node], items: list[str]
) -> None:
    """A one-line object that would outgrow the line: one property per line. Only the
    whitespace between tokens is replaced, so the properties (and edits inside them) are
    untouched."""
    source = js.source
    newline = source.newline.decode()
    indent = source.indent_at(obj.start_byte).decode()
    inner = indent + source.indent_unit().decode()
    js.edits.replace(obj.start_byte + 1, members[0].start_byte, newline + inner)
    for before, after in pairwise(members):
        comma = next(c for c in commas if before.end_byte <= c.start_byte < after.start_byte)
        js.edits.replace(comma.end_byte, after.start_byte, newline + inner)
    last = members[-1]
    trailing = next((c for c in commas if c.start_byte >= last.end_byte), None)
    end = trailing.end_byte if trailing is not None else last.end_byte
    prefix = "" if trailing is not None else ","
    added = "".join(f"{newline}{inner}{item}," for item in items)
    js.edits.replace(end, obj.end_byte - 1, prefix + added + newline + indent)


def relayout(js: JsFile) -> None:
    """One-line objects that a rewrite pushed past the configured line length are laid out
    one property per line, as a formatter would (and as Python calls are, by layout.py).
    Only the whitespace between properties changes."""
    seen: set[int] = set()
    limit = js.ctx.settings.js_line_length
    for obj in sorted(js.grown, key=lambda node: node.start_byte):  # outer objects first
        if obj.id in seen or obj.id in js.laid_out or obj.type != "object":
            continue
        seen.add(obj.id)
        if _inside_laid_out(js, obj):
            continue  # its indentation is not known until the outer layout is written
        source = js.source
        if source.point(obj.start_byte).line != source.point(obj.end_byte).line:
            continue
        members, commas, comments = _tokens(obj)
        if not members or comments:
            continue
        line_start = source.line_start(obj.start_byte)
        line_end = _line_end(source.data, obj.start_byte)
        growth = sum(
            len(e.text) - (e.end - e.start)
            for e in js.edits.items
            if line_start <= e.start <= line_end
        )
        if _width(js, obj.start_byte) + growth > limit and not js.under_directive(obj.start_byte):
            _explode(js, obj, members, commas, [])
            js.laid_out.add(obj.id)


def _inside_laid_out(js: JsFile, obj: Node) -> bool:
    holder = obj.parent
    while holder is not None:
        if holder.type == "object" and holder.id in js.laid_out:
            return True
        holder = holder.parent
    return False
