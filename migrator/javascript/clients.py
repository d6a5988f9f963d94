"""Client constructions: `new OpenAI({...})`, `createOpenAI({...})`, `new ChatOpenAI({...})`.

The options object is edited in place: a literal key becomes an env read (MM102), an
OpenAI base URL becomes an env read defaulting to Mistral (MM101), a missing key or base
URL is added (MM103). A client pointed at another host is left alone (MM105), and so are
the models of everything it is asked for. What the construction builds is remembered by
the variable or `this.` member it is stored in, for the call checks.
"""

from __future__ import annotations

from dataclasses import replace

from tree_sitter import Node

from migrator.decisions.keys import literal_key_code
from migrator.decisions.url_depth import judge_url_depth
from migrator.endpoints import classify_url, mistral_path_wrong
from migrator.envnames import renamed_variable
from migrator.javascript.facts import ClientKind, Review
from migrator.javascript.source import quoted, string_value
from migrator.javascript.state import Holder, JsFile, RequestSite
from migrator.javascript.values import (
    dotted,
    env_read,
    has_spread,
    literal,
    lookup,
    properties,
    unwrap,
)
from migrator.secrets import looks_like_secret, mask

CONNECTION = "client settings"
KEYS = "API keys"


def constructed_kind(js: JsFile, node: Node) -> ClientKind | None:
    new = node.type == "new_expression"
    callee = node.child_by_field_name("constructor" if new else "function")
    return js.facts.client_kind(js.resolver.target(callee), new)


def _label(js: JsFile, node: Node) -> str:
    callee = node.child_by_field_name("constructor") or node.child_by_field_name("function")
    name = js.text(callee) if callee is not None else "client"
    return f"new {name}()" if node.type == "new_expression" else f"{name}()"


def _holder_of(js: JsFile, node: Node, holder: Holder) -> None:
    """Remember where the built value is stored: `const c = ...`, `this.c = ...`, a field."""
    js.built[(node.start_byte, node.end_byte)] = holder
    parent = node.parent
    while parent is not None and parent.type in (
        "parenthesized_expression",
        "await_expression",
        "as_expression",
    ):
        parent = parent.parent
    if parent is None:
        return
    target = None
    if parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
    elif parent.type == "assignment_expression":
        target = parent.child_by_field_name("left")
    elif parent.type in ("public_field_definition", "field_definition"):
        name = parent.child_by_field_name("name") or parent.child_by_field_name("property")
        if name is not None and name.text:
            js.members[js.member(parent, name.text.decode())] = holder
        return
    if target is None:
        return
    if target.type == "identifier" and target.text:
        js.remember(js.variable(target), holder)
    elif target.type == "member_expression":
        obj, prop = target.child_by_field_name("object"), target.child_by_field_name("property")
        if obj is not None and obj.type == "this" and prop is not None and prop.text:
            js.members[js.member(target, prop.text.decode())] = holder


def _secret_constant(js: JsFile, identifier: Node) -> tuple[str, int] | None:
    """`const KEY = "sk-..."` for an identifier used as the key: its value and line (the
    literal is claimed: this finding speaks for it)."""
    name = identifier.text
    for declarator in js.declarators:
        target = declarator.child_by_field_name("name")
        literal = declarator.child_by_field_name("value")
        if target is not None and target.text == name and literal is not None:
            value = string_value(literal)
            if value is not None and looks_like_secret(value):
                js.claimed.add(literal.start_byte)
                return value, js.source.point(declarator.start_byte).line
    return None


