"""`process.env.OPENAI_API_KEY` -> `process.env.MISTRAL_API_KEY`: the same renames as the
Python pass and the config files (`migrator.envnames`), so code and `.env` keep agreeing."""

from __future__ import annotations

from tree_sitter import Node

from migrator.envnames import renamed_variable
from migrator.javascript.source import quote_of, quoted
from migrator.javascript.state import JsFile
from migrator.javascript.values import env_read

KIND = "env var names"


def scan_env_reads(js: JsFile, nodes: list[Node]) -> None:
    settings = js.ctx.settings
    for node in nodes:
        read = env_read(node, js.facts.env_objects)
        if read is None:
            continue
        name, spelled = read
        if spelled.start_byte in js.claimed:
            continue
        js.claimed.add(spelled.start_byte)
        new = renamed_variable(name, settings)
        if new is None:
            continue
        if not js.report("MM104", node, old=name, new=new):
            continue
        text = new if spelled.type == "property_identifier" else quoted(new, quote_of(spelled))
        js.edits.replace(spelled.start_byte, spelled.end_byte, text)
        js.ctx.rewrote(KIND, new, uses_os=False)
