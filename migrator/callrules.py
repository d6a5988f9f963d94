"""Load `rules/params.toml` and `rules/apis.toml`: what each request parameter and API
surface of the openai client becomes on Mistral's endpoint.

Kept apart from `migrator.catalog` so the call checks own their data shape; like the
catalog, it is read once per process with tomllib, and a fact update is a data edit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from migrator.catalog import read_toml
from migrator.rules_dir import rules_dir
from migrator.rules_overlay import Overlay


@dataclass(frozen=True)
class ValueCheck:
    kind: str  # "above" | "one_of" | "token_ids"
    code: str
    unknown_code: str = ""
    limit: float = 0.0
    values: tuple[str, ...] = ()
    accepted: str = ""
    condition: str = ""
    advice: str = ""


def number_text(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def judge_values(
    check: ValueCheck, values: list[object], unknown: bool
) -> tuple[str, dict[str, str]] | None:
    """The finding a value check gives, for the literal values an argument can take
    (`None` ones skipped) and whether it can also take one that is not a literal: the
    code and its message fields, or None. Shared by the Python and JS passes, which only
    differ in how they read the values."""
    for value in values:
        if value is None:
            continue
        if check.kind == "above":
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            failing, shown = value > check.limit, number_text(value)
        else:
            failing, shown = value not in check.values, repr(value)
        if failing:
            return check.code, {"value": shown, "accepted": check.accepted, "advice": check.advice}
    if unknown and check.unknown_code:
        return check.unknown_code, {"condition": check.condition, "advice": check.advice}
    return None


@dataclass(frozen=True)
class ParamRule:
    name: str
    status: str
    mistral_name: str
    code: str = ""
    fix: str = ""
    unfixed_code: str = ""
    fixed: str = ""
    advice: str = ""
    source: str = ""
    reference: str = ""
    check: ValueCheck | None = None
    # JavaScript/TypeScript: the fix where it differs from Python's, and TS's own advice
    js_fix: str = ""
    js_fixed: str = ""
    ts_advice: str = ""
    js_advice: str = ""  # where `advice` spells Python (`extra_body`)


@dataclass(frozen=True)
class ApiSurface:
    path: tuple[str, ...]
    status: str
    methods: tuple[str, ...] = ()
    params: str = ""
    code: str = ""
    advice: str = ""
    skip_when_model_literal: bool = False
    openai_path: str = ""
    mistral_path: str = ""
    js_advice: str = ""  # where the advice spells Python

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Tokenizers:
    functions: frozenset[str]
    model_keyword: str
    modules: tuple[str, ...]
    code: str


@dataclass(frozen=True)
class CallRules:
    params: dict[str, dict[str, ParamRule]]
    apis: tuple[ApiSurface, ...]  # longest path first
    wrappers: frozenset[str]
    client_methods: frozenset[str]
    tokenizers: Tokenizers
    unseen_statuses: frozenset[str]
    extra_body: str

    def surface(self, path: tuple[str, ...]) -> tuple[ApiSurface, str] | None:
        """The API a call path goes to, and the method called on it."""
        for api in self.apis:
            size = len(api.path)
            if len(path) > size and path[:size] == api.path:
                method = path[size]
                if not api.methods or method in api.methods:
                    return api, ".".join(path[size:])
                return None
        return None

    def unseen_names(self, params: str) -> list[str]:
        """Parameters a `**kwargs` could carry that Mistral rejects (for MM309)."""
        table = self.params.get(params, {})
        return [name for name, rule in table.items() if rule.status in self.unseen_statuses]


def _param(name: str, data: dict[str, Any]) -> ParamRule:
    fields = {k: v for k, v in data.items() if k != "check"}
    check = data.get("check")
    value_check = None
    if check is not None:
        check = dict(check)
        check["values"] = tuple(check.get("values", ()))
        check["limit"] = float(check.get("limit", 0))
        value_check = ValueCheck(**check)
    return ParamRule(name=name, check=value_check, **fields)


def _api(path: str, data: dict[str, Any]) -> ApiSurface:
    fields = {k: v for k, v in data.items() if k not in ("source", "reference")}
    fields["methods"] = tuple(fields.get("methods", ()))
    return ApiSurface(path=tuple(path.split(".")), **fields)


def _overlaid(
    params: dict[str, dict[str, ParamRule]], overlay: Overlay
) -> dict[str, dict[str, ParamRule]]:
    """The parameter tables with a project's overlay applied (`migrator.rules_overlay`):
    an entry replaces the fields it sets, or adds a parameter the shipped rules lack."""
    params = {table: dict(rules) for table, rules in params.items()}
    for table, name, items in overlay:
        fields: dict[str, Any] = {key: value for key, value in items if key != "observed"}
        rules = params.setdefault(table, {})
        rule = rules.get(name)
        if rule is not None:
            rules[name] = replace(rule, **fields)
        else:
            fields.setdefault("status", "unverified")
            rules[name] = ParamRule(name=name, mistral_name="", **fields)
    return params


@lru_cache(maxsize=4)
def load_call_rules(directory: Path | None = None, overlay: Overlay = ()) -> CallRules:
    """The shipped call rules, with a project's rules overlay (`rules-overlay`) on top."""
    base = directory or rules_dir()
    params = read_toml(base / "params.toml")
    meta = params.pop("meta")
    apis = read_toml(base / "apis.toml")
    tokenizers = apis["tokenizers"]
    surfaces = sorted(
        (_api(path, entry) for path, entry in apis["apis"].items()),
        key=lambda api: len(api.path),
        reverse=True,
    )
    return CallRules(
        params=_overlaid(
            {
                table: {name: _param(name, entry) for name, entry in entries.items()}
                for table, entries in params.items()
            },
            overlay,
        ),
        apis=tuple(surfaces),
        wrappers=frozenset(apis["chain"]["wrappers"]),
        client_methods=frozenset(apis["chain"]["client_methods"]),
        tokenizers=Tokenizers(
            functions=frozenset(tokenizers["functions"]),
            model_keyword=tokenizers["model_keyword"],
            modules=tuple(tokenizers["modules"]),
            code=tokenizers["code"],
        ),
        unseen_statuses=frozenset(meta["unseen_statuses"]),
        extra_body=apis["sdk"]["extra_body"],
    )
