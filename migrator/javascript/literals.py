"""String literals in JS/TS: model ids and OpenAI URLs, rewritten where they choose the
model or the endpoint, reported everywhere else (the rules of the Python pass)."""

from __future__ import annotations

import re

from tree_sitter import Node

from migrator.decisions.url_depth import judge_url_depth
from migrator.endpoints import classify_url
from migrator.envnames import renamed_variable
from migrator.javascript.roles import NAMING, PLACES, Role, describe, needs_parentheses, role_of
from migrator.javascript.source import quote_of, quoted, string_value
from migrator.javascript.state import JsFile
from migrator.javascript.values import dotted, env_read
from migrator.modelmap import ModelMatch
from migrator.secrets import mask, secret_pattern

MODELS = "model ids"
URLS = "base URLs"
# what a finding names as the variable in browser code, which has no process.env
NO_ENV = "no variable (browser or edge code has no process.env: the value is written in)"
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]*")


def _replace(js: JsFile, node: Node, text: str) -> None:
    # a plain literal (browser code: the value is written in) takes no parentheses
    if " ?? " in text and needs_parentheses(node):
        text = f"({text})"
    js.edits.replace(node.start_byte, node.end_byte, text)
    js.grow(node)  # an object the rewrite made longer: see objects.relayout


def _chooses_model(js: JsFile, role: Role) -> bool:
    if role.kind in NAMING:
        return True
    return role.kind == "dict-value" and role.name in js.facts.model_keys


def _mapped(match: ModelMatch) -> str:
    return match.entry.mistral if match.entry and match.entry.mistral else "none"


def report_unrewritable(js: JsFile, node: Node, match: ModelMatch) -> None:
    entry = match.entry
    if match.kind == "unmapped":
        js.report("MM202", node, openai=match.text, review=entry.review if entry else "")
    elif match.kind == "fine_tune":
        js.report("MM204", node, openai=match.text, base=match.openai_id, mistral=_mapped(match))
    else:
        js.report("MM203", node, openai=match.text)


def rewrite_model(js: JsFile, node: Node, match: ModelMatch, role: Role) -> None:
    """`model: "gpt-4o"` -> `model: process.env.MISTRAL_LARGE_MODEL ?? "mistral-large-latest"`."""
    entry = match.entry
    if not match.rewritable or entry is None:
        report_unrewritable(js, node, match)
        return
    fallback_of = env_read(role.other, js.facts.env_objects) if role.kind == "fallback" else None
    if role.kind == "env-default" and role.name and dotted(role.other) in js.facts.env_objects:
        fallback_of = (role.name, node)
    env = entry.env
    if fallback_of is not None:  # process.env.OPENAI_MODEL ?? "gpt-4o": the read keeps its variable
        env = renamed_variable(fallback_of[0], js.ctx.settings) or fallback_of[0]
    shown = env if js.env_available or fallback_of is not None else NO_ENV
    if not js.report("MM201", node, openai=match.text, mistral=entry.mistral, env=shown):
        return
    if entry.review:
        js.report("MM205", node, openai=match.text, mistral=entry.mistral, review=entry.review)
    if fallback_of is not None:
        js.edits.replace(node.start_byte, node.end_byte, quoted(entry.mistral, quote_of(node)))
    else:
        _replace(js, node, js.env_default(entry.env, entry.mistral))
    js.ctx.rewrote(MODELS, env if shown == env else None, uses_os=False)


def model_literal(js: JsFile, node: Node, match: ModelMatch) -> None:
    role = role_of(node)
    if role.kind == "directive":
        return
    if _chooses_model(js, role):
        rewrite_model(js, node, match, role)
        return
    if role.kind in PLACES:
        js.report("MM206", node, openai=match.text, place=PLACES[role.kind], mistral=_mapped(match))
    elif (
        match.kind == "unknown"
        and role.kind in ("positional", "dict-value", "other", "jsx")
        and not _in_model_table(js, node)
    ):
        return  # an id-shaped string somewhere we cannot interpret: too weak to flag
    else:
        js.report("MM207", node, openai=match.text, place=describe(role), mistral=_mapped(match))


