"""What a config value becomes: the decisions shared by every config format.

Format modules (dotenv, TOML, YAML, JSON) only locate keys and values as spans and call
`entry` / `list_item`; this module decides findings and edits from the rules data, so a
base URL, a model id, a variable or a committed key is treated alike in every format.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from collections import Counter
from collections.abc import Callable, Iterable

from migrator.configfiles.facts import ConfigFacts, config_facts
from migrator.configfiles.spans import Edit, LineIndex, Scalar
from migrator.decisions.baseurl import replacement
from migrator.decisions.file_kinds import is_prose
from migrator.endpoints import classify_url
from migrator.envnames import renamed_variable
from migrator.findings import Finding
from migrator.modelmap import ModelMatch
from migrator.secrets import mask, secret_pattern
from migrator.settings import Settings

# A word that may be a model id; `:` belongs to it (ft:...) unless it starts a shell
# default such as `${MODEL:-gpt-4o}`.
_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._\-]|:(?![-?=+]))*")
_VARIABLE_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_VARIABLE = re.compile(_VARIABLE_NAME + r"\Z")


class ConfigRewrite:
    """Findings and span edits for one config file."""

    def __init__(
        self,
        text: str,
        display: str,
        settings: Settings,
        *,
        example: bool,
        ignores: dict[int, set[str] | None],
        enabled: Callable[[str], bool],
    ) -> None:
        self.text, self.display, self.settings, self.example = text, display, settings, example
        self.facts: ConfigFacts = config_facts()
        self.ignores, self.enabled = ignores, enabled
        self.lines = LineIndex(text)
        self.findings: list[Finding] = []
        self.edits: list[Edit] = []
        self.rewrites: Counter[str] = Counter()
        self.env_vars: set[str] = set()
        self.secrets: set[str] = set()
        self._secret = secret_pattern(settings.secret_patterns)
        self._secret_spans: list[tuple[int, int]] = []
        # any variable name: which ones are renamed is decided per match (rename_of)
        self._references = [
            re.compile(p.replace("{name}", _VARIABLE_NAME)) for p in self.facts.references
        ]

    # -- recording ---------------------------------------------------------------------
    def report(self, code: str, where: Scalar, **fields: object) -> bool:
        """Record a finding; False when silenced (then the edit must not happen)."""
        line, column = self.lines.position(where.start)
        end_line, end_column = self.lines.position(where.end)
        if not self.enabled(code):
            return False
        if line in self.ignores and (
            self.ignores[line] is None or code in (self.ignores[line] or ())
        ):
            return False
        rule = self.settings.catalog.rule(code)
        self.findings.append(
            Finding(
                self.display,
                line,
                column,
                end_line,
                end_column,
                code,
                rule.severity,
                rule.format(**fields),
                rule.fixable,
            )
        )
        return True

    def replace(self, where: Scalar, text: str, kind: str) -> None:
        if where.exact:
            self.edits.append(Edit(where.start, where.end, text))
            self.rewrites[kind] += 1
            return
        # An escaped or folded value (`https:\/\/...`, YAML `>-`): the span in the file is
        # not the text, so it is not edited, and its finding must not claim a fix.
        if self.findings and self.findings[-1].fixable:
            last = self.findings[-1]
            self.findings[-1] = dataclasses.replace(
                last,
                fixable=False,
                message=last.message
                + " (not rewritten: the value is escaped or folded in the file; edit it by hand)",
            )

    # -- classification ----------------------------------------------------------------
    def names_model(self, path: tuple[str, ...]) -> bool:
        if not path:
            return False
        last, dotted = path[-1].lower(), ".".join(path).lower()
        return any(
            fnmatch.fnmatchcase(last, p) or fnmatch.fnmatchcase(dotted, p)
            for p in self.facts.model_keys
        )

    def is_variable(self, name: str) -> bool:
        prefix = self.settings.catalog.connection.env_prefix
        return bool(_VARIABLE.match(name)) and (
            self.rename_of(name) is not None
            or name in self.facts.no_equivalent
            or name.startswith(prefix)
        )

    # -- entry points for the format modules --------------------------------------------
    def entry(
        self, key: Scalar, value: Scalar | None, path: tuple[str, ...], siblings: Iterable[str] = ()
    ) -> None:
        """One `key: value` pair (value None when it is a table or a list)."""
        self.key(key)
        if self.is_variable(key.value):
            self.variable(key, value, path, set(siblings))
        elif value is not None:
            self.value(value, path)

    def list_item(self, item: Scalar, path: tuple[str, ...]) -> None:
        match = self.settings.models.lookup(item.value)
        if match is not None and match.kind != "unknown" and not self.secret_in(item):
            self.report(
                "MM503",
                item,
                openai=item.value,
                place=f"in the list {'.'.join(path)}",
                mistral=self.mapped(match),
            )
            return
        self.value(item, path, in_list=True)

    def key(self, key: Scalar) -> None:
        match = self.settings.models.lookup(key.value)
        if match is not None and match.kind != "unknown":
            self.report(
                "MM503", key, openai=key.value, place="used as a key", mistral=self.mapped(match)
            )

    def variable(
        self, name: Scalar, value: Scalar | None, path: tuple[str, ...], siblings: set[str]
    ) -> None:
        old = name.value
        if old in self.facts.no_equivalent:
            self.report("MM505", name, name=old)
        new = self.rename_of(old)
        if new is not None:
            if new in siblings:
                self.report("MM506", name, old=old, new=new)
            elif self.report("MM504", name, old=old, new=new):
                self.replace(name, new, "env var names")
                self.env_vars.add(new)
        if value is not None:
            self.value(value, path, variable=name, siblings=siblings)

    def value(
        self,
        value: Scalar,
        path: tuple[str, ...],
        *,
        variable: Scalar | None = None,
        siblings: frozenset[str] | set[str] = frozenset(),
        in_list: bool = False,
    ) -> None:
        text = value.value
        key = path[-1] if path else "(top level)"
        if self.secret_in(value):
            self.secret(value, key)
            return
        kind = classify_url(text, self.settings.catalog.connection)
        if kind == "base":
            # the same depth: a host (no /v1) stays a host (decisions/baseurl.py)
            default = replacement(text, self.settings.mistral_base_url).url
            if self.report("MM501", value, url=text, key=key, default=default):
                self.replace(value, default, "base URLs")
            return
        if kind == "endpoint":
            self.report("MM109", value, url=text)
            return
        match = self.settings.models.lookup(text)
        if match is not None:
            self.model(value, match, path, variable, siblings, in_list)
            return
        if (
            variable is not None
            and self.names_model(path)
            and self.renames_model_variable(variable.value)
        ):
            self.report("MM510", variable, name=variable.value)
        self.tokens(value)
        self.references(value)
        self.default_urls(value, key)

    # -- the rules ---------------------------------------------------------------------
    def secret_in(self, value: Scalar) -> bool:
        return bool(self._secret.search(value.value))

    def secret(self, value: Scalar, key: str) -> None:
        found = list(self._secret.finditer(value.value))
        for match in found:
            self.secrets.add(match.group(0))
            self._secret_spans.append((value.start + match.start(), value.start + match.end()))
        shown = mask(found[0].group(0))
        whole = len(found) == 1 and found[0].span() == (0, len(value.value))
        if self.example and whole and value.exact:
            if self.report("MM507", value, secret=shown, key=key):
                self.replace(value, value.empty, "template keys (emptied)")
        else:
            self.report("MM508", value, secret=shown, key=key)

    def rename_of(self, name: str) -> str | None:
        return renamed_variable(name, self.settings)

    def renames_model_variable(self, name: str) -> bool:
        return self.settings.rename_env and name.startswith(
            self.settings.catalog.connection.env_prefix
        )

    @staticmethod
    def mapped(match: ModelMatch) -> str:
        return match.entry.mistral if match.entry and match.entry.mistral else "none"

    def model(
        self,
        value: Scalar,
        match: ModelMatch,
        path: tuple[str, ...],
        variable: Scalar | None,
        siblings: frozenset[str] | set[str],
        in_list: bool,
    ) -> None:
        key = ".".join(path) or "(top level)"
        if in_list or not self.names_model(path):
            if match.kind != "unknown":
                where = f"in the list {key}" if in_list else f"as the value of {key}"
                self.report(
                    "MM503", value, openai=match.text, place=where, mistral=self.mapped(match)
                )
            return
        entry = match.entry
        if not match.rewritable or entry is None:
            if match.kind == "unmapped":
                self.report("MM202", value, openai=match.text, review=entry.review if entry else "")
            elif match.kind == "fine_tune":
                self.report(
                    "MM204",
                    value,
                    openai=match.text,
                    base=match.openai_id,
                    mistral=self.mapped(match),
                )
            else:
                self.report("MM203", value, openai=match.text)
            return
        if not self.report("MM502", value, openai=match.text, mistral=entry.mistral, key=key):
            return
        self.replace(value, entry.mistral, "model ids")
        if entry.review:
            self.report(
                "MM205", value, openai=match.text, mistral=entry.mistral, review=entry.review
            )

    def tokens(self, value: Scalar) -> None:
        """Model ids inside prose or an expression (`${MODEL:-gpt-4o}`): reported only."""
        if not any(c in value.value for c in " ${}=,"):
            return
        if is_prose(value.value, lambda word: self.settings.models.lookup(word) is not None):
            return  # a sentence (a prompt, a record's text) configures nothing
        for found in _TOKEN.finditer(value.value):
            token = found.group(0).rstrip("-_.:")
            match = self.settings.models.lookup(token)
            if match is not None and match.kind != "unknown":
                where = value.sub(found.start(), found.start() + len(token))
                self.report(
                    "MM503",
                    where,
                    openai=token,
                    place="inside a text or an expression",
                    mistral=self.mapped(match),
                )

    def references(self, value: Scalar) -> None:
        for pattern in self._references:
            for found in pattern.finditer(value.value):
                old = found.group("name")
                new = self.rename_of(old)
                if new is None:
                    continue
                where = value.sub(found.start("name"), found.end("name"))
                if self.report("MM504", where, old=old, new=new):
                    self.replace(where, new, "env var names")
                    self.env_vars.add(new)
        connection = self.settings.catalog.connection
        for found in self.facts.secret_reference.finditer(value.value):
            if found.group("name") in connection.env_api_key:
                where = value.sub(found.start(), found.end())
                self.report(
                    "MM509", where, reference=found.group(0), secret=self.settings.api_key_env
                )

    def default_urls(self, value: Scalar, key: str) -> None:
        """`${OPENAI_BASE_URL:-https://api.openai.com/v1}`: the default is migrated too."""
        for found in self.facts.default_expression.finditer(value.value):
            url = found.group("default")
            where = value.sub(found.start("default"), found.end("default"))
            kind = classify_url(url, self.settings.catalog.connection)
            if kind == "base":
                default = replacement(url, self.settings.mistral_base_url).url
                if self.report("MM501", where, url=url, key=key, default=default):
                    self.replace(where, default, "base URLs")
            elif kind == "endpoint":
                self.report("MM109", where, url=url)

    def finish(self) -> None:
        """Keys anywhere else in the file (comments, prose): reported, never edited."""
        for found in self._secret.finditer(self.text):
            start, end = found.span()
            if any(s <= start < e for s, e in self._secret_spans):
                continue
            self.secrets.add(found.group(0))
            self.report(
                "MM508",
                Scalar(found.group(0), start, end),
                secret=mask(found.group(0)),
                key="a comment or text",
            )
