"""The requests a JS/TS file sends, as plain call facts for `mistral-migrate probe`.

The pass that `check` runs records every place that sends a request as it meets it
(`JsFile.requests`: a call on a client it followed, an AI SDK call, a LangChain.js
construction); this module only turns those nodes into the language-neutral facts of
`migrator.requestfacts` (a literal, an env read with its default, a value it cannot
follow), so the plan decides for JS exactly as for Python: which client goes to Mistral,
which model an env var gives, which parameters are sent.

Parameters are named as the request body sends them: openai-node sends its options
object as the body; the AI SDK and LangChain.js rename their settings, by the tables of
`[probe]` in rules/javascript.toml.
"""

from __future__ import annotations

import posixpath
from typing import Any

from tree_sitter import Node

from migrator.javascript.bindings import Binding
from migrator.javascript.clients import Construction
from migrator.javascript.migrate import analyse
from migrator.javascript.source import string_value
from migrator.javascript.state import Holder, JsFile, RequestSite
from migrator.javascript.syntax import FUNCTIONS
from migrator.javascript.values import (
    NOT_LITERAL,
    env_read,
    key_name,
    literal,
    lookup,
    properties,
    unwrap,
)
from migrator.requestfacts import CallFact, ClientFact, FileFacts, ValueFact
from migrator.settings import Settings

MAX_DEPTH = 6
# where a client the migration leaves as it is sends: not something probe can read
LEFT = ValueFact("unknown", text="a client the migration leaves as it is")
Params = list[tuple[str, tuple[ValueFact, ...]]]


def collect_js_calls(data: bytes, display: str, settings: Settings) -> FileFacts:
    js = analyse(data, display, settings)
    facts = FileFacts(display)
    if js is not None:
        requests = Requests(js)
        facts.calls = [c for site in js.requests if (c := requests.call(site)) is not None]
        facts.constants, facts.clients = requests.module_names()
    return facts


def json_value(node: Node | None) -> tuple[bool, Any]:
    """(True, value) for a JSON-like literal: strings, numbers, booleans, null, and
    arrays and objects of them; else (False, None)."""
    node = unwrap(node)
    if node is None:
        return False, None
    if node.type == "array":
        items = [json_value(item) for item in node.named_children if item.type != "comment"]
        if all(ok for ok, _ in items):
            return True, [value for _, value in items]
        return False, None
    if node.type == "object":
        found: dict[str, Any] = {}
        for member in node.named_children:
            if member.type == "comment":
                continue
            name = key_name(member) if member.type == "pair" else None
            ok, value = json_value(member.child_by_field_name("value"))
            if name is None or not ok:
                return False, None
            found[name] = value
        return True, found
    value = literal(node)
    if value is NOT_LITERAL:
        return False, None
    if isinstance(value, float) and value.is_integer() and node.text and b"." not in node.text:
        value = int(value)
    return True, value