def _in_model_table(js: JsFile, node: Node) -> bool:
    """An id-shaped string in a table whose other entries are known OpenAI ids (`[{ value:
    "gpt-4o" }, { value: "gpt-4-0125-preview" }]`): reported like its neighbours."""
    table = node.parent
    for _ in range(3):  # pair -> object -> array: the rows of a table
        if table is None or table.type == "array":
            break
        table = table.parent
    if table is None or table.type != "array":
        return False
    models = js.ctx.settings.models
    stack = list(table.named_children)
    while stack:
        current = stack.pop()
        if current.type == "string" and current.id != node.id:
            value = string_value(current)
            found = models.lookup(value) if value else None
            if found is not None and found.kind != "unknown":
                return True
        elif current.type in ("object", "pair", "array"):
            stack.extend(current.named_children)
    return False


def url_literal(js: JsFile, node: Node, value: str) -> None:
    """An OpenAI URL outside a client's options: a constant is rewritten, a fetch is reported."""
    kind = classify_url(value, js.ctx.settings.catalog.connection)
    if kind in (None, "other", "mistral"):
        return
    role = role_of(node)
    if kind == "endpoint" or role.kind not in NAMING | {"dict-value"}:
        js.report("MM109", node, url=value)
        return
    settings = js.ctx.settings
    depth = judge_url_depth(value, settings.mistral_base_url)
    if not depth.rewrite:  # `https://api.openai.com` that the code completes itself
        assert depth.code is not None
        js.report(depth.code, node, **depth.fields)
        return
    fallback_of = env_read(role.other, js.facts.env_objects) if role.kind == "fallback" else None
    env = settings.base_url_env
    if fallback_of is not None:
        env = renamed_variable(fallback_of[0], settings) or fallback_of[0]
    shown = env if js.env_available or fallback_of is not None else NO_ENV
    if not js.report("MM101", node, url=value, env=shown, default=settings.mistral_base_url):
        return
    if fallback_of is not None:
        js.edits.replace(
            node.start_byte, node.end_byte, quoted(settings.mistral_base_url, quote_of(node))
        )
    else:
        _replace(js, node, js.env_default(env, settings.mistral_base_url))
    js.ctx.rewrote(URLS, env, uses_os=False)


def template_ids(js: JsFile, node: Node) -> None:
    """Ids inside a template literal with `${}`: reported, never rewritten."""
    for part in node.named_children:
        if part.type != "string_fragment" or not part.text:
            continue
        for token in _TOKEN.findall(part.text.decode("utf-8", errors="replace")):
            token = token.rstrip("-_.:")
            match = js.ctx.settings.models.lookup(token)
            if match is not None and match.kind != "unknown":
                js.report(
                    "MM207",
                    node,
                    openai=token,
                    place="inside a template literal",
                    mistral=_mapped(match),
                )


def scan_regexes(js: JsFile, regexes: list[Node]) -> None:
    """`/^(o[1-9]|gpt-5)/.test(id)`: routing on model ids written as a pattern (MM206)."""
    for node in regexes:
        pattern = node.child_by_field_name("pattern")
        if pattern is None or not pattern.text or js.is_hands_off(node):
            continue
        text = pattern.text.decode("utf-8", errors="replace")
        for token in _TOKEN.findall(text):
            token = token.rstrip("-_.:")
            match = js.ctx.settings.models.lookup(token)
            if match is not None and match.kind != "unknown":
                js.report(
                    "MM206",
                    node,
                    openai=token,
                    place="a regular expression",
                    mistral=_mapped(match),
                )
                break


def _statement_of(node: Node) -> Node:
    while node.parent is not None and node.parent.type not in (
        "program",
        "statement_block",
        "class_body",
        "switch_case",
    ):
        node = node.parent
    return node


