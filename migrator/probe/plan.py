"""The request plan: what the migrated code sends, one request per distinct
(endpoint, model, parameters), each with the places in the code that send it.

Decisions made here, from the plain facts of `migrator.python.callfacts`:
- a call is probed when its client sends to Mistral (a base URL that is Mistral's, or the
  probe's own base URL), as the environment of this run resolves it; a client the
  analysis cannot follow counts as Mistral only when every client the files construct
  does;
- the model is the literal, the env var's value when set (`$VAR`), else its default;
- a parameter keeps its literal value; a value that is not a literal is replaced by the
  stand-in of `rules/probe.toml` (or null: the name is what Mistral validates).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from migrator.callrules import load_call_rules
from migrator.endpoints import classify_url
from migrator.probe.data import Endpoint, ProbeData
from migrator.requestfacts import CallFact, ClientFact, FileFacts, ValueFact
from migrator.settings import Settings

MAX_DEPTH = 8


class Location(NamedTuple):
    """A place that sends a request: `app.py:12`, or `nb.ipynb:cell 3:2` in a notebook
    (the line counts within the cell, as findings count it)."""

    path: str
    line: int
    cell: int = 0  # 0: not a notebook

    def __str__(self) -> str:
        where = f"cell {self.cell}:{self.line}" if self.cell else str(self.line)
        return f"{self.path}:{where}"

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"path": self.path, "line": self.line}
        if self.cell:
            found["cell"] = self.cell
        return found


@dataclass
class PlannedRequest:
    endpoint: Endpoint
    table: str  # the params.toml table its parameters belong to ("chat", "embeddings")
    model: str
    model_from: str  # "literal", "$VAR", "default of $VAR"
    params: dict[str, Any]
    locations: list[Location] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return sorted(self.params)

    def key(self) -> tuple[str, str, str]:
        return (self.endpoint.path, self.model, json.dumps(self.params, sort_keys=True))

    def body(self, data: ProbeData) -> dict[str, Any]:
        """The JSON body: the minimal request, the model, then the code's parameters."""
        body = json.loads(json.dumps(self.endpoint.body))
        body["model"] = self.model
        if self.endpoint.kind == "chat":
            cap = max(
                [data.max_tokens]
                + [limit for name, limit in data.max_tokens_when.items() if name in self.params]
            )
            body["max_tokens"] = cap
            if "response_format" in self.params:
                body["messages"] = [{"role": "user", "content": data.json_prompt}]
        for name, value in self.params.items():
            body[name] = body.get("max_tokens") if name in data.capped else value
        return body


@dataclass
class Skipped:
    path: str
    line: int
    reason: str
    cell: int = 0

    @property
    def where(self) -> str:
        return str(Location(self.path, self.line, self.cell))


@dataclass
class Plan:
    requests: list[PlannedRequest]
    skipped: list[Skipped]
    models: list[str]  # every Mistral model id to look up in GET /models


def module_names(display: str) -> list[str]:
    """Dotted names a file can be imported as: every suffix of its path."""
    parts = display.replace("\\", "/").split("/")
    last = parts[-1].rsplit(".", 1)[0]
    parts = parts[:-1] if last == "__init__" else [*parts[:-1], last]
    return [".".join(parts[i:]) for i in range(len(parts)) if parts[i:]]


class Project:
    """The facts of every file read, for names that cross modules."""

    def __init__(self, files: Sequence[FileFacts]) -> None:
        self.files = list(files)
        self.by_module: dict[str, list[FileFacts]] = {}
        for facts in files:
            for name in module_names(facts.path):
                self.by_module.setdefault(name, []).append(facts)

    def _owner(self, dotted: str) -> tuple[FileFacts, str] | None:
        module, _, name = dotted.lstrip(".").rpartition(".")
        found = self.by_module.get(module, [])
        return (found[0], name) if len(found) == 1 else None

    def resolve(self, value: ValueFact, depth: int = 0) -> tuple[ValueFact, ...]:
        """A value with references to other modules' constants followed."""
        if value.kind != "ref" or depth > MAX_DEPTH:
            return (value,)
        owner = self._owner(value.env)
        if owner is None or owner[1] not in owner[0].constants:
            return (ValueFact("unknown", text=value.text or value.env),)
        out: list[ValueFact] = []
        for item in owner[0].constants[owner[1]]:
            out.extend(self.resolve(item, depth + 1))
        return tuple(out)

    def client(self, client: ClientFact) -> ClientFact:
        if not client.ref:
            return client
        owner = self._owner(client.ref)
        if owner is None or owner[1] not in owner[0].clients:
            return ClientFact((), known=False)
        return owner[0].clients[owner[1]]