class Construction:
    def __init__(self, js: JsFile, node: Node, kind: ClientKind) -> None:
        self.js = js
        self.node = node
        self.kind = kind
        callee = node.child_by_field_name("constructor") or node.child_by_field_name("function")
        self.target = js.resolver.target(callee) or ""
        arguments = node.child_by_field_name("arguments")
        self.arguments = arguments
        args = (
            [a for a in arguments.named_children if a.type != "comment"]
            if arguments is not None
            else []
        )
        # LangChain 1.x also takes the model first: new ChatOpenAI("gpt-4o", { ... })
        self.model_first = (
            args[0] if args and kind.model and string_value(args[0]) is not None else None
        )
        if self.model_first is not None:
            args = args[1:]
        self.options = unwrap(args[0]) if args else None
        self.elsewhere = False

    def run(self) -> None:
        js, kind = self.js, self.kind
        if kind.kind == "manual":
            js.hands_off.append((self.node.start_byte, self.node.end_byte))
            # its calls name deployments (Azure) or go where Mistral is not: never rewritten
            _holder_of(js, self.node, Holder("client", elsewhere=True))
            name = js.text(self.node.child_by_field_name("constructor") or self.node)
            if kind.code == "MM107":
                js.report(kind.code, self.node, client=name, plain=kind.plain)
            else:
                js.report(kind.code, self.node, framework=name, advice=kind.advice)
            return
        options = self.options
        if options is not None and options.type != "object":
            js.report("MM108", options, keyword=f"{_label(js, self.node)} options")
            self._remember()
            return
        self._bound()
        if not self.elsewhere:
            self._unknown_key()
        if not self.elsewhere:
            self._base_url()
        if not self.elsewhere:
            self._api_key()  # may find the client must stay as it is (MM116)
        if not self.elsewhere:
            self._model_first()
            additions = self._missing() + self._default_model()
            if additions:
                from migrator.javascript.objects import add_properties

                add_properties(
                    self.js,
                    self.arguments,
                    self.options,
                    additions,
                    after=self.model_first,
                    callee=self.node.child_by_field_name("constructor"),
                )
            self._review()
            self._resize()
            self._browser_key()
        else:
            js.hands_off.append((self.node.start_byte, self.node.end_byte))
        self._remember()

    def _resize(self) -> None:
        """OpenAIEmbeddings moved to mistral-embed: the vectors change size (MM211), said
        here unless a `dimensions` option is there to be reviewed on its own."""
        kind = self.kind
        if not kind.resize or (
            self.options is not None and any(key in properties(self.options) for key in kind.review)
        ):
            return
        name = self.js.text(self.node.child_by_field_name("constructor") or self.node)
        self.js.report("MM211", self.node, framework=name, keyword="model", advice=kind.resize)

    def _browser_key(self) -> None:
        """A client moved to Mistral in browser or edge code: its base URL and models are
        written in, but no key can be: where it comes from needs a person (MM121)."""
        js = self.js
        if js.browser is None or not self.kind.api_key:
            return
        found = self._find(self.kind.api_key)
        given = (
            f"{found[0]}: {js.text(found[1])}"
            if found is not None
            else f"no {self.kind.api_key[0]} given: the SDK looks for OPENAI_API_KEY"
        )
        js.report("MM121", self.node, client=_label(js, self.node), why=js.browser, key=given)

    def _remember(self) -> None:
        if self.kind.returns:
            _holder_of(self.js, self.node, Holder(self.kind.returns, self.elsewhere, origin=self))

    def _find(self, paths: tuple[str, ...]) -> tuple[str, Node] | None:
        if self.options is None:
            return None
        for path in paths:
            value = lookup(self.options, path)
            if value is not None:
                return path, value
        return None

    def _constant(self, value: Node) -> Node:
        """`baseURL: BASE_URL` / `{ baseURL }` with `const BASE_URL = ...` in scope: the
        constant's value (rewritten where it stands, by the string and env passes)."""
        plain = unwrap(value)
        if plain is None or plain.type not in ("identifier", "shorthand_property_identifier"):
            return value
        return self.js.constant_value(plain) or value

    def _destructured_env(self, value: Node) -> str | None:
        """`const { OPENAI_API_KEY } = process.env` (or `{ OPENAI_API_KEY: key }`) for the
        identifier given as the option: the variable it holds."""
        plain = unwrap(value)
        if (
            plain is None
            or plain.type not in ("identifier", "shorthand_property_identifier")
            or not plain.text
        ):
            return None
        js = self.js
        wanted = js.variable(plain)
        for declarator in js.declarators:
            pattern, held = (
                declarator.child_by_field_name("name"),
                unwrap(declarator.child_by_field_name("value")),
            )
            if (
                pattern is None
                or pattern.type != "object_pattern"
                or dotted(held) not in js.facts.env_objects
            ):
                continue
            for part in pattern.named_children:
                if part.type == "shorthand_property_identifier_pattern" and part.text == plain.text:
                    local, variable = part, part.text.decode()
                elif part.type == "pair_pattern":
                    key, local_node = (
                        part.child_by_field_name("key"),
                        part.child_by_field_name("value"),
                    )
                    if key is None or local_node is None or local_node.text != plain.text:
                        continue
                    local, variable = local_node, string_value(key) or (key.text or b"").decode()
                else:
                    continue
                if js.variable(local) == wanted:
                    return variable
        return None

    def _default_for_destructured(self, value: Node, default: str) -> None:
        """`apiKey: OPENAI_API_KEY` read by destructuring: the use gets the default the
        bare read would (an unset variable must not become `undefined`)."""
        plain = unwrap(value)
        assert plain is not None
        text = self.js.text(plain)
        # `{ apiKey }` -> `{ apiKey: apiKey ?? "" }`; `apiKey: KEY` -> `apiKey: KEY ?? ""`
        prefix = f"{text}: " if plain.type == "shorthand_property_identifier" else ""
        self.js.edits.replace(plain.start_byte, plain.end_byte, f"{prefix}{text} ?? {default}")
        self.js.grow(plain)

    def _bound(self) -> None:
        """`new OpenAI({ provider: bedrock(...) })`: bound to another backend, left whole.
        So is a client whose key or base URL is read from a variable the file also assigns
        (a test's save and restore): that variable is renamed nowhere."""
        if self.options is None:
            return
        js = self.js
        given = properties(self.options)
        for option, why in self.kind.bound.items():
            if option in given:
                self.elsewhere = True
                js.report("MM105", given[option].parent or given[option], url=why)
                return
        for paths in (self.kind.api_key, self.kind.base_url):
            found = self._find(paths)
            if found is None:
                continue
            read = env_read(self._constant(found[1]), js.facts.env_objects)
            name = read[0] if read is not None else self._destructured_env(found[1])
            if name is None or (name not in js.env_written and name not in js.env_kept):
                continue
            from migrator.javascript.envreads import renamed_here

            if read is not None:
                js.claimed.add(read[1].start_byte)
            if renamed_variable(name, js.ctx.settings) is not None:
                self.elsewhere = True
                renamed_here(js, found[1], name)  # reported: read here, assigned there
                return

    # -- base URL ---------------------------------------------------------------------
    def _base_url(self) -> None:
        js = self.js
        found = self._find(self.kind.base_url)
        if found is None:
            return
        path, value = found
        variable = self._destructured_env(value)
        if variable is not None:
            connection = js.ctx.settings.catalog.connection
            if (
                variable in connection.env_base_url
                and renamed_variable(variable, js.ctx.settings) is not None
            ):
                self._default_for_destructured(
                    value, quoted(js.ctx.settings.mistral_base_url, js.quote)
                )
            elif not (
                variable.startswith(connection.env_prefix)
                or variable == js.ctx.settings.base_url_env
            ):
                self.elsewhere = True
                js.report("MM105", value, url=f"{variable} (an environment variable)")
            return
        value = self._constant(value)
        key = path.rsplit(".", 1)[-1]
        literal = string_value(value)
        settings = js.ctx.settings
        if literal is not None:
            self._literal_base_url(value, literal)
            return
        read = env_read(value, js.facts.env_objects)
        if read is not None:
            name, _ = read
            connection = settings.catalog.connection
            if (
                name in connection.env_base_url
                or name == settings.base_url_env
                or name.startswith(connection.env_prefix)
            ):
                new = renamed_variable(name, settings) or name
                if new != name and js.report("MM104", value, old=name, new=new):
                    js.claimed.add(read[1].start_byte)
                    js.edits.replace(
                        value.start_byte,
                        value.end_byte,
                        js.env_default(new, settings.mistral_base_url),
                    )
                    js.grow(value)
                    js.ctx.rewrote(CONNECTION, new, uses_os=False)
            else:
                # GROQ_BASE_URL, LLM_GATEWAY_URL: a deliberate choice of endpoint, not OpenAI's
                self.elsewhere = True
                js.report("MM105", value, url=f"{name} (an environment variable)")
            return
        plain = unwrap(value)
        if plain is not None and plain.type == "template_string":
            head = js.text(plain)[1:].split("${", 1)[0]
            if classify_url(head, settings.catalog.connection) in (
                "other",
                None,
            ) and head.startswith("http"):
                self.elsewhere = True
                js.report("MM105", value, url=js.text(plain))
                return
        if plain is not None and plain.type in ("binary_expression", "ternary_expression"):
            return  # `process.env.X ?? "https://..."`: the parts are rewritten on their own
        js.report("MM108", value, keyword=key)

    def _literal_base_url(self, value: Node, literal: str) -> None:
        js = self.js
        settings = js.ctx.settings
        kind = classify_url(literal, settings.catalog.connection)
        if kind == "other":
            self.elsewhere = True
            js.claimed.add(value.start_byte)
            js.report("MM105", value, url=literal)
        elif mistral_path_wrong(literal, settings.catalog.connection):
            js.report("MM118", value, url=literal, default=settings.mistral_base_url)
        elif kind == "base":
            depth = judge_url_depth(literal, settings.mistral_base_url)
            if not depth.rewrite:  # OpenAI's bare host: the client stays whole
                assert depth.code is not None
                self.elsewhere = True
                js.claimed.add(value.start_byte)
                js.report(depth.code, value, **depth.fields)
        # an OpenAI URL is left to the string pass (MM101), which rewrites it alike

    # -- API key ----------------------------------------------------------------------
    def _api_key(self) -> None:
        js = self.js
        found = self._find(self.kind.api_key)
        if found is None:
            return
        path, value = found
        key = path.rsplit(".", 1)[-1]
        settings = js.ctx.settings
        literal = string_value(value)
        if literal is not None:
            js.claimed.add(value.start_byte)
            if literal:
                js.ctx.secrets.add(literal)
            if not js.env_available:
                js.report("MM116", value, secret=mask(literal), why=js.browser)
                self.elsewhere = True  # not pointed at Mistral with an OpenAI key in it
                return
            code = literal_key_code(literal)
            if not js.report(code, value, secret=mask(literal), env=settings.api_key_env):
                return
            js.edits.replace(value.start_byte, value.end_byte, js.key_read(settings.api_key_env))
            js.grow(value)
            js.ctx.rewrote(KEYS, settings.api_key_env, uses_os=False)
            return
        held = self._constant(value)
        read = env_read(held, js.facts.env_objects)
        if read is not None:
            self._key_from_env(held, read)
            return
        variable = self._destructured_env(value)
        if variable is not None:
            if (
                renamed_variable(variable, settings) is not None
                and variable in settings.catalog.connection.env_api_key
            ):
                self._default_for_destructured(value, quoted("", js.quote))
            return
        plain = unwrap(value)
        if plain is not None and plain.type == "binary_expression":
            right = plain.child_by_field_name("right")
            literal = string_value(right)
            if right is not None and literal is not None and looks_like_secret(literal):
                # process.env.OPENAI_API_KEY || "sk-...": the key must leave the file
                js.claimed.add(right.start_byte)
                js.ctx.secrets.add(literal)
                if js.report("MM102", right, secret=mask(literal), env=settings.api_key_env):
                    read = env_read(plain.child_by_field_name("left"), js.facts.env_objects)
                    if read is not None:
                        js.claimed.add(read[1].start_byte)
                    js.edits.replace(
                        value.start_byte, value.end_byte, js.key_read(settings.api_key_env)
                    )
                    js.ctx.rewrote(KEYS, settings.api_key_env, uses_os=False)
                return
        if plain is not None and plain.type == "identifier":
            constant = _secret_constant(js, plain)
            if constant is not None and looks_like_secret(constant[0]):
                js.ctx.secrets.add(constant[0])
                js.report(
                    "MM114",
                    value,
                    keyword=key,
                    secret=mask(constant[0]),
                    line=constant[1],
                    env=settings.api_key_env,
                )
                return
        if (
            plain is not None
            and plain.type in ("binary_expression", "ternary_expression")
            and all(self._followed(part) for part in _alternatives(plain))
        ):
            return  # `process.env.X || ""`: the parts are rewritten on their own
        js.report("MM108", value, keyword=key)

    def _followed(self, part: Node) -> bool:
        """A literal or an env read: a part of a key expression the tool can see."""
        held = self._constant(part)
        return (
            string_value(held) is not None
            or env_read(held, self.js.facts.env_objects) is not None
            or self._destructured_env(part) is not None
            or self._meta_env(held)
        )

    def _meta_env(self, node: Node | None) -> bool:
        """`import.meta.env.X`: an env read (renamed by the env pass)."""
        plain = unwrap(node)
        if plain is None or plain.type not in ("member_expression", "subscript_expression"):
            return False
        base = plain.child_by_field_name("object")
        return base is not None and self.js.text(base) in self.js.facts.browser_env_objects

    def _unknown_key(self) -> None:
        """A key the tool cannot follow (`profile.openai_api_key || ""`,
        `config.get("OPENAI_API_KEY")`): it may well be an OpenAI key, which a client
        pointed at Mistral would send there. The connection cannot change whole, so it
        does not change: the client is left as it is, with the ids it sends (MM125)."""
        js = self.js
        found = self._find(self.kind.api_key)
        if found is None:
            return
        path, value = found
        if self._followed(value) or all(self._followed(p) for p in _alternatives(value)):
            return
        plain = unwrap(value)
        if (
            plain is not None
            and plain.type == "identifier"
            and any(
                d.child_by_field_name("name") is not None
                and d.child_by_field_name("name").text == plain.text  # type: ignore[union-attr]
                and looks_like_secret(string_value(d.child_by_field_name("value")) or "")
                for d in js.declarators
            )
        ):
            return  # a committed key in a constant: MM114 says so, the client moves
        self.elsewhere = True
        js.report(
            "MM125",
            value,
            keyword=path.rsplit(".", 1)[-1],
            expression=js.text(value),
            env=js.ctx.settings.api_key_env,
        )

    def _key_from_env(self, value: Node, read: tuple[str, Node]) -> None:
        """`apiKey: process.env.OPENAI_API_KEY` (here or in the constant it names): the key
        variable, renamed, and never `undefined` (see javascript.toml `key_read`)."""
        js = self.js
        settings = js.ctx.settings
        name, spelled = read
        connection = settings.catalog.connection
        if name not in connection.env_api_key and name != settings.api_key_env:
            return  # another variable: what it holds is the project's business
        new = renamed_variable(name, settings)
        if new is None or not js.report("MM104", value, old=name, new=new):
            return  # already the configured variable: the project's own code, left as it is
        js.claimed.add(spelled.start_byte)
        js.edits.replace(value.start_byte, value.end_byte, js.key_read(new))
        js.grow(value)
        js.ctx.rewrote(KEYS, new, uses_os=False)

    # -- what is missing ----------------------------------------------------------------
    def _missing(self) -> list[tuple[str, str]]:
        js, kind = self.js, self.kind
        settings = js.ctx.settings
        missing: list[tuple[str, str]] = []
        if kind.api_key and self._find(kind.api_key) is None and js.env_available:
            missing.append((kind.api_key[0], js.key_read(settings.api_key_env)))
        if kind.base_url and self._find(kind.base_url) is None:
            missing.append(
                (kind.base_url[0], js.env_default(settings.base_url_env, settings.mistral_base_url))
            )
        if not missing:
            return []
        for path, _ in missing:
            outer = path.split(".")[0] if "." in path else None
            holder = (
                unwrap(properties(self.options).get(outer))
                if outer and self.options is not None
                else None
            )
            if holder is not None and (holder.type != "object" or has_spread(holder)):
                # configuration: config / { ...config }: what it holds is not visible here
                js.report("MM108", holder, keyword=path)
                return []
        names = " and ".join(p.rsplit(".", 1)[-1] for p, _ in missing)
        if self.options is not None and has_spread(self.options):
            js.report("MM108", self.options, keyword=f"{names} (spread options)")
            return []
        if not js.report(
            "MM103", self.node, client=_label(js, self.node), missing=names, added=names
        ):
            return []
        js.ctx.rewrote(CONNECTION, settings.api_key_env, uses_os=False)
        js.ctx.env_vars.add(settings.base_url_env)
        return missing

    def _model_first(self) -> None:
        if self.model_first is None:
            return
        from migrator.javascript.literals import rewrite_model
        from migrator.javascript.roles import Role

        match = self.js.ctx.settings.models.lookup(string_value(self.model_first) or "")
        self.js.claimed.add(self.model_first.start_byte)
        if match is not None:
            rewrite_model(self.js, self.model_first, match, Role("assign"))

    def _default_model(self) -> list[tuple[str, str]]:
        js, kind = self.js, self.kind
        if (
            not kind.default_model
            or not kind.model
            or self.model_first is not None
            or self._find(kind.model) is not None
        ):
            return []
        match = js.ctx.settings.models.lookup(kind.default_model)
        if match is None or not match.rewritable or match.entry is None:
            return []
        if self.options is not None and has_spread(self.options):
            return []
        entry = match.entry
        name = js.text(self.node.child_by_field_name("constructor") or self.node)
        if not js.report(
            "MM209",
            self.node,
            framework=name,
            keyword=kind.model[0],
            openai=kind.default_model,
            mistral=entry.mistral,
            env=entry.env,
        ):
            return []
        js.ctx.rewrote("model ids", entry.env, uses_os=False)
        return [(kind.model[0], js.env_default(entry.env, entry.mistral))]

    def _review(self) -> None:
        js = self.js
        if self.options is None or not self.kind.review:
            return
        callee = self.node.child_by_field_name("constructor") or self.node.child_by_field_name(
            "function"
        )
        review_options(js, self.options, self.kind.review, js.text(callee or self.node))


