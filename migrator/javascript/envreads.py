"""`process.env.OPENAI_API_KEY` -> `process.env.MISTRAL_API_KEY`: the same renames as the
Python pass and the config files (`migrator.envnames`), so code and `.env` keep agreeing.
`const { OPENAI_API_KEY } = process.env` reads the variable too: its key is renamed and
the local name kept (`{ MISTRAL_API_KEY: OPENAI_API_KEY }`)."""

from __future__ import annotations

from tree_sitter import Node

from migrator.envnames import renamed_variable
from migrator.javascript.source import quote_of, string_value
from migrator.javascript.state import JsFile
from migrator.javascript.values import dotted, env_read, unwrap

KIND = "env var names"


def _rename(js: JsFile, node: Node, name: str, spelled: Node, text_of: str) -> None:
    new = renamed_variable(name, js.ctx.settings)
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
        parent = node.parent
        if (
            parent is not None
            and parent.type in ("assignment_expression", "augmented_assignment_expression")
            and parent.child_by_field_name("left") == node
        ):
            # process.env.OPENAI_API_KEY = ...: what is stored there is the reader's business
            new = renamed_variable(name, js.ctx.settings)
            if new is not None:
                js.report("MM110", node, old=name, new=new, how="assigned here")
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