class Planner:
    def __init__(
        self,
        settings: Settings,
        data: ProbeData,
        environ: Mapping[str, str],
        base_url: str,
    ) -> None:
        self.settings = settings
        self.data = data
        self.environ = environ
        self.base_url = base_url.rstrip("/")
        self.connection = settings.catalog.connection
        self.rules = load_call_rules()

    # -- where a client sends ---------------------------------------------------------
    def _url_of(self, value: ValueFact) -> str | None:
        if value.kind == "literal" and isinstance(value.value, str):
            return value.value
        if value.kind == "env":
            return self.environ.get(value.env) or value.default
        if value.kind == "absent":
            # no base_url: the SDK reads its own variables, else OpenAI's URL
            for name in sorted(self.connection.env_base_url):
                if self.environ.get(name):
                    return self.environ[name]
            return None
        return None

    def sends_to_mistral(self, client: ClientFact, project: Project) -> tuple[bool | None, str]:
        """True/False, or None when the client cannot be followed; and why not."""
        client = project.client(client)
        if not client.known:
            return None, "the client could not be followed to its constructor"
        urls: list[str | None] = []
        for value in client.base_url:
            urls.extend(self._url_of(v) for v in project.resolve(value))
        for url in urls:
            if url is None:
                return False, "the client's base URL is OpenAI's (or cannot be read)"
            if url.rstrip("/") != self.base_url and classify_url(url, self.connection) != "mistral":
                return False, f"the client sends to {url}, not to Mistral"
        return (True, "") if urls else (False, "the client's base URL cannot be read")

    # -- models -----------------------------------------------------------------------
    def models_of(self, call: CallFact, project: Project) -> tuple[list[tuple[str, str]], str]:
        """(model, where it comes from) for each value the call's model can take."""
        if not call.models:
            return [], "the call passes no model="
        found: list[tuple[str, str]] = []
        for value in call.models:
            for item in project.resolve(value):
                if item.kind == "literal" and isinstance(item.value, str):
                    found.append((item.value, "literal"))
                elif item.kind == "env" and self.environ.get(item.env):
                    found.append((self.environ[item.env], f"${item.env}"))
                elif item.kind == "env" and item.default:
                    found.append((item.default, f"default of ${item.env}"))
                elif item.kind == "env":
                    return [], f"the model comes from ${item.env}, which is not set"
                else:
                    shown = item.text.splitlines()[0] if item.text else "an expression"
                    return [], f"the model is `{shown}`, not a value probe can follow"
        return list(dict.fromkeys(found)), ""

    # -- parameters -------------------------------------------------------------------
    def params_of(
        self, call: CallFact, endpoint: Endpoint, project: Project
    ) -> tuple[dict[str, Any], list[str]]:
        params: dict[str, Any] = {}
        notes: list[str] = []
        wrapper = call.client.wrapper.split(".")[0]
        own = self.data.wrapper_keywords.get(wrapper, frozenset())
        for name, values in call.params:
            if name in own:
                continue  # the wrapper's own keyword: never sent
            if name == self.data.extra_body:
                merged = self._extra_body(values, project)
                if merged is None:
                    notes.append(f"{name}= is not a literal dict: its keys are not probed")
                else:
                    params.update(merged)
                continue
            if name in self.data.client_options or name in endpoint.inputs:
                continue
            params[name] = self._value(name, values, project, notes)
        if call.spread:
            notes.append("parameters passed through **kwargs are not probed")
        return params, notes

    def _extra_body(self, values: tuple[ValueFact, ...], project: Project) -> dict[str, Any] | None:
        resolved = [v for value in values for v in project.resolve(value)]
        if (
            len(resolved) == 1
            and resolved[0].kind == "literal"
            and isinstance(resolved[0].value, dict)
        ):
            return {str(k): v for k, v in resolved[0].value.items()}
        return None

    def _value(
        self, name: str, values: tuple[ValueFact, ...], project: Project, notes: list[str]
    ) -> Any:
        resolved = [v for value in values for v in project.resolve(value)]
        literals = [v.value for v in resolved if v.kind == "literal"]
        if literals and len(literals) == len(resolved):
            chosen = next((v for v in literals if v is not None), literals[0])
            if len({json.dumps(v, sort_keys=True) for v in literals}) > 1:
                notes.append(f"{name}= can take several values; {json.dumps(chosen)} is sent")
            return chosen
        if name in self.data.samples:
            sample = json.dumps(self.data.samples[name])
            notes.append(f"{name}= is not a literal; the stand-in {sample} is sent")
            return self.data.samples[name]
        notes.append(f"{name}= is not a literal; null is sent (the name is what is tested)")
        return None

    # -- the plan ---------------------------------------------------------------------
    def plan(self, files: Sequence[FileFacts]) -> Plan:
        project = Project(files)
        calls = [call for facts in files for call in facts.calls]
        constructed = [
            project.client(c)
            for facts in files
            for c in (*facts.clients.values(), *(call.client for call in facts.calls))
            if c.known and not c.ref
        ]
        all_mistral = bool(constructed) and all(
            self.sends_to_mistral(c, project)[0] for c in constructed
        )
        requests: dict[tuple[str, str, str], PlannedRequest] = {}
        skipped: list[Skipped] = []
        for call in calls:
            endpoint = self.data.endpoints.get(call.api)
            if endpoint is None:
                continue
            to_mistral, why = self.sends_to_mistral(call.client, project)
            if to_mistral is None and all_mistral:
                to_mistral = True
            if not to_mistral:
                skipped.append(Skipped(call.path, call.line, why, call.cell))
                continue
            models, why = self.models_of(call, project)
            if not models:
                skipped.append(Skipped(call.path, call.line, why, call.cell))
                continue
            params, notes = self.params_of(call, endpoint, project)
            surface = self.rules.surface((*call.api.split("."), call.method))
            table = surface[0].params if surface else ""
            for model, source in models:
                request = PlannedRequest(endpoint, table, model, source, dict(params))
                request = requests.setdefault(request.key(), request)
                where = Location(call.path, call.line, call.cell)
                if where not in request.locations:
                    request.locations.append(where)
                request.notes.extend(n for n in notes if n not in request.notes)
        targets = [e.mistral for e in self.settings.models.entries.values() if e.mistral]
        used = [r.model for r in requests.values()]
        return Plan(
            requests=sorted(requests.values(), key=lambda r: r.key()),
            skipped=skipped,
            models=sorted(set(used) | set(targets)),
        )