def mark_raw_http(js: JsFile, strings: list[Node], calls: list[Node]) -> None:
    """`fetch("https://api.openai.com/v1/chat/completions", ...)`: reported (MM109), and its
    whole statement left alone, so its key variable and model stay OpenAI's together
    (a renamed key or a Mistral id sent to api.openai.com would only fail)."""
    connection = js.ctx.settings.catalog.connection
    names: set[tuple[int, str]] = set()
    for node in strings:
        text = js.text(node)[1:-1]
        templated = node.type == "template_string" and "${" in text
        head = text.split("${", 1)[0] if node.type == "template_string" else string_value(node)
        kind = classify_url(head, connection) if head else None
        # `https://api.openai.com/v1/${path}`: a URL built on OpenAI's host is a request too
        if not (kind == "endpoint" or (templated and kind == "base")):
            continue
        js.claimed.add(node.start_byte)
        js.report("MM109", node, url=head if not templated else js.text(node))
        statement = _statement_of(node)
        js.hands_off.append((statement.start_byte, statement.end_byte))
        _keep_sent_variables(js, statement)
        holder = node.parent
        if holder is not None and holder.type == "variable_declarator":  # const OPENAI_URL = "..."
            name = holder.child_by_field_name("name")
            if name is not None and name.type == "identifier" and name.text:
                names.add(js.variable(name))
    if names:
        for call in calls:  # fetch(OPENAI_URL, ...), http.post(`${OPENAI_URL}/x`, ...)
            arguments = call.child_by_field_name("arguments")
            if arguments is not None and any(
                n.type == "identifier" and n.text and js.variable(n) in names
                for n in _argument_parts(arguments)
            ):
                statement = _statement_of(call)
                js.hands_off.append((statement.start_byte, statement.end_byte))


def _keep_sent_variables(js: JsFile, statement: Node) -> None:
    """The OpenAI variables a request left to OpenAI sends, read in it or through a
    same-scope constant (`Bearer ${apiKey}` with `const apiKey = process.env.OPENAI_API_KEY`):
    kept by their OpenAI names in the whole file (decisions.env_writes)."""
    where = f"the request to OpenAI on line {js.source.point(statement.start_byte).line}"
    stack = [statement]
    while stack:
        current = stack.pop()
        stack.extend(current.named_children)
        held = js.constant_value(current) if current.type == "identifier" else current
        read = env_read(held, js.facts.env_objects)
        if read is not None and renamed_variable(read[0], js.ctx.settings) is not None:
            js.env_kept.setdefault(read[0], where)


def _argument_parts(arguments: Node) -> list[Node]:
    """The nodes of a call's arguments, not entering functions passed as arguments (a
    handler's body is not the call's request)."""
    from migrator.javascript.syntax import FUNCTIONS

    found, stack = [], list(arguments.named_children)
    while stack:
        current = stack.pop()
        if current.type in FUNCTIONS:
            continue
        found.append(current)
        stack.extend(current.named_children)
    return found


def _secret_in(js: JsFile, node: Node, text: str) -> None:
    """A key shape anywhere else in a string: reported (it stays in the history)."""
    found = secret_pattern().search(text)
    if found is None:
        return
    js.ctx.secrets.add(found.group(0))
    js.report("MM117", node, secret=mask(found.group(0)), env=js.ctx.settings.api_key_env)


def scan_strings(js: JsFile, strings: list[Node]) -> None:
    models = js.ctx.settings.models
    settings = js.ctx.settings
    for node in strings:
        if node.start_byte in js.claimed:
            continue
        value = string_value(node)
        if value is None:
            if node.type == "template_string":
                _secret_in(js, node, js.text(node))
                if not js.is_hands_off(node):
                    template_ids(js, node)
            continue
        _secret_in(js, node, value)
        if js.is_hands_off(node):
            continue
        match = models.lookup(value)
        if match is not None:
            model_literal(js, node, match)
        elif value.startswith("http"):
            url_literal(js, node, value)
        elif (new := renamed_variable(value, settings)) is not None:
            # config.get("OPENAI_API_KEY"): a variable named by a string, read by someone else
            js.report(
                "MM110",
                node,
                old=value,
                new=new,
                how="named here (a settings lookup, a config key?)",
            )