class Requests:
    def __init__(self, js: JsFile) -> None:
        self.js = js
        self.probe = js.facts.probe

    # -- values -----------------------------------------------------------------------
    def values(self, node: Node | None, depth: int = 0) -> tuple[ValueFact, ...]:
        """The values an expression can take: a literal, `process.env.X` (`?? "default"`),
        both arms of `c ? a : b`, a same-scope `const`; else unknown (its text)."""
        js = self.js
        node = unwrap(node)
        if node is None:
            return ()
        ok, value = json_value(node)
        if ok:
            return (ValueFact("literal", value),)
        read = env_read(node, js.facts.env_objects)
        if read is not None:
            return (ValueFact("env", env=read[0]),)
        if node.type == "binary_expression" and depth < MAX_DEPTH:
            operator = node.child_by_field_name("operator")
            left = env_read(node.child_by_field_name("left"), js.facts.env_objects)
            default = string_value(unwrap(node.child_by_field_name("right")))
            if operator is not None and operator.text in (b"??", b"||") and left is not None:
                return (ValueFact("env", env=left[0], default=default),)
        if node.type == "ternary_expression" and depth < MAX_DEPTH:
            return self.values(node.child_by_field_name("consequence"), depth + 1) + self.values(
                node.child_by_field_name("alternative"), depth + 1
            )
        if node.type in ("identifier", "shorthand_property_identifier") and depth < MAX_DEPTH:
            held = js.constant_value(node) or self._parameter_default(node)
            if held is not None:
                return self.values(held, depth + 1)
            ref = self.imported(js.resolver.bindings.get(js.variable(node)))
            if ref is not None:
                return (ValueFact("ref", env=ref, text=js.text(node)),)
        return (ValueFact("unknown", text=js.text(node)),)

    def _parameter_default(self, identifier: Node) -> Node | None:
        """`function complete(prompt, model = "gpt-4o")`: the default of the parameter the
        name is (what a call that does not pass it sends)."""
        js = self.js
        wanted = js.variable(identifier)
        node = identifier.parent
        while node is not None:
            if node.type in FUNCTIONS:
                parameters = node.child_by_field_name("parameters")
                listed = parameters.named_children if parameters is not None else []
                for parameter in listed:
                    if parameter.type == "assignment_pattern":  # JS: model = "gpt-4o"
                        name = parameter.child_by_field_name("left")
                        default = parameter.child_by_field_name("right")
                    elif parameter.type in ("required_parameter", "optional_parameter"):
                        name = parameter.child_by_field_name("pattern")
                        default = parameter.child_by_field_name("value")
                    else:
                        continue
                    if (
                        name is not None
                        and default is not None
                        and name.type == "identifier"
                        and name.text == identifier.text
                        and js.variable(name) == wanted
                    ):
                        return default
            node = node.parent
        return None

    def imported(self, binding: Binding | None) -> str | None:
        """A name imported from the project's own module, as the dotted name the plan
        resolves across files (`@/lib/openai` + `openai` -> `lib.openai.openai`)."""
        if binding is None or not binding.target.startswith(binding.module + "."):
            return None
        name = binding.target[len(binding.module) + 1 :]
        spec = binding.module
        for alias in self.probe.root_aliases:
            if spec.startswith(alias):
                spec = spec[len(alias) :]
                break
        else:
            if not spec.startswith("."):
                return None  # a package: not the project's code
            spec = posixpath.normpath(
                posixpath.join(posixpath.dirname(self.js.ctx.path.replace("\\", "/")), spec)
            )
        for extension in self.probe.extensions:
            if spec.endswith(extension):
                spec = spec[: -len(extension)]
                break
        parts = [p for p in spec.split("/") if p not in ("", ".")]
        if not parts or ".." in parts:
            return None
        return ".".join([*parts, name])

    def module_names(self) -> tuple[dict[str, tuple[ValueFact, ...]], dict[str, ClientFact]]:
        """The module's top-level `const NAME = value` values and the clients its names
        hold, for files that import them."""
        js = self.js
        constants: dict[str, tuple[ValueFact, ...]] = {}
        top: int | None = None
        for declarator in js.declarators:
            name, value = (
                declarator.child_by_field_name("name"),
                declarator.child_by_field_name("value"),
            )
            statement = declarator.parent
            if statement is None or statement.type != "lexical_declaration":
                continue
            if statement.children[0].type != "const" or statement.parent is None:
                continue
            program = statement.parent
            if program.type == "export_statement" and program.parent is not None:
                program = program.parent
            if program.type != "program" or name is None or value is None:
                continue
            top = program.id
            if name.type == "identifier" and name.text:
                constants[name.text.decode()] = self.values(value)
        clients = {
            spelled: self.client(holder)
            for (scope, spelled), holder in js.names.items()
            if scope == top and holder.kind == "client"
        }
        return constants, clients

    def _object(self, node: Node | None) -> Node | None:
        """An options object, or the one a same-scope `const` holds."""
        node = unwrap(node)
        if node is not None and node.type in ("identifier", "shorthand_property_identifier"):
            node = unwrap(self.js.constant_value(node))
        return node if node is not None and node.type == "object" else None

    def _members(self, obj: Node) -> tuple[list[tuple[str, Node]], bool]:
        """(key, value) of an object literal's members, and whether it spreads others in."""
        found: list[tuple[str, Node]] = []
        spread = False
        for member in obj.named_children:
            if member.type == "spread_element":
                spread = True
            elif member.type == "shorthand_property_identifier" and member.text:
                found.append((member.text.decode(), member))
            elif member.type == "pair":
                name, value = key_name(member), member.child_by_field_name("value")
                if name is not None and value is not None:
                    found.append((name, value))
        return found, spread

    # -- where a client sends ---------------------------------------------------------
    def client(self, holder: Holder | None) -> ClientFact:
        origin = holder.origin if holder is not None else None
        if isinstance(origin, Construction):
            return self.constructed(origin)
        if isinstance(origin, Binding):  # a client imported from the project's module
            ref = self.imported(origin)
            return ClientFact((), ref=ref) if ref else ClientFact((), known=False)
        if holder is not None and holder.elsewhere:
            return ClientFact((LEFT,))
        return ClientFact((), known=False)

    def constructed(self, origin: Construction) -> ClientFact:
        found = self._base_url(origin)
        if origin.elsewhere and (
            any(v.kind == "absent" for v in found)
            or (
                origin.options is not None
                and origin.options.type == "object"
                and any(option in properties(origin.options) for option in origin.kind.bound)
            )
        ):
            # left as it is with no base URL (an OpenAI key, a browser key) or bound to
            # another backend (`provider: bedrock(...)`): not Mistral whatever the
            # environment says. One left with a base URL (a key the tool cannot follow,
            # `baseURL: "https://api.mistral.ai/v1"`) sends where that URL says.
            return ClientFact((LEFT,))
        return ClientFact(found)

    def _base_url(self, origin: Construction) -> tuple[ValueFact, ...]:
        options = origin.options
        if options is None:
            return (ValueFact("absent"),)
        if options.type != "object":
            return (ValueFact("unknown", text=self.js.text(options)),)
        for path in origin.kind.base_url:
            value = lookup(options, path)
            if value is not None:
                return self.values(value)
        if any(child.type == "spread_element" for child in options.named_children):
            return (ValueFact("unknown", text=self.js.text(options)),)
        return (ValueFact("absent"),)

    # -- the places -------------------------------------------------------------------
    def call(self, site: RequestSite) -> CallFact | None:
        if site.kind == "call":
            return self._client_call(site)
        if site.kind == "ai_sdk":
            return self._ai_sdk_call(site)
        if site.kind == "construction":
            return self._construction(site)
        return None

    def _fact(
        self,
        node: Node,
        api: str,
        method: str,
        client: ClientFact,
        models: tuple[ValueFact, ...],
        params: Params,
        spread: bool,
    ) -> CallFact:
        return CallFact(
            self.js.ctx.path,
            self.js.source.point(node.start_byte).line,
            api,
            method,
            client,
            models,
            tuple(params),
            spread,
        )

    def _arguments(self, call: Node) -> list[Node]:
        arguments = call.child_by_field_name("arguments")
        if arguments is None:
            return []
        return [a for a in arguments.named_children if a.type != "comment"]

    def _client_call(self, site: RequestSite) -> CallFact | None:
        """`client.chat.completions.create({ model, ...body })`: openai-node sends the
        options object as the body, keys as they are."""
        *resource, method = site.path
        args = self._arguments(site.node)
        options = self._object(args[0]) if args else None
        models: tuple[ValueFact, ...] = ()
        params: Params = []
        spread = options is None and bool(args)
        if options is not None:
            members, spread = self._members(options)
            for name, value in members:
                if name in self.js.facts.model_keys:
                    models += self.values(value)
                else:
                    params.append((name, self.values(value)))
        return self._fact(
            site.node, ".".join(resource), method, self.client(site.holder), models, params, spread
        )

    def _ai_sdk_call(self, site: RequestSite) -> CallFact | None:
        """`generateText({ model: provider.chat("id"), temperature, maxOutputTokens })`:
        the model's factory gives the client and the surface; the settings are renamed as
        the provider sends them."""
        js = self.js
        args = self._arguments(site.node)
        options = self._object(args[0]) if args else None
        if options is None:
            return None
        given = properties(options)
        model = next((given[k] for k in sorted(js.facts.model_keys) if k in given), None)
        model = unwrap(model)
        if model is not None and model.type in ("identifier", "shorthand_property_identifier"):
            model = unwrap(js.constant_value(model))
        if model is None or model.type != "call_expression":
            return None
        function = unwrap(model.child_by_field_name("function"))
        if function is None:
            return None
        found = self._provider(function)
        if found is None:
            return None
        provider_name, method, client = found
        provider = self.probe.providers.get(provider_name)
        if provider is None:
            return None
        if provider.factories:
            api = provider.factories.get(method)
        else:
            factory = js.facts.factories.get(method)
            api = factory.api if factory is not None else None
        if api is None:
            return None
        factory_args = self._arguments(model)
        models = self.values(factory_args[0]) if factory_args else ()
        members, spread = self._members(options)
        params: Params = []
        if api == "chat.completions":
            for name, value in members:
                field = provider.settings.get(name)
                if field is not None:
                    params.append((field, self.values(value)))
            if self.probe.ai_sdk_calls.get(site.target):
                params += [(k, (ValueFact("literal", v),)) for k, v in provider.stream.items()]
        elif api == "embeddings":
            params += [(k, (ValueFact("literal", v),)) for k, v in provider.embeddings.items()]
        return self._fact(site.node, api, "create", client, models, params, spread)

    def _provider(self, function: Node) -> tuple[str, str, ClientFact] | None:
        """(provider table, factory method, client) of a model factory: `mistral("id")`,
        `mistral.chat("id")` (a ready-made instance), or `provider.chat("id")` on a
        provider built by createOpenAI()."""
        js = self.js
        method = ""
        base = function
        if function.type == "member_expression":
            prop = function.child_by_field_name("property")
            obj = unwrap(function.child_by_field_name("object"))
            if prop is None or not prop.text or obj is None:
                return None
            method, base = prop.text.decode(), obj
        target = js.resolver.target(base)
        for name, provider in self.probe.providers.items():
            if target is not None and target in provider.callables:
                return name, method, ClientFact((ValueFact("literal", provider.base_url),))
        if target is not None and target in js.facts.providers:
            # @ai-sdk/openai's ready-made `openai`: no base URL given, it reads
            # OPENAI_BASE_URL, else OpenAI's (the migration leaves it, MM115)
            return "openai", method, ClientFact((ValueFact("absent"),))
        from migrator.javascript.calls import CallChecker

        holder = CallChecker(js).holder(base)
        if holder is None or holder.kind != "provider":
            return None
        return "openai", method, self.client(holder)

    def _given(self, options: Node, wanted: dict[str, Any], empty: bool) -> bool:
        """Whether every option of `wanted` is given with that literal value (`empty`
        when there is none to check)."""
        if not wanted:
            return empty
        given = properties(options)
        return all(
            key in given and json_value(given[key]) == (True, value)
            for key, value in wanted.items()
        )

    def _construction(self, site: RequestSite) -> CallFact | None:
        """`new ChatOpenAI({ model, temperature, configuration: { baseURL } })`: the
        class sends one request per call, with the options it was built with."""
        origin = site.construction
        if not isinstance(origin, Construction):
            return None
        table = self.probe.constructions.get(origin.target)
        if table is None:
            return None
        models: tuple[ValueFact, ...] = ()
        if origin.model_first is not None:
            models = self.values(origin.model_first)
        params: Params = []
        spread = False
        options = origin.options
        if options is not None and options.type == "object":
            members, spread = self._members(options)
            for name, value in members:
                if name in origin.kind.model and not models:
                    models = self.values(value)
                elif name == table.merged and table.merged:
                    merged = self._object(value)
                    if merged is None:
                        spread = True
                        continue
                    inner, more = self._members(merged)
                    spread = spread or more
                    params += [(key, self.values(v)) for key, v in inner]
                elif name in table.options:
                    params.append((table.options[name], self.values(value)))
            if (
                table.adds
                and self._given(options, table.when, True)
                and not self._given(options, table.unless, False)
            ):
                params += [(k, (ValueFact("literal", v),)) for k, v in table.adds.items()]
        if not models and origin.kind.default_model:
            models = (ValueFact("literal", origin.kind.default_model),)
        return self._fact(
            site.node, table.api, "create", self.constructed(origin), models, params, spread
        )
