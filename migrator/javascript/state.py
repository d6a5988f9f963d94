"""Per-file state of the JS pass: the source, the findings context, the edits, and what
each rule has claimed, so that no two rules speak for (or rewrite) the same node."""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from typing import Any

from tree_sitter import Node

from migrator.callrules import CallRules
from migrator.javascript.bindings import Resolver
from migrator.javascript.edits import Edits
from migrator.javascript.facts import EnvStyle, JsFacts
from migrator.javascript.source import Source, quoted
from migrator.python.context import FileContext

_STATEMENTS = frozenset(
    {
        "expression_statement",
        "lexical_declaration",
        "variable_declaration",
        "return_statement",
        "export_statement",
        "if_statement",
        "switch_statement",
        "for_statement",
        "while_statement",
        "class_declaration",
        "function_declaration",
        "public_field_definition",
        "field_definition",
        "method_definition",
        "throw_statement",
        "type_alias_declaration",
        "interface_declaration",
    }
)


@dataclass
class Holder:
    """What a variable or `this.` member was set to: a client, a provider, or one aimed
    elsewhere."""

    kind: str  # "client" | "provider" | "imported"
    elsewhere: bool = False
    # a resource taken off a client: `const { chat } = client` holds ("chat",)
    prefix: tuple[str, ...] = ()
    # the construction that built it (a `clients.Construction`), for where it sends;
    # not part of what the holder is (two names holding clients agree whichever built them)
    origin: Any = field(default=None, compare=False)


@dataclass
class RequestSite:
    """A place that sends a request, as the pass met it, for `probe`
    (`javascript.requests` turns it into call facts): a call on a client (`call`), an AI
    SDK call (`ai_sdk`), or a construction that fixes its request (`construction`)."""

    kind: str
    node: Node
    holder: Holder | None = None
    path: tuple[str, ...] = ()  # a client call's resource path and method
    target: str = ""  # an AI SDK call's import target
    construction: Any = None  # a `clients.Construction`


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
    # the spellings in `names`, for the common "not a client" answer without a scope lookup
    known: set[str] = field(default_factory=set)
    # node id (start byte, end byte) of inline constructions -> what they build
    built: dict[tuple[int, int], Holder] = field(default_factory=dict)
    # local names imported from the project's own modules (`import { openai } from "@/lib/openai"`)
    local_imports: set[tuple[int, str]] = field(default_factory=set)
    # functions that return a client (`function getClient() { ...; return client; }`)
    functions: dict[tuple[int, str], Holder] = field(default_factory=dict)
    # one-line objects a rewrite made longer, and objects add_properties already laid out
    grown: list[Node] = field(default_factory=list)
    laid_out: set[int] = field(default_factory=set)
    # every `name = value` declarator, for constants a client option refers to
    declarators: list[Node] = field(default_factory=list)
    # the places that send a request (read by `probe` only)
    requests: list[RequestSite] = field(default_factory=list)

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

    # `this.<name>` holders, by (enclosing class body id, name)
    members: dict[tuple[int, str], Holder] = field(default_factory=dict)
    # hands_off sorted, with the running maximum of their ends (see is_hands_off)
    _ranges: list[tuple[int, int]] = field(default_factory=list)
    _ends: list[int] = field(default_factory=list)
    # env variables this file assigns (`process.env.OPENAI_API_KEY = saved`) -> their lines
    env_written: dict[str, list[int]] = field(default_factory=dict)
    # env variables a reader that stays keeps reading -> that reader, for findings
    env_kept: dict[str, str] = field(default_factory=dict)
    # False for browser or edge code (Vite's `import.meta.env` and no `process.env`, a
    # client component, ...); `browser` says why. Set by the pass
    env_available: bool = True
    browser: str | None = None
    # how the migrated reads are spelled in this file's runtime; set by the pass
    style: EnvStyle = field(default_factory=lambda: EnvStyle("", "", ""))

    def grow(self, value: Node) -> None:
        """A property value a rewrite lengthened (`model: x ?? "gpt-4o"` too): its object
        may need laying out anew."""
        holder = value.parent
        while holder is not None and holder.type in (
            "binary_expression",
            "ternary_expression",
            "parenthesized_expression",
        ):
            holder = holder.parent
        if holder is not None and holder.type == "pair" and holder.parent is not None:
            self.grown.append(holder.parent)

    def constant_value(self, identifier: Node) -> Node | None:
        """What a same-scope `const` of this name holds (`const BASE_URL = ...`), or None."""
        wanted = self.variable(identifier)
        for declarator in self.declarators:
            name, held = (
                declarator.child_by_field_name("name"),
                declarator.child_by_field_name("value"),
            )
            holder = declarator.parent
            if name is None or held is None or name.text != identifier.text or holder is None:
                continue
            if (
                holder.type == "lexical_declaration"
                and holder.children[0].type == "const"
                and self.variable(name) == wanted
            ):
                return held
        return None

    def variable(self, identifier: Node) -> tuple[int, str]:
        return self.resolver.scopes.declaring_scope(identifier), (identifier.text or b"").decode()

    def remember(self, key: tuple[int, str], holder: Holder, replace: bool = True) -> None:
        if replace or key not in self.names:
            self.names[key] = holder
            self.known.add(key[1])

    def member(self, node: Node, name: str) -> tuple[int, str]:
        """The key of `this.<name>` (or a field `<name>`) seen at `node`: its class body."""
        holder = node.parent
        while holder is not None and holder.type != "class_body":
            holder = holder.parent
        return (holder.id if holder is not None else -1), name

    def is_hands_off(self, node: Node) -> bool:
        """Whether a range left alone contains the node (sorted starts and prefix maxima of
        ends: a bisect, not a scan of every range, per string of the file)."""
        if not self.hands_off:
            return False
        if len(self._ranges) != len(self.hands_off):
            self._ranges = sorted(self.hands_off)
            self._ends = list(itertools.accumulate((end for _, end in self._ranges), max))
        index = bisect.bisect_right(self._ranges, (node.start_byte, float("inf"))) - 1
        return index >= 0 and self._ends[index] >= node.end_byte

    def env_read(self, name: str) -> str:
        return self.style.read.format(name=name, quoted=quoted(name, self.quote))

    def key_read(self, name: str) -> str:
        """The API key's read: never `undefined`, which the SDKs replace by OPENAI_API_KEY."""
        return self.style.key_read.format(
            name=name, quoted=quoted(name, self.quote), empty=quoted("", self.quote)
        )

    def env_default(self, name: str, default: str) -> str:
        if not self.env_available:
            return quoted(default, self.quote)
        return self.style.with_default.format(
            name=name, quoted=quoted(name, self.quote), default=quoted(default, self.quote)
        )

    def text(self, node: Node) -> str:
        return self.source.text(node)

    def under_directive(self, offset: int) -> bool:
        """Whether the line holding `offset` is the target of a comment directive on the
        line above it (`// @ts-expect-error`, `// eslint-disable-next-line`): that line's
        code must stay on it."""
        start = self.source.line_start(offset)
        if start == 0:
            return False
        above = self.source.line_start(start - 1)
        line = self.source.data[above:start].decode("utf-8", "replace").strip()
        if not line.startswith(("//", "/*", "{/*", "*")):
            return False
        return any(directive in line for directive in self.facts.directives)
