"""The one LibCST pass over a Python file.

Qualified-name metadata is the expensive part of a run, so it is computed once per file
and every rule reads it here; the rule modules (clients, urls, models, envreads) only
decide what a node becomes. Children are left before their parents, so string literals
are settled before the call or assignment that holds them.
"""

from __future__ import annotations

from collections import Counter

import libcst as cst
from libcst.metadata import (
    Assignment,
    CodeRange,
    PositionProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from migrator.decisions.connection import ConnectionVerdict
from migrator.decisions.names import may_add_names
from migrator.frameworks import Framework
from migrator.python import clients, envreads, frameworks, layout, models, runelsewhere, urls
from migrator.python.calls import CallChecker
from migrator.python.clientref import ClientResolver
from migrator.python.connections import Connections
from migrator.python.context import FileContext
from migrator.python.envexpr import string_value
from migrator.python.imports import ensure_import_os
from migrator.python.nodeindex import NodeIndex, iter_nodes, node_index
from migrator.python.roles import Role, role_of
from migrator.secrets import is_real_key, mask

# why an id inside a raw HTTP request to an OpenAI URL stays (the URL has MM109)
RAW_REQUEST = "it is sent in a raw HTTP request to an OpenAI URL (MM109)"
# Python's own enum types: their members' values are identifiers, not settings.
ENUM_CLASSES = frozenset({"enum.Enum", "enum.StrEnum", "enum.IntEnum", "enum.Flag", "enum.IntFlag"})


class MigrationTransformer(cst.CSTTransformer):
    # Scopes and positions only. Qualified names are asked of the scope for the few nodes
    # that need one (what QualifiedNameProvider does for every node of the file), and
    # parents come from one walk over the tree (migrator/python/nodeindex.py), not from
    # ParentNodeProvider's visit: the same answers for a fraction of the time.
    METADATA_DEPENDENCIES = (ScopeProvider, PositionProvider)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.connection = ctx.settings.catalog.connection
        module = self.connection.sdk_module
        self.key_settings = {f"{module}.{a}" for a in self.connection.module_api_key}
        self.base_settings = {f"{module}.{a}" for a in self.connection.module_base_url}
        self.key_statements: set[cst.SimpleStatementLine] = set()
        self.module_sets_base = False
        # `from openai import *` leaves names unresolved; they are taken as the SDK's
        self.star_sdk = False
        self.legacy_sdk = False
        self.index: NodeIndex | None = None  # set when the visit reaches the module
        self._qualified: dict[cst.CSTNode, set[str]] = {}
        self.env_uses: envreads.EnvUses | None = None
        # functions run outside this module -> the names declared for them
        self.run_elsewhere: dict[str, set[str]] = {}
        # per function being visited that runs elsewhere: the run's state on entry
        self.function_marks: list[tuple[int, Counter[str], set[str], bool] | None] = []
        scope = lambda node: self.get_metadata(ScopeProvider, node, None)  # noqa: E731
        self.calls = CallChecker(ctx, self.qualified, self.position, self.parent, scope)
        # Calls on an Azure client name a deployment, not a model: never rewritten (MM107
        # reports the client), so the Azure code is not half-migrated.
        self.azure = ClientResolver(
            self.qualified,
            self.parent,
            scope,
            self.connection.azure_clients,
            "",
            self.calls.rules,
        )
        self.connections = Connections(
            ctx, self.qualified, self.parent, scope, self.position, self.calls.resolver, self.azure
        )

    # -- metadata helpers -------------------------------------------------------------
    def qualified(self, node: cst.CSTNode) -> set[str]:
        names = self._qualified.get(node)
        if names is None:
            scope = self.get_metadata(ScopeProvider, node, None)
            found = scope.get_qualified_names_for(node) if scope is not None else ()
            names = self._qualified[node] = {q.name for q in found}
        if not names and self.star_sdk and isinstance(node, cst.Name):
            return {f"{self.connection.sdk_module}.{node.value}"}
        return names

    def imported(self, node: cst.CSTNode) -> set[str]:
        """Qualified names that come from an import (not a local definition)."""
        scope = self.get_metadata(ScopeProvider, node, None)
        found = scope.get_qualified_names_for(node) if scope is not None else ()
        return {q.name for q in found if q.source is QualifiedNameSource.IMPORT}

    def references(self, target: cst.Name) -> list[cst.CSTNode]:
        """The places that read what `target` (an assignment target) is bound to."""
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None:
            return []
        return [
            access.node
            for assignment in scope.assignments[target.value]
            if isinstance(assignment, Assignment) and assignment.node is target
            for access in assignment.references
        ]

    def position(self, node: cst.CSTNode) -> CodeRange:
        return self.get_metadata(PositionProvider, node)

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.index.parents.get(node) if self.index is not None else None

    def is_env_read(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call):
            return bool(self.qualified(node.func) & envreads.ENV_CALLS)
        if isinstance(node, cst.Subscript):
            return envreads.ENV_MAPPING in self.qualified(node.value)
        return False

    def setting_name(self, target: cst.BaseAssignTargetExpression) -> str | None:
        if not isinstance(target, cst.Attribute):
            return None
        names = self.qualified(target) & (self.key_settings | self.base_settings)
        return next(iter(names), None)

    # -- statement tracking, for suppression comments on a statement's first line ------
    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.ctx.statement_lines.append(self.position(node).start.line)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[no-untyped-def]
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.ctx.statement_lines.pop()
        return result

    # -- module-level SDK settings ----------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self.index = node_index(node)
        self.ctx.indent = self.ctx.file_indent or node.default_indent
        self.star_sdk = any(
            isinstance(small, cst.ImportFrom)
            and isinstance(small.module, cst.Name)
            and small.module.value == self.connection.sdk_module
            and isinstance(small.names, cst.ImportStar)
            for line in node.body
            if isinstance(line, cst.SimpleStatementLine)
            for small in line.body
        )
        module_base: cst.BaseExpression | None = None
        for line in iter_nodes(node):
            if not isinstance(line, cst.SimpleStatementLine) or not isinstance(
                line.body[0], cst.Assign
            ):
                continue
            assign = line.body[0]
            for target in assign.targets:
                name = self.setting_name(target.target)
                if name in self.key_settings:
                    self.key_statements.add(line)
                elif name in self.base_settings:
                    self.module_sets_base = True
                    module_base = assign.value
        self.run_elsewhere = self.ctx.run_elsewhere
        self.env_uses = envreads.EnvUseCollector(
            self.ctx,
            self.qualified,
            self.imported,
            self.parent,
            lambda found: self.position(found).start.line,
            self.references,
        ).collect(node)
        # openai<1.0 reads `api_base`, not `base_url`: a legacy file gets the legacy name
        # (a file that only sets the module up is recognised by names 0.x alone has)
        self.legacy_sdk = bool(self.key_statements) and any(
            isinstance(found, (cst.Attribute, cst.Name)) and self._is_legacy(found)
            for found in iter_nodes(node)
        )
        self.connections.analyse(
            node, bool(self.key_statements) or self.module_sets_base, module_base
        )

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """A pydantic-settings field named after an OpenAI variable reads that variable."""
        if not isinstance(node.target, cst.Name) or not self.connection.settings_classes:
            return
        # AnnAssign < line < body < class
        owner = self.parent(self.parent(self.parent(node)) or node)  # type: ignore[arg-type]
        if not isinstance(owner, cst.ClassDef):
            return
        if not any(
            self.qualified(base.value) & self.connection.settings_classes for base in owner.bases
        ):
            return
        if isinstance(node.value, cst.Call) and any(
            arg.keyword is not None and arg.keyword.value in ("alias", "validation_alias")
            for arg in node.value.args
        ):
            return  # the alias names the variable (reported on its own)
        variable = node.target.value.upper()
        new_name = envreads.renamed(variable, self.ctx)
        if new_name is not None:
            self.ctx.report(
                "MM110",
                self.position(node.target),
                old=variable,
                new=new_name,
                how="read by pydantic-settings for this field",
            )

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        for target in original.targets:
            name = self.setting_name(target.target)
            if name is None:
                continue
            value = string_value(original.value)
            where = self.position(original.value)
            if name in self.key_settings:
                if not self.connections.module_verdict.moves:
                    continue  # the module's connection stays (its base URL says why)
                if value is not None and isinstance(original.value, cst.SimpleString):
                    return updated.with_changes(
                        value=clients.replace_key_literal(original.value, value, where, self.ctx)
                    )
                if not self.is_env_read(original.value):
                    self.ctx.report("MM108", where, keyword=name)
            elif value is not None and urls.classify_url(value, self.connection) == "other":
                self.ctx.report("MM105", where, url=value)
        return updated

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if original not in self.key_statements or self.module_sets_base:
            return updated
        verdict = self.connections.module_verdict
        if not verdict.moves:
            if verdict.code is not None:
                self.ctx.report(verdict.code, self.position(original), **verdict.fields)
            return updated
        assign = original.body[0]
        assert isinstance(assign, cst.Assign)
        target = assign.targets[0].target
        assert isinstance(target, cst.Attribute)
        attr = self.connection.module_base_url[-1 if self.legacy_sdk else 0]
        if not self.ctx.report(
            "MM103",
            self.position(original),
            client=f"setting {self.connection.sdk_module}.api_key",
            missing="base_url",
            added=f"{attr} from {self.ctx.settings.base_url_env}",
        ):
            return updated
        addition = clients.module_setting_statement(target, attr, self.ctx)
        return cst.FlattenSentinel([updated, addition])

    # -- functions run outside this module (decisions/names.py) ----------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.name.value not in self.run_elsewhere:
            self.function_marks.append(None)
            return
        ctx = self.ctx
        self.function_marks.append(
            (len(ctx.findings), Counter(ctx.rewrites), set(ctx.env_vars), ctx.needs_os)
        )

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        mark = self.function_marks.pop()
        if mark is None or updated is original:
            return updated
        added = (
            {"os"}
            if runelsewhere.names_used(updated, "os") > runelsewhere.names_used(original, "os")
            else set()
        )
        available = self.run_elsewhere[original.name.value] | runelsewhere.imported_in(original)
        if may_add_names(added, run_elsewhere=True, available=available):
            return updated
        found, rewrites, env_vars, needs_os = mark
        ctx = self.ctx
        undone = [f for f in ctx.findings[found:] if f.fixable]
        ctx.findings[found:] = [f for f in ctx.findings[found:] if not f.fixable]
        ctx.rewrites, ctx.env_vars, ctx.needs_os = rewrites, env_vars, needs_os
        ctx.report(
            "MM126",
            self.position(original.name),
            function=original.name.value,
            names=", ".join(sorted(added)),
            count=len(undone),
            codes=", ".join(sorted({f.code for f in undone})) or "none",
        )
        for literal in iter_nodes(original):
            value = string_value(literal) if isinstance(literal, cst.SimpleString) else None
            if value in ctx.secrets and is_real_key(value):  # still committed: still said
                ctx.report(
                    "MM508",
                    self.position(literal),
                    secret=mask(value),
                    key=f"{original.name.value}() (not migrated, see MM126)",
                )
        return original

    # -- literals ---------------------------------------------------------------------
    def leave_SimpleString(
        self, original: cst.SimpleString, updated: cst.SimpleString
    ) -> cst.BaseExpression:
        value = string_value(original)
        if value is None:
            return updated
        role = role_of(original, self.parent)
        if role.kind == "assign" and self._in_enum_body(original):
            # Model.GPT4O = "gpt-4o" is an identifier other code matches on: rewriting it
            # would make members collide (two ids, one Mistral target) or change lookups
            role = Role("enum-member")
        if role.kind == "type" or self._is_env_default(role):
            return updated  # a Literal[...] type names values; a read's default: envreads
        where = self.position(original)
        match = self.ctx.settings.models.lookup(value)
        stays = self.connections.left_alone(where)
        if stays is None and match is not None and self.ctx.in_raw_http(where):
            stays = RAW_REQUEST
        if stays is not None:
            # inside a client that stays: its finding says why, and so does an id here
            if match is not None:
                models.held_back(match, ("stays", stays), where, self.ctx)
            return updated
        destination = self.connections.destination(original)
        if match is None and self._on_azure_client(role):
            return updated
        framework = self._framework_of(role)
        if framework is not None:
            handled = frameworks.rewrite_literal(
                updated, value, role, framework, where, self.ctx, destination
            )
            if handled is not None:
                return handled
            role = frameworks.normalized(role, framework, self.ctx)
        new_name = envreads.renamed(value, self.ctx)
        if (
            new_name is not None
            and role.kind != "docstring"
            and not self._inside_env_read(original)
        ):
            self.ctx.report(
                "MM110",
                self.position(original),
                old=value,
                new=new_name,
                how="named here (a settings alias, a config key?)",
            )
            return updated
        if match is not None:
            if role.kind == "positional" and original in self.connections.targets:
                # `ask("gpt-4o")` where `ask` sends its parameter as the model: it names one
                model_keyword = sorted(self.connection.model_keywords)[0]
                role = Role("keyword", model_keyword, role.call)
            return models.rewrite_literal(updated, match, role, where, self.ctx, destination)
        return urls.rewrite_literal(
            updated, value, role, where, self.ctx, lambda: self._host_uses_seen(original)
        )

    def _host_uses_seen(self, value: cst.BaseExpression) -> bool:
        """`HOST = <value>` and every use of HOST appends the API path (`f"{HOST}/v1/..."`)."""
        holder = self.parent(value)
        if isinstance(holder, cst.BooleanOperation):  # os.getenv(...) or "<host>"
            value, holder = holder, self.parent(holder)
        if not (isinstance(holder, cst.Assign) and len(holder.targets) == 1):
            return False
        target = holder.targets[0].target
        if not isinstance(target, cst.Name):
            return False
        return urls.uses_append_api_path(
            self.references(target), self.parent, self.ctx.settings.mistral_base_url
        )

    def _tested_for_presence(self, read: cst.Call) -> bool:
        """The read, or the one name it is assigned to, stands in a presence test."""
        if envreads.in_presence_test(read, self.parent):
            return True
        holder = self.parent(read)
        target: cst.BaseExpression | None = None
        if isinstance(holder, cst.Assign) and len(holder.targets) == 1:
            target = holder.targets[0].target
        elif isinstance(holder, (cst.AnnAssign, cst.NamedExpr)):
            target = holder.target
        if not isinstance(target, cst.Name):
            return False
        return any(envreads.in_presence_test(use, self.parent) for use in self.references(target))

    def _on_azure_client(self, role: Role) -> bool:
        if role.call is None or not isinstance(role.call.func, cst.Attribute):
            return False
        return self.azure.path_of(role.call.func.value) is not None

    def _framework_of(self, role: Role) -> Framework | None:
        if role.call is None or role.kind not in ("keyword", "positional"):
            return None
        framework = self.ctx.settings.frameworks.of(self.qualified(role.call.func))
        return None if framework is None or framework.kind == "wrapper" else framework

    def constant_string(self, expr: cst.BaseExpression) -> tuple[str, int] | None:
        """`API_KEY` when the file binds it exactly once, to a string literal."""
        if not isinstance(expr, cst.Name):
            return None
        scope = self.get_metadata(ScopeProvider, expr, None)
        if scope is None:
            return None
        bindings = [a for a in scope[expr.value] if isinstance(a, Assignment)]
        if len(bindings) != 1:
            return None
        target = self.parent(bindings[0].node)
        assign = self.parent(target) if isinstance(target, cst.AssignTarget) else target
        if not isinstance(assign, (cst.Assign, cst.AnnAssign)) or assign.value is None:
            return None
        value = string_value(assign.value)
        return (value, self.position(assign.value).start.line) if value else None

    def _in_enum_body(self, node: cst.CSTNode) -> bool:
        """`node` is the value of an assignment written directly in an Enum class body."""
        statement = self.parent(self.parent(node) or node)  # value < Assign < line
        body = self.parent(statement) if statement is not None else None
        owner = self.parent(body) if body is not None else None
        if not isinstance(owner, cst.ClassDef):
            return False
        return any(self.qualified(base.value) & ENUM_CLASSES for base in owner.bases)

    def _inside_env_read(self, node: cst.CSTNode) -> bool:
        """The variable-name argument of `os.environ[...]` / `os.getenv(...)` (renamed there)."""
        parent = self.parent(node)
        for _ in range(3):
            if parent is None:
                return False
            if isinstance(parent, (cst.Call, cst.Subscript)):
                return self.is_env_read(parent)
            parent = self.parent(parent)
        return False

    def _is_env_default(self, role: Role) -> bool:
        if role.call is None or not (self.qualified(role.call.func) & envreads.ENV_CALLS):
            return False
        return (role.kind == "positional" and role.index == 1) or (
            role.kind == "keyword" and role.name == "default"
        )

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.ctx.fstring_quotes.append(node.quote[0])

    def leave_FormattedString(
        self, original: cst.FormattedString, updated: cst.FormattedString
    ) -> cst.FormattedString:
        self.ctx.fstring_quotes.pop()
        models.report_in_fstring(original, self.position(original), self.ctx)
        return updated

    # -- calls ------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        new = self._rewrite_call(original, updated)
        if isinstance(new, cst.Call) and not self.ctx.fstring_quotes:  # no line breaks in f-strings
            return layout.fit(
                original,
                new,
                self.position(original).start.column,
                self.ctx.indent,
                self.ctx.settings.line_length,
            )
        return new

    def _rewrite_call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.connections.origin_moves(original):
            updated = self.calls.leave_call(original, updated)
        names = self.qualified(original.func)
        if not names:
            return updated
        where = self.position(original)
        if names & envreads.ENV_CALLS:
            if self.connections.left_alone(where) is not None:
                return updated
            holder = self.parent(original)
            has_fallback = (
                isinstance(holder, cst.BooleanOperation)
                and isinstance(holder.operator, cst.Or)
                and holder.left is original
            )
            return envreads.rewrite_call(
                original,
                updated,
                where,
                self.ctx,
                has_fallback,
                self.connections.destination(original),
                self._tested_for_presence(original),
                self.env_uses,
                lambda: self._host_uses_seen(original),
            )
        framework = self.ctx.settings.frameworks.of(names)
        if framework is not None and framework.kind != "wrapper":
            verdict = self.connections.framework_verdicts.get(original)
            if verdict is not None and verdict.unknown:
                self._report_unknown_base(original, framework.base_url)
                return updated
            call = frameworks.FrameworkCall(
                framework, original, self.position, self.is_env_read, self.ctx
            )
            return call.rewrite(updated)
        if names & self.connection.azure_clients:
            self.ctx.report(
                "MM107",
                where,
                client=sorted(names & self.connection.azure_clients)[0],
                plain=self.connection.azure_plain,
            )
            return updated
        if names & self.connection.clients:
            verdict = self.connections.verdict_of(original)
            if verdict is not None and not verdict.moves:
                self._report_staying(original, verdict)
                return updated
            client = cst.helpers.get_full_name_for_node(original.func) or "OpenAI"
            return clients.rewrite_client(
                client,
                original,
                updated,
                self.position,
                self.is_env_read,
                self.ctx,
                constant_of=self.constant_string,
            )
        if "builtins.getattr" in names:
            self._report_dynamic_client(original, where)
            return updated
        legacy = [
            n for n in names if n.startswith(tuple(f"{p}." for p in self.connection.legacy_v0))
        ]
        if legacy:
            self.ctx.report(
                "MM106", where, call=sorted(legacy)[0], legacy=self.connection.legacy_what
            )
        return updated

    def _report_staying(self, original: cst.Call, verdict: ConnectionVerdict) -> None:
        """A client that stays: its own finding, or the one that says why it stays."""
        if verdict.code is not None:
            self.ctx.report(verdict.code, self.position(original), **verdict.fields)
            return
        facts = self.connections.facts[original]
        if facts.base == "elsewhere":
            self.ctx.report("MM105", self.position(original), url=facts.shown)
        elif facts.base == "unknown":
            self._report_unknown_base(original, (self.connection.base_url_keyword,))

    def _report_unknown_base(self, original: cst.Call, keywords: tuple[str, ...]) -> None:
        for arg in original.args:
            if arg.keyword is not None and arg.keyword.value in keywords:
                self.ctx.report("MM108", self.position(arg.value), keyword=arg.keyword.value)
                return

    def _is_legacy(self, node: cst.CSTNode) -> bool:
        legacy = (*self.connection.legacy_v0, *self.connection.legacy_markers)
        prefixes = tuple(f"{p}." for p in legacy) + legacy
        return any(name.startswith(prefixes) for name in self.qualified(node))

    def _report_dynamic_client(self, call: cst.Call, where: CodeRange) -> None:
        """`getattr(openai, "OpenAI")`: a client the tool cannot follow; say so."""
        if len(call.args) < 2 or self.connection.sdk_module not in self.qualified(
            call.args[0].value
        ):
            return
        attribute = string_value(call.args[1].value)
        if attribute and f"{self.connection.sdk_module}.{attribute}" in self.connection.clients:
            self.ctx.report(
                "MM108", where, keyword=f"getattr({self.connection.sdk_module}, {attribute!r})"
            )

    def leave_Dict(self, original: cst.Dict, updated: cst.Dict) -> cst.Dict:
        if self.ctx.fstring_quotes:  # no line breaks in f-strings
            return updated
        return layout.fit_dict(
            original,
            updated,
            self.position(original).start.column,
            self._line_indent(original),
            self.ctx.indent,
            self.ctx.settings.line_length,
        )

    def _line_indent(self, node: cst.CSTNode) -> str | None:
        """The indentation, relative to its block, of the line `node` starts on, where the
        tree shows it: a statement's own line, or an argument on a line of its own."""
        parent = self.parent(node)
        if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.Return, cst.Expr)):
            return ""
        if isinstance(parent, cst.Arg):
            call = self.parent(parent)
            if not isinstance(call, cst.Call):
                return None
            args = list(call.args)
            index = args.index(parent)
            before = call.whitespace_before_args if index == 0 else args[index - 1].comma
            if isinstance(before, cst.Comma):
                before = before.whitespace_after
            if isinstance(before, cst.ParenthesizedWhitespace):
                return before.last_line.value
        return None

    def leave_Subscript(
        self, original: cst.Subscript, updated: cst.Subscript
    ) -> cst.BaseExpression:
        if envreads.ENV_MAPPING in self.qualified(original.value):
            if self.connections.left_alone(self.position(original)) is not None:
                return updated
            return envreads.rewrite_subscript(
                updated,
                self.position(original),
                self.ctx,
                self.env_uses,
                envreads.is_write_target(original, self.parent),
            )
        return updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return (
            ensure_import_os(updated) if self.ctx.needs_os and self.ctx.add_import_os else updated
        )
