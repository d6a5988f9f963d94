"""Framework classes and functions (LangChain, LlamaIndex, litellm, ...) from the framework
table: what their literals and calls become.

The table (`migrator.frameworks`) says which keyword carries the model, the base URL and
the key; this module maps those onto the SDK client's rules so that `ChatOpenAI(model_name=
"gpt-4o", openai_api_key="sk-...")` gets exactly the rewrite `OpenAI(...)` would, and adds
what only frameworks need: a model prefix (litellm's `mistral/`), a default model that is
OpenAI's, required settings, and settings to review. A `manual` framework is reported and
nothing inside its call is rewritten, so it is never half-migrated.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import CodeRange

from migrator.decisions.model_ids import Destination
from migrator.frameworks import Framework, Requirement
from migrator.python import clients, models
from migrator.python.context import FileContext
from migrator.python.envexpr import env_get, string_value
from migrator.python.roles import Role

PositionOf = Callable[[cst.CSTNode], CodeRange]


def call_name(call: cst.Call) -> str:
    return get_full_name_for_node(call.func) or "call"


def _keywords(call: cst.Call) -> dict[str, cst.Arg]:
    return {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}


def _model_arg(call: cst.Call, framework: Framework) -> cst.Arg | None:
    keywords = _keywords(call)
    for name in framework.model:
        if name in keywords:
            return keywords[name]
    if framework.model_position is not None:
        positional = [arg for arg in call.args if arg.keyword is None]
        if (
            len(positional) > framework.model_position
            and not positional[framework.model_position].star
        ):
            return positional[framework.model_position]
    return None


def points_elsewhere(call: cst.Call, framework: Framework, ctx: FileContext) -> bool:
    """The call names a base URL that is not OpenAI's (Ollama, a proxy): leave it alone."""
    keywords = _keywords(call)
    return any(
        name in keywords and clients.points_elsewhere(keywords[name].value, ctx) is not None
        for name in framework.base_url
    )


def normalized(role: Role, framework: Framework, ctx: FileContext) -> Role:
    """A framework keyword seen as the SDK's own (`openai_api_base=` as `base_url=`)."""
    connection = ctx.settings.catalog.connection
    if role.kind == "keyword" and role.name is not None:
        kind = framework.keyword_role(role.name)
        if kind == "model":
            return Role("keyword", next(iter(sorted(connection.model_keywords))), role.call)
        if kind == "base_url":
            return Role("keyword", connection.base_url_keyword, role.call)
    if role.kind == "positional" and role.index == framework.model_position and framework.model:
        return Role("keyword", next(iter(sorted(connection.model_keywords))), role.call)
    return role


def _prefixed(expression: cst.BaseExpression, prefix: str) -> cst.BaseExpression:
    """`"mistral/" + os.environ.get(...)`: the variable keeps the bare Mistral id that the
    rest of the project reads from it; the prefix litellm needs is added at the call."""
    return cst.BinaryOperation(
        left=cst.SimpleString(f'"{prefix}"'),
        operator=cst.Add(
            whitespace_before=cst.SimpleWhitespace(" "), whitespace_after=cst.SimpleWhitespace(" ")
        ),
        right=expression,
    )


def rewrite_literal(
    node: cst.SimpleString,
    value: str,
    role: Role,
    framework: Framework,
    where: CodeRange,
    ctx: FileContext,
    destination: tuple[Destination, str],
) -> cst.BaseExpression | None:
    """The new node for a literal inside a framework call, or None to let the SDK rules
    (with the role normalized) decide. Nothing inside a manual framework or one pointed
    elsewhere changes; its model id says why (MM213, from `destination`)."""
    assert role.call is not None
    is_model = (role.kind == "keyword" and role.name in framework.model) or (
        role.kind == "positional"
        and role.index == framework.model_position
        and bool(framework.model)
    )
    stays = framework.kind == "manual" or points_elsewhere(role.call, framework, ctx)
    if not is_model:
        return node if stays else None
    if framework.model_prefix and value.startswith(framework.model_prefix):
        return node
    match = ctx.settings.models.lookup(framework.strip(value))
    if match is None:
        return node
    if stays:
        models.held_back(match, destination, where, ctx)
        return node
    rewritten = models.rewrite_literal(
        node, match, normalized(role, framework, ctx), where, ctx, destination
    )
    if framework.model_prefix and rewritten is not node:
        return _prefixed(rewritten, framework.model_prefix)
    return rewritten


def _literal(node: cst.BaseExpression) -> object:
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, (cst.Integer, cst.Float)):
        return node.evaluated_value
    value = string_value(node)
    return value if value is not None else NotImplemented


def _python(value: object) -> str:
    return repr(value)


def _is_prefixed(node: cst.BaseExpression, prefix: str) -> bool:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _is_prefixed(node.left, prefix)
    if isinstance(node, cst.FormattedString):
        first = node.parts[0] if node.parts else None
        return isinstance(first, cst.FormattedStringText) and first.value.startswith(prefix)
    # a literal is judged where it stands (rewrite_literal)
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString))


def _new_arg(keyword: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        keyword=cst.Name(keyword),
        value=value,
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )


