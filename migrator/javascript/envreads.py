"""`process.env.OPENAI_API_KEY` -> `process.env.MISTRAL_API_KEY`: the same renames as the
Python pass and the config files (`migrator.envnames`), so code and `.env` keep agreeing.
`const { OPENAI_API_KEY } = process.env` reads the variable too: its key is renamed and
the local name kept (`{ MISTRAL_API_KEY: OPENAI_API_KEY }`)."""

from __future__ import annotations

from tree_sitter import Node

from migrator.decisions.env_writes import judge_env_use
from migrator.envnames import renamed_variable
from migrator.javascript.source import quote_of, string_value
from migrator.javascript.state import JsFile
from migrator.javascript.values import dotted, env_read, unwrap

KIND = "env var names"


def _is_write(node: Node) -> bool:
    parent = node.parent
    return (
        parent is not None
        and parent.type in ("assignment_expression", "augmented_assignment_expression")
        and parent.child_by_field_name("left") == node
    )


def collect_env_writes(js: JsFile, nodes: list[Node]) -> None:
    """The variables this file assigns (`process.env.OPENAI_API_KEY = saved`), by line."""
    for node in nodes:
        read = env_read(node, js.facts.env_objects)
        if read is not None and _is_write(node):
            js.env_written.setdefault(read[0], []).append(js.source.point(node.start_byte).line)


def renamed_here(js: JsFile, node: Node, name: str) -> str | None:
    """The new name of a variable read at `node`, or None when it keeps its name (a
    variable this file also assigns is reported instead: see decisions.env_writes)."""
    new = renamed_variable(name, js.ctx.settings)
    if new is None:
        return None
    verdict = judge_env_use(
        name, new, js.env_written.get(name, ()), writing=False, kept_by=js.env_kept.get(name, "")
    )
    if not verdict.rename:
        assert verdict.code is not None
        js.report(verdict.code, node, **verdict.fields)
        return None
    return new


def _rename(js: JsFile, node: Node, name: str, spelled: Node, text_of: str) -> None:
    new = renamed_here(js, node, name)
    if new is None or not js.report("MM104", node, old=name, new=new):
        return
    js.edits.replace(spelled.start_byte, spelled.end_byte, text_of.format(new=new))
    js.ctx.rewrote(KIND, new, uses_os=False)


def scan_env_reads(js: JsFile, nodes: list[Node], declarators: list[Node]) -> None:
    for node in nodes:
        read = env_read(node, js.facts.env_objects)
        if read is None:
            continue
        name, spelled = read
        if spelled.start_byte in js.claimed or js.is_hands_off(node):
            continue
        js.claimed.add(spelled.start_byte)
        if _is_write(node):
            # process.env.OPENAI_API_KEY = ...: what is stored there is the reader's business
            new = renamed_variable(name, js.ctx.settings)
            if new is not None:
                verdict = judge_env_use(name, new, js.env_written[name], writing=True)
                assert verdict.code is not None
                js.report(verdict.code, node, **verdict.fields)
            continue
        quote = "" if spelled.type == "property_identifier" else quote_of(spelled)
        _rename(js, node, name, spelled, quote + "{new}" + quote)
    for declarator in declarators:
        pattern, value = (
            declarator.child_by_field_name("name"),
            unwrap(declarator.child_by_field_name("value")),
        )
        if (
            pattern is None
            or pattern.type != "object_pattern"
            or dotted(value) not in js.facts.env_objects
        ):
            continue
        if js.is_hands_off(declarator):
            continue
        for part in pattern.named_children:
            if part.type == "shorthand_property_identifier_pattern" and part.text:
                name = part.text.decode()
                _rename(js, part, name, part, "{new}: " + name)
            elif part.type == "pair_pattern":
                key = part.child_by_field_name("key")
                name = (string_value(key) or (key.text or b"").decode()) if key is not None else ""
                if key is not None and name:
                    _rename(
                        js,
                        part,
                        name,
                        key,
                        "{new}"
                        if key.type == "property_identifier"
                        else quote_of(key) + "{new}" + quote_of(key),
                    )
            elif (
                part.type == "object_assignment_pattern"
            ):  # { OPENAI_MODEL = "gpt-4o" } = process.env
                left = part.child_by_field_name("left")
                if left is not None and left.text:
                    name = left.text.decode()
                    _rename(js, left, name, left, "{new}: " + name)


def scan_meta_env_reads(js: JsFile, nodes: list[Node]) -> None:
    """`import.meta.env.OPENAI_API_KEY` (Vite, Astro): renamed like `process.env` reads, so
    the code and the `.env` files the config pass renames keep agreeing. A client's key
    read this way is not given a default (browser code: see MM121)."""
    for node in nodes:
        if js.is_hands_off(node) or node.start_byte in js.claimed:
            continue
        parent = node.parent
        if parent is not None and parent.type in (
            "assignment_expression",
            "augmented_assignment_expression",
        ):
            continue
        if node.type == "member_expression":
            spelled = node.child_by_field_name("property")
            if spelled is None or not spelled.text:
                continue
            name, text = spelled.text.decode(), "{new}"
        else:
            spelled = node.child_by_field_name("index")
            value = string_value(spelled)
            if spelled is None or not value:
                continue
            name, text = value, quote_of(spelled) + "{new}" + quote_of(spelled)
        js.claimed.update((node.start_byte, spelled.start_byte))
        _rename(js, node, name, spelled, text)
