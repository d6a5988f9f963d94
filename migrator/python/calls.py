"""Calls through an OpenAI client: request parameters (MM3xx), API surfaces (MM4xx) and
token counting tied to OpenAI models (MM208).

What each parameter and API becomes on Mistral is data (`rules/params.toml`,
`rules/apis.toml`); this module only finds the calls and applies the two mechanical
fixes that keep meaning (`max_completion_tokens=` -> `max_tokens=`, `seed=` ->
`extra_body={"random_seed": ...}`). Everything else is a finding; no argument is deleted.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import CodeRange

from migrator.callrules import ApiSurface, CallRules, ParamRule, judge_values, load_call_rules
from migrator.python.clientref import ClientResolver, ParentOf, QualifiedOf, ScopeOf
from migrator.python.context import FileContext
from migrator.python.envexpr import string_value
from migrator.python.literals import NOT_LITERAL, branches, is_token_ids, number_value, text_value

KIND = "request parameters"
PositionOf = Callable[[cst.CSTNode], CodeRange]


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


class CallChecker:
    """One per file, driven by the transformer's `leave_Call`."""

    def __init__(
        self,
        ctx: FileContext,
        qualified: QualifiedOf,
        position: PositionOf,
        parent: ParentOf,
        scope: ScopeOf,
    ) -> None:
        self.ctx = ctx
        self.qualified = qualified
        self.position = position
        self.rules: CallRules = load_call_rules(overlay=ctx.settings.param_overlay)
        connection = ctx.settings.catalog.connection
        self.model_keywords = connection.model_keywords
        self.resolver = ClientResolver(
            qualified,
            parent,
            scope,
            connection.clients,
            connection.sdk_module,
            self.rules,
            ctx.settings.frameworks.callables("wrapper"),
        )

    def leave_call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if self.qualified(original.func) & self.rules.tokenizers.functions:
            self._check_tokenizer(original)
            return updated
        path = self.resolver.path_of(original.func)
        if not path:
            return updated
        found = self.rules.surface(path)
        if found is None:
            return updated
        api, _method = found
        self._check_api(api, ".".join(path), original)
        if api.params:
            return self._check_params(api, original, updated)
        return updated

    # -- API surfaces -----------------------------------------------------------------
    def _check_api(self, api: ApiSurface, call: str, original: cst.Call) -> None:
        if not api.code:
            return
        if api.skip_when_model_literal and any(
            arg.keyword is not None
            and arg.keyword.value in self.model_keywords
            and string_value(arg.value) is not None
            for arg in original.args
        ):
            return
        self.ctx.report(
            api.code,
            self.position(original),
            call=call,
            api=api.dotted,
            openai_path=api.openai_path,
            mistral_path=api.mistral_path or "none",
            advice=api.advice,
        )

    # -- request parameters -----------------------------------------------------------
    def _check_params(self, api: ApiSurface, original: cst.Call, updated: cst.Call) -> cst.Call:
        table = self.rules.params.get(api.params, {})
        keywords = {arg.keyword.value for arg in original.args if arg.keyword is not None}
        spread = [arg for arg in original.args if arg.star == "**"]
        args = list(updated.args)
        changed = False
        for index, arg in enumerate(original.args):
            where = self.position(arg)
            if arg.star == "**":
                names = ", ".join(self.rules.unseen_names(api.params))
                self.ctx.report("MM309", where, kwargs=_code(arg.value), names=names)
                continue
            if arg.keyword is None:
                continue
            rule = table.get(arg.keyword.value)
            if rule is None:
                continue
            if rule.check is not None:
                self._check_value(rule, arg, where)
            if rule.fix:
                blocker = self._fix_blocker(rule, keywords, bool(spread))
                if blocker is not None:
                    self.ctx.report(
                        rule.unfixed_code,
                        where,
                        param=rule.name,
                        mistral=rule.mistral_name,
                        advice=f"{blocker}; {rule.advice}",
                    )
                elif self.ctx.report(
                    rule.code, where, param=rule.name, mistral=rule.mistral_name, action=rule.fixed
                ):
                    args[index] = self._fixed_arg(rule, args[index])
                    self.ctx.rewrote(KIND, uses_os=False)
                    changed = True
            elif rule.code:
                self.ctx.report(
                    rule.code,
                    where,
                    param=rule.name,
                    mistral=rule.mistral_name or "none",
                    advice=rule.advice,
                )
        return updated.with_changes(args=args) if changed else updated

    def _fix_blocker(self, rule: ParamRule, keywords: set[str], spread: bool) -> str | None:
        """Why the mechanical fix is not safe at this call, or None when it is."""
        if rule.fix == "rename" and rule.mistral_name in keywords:
            return f"not renamed: the call already passes {rule.mistral_name}="
        if rule.fix == "extra_body":
            extra = self.rules.extra_body
            if extra in keywords:
                return f"not moved: the call already passes {extra}="
            if spread:
                return f"not moved: the call's **kwargs may already hold {extra}"
        return None

    def _fixed_arg(self, rule: ParamRule, arg: cst.Arg) -> cst.Arg:
        if rule.fix == "rename":
            return arg.with_changes(keyword=cst.Name(rule.mistral_name))
        entry = cst.DictElement(
            key=cst.SimpleString(f'"{rule.mistral_name}"'),
            value=arg.value,
            whitespace_before_colon=cst.SimpleWhitespace(""),
            whitespace_after_colon=cst.SimpleWhitespace(" "),
        )
        return arg.with_changes(keyword=cst.Name(self.rules.extra_body), value=cst.Dict([entry]))

    def _check_value(self, rule: ParamRule, arg: cst.Arg, where: CodeRange) -> None:
        check = rule.check
        assert check is not None
        if check.kind == "token_ids":
            if is_token_ids(arg.value):
                self.ctx.report(check.code, where, param=rule.name, advice=check.advice)
            return
        read = number_value if check.kind == "above" else text_value
        values = [read(branch) for branch in branches(arg.value)]
        verdict = judge_values(
            check, [v for v in values if v is not NOT_LITERAL], NOT_LITERAL in values
        )
        if verdict is not None:
            code, fields = verdict
            self.ctx.report(code, where, param=rule.name, **fields)

    # -- token counting ---------------------------------------------------------------
    def _check_tokenizer(self, original: cst.Call) -> None:
        keyword = self.rules.tokenizers.model_keyword
        model = next(
            (a for a in original.args if a.keyword is not None and a.keyword.value == keyword), None
        )
        if model is None:
            model = next((a for a in original.args if a.keyword is None and not a.star), None)
        if model is None:
            return
        literal = string_value(model.value)
        if literal is not None and self.ctx.settings.models.lookup(literal) is None:
            return  # a Mistral id or some other name: not an OpenAI model
        function = get_full_name_for_node(original.func) or _code(original.func)
        self.ctx.report(
            self.rules.tokenizers.code,
            self.position(original),
            function=function,
            model=_code(model.value),
        )