def _alternatives(node: Node | None) -> list[Node]:
    """The values `a || b`, `a ?? b` and `c ? a : b` can take (the condition is not one)."""
    plain = unwrap(node)
    if plain is None:
        return []
    if plain.type == "binary_expression":
        operator = plain.child_by_field_name("operator")
        if operator is not None and operator.text in (b"||", b"??"):
            left, right = plain.child_by_field_name("left"), plain.child_by_field_name("right")
            return [*_alternatives(left), *_alternatives(right)]
    if plain.type == "ternary_expression":
        return [
            *_alternatives(plain.child_by_field_name("consequence")),
            *_alternatives(plain.child_by_field_name("alternative")),
        ]
    return [plain]


def review_options(js: JsFile, obj: Node, reviews: dict[str, Review], name: str) -> None:
    """The settings of an options object that need a look on Mistral (MM310, MM410, ...)."""
    options = properties(obj)
    for key, value in options.items():
        review = reviews.get(key)
        if review is None or (review.unless is not None and literal(value) == review.unless):
            continue
        if review.unless_key and review.unless_key in options:
            continue
        plain = unwrap(value)
        if review.when_key and not (
            plain is not None and plain.type == "object" and review.when_key in properties(plain)
        ):
            continue
        js.report(
            review.code, value.parent or value, framework=name, keyword=key, advice=review.advice
        )


