"""The JS/TS pass over one file: bytes in, new bytes and findings out; never raises for a
bad file. The rules run in a fixed order (raw requests to OpenAI, constructions, what
holds a client, calls, env reads, literals, layout), each claiming the nodes it dealt
with or the ranges to leave alone, so that a literal a client rule rewrote is not seen
again by the literal rules."""

from __future__ import annotations

import traceback
from pathlib import Path

from tree_sitter import Node

from migrator.callrules import load_call_rules
from migrator.decisions.file_kinds import file_kind, rewrites_allowed
from migrator.findings import Finding
from migrator.javascript.bindings import Resolver, Scopes, collect_bindings
from migrator.javascript.calls import CallChecker
from migrator.javascript.clients import function_holders, propagate_holders, scan_constructions
from migrator.javascript.edits import OverlappingEdits
from migrator.javascript.envreads import (
    collect_env_writes,
    scan_env_reads,
    scan_meta_env_reads,
)
from migrator.javascript.facts import load_js_facts
from migrator.javascript.keptenv import collect_kept_readers
from migrator.javascript.literals import mark_raw_http, scan_regexes, scan_strings
from migrator.javascript.objects import relayout
from migrator.javascript.source import Source, house_quote
from migrator.javascript.state import Holder, JsFile
from migrator.javascript.suppress import find_js_suppressions
from migrator.javascript.syntax import (
    collect,
    error_reason,
    first_error,
    grammar_of,
    parse_tolerant,
)
from migrator.pipeline import FileResult, tool_finding, unused_suppressions
from migrator.python.context import FileContext
from migrator.settings import Settings
from migrator.suppressions import code_filter


def _type_target(js: JsFile, annotation: Node | None) -> str | None:
    if annotation is None or not annotation.named_children:
        return None
    spelled = annotation.named_children[0]
    if spelled.type == "union_type":  # OpenAI | undefined
        for part in spelled.named_children:
            if part.type in ("type_identifier", "nested_type_identifier"):
                spelled = part
                break
    if spelled.type == "type_identifier" and spelled.text:
        bound = js.resolver.by_name(spelled.text.decode())
        return bound.target if bound is not None else None
    if spelled.type == "nested_type_identifier" and spelled.text:
        head, _, tail = spelled.text.decode().partition(".")
        base = js.resolver.by_name(head)
        return f"{base.target}.{tail}" if base is not None else None
    return None


def _typed_holders(js: JsFile, nodes: dict[str, list[Node]]) -> None:
    """`client: OpenAI` parameters and `private client: OpenAI` fields."""
    for node in (
        nodes["required_parameter"]
        + nodes["optional_parameter"]
        + nodes["field"]
        + nodes["variable_declarator"]
    ):
        kind = js.facts.client_kind(_type_target(js, node.child_by_field_name("type")), True)
        if kind is None or kind.kind != "client" or not kind.returns:
            continue
        name = (
            node.child_by_field_name("pattern")
            or node.child_by_field_name("name")
            or node.child_by_field_name("property")
        )
        if name is None or not name.text:
            continue
        if node.type == "variable_declarator":  # const client: OpenAI = makeClient()
            if name.type == "identifier":
                js.remember(js.variable(name), Holder(kind.returns), replace=False)
            continue
        if node.type in ("public_field_definition", "field_definition") or any(
            child.type in ("accessibility_modifier", "readonly") for child in node.children
        ):  # a field, or a constructor parameter property (`private readonly ai: OpenAI`)
            js.members.setdefault(js.member(node, name.text.decode()), Holder(kind.returns))
        if (
            node.type not in ("public_field_definition", "field_definition")
            and name.type == "identifier"
        ):
            js.remember(js.variable(name), Holder(kind.returns), replace=False)


def _local_imports(js: JsFile) -> None:
    """Names imported from the project's own code (relative paths, path aliases, workspace
    packages: any module that is not a known SDK or framework package) that are named
    after OpenAI, in the local name or the module path."""
    hint = js.facts.local_import_hint
    known = js.facts.packages
    for key, binding in js.resolver.bindings.items():
        if binding.module in known:
            continue
        if hint in key[1].lower() or hint in binding.module.lower():
            js.local_imports.add(key)


def _legacy(js: JsFile, constructions: list[Node]) -> bool:
    """openai-node v3 in this file: reported, and the whole file left as it is."""
    found = False
    for node in constructions:
        callee = node.child_by_field_name("constructor") or node.child_by_field_name("function")
        target = js.resolver.target(callee)
        if target in js.facts.legacy:
            found = True
            js.report(
                "MM106",
                node,
                call=js.text(callee) if callee is not None else target,
                legacy=js.facts.legacy_what,
            )
    if found:
        js.hands_off.append((0, len(js.source.data)))
    return found


