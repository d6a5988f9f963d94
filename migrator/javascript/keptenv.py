"""Readers that keep an OpenAI variable in a file: what they are, before any rule renames.

A variable's readers change together (`migrator.decisions.env_writes`). Some readers in a
file stay on OpenAI and keep reading the variable by its OpenAI name: a class the tool
leaves as it is that reads it itself (@ai-sdk/openai's ready-made `openai` provider, the
legacy langchain classes), or a request left to OpenAI that sends it (see
`literals.mark_raw_http`). Found first, so that no rule renames a read of such a variable.
"""

from __future__ import annotations

from tree_sitter import Node

from migrator.javascript.clients import constructed_kind
from migrator.javascript.state import JsFile


def collect_kept_readers(js: JsFile, constructions: list[Node], calls: list[Node]) -> None:
    providers = js.facts.providers
    for call in calls:
        function = call.child_by_field_name("function")
        target = js.resolver.target(function)
        if target is None:
            continue
        provider = providers.get(target) or providers.get(target.rpartition(".")[0])
        if provider is None:
            continue
        where = f"{js.text(function or call)}() on line {js.source.point(call.start_byte).line}"
        for name in provider.reads:
            js.env_kept.setdefault(name, where)
    for node in constructions:
        kind = constructed_kind(js, node)
        if kind is None or kind.kind != "manual" or not kind.reads:
            continue
        callee = node.child_by_field_name("constructor") or node.child_by_field_name("function")
        where = f"{js.text(callee or node)} on line {js.source.point(node.start_byte).line}"
        for name in kind.reads:
            js.env_kept.setdefault(name, where)