def scan_constructions(js: JsFile, nodes: list[Node]) -> None:
    for node in nodes:
        if js.is_hands_off(node):  # inside a raw request to OpenAI: left whole
            continue
        kind = constructed_kind(js, node)
        if kind is not None:
            construction = Construction(js, node, kind)
            construction.run()
            if kind.kind == "client" and construction.target in js.facts.probe.constructions:
                js.requests.append(RequestSite("construction", node, construction=construction))


def _snake(name: str) -> str:
    from migrator.javascript.calls import snake

    return snake(name)


def propagate_holders(js: JsFile, declarators: list[Node], fields: list[Node]) -> None:
    """`const api = debug ? debugClient : client`, `const fast = client.withOptions(...)`,
    `openai = globalThis.openai ?? new OpenAI()`, `private fast = this.ai.withOptions(...)`:
    the new name holds what every branch holds, when they agree (a cache lookup on the
    left of `??`/`||` is the singleton idiom, and does not disagree)."""
    from migrator.javascript.calls import CallChecker
    from migrator.javascript.values import branches

    checker = CallChecker(js)

    def held(value: Node) -> Holder | None:
        options = branches(value)
        plain = unwrap(value)
        if plain is not None and plain.type == "binary_expression":
            left, right = plain.child_by_field_name("left"), plain.child_by_field_name("right")
            options = [n for n in (left, right) if n is not None]
            bare = unwrap(left)
            if bare is not None and bare.type in ("member_expression", "subscript_expression"):
                options = [right] if right is not None else []
        found = [checker.holder(option) for option in options]
        if found and all(h is not None and h == found[0] for h in found):
            return found[0]
        return None

    for declarator in declarators:
        name, value = (
            declarator.child_by_field_name("name"),
            declarator.child_by_field_name("value"),
        )
        if name is None or not name.text or value is None:
            continue
        if name.type == "object_pattern":  # const { chat } = client
            base = checker.holder(value)
            if base is not None and base.kind in ("client", "imported"):
                for part in name.named_children:
                    if part.type == "shorthand_property_identifier_pattern" and part.text:
                        resource = part.text.decode()
                        js.remember(
                            js.variable(part),
                            replace(base, prefix=(*base.prefix, _snake(resource))),
                            replace=False,
                        )
            continue
        if name.type != "identifier" or js.variable(name) in js.names:
            continue
        if (holder := held(value)) is not None:
            js.remember(js.variable(name), holder)
        elif (taken := checker.path(value)) is not None and taken[0].kind in ("client", "imported"):
            # const completions = client.chat.completions
            js.remember(js.variable(name), replace(taken[0], prefix=tuple(taken[1])))
    for field_node in fields:
        name = field_node.child_by_field_name("name") or field_node.child_by_field_name("property")
        value = field_node.child_by_field_name("value")
        if name is None or not name.text or value is None:
            continue
        key = js.member(field_node, name.text.decode())
        if key not in js.members and (holder := held(value)) is not None:
            js.members[key] = holder


