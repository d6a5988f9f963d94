"""Per-file state of the JS pass: the source, the findings context, the edits, and what
each rule has claimed, so that no two rules speak for (or rewrite) the same node."""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from migrator.callrules import CallRules
from migrator.javascript.bindings import Resolver
from migrator.javascript.edits import Edits
from migrator.javascript.facts import JsFacts
from migrator.javascript.source import Source, quoted
from migrator.python.context import FileContext

_STATEMENTS = frozenset({
    "expression_statement", "lexical_declaration", "variable_declaration", "return_statement",
    "export_statement", "if_statement", "switch_statement", "for_statement", "while_statement",
    "class_declaration", "function_declaration", "public_field_definition", "field_definition", "method_definition",
    "throw_statement", "type_alias_declaration", "interface_declaration",
})


@dataclass
class Holder:
    """What a variable or `this.` member was set to: a client, a provider, or one aimed elsewhere."""

    kind: str  # "client" | "provider" | "imported"
    elsewhere: bool = False
    # a resource taken off a client: `const { chat } = client` holds ("chat",)
    prefix: tuple[str, ...] = ()


@dataclass
class JsFile:
    source: Source
    ctx: FileContext
    facts: JsFacts
    rules: CallRules
    resolver: Resolver
    typescript: bool
    quote: str
    edits: Edits = field(default_factory=Edits)
    # start bytes of nodes a rule has dealt with (literals, env reads)
    claimed: set[int] = field(default_factory=set)
    # byte ranges whose model ids are not this tool's business (clients aimed elsewhere,
    # Azure deployments, the AI SDK's ready-made provider)
    hands_off: list[tuple[int, int]] = field(default_factory=list)
    # (declaring scope id, name) -> what the variable holds; see bindings.declaring_scope
    names: dict[tuple[int, str], Holder] = field(default_factory=dict)
    members: dict[str, Holder] = field(default_factory=dict)
    # node id (start byte, end byte) of inline constructions -> what they build
    built: dict[tuple[int, int], Holder] = field(default_factory=dict)
    # local names imported from the project's own modules (`import { openai } from "@/lib/openai"`)
    local_imports: set[tuple[int, str]] = field(default_factory=set)
    # functions that return a client (`function getClient() { ...; return client; }`)
    functions: dict[tuple[int, str], Holder] = field(default_factory=dict)
    # every `name = value` declarator, for constants a client option refers to
    declarators: list[Node] = field(default_factory=list)

    def report(self, code: str, node: Node, **fields: object) -> bool:
        """A finding at `node`; False when silenced (its rewrite must not happen then)."""
        statement = node
        while statement.parent is not None and statement.type not in _STATEMENTS:
            statement = statement.parent
        self.ctx.statement_lines = [self.source.point(statement.start_byte).line]
        try:
            return self.ctx.report(code, self.source.span(node), **fields)
        finally:
            self.ctx.statement_lines = []

    def variable(self, identifier: Node) -> tuple[int, str]:
        from migrator.javascript.bindings import declaring_scope

        return declaring_scope(identifier), (identifier.text or b"").decode()

    def is_hands_off(self, node: Node) -> bool:
        return any(start <= node.start_byte and node.end_byte <= end for start, end in self.hands_off)

    @property
    def env_available(self) -> bool:
        """False for browser code (Vite's `import.meta.env` and no `process.env`): there a
        rewrite writes the Mistral value itself, since `process.env` does not exist."""
        data = self.source.data
        return b"import.meta.env" not in data or b"process.env" in data

    def env_read(self, name: str) -> str:
        return self.facts.env_read.format(name=name)

    def env_default(self, name: str, default: str) -> str:
        if not self.env_available:
            return quoted(default, self.quote)
        return self.facts.env_with_default.format(name=name, default=quoted(default, self.quote))

    def text(self, node: Node) -> str:
        return self.source.text(node)
