"""Calls through a client or an AI SDK provider: request parameters (MM3xx), APIs Mistral
lacks (MM4xx), and the AI SDK's model factories (MM115, MM412).

A call is checked only when its receiver is known: a variable or `this.` member holding a
construction seen in this file (or an alias of one, a resource taken off one, a function
of the file returning one), a parameter or variable typed with the client class, an inline
construction, or a name imported from the project's own modules and named after OpenAI
(`import { openai } from "@/lib/openai"`), and then only when the whole path is an API
surface of the rules data (`chat.completions.create`): any object can have a `.create`
method.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from migrator.callrules import ApiSurface, ParamRule, judge_values
from migrator.javascript.facts import Provider
from migrator.javascript.literals import rewrite_model
from migrator.javascript.roles import Role
from migrator.javascript.source import quoted, string_value
from migrator.javascript.state import Holder, JsFile, RequestSite
from migrator.javascript.values import (
    NOT_LITERAL,
    branches,
    is_token_ids,
    key_name,
    literal,
    properties,
    unwrap,
)

KIND = "request parameters"
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake(name: str) -> str:
    return _CAMEL.sub(r"_\1", name).lower()


def _literal_model(value: Node | None) -> bool:
    """A literal id, or the migrated form `process.env.X ?? "<id>"` (so that a second run
    says what the first said)."""
    value = unwrap(value)
    if value is not None and value.type == "binary_expression":
        operator = value.child_by_field_name("operator")
        if operator is not None and operator.text in (b"??", b"||"):
            value = value.child_by_field_name("right")
    return string_value(value) is not None


class CallChecker:
    def __init__(self, js: JsFile) -> None:
        self.js = js
        self.client_methods = js.rules.client_methods
        self.wrappers = js.rules.wrappers

    # -- receivers --------------------------------------------------------------------
    def holder(self, node: Node | None) -> Holder | None:
        """What an expression holds, when it is a client or provider this file knows."""
        node = unwrap(node)
        if node is None:
            return None
        js = self.js
        if (
            node.type in ("new_expression", "call_expression")
            and (node.start_byte, node.end_byte) in js.built
        ):
            return js.built[(node.start_byte, node.end_byte)]
        if node.type == "identifier" and node.text:
            text = node.text.decode()
            if text not in js.known and text not in js.resolver.names:
                return None  # the common case, decided without a scope lookup
            variable = js.variable(node)
            if variable in js.names:
                return js.names[variable]
            if variable in js.local_imports:
                return Holder("imported", origin=js.resolver.bindings.get(variable))
            return None
        if node.type == "member_expression":
            obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
            if obj is not None and obj.type == "this" and prop is not None and prop.text:
                return js.members.get(js.member(node, prop.text.decode()))
        if node.type == "await_expression" and node.named_children:
            return self.holder(node.named_children[0])
        if node.type == "call_expression":  # client.withOptions({...}), getClient()
            function = node.child_by_field_name("function")
            if function is not None and function.type == "identifier" and js.functions:
                returned = js.functions.get(js.variable(function))
                if returned is not None:
                    return returned
            if function is not None and function.type == "member_expression":
                prop = function.child_by_field_name("property")
                if (
                    prop is not None
                    and prop.text
                    and snake(prop.text.decode()) in self.client_methods
                ):
                    return self.holder(function.child_by_field_name("object"))
        return None

    def path(self, function: Node) -> tuple[Holder, list[str]] | None:
        """`client.chat.completions.create` -> (the client's holder,
        [chat, completions, create])."""
        names: list[str] = []
        node: Node | None = function
        while node is not None:
            holder = self.holder(node)
            if holder is not None and names:
                return holder, [*holder.prefix, *reversed(names)]
            node = unwrap(node)
            if node is None or node.type != "member_expression":
                return None
            prop = node.child_by_field_name("property")
            if prop is None or not prop.text:
                return None
            name = (
                snake(prop.text.decode()) if self.js.facts.camel_resources else prop.text.decode()
            )
            if name not in self.wrappers:
                names.append(name)
            node = node.child_by_field_name("object")
        return None

    # -- calls ------------------------------------------------------------------------
    def check(self, call: Node) -> None:
        js = self.js
        function = call.child_by_field_name("function")
        if function is None:
            return
        target = js.resolver.target(function)
        if target is not None and target in js.facts.probe.ai_sdk_calls:
            js.requests.append(RequestSite("ai_sdk", call, target=target))
        if target in js.facts.ai_sdk_calls:
            self._ai_sdk_call(call, target or "")
            return
        if target is not None:
            providers = js.facts.providers
            if target in providers:
                self._ready_made(call, providers[target], "")
                return
            base, _, method = target.rpartition(".")
            if base in providers:
                self._ready_made(call, providers[base], method)
                return
        holder = self.holder(function)
        if holder is not None and holder.kind == "provider":
            self._factory(call, holder, "", function)
            return
        found = self.path(function)
        if found is None:
            self._foreign_import_call(call, function)
            return
        holder, path = found
        if holder.kind == "provider":
            prop = function.child_by_field_name("property")
            if len(path) == 1 and prop is not None and prop.text:
                self._factory(call, holder, prop.text.decode(), function)
            return
        if holder.kind in ("client", "imported") and len(path) > 1:
            js.requests.append(RequestSite("call", call, holder, tuple(path)))
        if holder.kind not in ("client", "imported") or holder.elsewhere:
            if holder.elsewhere:
                js.hands_off.append((call.start_byte, call.end_byte))
                self._ids_left(call)
            return
        surface = js.rules.surface(tuple(path))
        if surface is None:
            return
        api, _method = surface
        shown = js.text(function)
        self._check_api(api, shown, call)
        if api.params:
            self._check_params(api, call)

    def _ids_left(self, call: Node) -> None:
        """The model ids a call on a client left as it is sends: they stay with it, and
        each says so on its line (MM207), as every id left behind does."""
        js = self.js
        options = self._options(call)
        if options is None:
            return
        for key, value in properties(options).items():
            if key not in js.facts.model_keys:
                continue
            text = string_value(unwrap(value))
            match = js.ctx.settings.models.lookup(text) if text else None
            if match is None or match.kind == "unknown":
                continue
            entry = match.entry
            js.report(
                "MM207",
                value,
                openai=text,
                place="sent through a client this run leaves as it is (see the finding on it)",
                mistral=entry.mistral if entry is not None and entry.mistral else "none",
            )

    def _foreign_import_call(self, call: Node, function: Node) -> None:
        """`groq.chat.completions.create({ model: ... })` on an object imported from the
        project and not named after OpenAI: another provider's client, whose call (model
        included) is left alone, as a same-file client aimed elsewhere's is."""
        js = self.js
        names: list[str] = []
        node: Node | None = unwrap(function)
        while node is not None and node.type == "member_expression":
            prop = node.child_by_field_name("property")
            names.append(snake(prop.text.decode()) if prop is not None and prop.text else "")
            node = unwrap(node.child_by_field_name("object"))
        if (
            node is None
            or node.type != "identifier"
            or not node.text
            or node.text.decode() not in js.resolver.names
        ):
            return
        binding = js.resolver.bindings.get(js.variable(node))
        if binding is None or binding.module in js.facts.packages:
            return
        if js.rules.surface(tuple(reversed(names))) is not None:
            js.hands_off.append((call.start_byte, call.end_byte))

    def _check_api(self, api: ApiSurface, shown: str, call: Node) -> None:
        if not api.code:
            return
        options = self._options(call)
        if (
            api.skip_when_model_literal
            and options is not None
            and any(
                key_name(pair) in self.js.ctx.settings.catalog.connection.model_keywords
                and _literal_model(pair.child_by_field_name("value"))
                for pair in options.named_children
                if pair.type == "pair"
            )
        ):
            return
        self.js.report(
            api.code,
            call,
            call=shown,
            api=api.dotted,
            openai_path=api.openai_path,
            mistral_path=api.mistral_path or "none",
            advice=api.js_advice or api.advice,
        )

    @staticmethod
    def _arguments(call: Node) -> list[Node]:
        arguments = call.child_by_field_name("arguments")
        return (
            [a for a in arguments.named_children if a.type != "comment"]
            if arguments is not None
            else []
        )

    def _options(self, call: Node) -> Node | None:
        args = self._arguments(call)
        first = unwrap(args[0]) if args else None
        return first if first is not None and first.type == "object" else None

    def _check_params(self, api: ApiSurface, call: Node) -> None:
        js = self.js
        args = self._arguments(call)
        first = unwrap(args[0]) if args else None
        if first is None:
            return
        if first.type == "identifier":  # const params = { ... }; create(params)
            first = self._object_constant(first) or first
        if first.type != "object":
            js.report(
                "MM309",
                first,
                kwargs=js.text(first),
                names=", ".join(js.rules.unseen_names(api.params)),
            )
            return
        table = js.rules.params.get(api.params, {})
        keys = {
            key_name(p) if p.type == "pair" else js.text(p)
            for p in first.named_children
            if p.type in ("pair", "shorthand_property_identifier")
        }
        for member in first.named_children:
            if member.type == "spread_element":
                js.report(
                    "MM309",
                    member,
                    kwargs=js.text(member),
                    names=", ".join(js.rules.unseen_names(api.params)),
                )
                continue
            value: Node | None
            if member.type == "shorthand_property_identifier":  # { model, seed }
                name, value = js.text(member), member
            elif member.type == "pair":
                name, value = key_name(member) or "", member.child_by_field_name("value")
            else:
                continue
            rule = table.get(name)
            if rule is None:
                continue
            if rule.check is not None and value is not None:
                self._check_value(rule, value, member)
            fix = rule.js_fix or rule.fix
            if fix == "rename" and rule.mistral_name in keys:
                js.report(
                    rule.unfixed_code,
                    member,
                    param=rule.name,
                    mistral=rule.mistral_name,
                    advice=f"not renamed: the call already passes {rule.mistral_name}; "
                    + ("keep one of them" if rule.js_fix else rule.advice),
                )
            elif fix == "rename" and rule.js_fix and js.typescript:
                js.report(
                    rule.unfixed_code,
                    member,
                    param=rule.name,
                    mistral=rule.mistral_name,
                    advice=rule.ts_advice,
                )
            elif fix == "rename":
                if js.report(
                    rule.code,
                    member,
                    param=rule.name,
                    mistral=rule.mistral_name,
                    action=rule.js_fixed or rule.fixed,
                ):
                    key = member.child_by_field_name("key")
                    if key is None:  # shorthand: { seed } -> { random_seed: seed }
                        js.edits.replace(
                            member.start_byte, member.end_byte, f"{rule.mistral_name}: {name}"
                        )
                    else:
                        text = (
                            rule.mistral_name
                            if key.type == "property_identifier"
                            else quoted(rule.mistral_name, js.text(key)[0])
                        )
                        js.edits.replace(key.start_byte, key.end_byte, text)
                    js.ctx.rewrote(KIND, uses_os=False)
            elif fix:
                js.report(
                    rule.unfixed_code,
                    member,
                    param=rule.name,
                    mistral=rule.mistral_name,
                    advice=rule.js_advice or rule.advice,
                )
            elif rule.code:
                js.report(
                    rule.code,
                    member,
                    param=rule.name,
                    mistral=rule.mistral_name or "none",
                    advice=rule.js_advice or rule.advice,
                )

    def _object_constant(self, identifier: Node) -> Node | None:
        """The object literal a same-scope `const` holds, when the name is one."""
        value = unwrap(self.js.constant_value(identifier))
        return value if value is not None and value.type == "object" else None

    def _check_value(self, rule: ParamRule, value: Node, where: Node) -> None:
        check = rule.check
        assert check is not None
        js = self.js
        if check.kind == "token_ids":
            if is_token_ids(value):
                js.report(check.code, where, param=rule.name, advice=check.advice)
            return
        values = [literal(branch) for branch in branches(value)]
        verdict = judge_values(
            check, [v for v in values if v is not NOT_LITERAL], NOT_LITERAL in values
        )
        if verdict is not None:
            code, fields = verdict
            js.report(code, where, param=rule.name, **fields)

    # -- the AI SDK -------------------------------------------------------------------
    def _ai_sdk_call(self, call: Node, target: str) -> None:
        """`generateText({ model: provider.chat(...), seed })`: settings the migrated
        provider sends as they are."""
        from migrator.javascript.clients import review_options

        options = self._options(call)
        found = properties(options) if options is not None else {}
        model = unwrap(
            next((found[key] for key in sorted(self.js.facts.model_keys) if key in found), None)
        )
        if model is not None and model.type in ("identifier", "shorthand_property_identifier"):
            model = unwrap(self.js.constant_value(model))  # const model = provider.chat(...)
        if model is not None and (value := string_value(model)) is not None:
            self._global_provider_model(model, value, target)
            return
        if options is None or model is None or model.type != "call_expression":
            return
        function = model.child_by_field_name("function")
        holder = self.holder(function)
        if holder is None and function is not None and function.type == "member_expression":
            holder = self.holder(function.child_by_field_name("object"))
        if holder is None or holder.kind != "provider" or holder.elsewhere:
            return
        review_options(self.js, options, self.js.facts.ai_sdk_review, target.rsplit(".", 1)[-1])

    def _global_provider_model(self, model: Node, value: str, target: str) -> None:
        """`generateText({ model: "gpt-4o" })`: a string model goes to the AI SDK's global
        default provider (the AI Gateway, or `globalThis.AI_SDK_DEFAULT_PROVIDER`), which
        this run does not move: the id stays, reported."""
        js = self.js
        match = js.ctx.settings.models.lookup(value)
        if match is None or match.kind == "unknown":
            return
        js.claimed.add(model.start_byte)
        entry = match.entry
        js.report(
            "MM207",
            model,
            openai=value,
            place=f"given to {target.rsplit('.', 1)[-1]}() as a string, which the AI SDK sends "
            "to its global default provider (the AI Gateway or AI_SDK_DEFAULT_PROVIDER), "
            "not a client this run moves",
            mistral=entry.mistral if entry is not None and entry.mistral else "none",
        )

    def _model_argument(self, call: Node) -> Node | None:
        args = self._arguments(call)
        return args[0] if args else None

    def _ready_made(self, call: Node, provider: Provider, method: str) -> None:
        """`openai("gpt-4o")` from @ai-sdk/openai: reported with its @ai-sdk/mistral equivalent."""
        js = self.js
        factory = js.facts.factories.get(method)
        if factory is None:
            return
        js.hands_off.append((call.start_byte, call.end_byte))
        argument = self._model_argument(call)
        value = string_value(argument)
        match = js.ctx.settings.models.lookup(value) if value is not None else None
        mistral = (
            match.entry.mistral
            if match is not None and match.entry is not None and match.entry.mistral
            else "<mistral model>"
        )
        name, package = provider.name, provider.package
        if factory.mistral is None:
            called = js.text(call.child_by_field_name("function") or call)
            suggestion = (
                f"no {package} equivalent: {called}() calls {factory.api}, "
                "which Mistral does not serve the same way"
            )
        else:
            callee = f"{name}.{factory.mistral}" if factory.mistral else name
            suggestion = f"use {callee}({quoted(mistral, js.quote)}) from {package}"
        js.report(provider.code, call, call=js.text(call), suggestion=suggestion)

    def _factory(self, call: Node, holder: Holder, method: str, function: Node) -> None:
        """`provider("gpt-4o")` on a provider from createOpenAI()."""
        js = self.js
        if holder.elsewhere:
            js.hands_off.append((call.start_byte, call.end_byte))
            return
        factory = js.facts.factories.get(method)
        if factory is None:
            return
        argument = self._model_argument(call)
        provider_text = (
            js.text(function.child_by_field_name("object") or function)
            if method
            else js.text(function)
        )
        if factory.fix == "chat" and factory.code:
            if js.report(
                factory.code,
                call,
                call=js.text(function) + "()",
                fixed=f"{provider_text}.chat()",
            ):
                if method:
                    prop = function.child_by_field_name("property")
                    assert prop is not None
                    js.edits.replace(prop.start_byte, prop.end_byte, "chat")
                else:
                    js.edits.insert(function.end_byte, ".chat")
                js.ctx.rewrote(KIND, uses_os=False)
        else:
            surface = js.rules.surface((*factory.api.split("."), "create"))
            if (
                surface is not None
                and surface[0].code
                and surface[0].code.startswith("MM40")
                and surface[0].status != "compatible"
            ):
                api = surface[0]
                js.report(
                    api.code,
                    call,
                    call=js.text(function),
                    api=api.dotted,
                    openai_path=api.openai_path,
                    mistral_path=api.mistral_path or "none",
                    advice=factory.advice or api.js_advice or api.advice,
                )
        value = string_value(argument)
        if argument is not None and value is not None:
            match = js.ctx.settings.models.lookup(value)
            if match is not None:
                js.claimed.add(argument.start_byte)
                rewrite_model(js, argument, match, Role("assign"))