def migrate_javascript(data: bytes, display: str, settings: Settings) -> FileResult:
    result = FileResult(Path(display), display, original=data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        result.findings.append(
            tool_finding(display, "MM902", settings, f"not valid UTF-8 ({error})")
        )
        return result
    tree = parse_tolerant(data, grammar_of(display))
    source = Source(data)
    broken = first_error(tree.root_node)
    if broken is not None:
        where = source.point(broken.start_byte)
        result.findings.append(
            tool_finding(
                display,
                "MM901",
                settings,
                f"syntax error at line {where.line}, column {where.column + 1}: "
                f"{error_reason(broken, data)}",
                where.line,
                where.column + 1,
            )
        )
        return result
    try:
        return _migrate(data, display, settings, source, tree.root_node, result)
    except RecursionError:  # thousands of nested parentheses: generated code, not a migration
        result.findings = [tool_finding(display, "MM901", settings, "nested too deeply to analyse")]
        result.new = None
        return result
    except Exception as error:
        result.error = traceback.format_exc()
        result.findings = [
            tool_finding(display, "MM903", settings, f"{type(error).__name__}: {error}")
        ]
        result.new = None
        return result


def analyse(data: bytes, display: str, settings: Settings) -> JsFile | None:
    """The pass over one file without its edits applied: what `probe` reads (the places
    that send requests, `JsFile.requests`). None for a file the pass would not read
    (not UTF-8, a syntax error)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    tree = parse_tolerant(data, grammar_of(display))
    if first_error(tree.root_node) is not None:
        return None
    try:
        return _analyse(data, display, settings, Source(data), tree.root_node)
    except RecursionError:
        return None


def _analyse(data: bytes, display: str, settings: Settings, source: Source, root: Node) -> JsFile:
    facts = load_js_facts()
    nodes = collect(root, grammar_of(display), facts.env_objects | facts.browser_env_objects)
    scopes = Scopes()
    ctx = FileContext(
        settings=settings,
        path=display,
        ignores=find_js_suppressions(source, nodes["comment"]),
        enabled=code_filter(settings, display),
        language="javascript",
    )
    grammar = grammar_of(display)
    js = JsFile(
        source=source,
        ctx=ctx,
        facts=facts,
        rules=load_call_rules(overlay=settings.param_overlay),
        resolver=Resolver(
            collect_bindings(
                nodes["import_statement"] + nodes["variable_declarator"],
                scopes,
                facts.canonical_module,
            ),
            scopes,
        ),
        typescript=grammar != "javascript",
        quote=house_quote(nodes["string"]),
        declarators=nodes["variable_declarator"],
    )
    js.style = facts.env_style(data)
    js.browser = facts.browser_reason(data)
    js.env_available = js.browser is None
    _local_imports(js)
    if not rewrites_allowed(file_kind(display)):
        # a test: its mocks and assertions are not requests to OpenAI (decisions.file_kinds)
        js.hands_off.append((0, len(source.data)))
        scan_strings(js, nodes["string"] + nodes["template_string"])  # keys still reported
    elif _legacy(js, nodes["new_expression"]):
        scan_strings(js, nodes["string"] + nodes["template_string"])  # keys still reported
    else:
        mark_raw_http(js, nodes["string"] + nodes["template_string"], nodes["call_expression"])
        collect_env_writes(js, nodes["env_read"])
        collect_kept_readers(js, nodes["new_expression"], nodes["call_expression"])
        _typed_holders(js, nodes)
        scan_constructions(js, nodes["new_expression"] + nodes["call_expression"])
        propagate_holders(js, nodes["variable_declarator"], nodes["field"])
        function_holders(js, nodes["function_declaration"], nodes["variable_declarator"])
        if js.functions:  # const client = getClient()
            propagate_holders(js, nodes["variable_declarator"], nodes["field"])
        checker = CallChecker(js)
        for call in nodes["call_expression"]:
            checker.check(call)
        scan_env_reads(js, nodes["env_read"], nodes["variable_declarator"])
        scan_meta_env_reads(js, nodes["meta_env_read"])
        scan_strings(js, nodes["string"] + nodes["template_string"])
        scan_regexes(js, nodes["regex"])
    return js


def _migrate(
    data: bytes, display: str, settings: Settings, source: Source, root: Node, result: FileResult
) -> FileResult:
    js = _analyse(data, display, settings, source, root)
    ctx, grammar = js.ctx, grammar_of(display)
    relayout(js)
    try:
        new = js.edits.apply(data)
    except OverlappingEdits as error:
        ctx.findings.append(tool_finding(display, "MM903", settings, str(error)))
        new = data
    if new != data:
        again = parse_tolerant(new, grammar)
        if first_error(again.root_node) is not None:
            ctx.findings.append(
                tool_finding(
                    display,
                    "MM903",
                    settings,
                    "the rewritten file would not parse, so it was left unchanged",
                )
            )
            new = data
    result.new = new if new != data else None
    findings: list[Finding] = ctx.findings + unused_suppressions(ctx)
    result.findings = sorted(findings, key=lambda f: (f.line, f.column, f.code))
    result.anchors = ctx.anchors
    result.rewrites = ctx.rewrites
    result.env_vars = ctx.env_vars
    result.secrets = ctx.secrets
    return result
