"""Adding properties to an options object the way a person would type them.

A one-line object gets them on its line; a multi-line one gets one line each, indented
like its last property, keeping its trailing-comma habit; no object at all (`new
OpenAI()`) gets one, on a single line when it fits the configured line length, else one
property per line with trailing commas. A comment after the last property stays on
its line.
"""

from __future__ import annotations

from tree_sitter import Node

from migrator.javascript.state import JsFile
from migrator.javascript.values import properties, unwrap

Addition = tuple[str, str]  # (option path, value text)


def _nest(additions: list[Addition], options: Node | None) -> tuple[list[str], dict[str, list[str]]]:
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


def add_properties(js: JsFile, arguments: Node | None, options: Node | None, additions: list[Addition]) -> None:
    top, nested = _nest(additions, options)
    if options is None:
        if arguments is not None and top:
            _new_object(js, arguments, top)
        return
    existing = properties(options)
    for outer, items in nested.items():
        holder = unwrap(existing[outer])
        assert holder is not None
        _append(js, holder, items)
    if top:
        _append(js, options, top)


def _new_object(js: JsFile, arguments: Node, items: list[str]) -> None:
    """`()` -> `({ apiKey: ..., baseURL: ... })`."""
    source = js.source
    inline = "({ " + ", ".join(items) + " })"
    line_start = source.line_start(arguments.start_byte)
    line_end = source.data.find(b"\n", arguments.end_byte)
    line_end = len(source.data) if line_end < 0 else line_end
    width = len(source.data[line_start:line_end].decode("utf-8", "replace").rstrip("\r")) + len(inline) - 2
    if width <= js.ctx.settings.line_length:
        js.edits.replace(arguments.start_byte, arguments.end_byte, inline)
        return
    newline = source.newline.decode()
    indent = source.indent_at(arguments.start_byte).decode()
    unit = source.indent_unit().decode()
    body = "".join(f"{newline}{indent}{unit}{item}," for item in items)
    js.edits.replace(arguments.start_byte, arguments.end_byte, "({" + body + newline + indent + "})")


def _append(js: JsFile, obj: Node, items: list[str]) -> None:
    source = js.source
    data = source.data
    members = [c for c in obj.named_children if c.type != "comment"]
    close = obj.end_byte - 1  # the `}`
    if not members:
        js.edits.replace(obj.start_byte, obj.end_byte, "{ " + ", ".join(items) + " }")
        return
    last = members[-1]
    after = data[last.end_byte:close]
    comma = after.lstrip().startswith(b",")
    comma_end = last.end_byte + after.index(b",") + 1 if comma else last.end_byte
    one_line = source.point(obj.start_byte).line == source.point(obj.end_byte).line
    if one_line:
        added = ", ".join(items)
        if _width(js, obj.start_byte) + len(added) + 2 <= js.ctx.settings.line_length or _has_comment(obj):
            if comma:
                js.edits.insert(comma_end, f" {added},")
            else:
                js.edits.insert(last.end_byte, f", {added}")
            return
        _explode(js, obj, members, items)
        return
    newline = source.newline.decode()
    indent = source.indent_at(last.start_byte).decode()
    if source.point(last.start_byte).line == source.point(obj.start_byte).line:
        indent = source.indent_at(obj.start_byte).decode() + source.indent_unit().decode()
    text = "".join(f"{newline}{indent}{item}," for item in items)
    if not comma:
        text = text[:-1]  # the object had no trailing comma: neither do the added lines
        js.edits.insert(last.end_byte, ",")
    # after a comment that ends the last property's line, never before it
    line_end = data.find(b"\n", comma_end)
    line_end = len(data) if line_end < 0 else line_end
    if line_end > 0 and data[line_end - 1:line_end] == b"\r":
        line_end -= 1
    rest = data[comma_end:line_end].strip()
    point = line_end if rest.startswith((b"//", b"/*")) and line_end <= close else comma_end
    if rest and not rest.startswith((b"//", b"/*")):
        point = comma_end
    js.edits.insert(point, text)


def _width(js: JsFile, offset: int) -> int:
    data = js.source.data
    start = js.source.line_start(offset)
    end = data.find(b"\n", offset)
    end = len(data) if end < 0 else end
    return len(data[start:end].decode("utf-8", "replace").rstrip("\r"))


def _has_comment(obj: Node) -> bool:
    return any(child.type == "comment" for child in obj.named_children)


def _explode(js: JsFile, obj: Node, members: list[Node], items: list[str]) -> None:
    """A one-line object that would outgrow the line: one property per line, as a
    formatter would lay it out. Only the whitespace between properties is replaced, so
    the properties themselves (and edits inside them) are untouched."""
    source = js.source
    data = source.data
    newline = source.newline.decode()
    indent = source.indent_at(obj.start_byte).decode()
    inner = indent + source.indent_unit().decode()
    js.edits.replace(obj.start_byte + 1, members[0].start_byte, newline + inner)
    for before, after in zip(members, members[1:]):
        comma = before.end_byte + data[before.end_byte:after.start_byte].index(b",") + 1
        js.edits.replace(comma, after.start_byte, newline + inner)
    last = members[-1]
    tail = data[last.end_byte:obj.end_byte - 1]
    end = last.end_byte + tail.index(b",") + 1 if tail.lstrip().startswith(b",") else last.end_byte
    prefix = "" if end > last.end_byte else ","
    added = "".join(f"{newline}{inner}{item}," for item in items)
    js.edits.replace(end, obj.end_byte - 1, prefix + added + newline + indent)