def _returns(body: Node) -> list[Node]:
    """The values a function body returns (not those of functions nested in it)."""
    from migrator.javascript.syntax import FUNCTIONS

    if body.type != "statement_block":
        return [body]  # an arrow function's expression body
    found: list[Node] = []
    stack = list(body.named_children)
    while stack:
        node = stack.pop()
        if node.type in FUNCTIONS or node.type == "class_declaration":
            continue
        if node.type == "return_statement":
            found.extend(node.named_children[:1])
            continue
        stack.extend(node.named_children)
    return found


def function_holders(js: JsFile, functions: list[Node], declarators: list[Node]) -> None:
    """`function getOpenAI() { client ??= new OpenAI(); return client; }` and
    `const getClient = () => client`: a call to them holds what every return holds."""
    from migrator.javascript.calls import CallChecker

    checker = CallChecker(js)
    named: list[tuple[Node, Node]] = []
    for node in functions:
        name, body = node.child_by_field_name("name"), node.child_by_field_name("body")
        if name is not None and body is not None:
            named.append((name, body))
    for declarator in declarators:
        name, value = (
            declarator.child_by_field_name("name"),
            unwrap(declarator.child_by_field_name("value")),
        )
        if (
            name is not None
            and name.type == "identifier"
            and value is not None
            and value.type in ("arrow_function", "function_expression")
        ):
            body = value.child_by_field_name("body")
            if body is not None:
                named.append((name, body))
    for name, body in named:
        returned = [checker.holder(value) for value in _returns(body)]
        if not returned or not all(h is not None for h in returned):
            continue
        if all(h == returned[0] for h in returned):
            holder = returned[0]
        elif any(h.elsewhere for h in returned if h is not None):
            # pick("groq") may be another provider's client: its calls are left alone
            holder = Holder("client", elsewhere=True)
        else:
            continue
        js.functions[js.variable(name)] = holder  # type: ignore[assignment]
        js.known.add((name.text or b"").decode())
