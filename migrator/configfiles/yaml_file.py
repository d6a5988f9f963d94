"""YAML files (docker-compose, Kubernetes, GitHub Actions, app settings).

PyYAML's composer gives every scalar's start and end offset in the text; edits replace
exactly those spans, so the file is not re-emitted and keeps its comments, anchors,
quoting and layout. Block scalars (`|`, `>`) and escaped or folded quoted scalars are
reported but never edited. Several documents (`---`) are handled.
"""

from __future__ import annotations

import re

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from migrator.configfiles.engine import ConfigRewrite
from migrator.configfiles.spans import ParseError, Scalar

_ENV_ITEM = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)=")


def scalar(node: ScalarNode, text: str) -> Scalar:
    """The scalar's value span. The node's marks include any anchor or tag before the
    value (`&embed gpt-4o`, `!!str gpt-4o`), so the value is located from the end."""
    start, end = node.start_mark.index, node.end_mark.index
    style, value = node.style, node.value
    empty = '""' if style is None else ""
    if style in ("|", ">"):
        return Scalar(value, start, end, False, empty)
    close = end - 1 if style in ('"', "'") else end
    begin = close - len(value)
    exact = (
        begin >= start
        and text[begin:close] == value
        and (style is None or text[begin - 1] == style)
    )
    if exact:
        return Scalar(value, begin, close, True, empty)
    return Scalar(value, start, end, False, empty)


def compose(text: str) -> list[Node]:
    try:
        return [doc for doc in yaml.compose_all(text, Loader=yaml.SafeLoader) if doc is not None]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ParseError(
            f"line {line}, column {column}: {error.problem or error.context}", line, column
        ) from None
    except yaml.YAMLError as error:
        raise ParseError(str(error)) from None


class Walker:
    """Walks each node once. An alias (`*name`) is the very node its anchor defined, so a
    node met again is skipped: it was decided where it is written, and 400 bytes of
    aliases to aliases (a "billion laughs" file) cannot make the walk, the findings or
    the count of rewrites grow exponentially."""

    def __init__(self, text: str, rewrite: ConfigRewrite) -> None:
        self.text, self.rewrite = text, rewrite
        self.facts = rewrite.facts
        self.seen: set[int] = set()

    def first_visit(self, node: Node) -> bool:
        if id(node) in self.seen:
            return False
        self.seen.add(id(node))
        return True

    def node(self, node: Node, path: tuple[str, ...]) -> None:
        if not self.first_visit(node):
            return
        if isinstance(node, MappingNode):
            self.mapping(node, path)
        elif isinstance(node, SequenceNode):
            self.sequence(node, path)
        elif isinstance(node, ScalarNode) and path:
            self.rewrite.value(scalar(node, self.text), path)

    def mapping(self, node: MappingNode, path: tuple[str, ...]) -> None:
        entries = [(k, v) for k, v in node.value if isinstance(k, ScalarNode)]
        siblings = {k.value for k, _ in entries}
        if path and path[-1] in self.facts.env_mappings and self.env_entry(entries, path, siblings):
            return
        for key, value in entries:
            child = (*path, key.value)
            if isinstance(value, ScalarNode):
                written = scalar(value, self.text) if self.first_visit(value) else None
                self.rewrite.entry(scalar(key, self.text), written, child, siblings)
            else:
                self.rewrite.entry(scalar(key, self.text), None, child, siblings)
                self.node(value, child)

    def env_entry(
        self, entries: list[tuple[ScalarNode, Node]], path: tuple[str, ...], siblings: set[str]
    ) -> bool:
        """Kubernetes `- name: OPENAI_API_KEY` / `value: ...`: the name is the variable."""
        fields = {k.value: v for k, v in entries}
        name = fields.get(self.facts.env_entry_name)
        if not isinstance(name, ScalarNode):
            return False
        value = fields.get(self.facts.env_entry_value)
        value_scalar = scalar(value, self.text) if isinstance(value, ScalarNode) else None
        variable = scalar(name, self.text)
        if self.rewrite.is_variable(variable.value):
            self.rewrite.variable(variable, value_scalar, (*path[:-1], variable.value), siblings)
        elif value_scalar is not None:
            self.rewrite.value(value_scalar, (*path[:-1], variable.value))
        for key, other in entries:
            if key.value not in (self.facts.env_entry_name, self.facts.env_entry_value):
                self.node(other, (*path, key.value))
        return True

    def sequence(self, node: SequenceNode, path: tuple[str, ...]) -> None:
        in_env = bool(path) and path[-1] in self.facts.env_mappings
        items = [scalar(item, self.text) for item in node.value if isinstance(item, ScalarNode)]
        names = {m.group("name") for item in items if (m := _ENV_ITEM.match(item.value))}
        for item in node.value:
            if isinstance(item, MappingNode) and in_env:
                if self.first_visit(item):
                    self.mapping(item, path)
            elif isinstance(item, ScalarNode):
                if not self.first_visit(item):
                    continue
                found = scalar(item, self.text)
                match = _ENV_ITEM.match(found.value) if in_env and found.exact else None
                if match:
                    name = found.sub(0, match.end("name"))
                    value = found.sub(match.end(), len(found.value))
                    self.rewrite.entry(name, value, (*path, name.value), names)
                else:
                    self.rewrite.list_item(found, path)
            else:
                self.node(item, path)


def migrate(text: str, rewrite: ConfigRewrite) -> None:
    walker = Walker(text, rewrite)
    for document in compose(text):
        walker.node(document, ())
