"""What an answer means: one verdict per request, and per model looked up.

Request verdicts: ok, rejected, unknown-model, ignored, unauthorized, rate-limited,
error. Model checks (endpoint "models") add deprecated and context-differs. Their
meanings and exit codes are data (`[verdicts.*]` in rules/probe.toml).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from migrator.probe.data import ProbeData
from migrator.probe.plan import Location, PlannedRequest
from migrator.probe.transport import Response

MODELS = "models"


@dataclass
class Record:
    endpoint: str
    model: str
    parameters: list[str]
    status: str
    http_status: int | None
    detail: str
    locations: list[Location] = field(default_factory=list)
    # which parameters the verdict is about (for --update-rules), and their table
    rejected: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # sent, and shown to take effect
    table: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "model": self.model,
            "parameters": self.parameters,
            "status": self.status,
            "http_status": self.http_status,
            "detail": self.detail,
            "locations": [where.as_dict() for where in self.locations],
        }


def exit_code(records: Iterable[Record], data: ProbeData) -> int:
    codes = [int(data.verdicts[r.status]["exit"]) for r in records]
    return max(codes, default=0)


# -- GET /models ------------------------------------------------------------------------
@dataclass(frozen=True)
class Card:
    id: str
    aliases: tuple[str, ...]
    deprecation: str | None
    max_context_length: int | None


def read_cards(payload: Any) -> dict[str, Card]:
    """Model id and every alias -> its card, from a `GET /models` answer."""
    items = payload.get("data", []) if isinstance(payload, dict) else []
    cards: dict[str, Card] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        aliases = tuple(a for a in item.get("aliases") or () if isinstance(a, str))
        length = item.get("max_context_length")
        card = Card(
            item["id"],
            aliases,
            str(item["deprecation"]) if item.get("deprecation") else None,
            length if isinstance(length, int) else None,
        )
        for name in (card.id, *aliases):
            cards.setdefault(name, card)
    return cards


def model_record(
    model: str, cards: dict[str, Card], context_window: int | None, locations: list[Location]
) -> Record:
    card = cards.get(model)
    if card is None:
        return Record(
            MODELS, model, [], "unknown-model", 200, "not an id or alias in GET /models", locations
        )
    named = f" (= {card.id})" if card.id != model else ""
    if card.deprecation:
        return Record(
            MODELS,
            model,
            [],
            "deprecated",
            200,
            f"deprecated: {card.deprecation}{named}",
            locations,
        )
    if context_window and card.max_context_length and card.max_context_length < context_window:
        return Record(
            MODELS,
            model,
            [],
            "context-differs",
            200,
            f"max_context_length {card.max_context_length} is below the map's context_window "
            f"{context_window}{named}",
            locations,
        )
    detail = f"exists{named}"
    if context_window and card.max_context_length and card.max_context_length != context_window:
        detail += f"; max_context_length {card.max_context_length}, the map says {context_window}"
    return Record(MODELS, model, [], "ok", 200, detail, locations)


# -- one request ------------------------------------------------------------------------
def _error_fields(payload: Any) -> tuple[str, str, list[tuple[str, str, str]]]:
    """(type, message text, [(parameter, error type, msg)]) from an error body, in
    Mistral's shape (top level; `message` may be an object holding `detail`) or OpenAI's
    (`{"error": {...}}`)."""
    if not isinstance(payload, dict):
        return "", "", []
    if isinstance(payload.get("error"), dict):
        payload = payload["error"]
    kind = str(payload.get("type") or "")
    message = payload.get("message")
    details = payload.get("detail")
    if isinstance(message, dict):
        details = message.get("detail", details)
        text = json.dumps(message)
    else:
        text = str(message or "")
    found: list[tuple[str, str, str]] = []
    for item in details if isinstance(details, list) else []:
        if not isinstance(item, dict):
            continue
        loc = [str(p) for p in item.get("loc") or () if not isinstance(p, int)]
        name = next((p for p in loc if p != "body"), "")
        found.append((name, str(item.get("type") or ""), str(item.get("msg") or "")))
    if not found and payload.get("param"):
        found.append((str(payload["param"]), kind, text))
    return kind, text, found


def _mentions_unknown_model(kind: str, text: str, data: ProbeData) -> bool:
    lowered = text.lower()
    return kind in data.unknown_model_types or any(w in lowered for w in data.unknown_model_words)


def _ignored(request: PlannedRequest, payload: Any) -> list[tuple[str, str]]:
    """Parameters the answer shows had no effect, with what shows it."""
    if not isinstance(payload, dict) or request.endpoint.kind != "chat":
        return []
    choices = payload.get("choices")
    if not isinstance(choices, list):
        return []
    params = request.params
    found: list[tuple[str, str]] = []
    n = params.get("n")
    if isinstance(n, int) and not isinstance(n, bool) and n > 1 and len(choices) < n:
        found.append(("n", f"n={n} asked, {len(choices)} choice(s) returned"))
    if (
        params.get("logprobs") is True
        and choices
        and all(isinstance(c, dict) and not c.get("logprobs") for c in choices)
    ):
        found.append(("logprobs", "logprobs=true asked, no logprobs in the choices"))
    first: dict[str, Any] = choices[0] if choices and isinstance(choices[0], dict) else {}
    message: dict[str, Any] = first.get("message") or {}
    if not isinstance(message, dict):
        message = {}
    response_format = params.get("response_format")
    if (
        isinstance(response_format, dict)
        and response_format.get("type") == "json_object"
        and first.get("finish_reason") != "length"
        and isinstance(message.get("content"), str)
    ):
        try:
            json.loads(message["content"])
        except ValueError:
            found.append(("response_format", "JSON mode asked, the content is not JSON"))
    for call in message.get("tool_calls") or ():
        if not isinstance(call, dict):
            continue
        function: dict[str, Any] = call.get("function") or {}
        if not isinstance(function, dict):
            function = {}
        if not call.get("id"):
            found.append(("tools", "a tool call has no id (OpenAI's tool_calls always do)"))
        elif not isinstance(function.get("arguments"), str):
            found.append(("tools", "tool call arguments are not a JSON string"))
    return found


def judge(request: PlannedRequest, response: Response, data: ProbeData) -> Record:
    record = Record(
        request.endpoint.path.lstrip("/"),
        request.model,
        request.names,
        "ok",
        response.status,
        "",
        list(request.locations),
        table=request.table,
    )
    retries = "retry" if response.retries == 1 else "retries"
    waited = (
        f" (waited {response.waited:g} s over {response.retries} {retries})"
        if response.retries
        else ""
    )
    status = response.status
    payload = response.json()
    if status == 200:
        ignored = _ignored(request, payload)
        if ignored:
            record.status = "ignored"
            record.ignored = sorted({name for name, _ in ignored})
            record.accepted = [n for n in request.names if n not in record.ignored]
            record.detail = "; ".join(why for _, why in ignored)
        elif payload is None and "event-stream" not in response.headers.get("content-type", ""):
            record.status, record.detail = "error", "HTTP 200 but the answer is not JSON"
        else:
            record.detail = "accepted"
            record.accepted = list(request.names)
    elif status in (401, 403):
        record.status, record.detail = "unauthorized", f"HTTP {status}: the key was refused"
    elif status == 429:
        record.status, record.detail = "rate-limited", "HTTP 429 after every retry"
    elif status in (400, 404, 422):
        kind, text, problems = _error_fields(payload)
        named = [(name, why, msg) for name, why, msg in problems if name]
        if any(name == "model" for name, _, _ in named) or (
            not named and _mentions_unknown_model(kind, text, data)
        ):
            record.status = "unknown-model"
            record.detail = f"HTTP {status}: {text or 'model not found'}"
        else:
            record.status = "rejected"
            record.rejected = sorted({name for name, _, _ in named})
            shown = "; ".join(
                f"{name}: {why}" + (f" ({msg})" if msg and msg != why else "")
                for name, why, msg in named
            )
            record.detail = f"HTTP {status}: {shown or text or 'rejected'}"
    else:
        record.status = "error"
        record.detail = f"HTTP {status}"
    record.detail += waited
    return record