def _styled(names: tuple[str, ...], style: int) -> tuple[str, ...]:
    if 0 < style < len(names):
        return (names[style], *names[:style], *names[style + 1 :])
    return names


class FrameworkCall:
    """One call of a framework class or function, from `leave_Call`."""

    def __init__(
        self,
        framework: Framework,
        original: cst.Call,
        position: PositionOf,
        is_env_read: clients.IsEnvRead,
        ctx: FileContext,
    ) -> None:
        self.framework = framework
        self.original = original
        self.position = position
        self.is_env_read = is_env_read
        self.ctx = ctx
        self.name = call_name(original)

    def rewrite(self, updated: cst.Call) -> cst.Call:
        framework, ctx = self.framework, self.ctx
        if framework.kind == "manual":
            ctx.report(
                framework.manual_code,
                self.position(self.original),
                framework=f"{self.name}()",
                advice=framework.advice,
            )
            return updated
        if points_elsewhere(self.original, framework, ctx):
            ctx.report(
                "MM105",
                self.position(self.original),
                url=next(
                    v
                    for a in self.original.args
                    if a.keyword is not None
                    and a.keyword.value in framework.base_url
                    and (v := clients.points_elsewhere(a.value, ctx)) is not None
                ),
            )
            return updated
        self._review()
        self._check_model()
        spread = any(arg.star == "**" for arg in self.original.args)
        if not spread:
            updated = self._default_model(updated)
        if framework.api_key or framework.base_url:
            style = self._alias_style()
            updated = clients.rewrite_client(
                f"{self.name}",
                self.original,
                updated,
                self.position,
                self.is_env_read,
                ctx,
                key_keywords=_styled(framework.api_key or ("api_key",), style),
                base_keywords=_styled(framework.base_url or ("base_url",), style),
                add_missing=framework.add_missing,
            )
        for requirement in framework.require:
            updated = self._require(requirement, updated, spread)
        return updated  # the transformer lays out calls the rewrite lengthened

    def _alias_style(self) -> int:
        """Which alias family the call writes in (`openai_api_key=` is the second): an
        added keyword follows it, so `openai_api_key=` gets `openai_api_base=`."""
        passed = set(_keywords(self.original))
        for names in (self.framework.api_key, self.framework.base_url):
            for index, name in enumerate(names):
                if name in passed:
                    return index
        return 0

    def _review(self) -> None:
        for arg in self.original.args:
            if arg.keyword is None or arg.keyword.value not in self.framework.review:
                continue
            if _literal(arg.value) in (False, None):
                continue
            review = self.framework.review[arg.keyword.value]
            self.ctx.report(
                review.code,
                self.position(arg),
                framework=f"{self.name}()",
                keyword=review.keyword,
                advice=review.advice,
            )

    def _check_model(self) -> None:
        prefix = self.framework.model_prefix
        model = _model_arg(self.original, self.framework)
        if not prefix or model is None or _is_prefixed(model.value, prefix):
            return
        shown = cst.Module([]).code_for_node(model.value)
        self.ctx.report(
            "MM210", self.position(model), framework=f"{self.name}()", model=shown, prefix=prefix
        )

    def _default_model(self, updated: cst.Call) -> cst.Call:
        framework = self.framework
        if (
            not framework.default_model
            or not framework.model
            or _model_arg(self.original, framework) is not None
        ):
            return updated
        match = self.ctx.settings.models.lookup(framework.default_model)
        if match is None or not match.rewritable or match.entry is None:
            return updated
        entry = match.entry
        keyword = framework.model[0]
        if not self.ctx.report(
            "MM209",
            self.position(self.original),
            framework=f"{self.name}()",
            keyword=keyword,
            openai=framework.default_model,
            mistral=entry.mistral,
            env=entry.env,
        ):
            return updated
        self.ctx.rewrote(models.KIND, entry.env)
        value = env_get(entry.env, entry.mistral, self.ctx.quote)
        if framework.model_prefix:
            value = _prefixed(value, framework.model_prefix)
        return clients.append_args(updated, [_new_arg(keyword, value)])

    def _require(self, requirement: Requirement, updated: cst.Call, spread: bool) -> cst.Call:
        present = _keywords(self.original).get(requirement.keyword)
        if present is not None:
            current = _literal(present.value)
            if current is NotImplemented or current == requirement.value:
                return updated
        elif spread:
            return updated
        fields = dict(
            framework=f"{self.name}()",
            keyword=requirement.keyword,
            value=_python(requirement.value),
            advice=requirement.advice,
        )
        where = self.position(present) if present is not None else self.position(self.original)
        if not self.ctx.report(requirement.code, where, **fields) or not requirement.fix:
            return updated
        self.ctx.rewrote(clients.CLIENT_KIND, uses_os=False)
        value = cst.parse_expression(_python(requirement.value))
        if present is not None:
            args = [
                arg.with_changes(value=value)
                if arg.keyword is not None and arg.keyword.value == requirement.keyword
                else arg
                for arg in updated.args
            ]
            return updated.with_changes(args=args)
        return clients.append_args(updated, [_new_arg(requirement.keyword, value)])
