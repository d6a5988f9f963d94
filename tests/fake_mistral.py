"""A local stand-in for Mistral's API, for the probe tests (no test reaches the network).

It behaves as ../shared/knowledge/mistral-compat.md documents Mistral does:
- `GET /v1/models`: cards with `id`, `aliases`, `deprecation`, `max_context_length`;
- an unknown request field: HTTP 422 with the validation errors as an object in
  `message` (`{"detail": [{"type": "extra_forbidden", "loc": ["body", name], ...}]}`);
- temperature above 1.5: HTTP 422 `less_than_equal`;
- an unknown model: HTTP 400 `invalid_model`;
- a wrong key: HTTP 401;
- `n=2`: one choice; `logprobs`: accepted, none returned; JSON mode: JSON content;
- `rate_limit_first=N`: the first N POSTs get 429 with `Retry-After: 1`.
Bound to 127.0.0.1 on an ephemeral port, served from a thread.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY = "mistral-test-key-0123456789abcdefXYZ"

CHAT_FIELDS = {
    "model", "messages", "temperature", "top_p", "max_tokens", "n", "stop", "stream",
    "random_seed", "response_format", "tools", "tool_choice", "presence_penalty",
    "frequency_penalty", "parallel_tool_calls", "prediction", "safe_prompt", "metadata",
    "reasoning_effort", "prompt_mode", "logprobs", "top_logprobs",
}  # fmt: skip
EMBEDDING_FIELDS = {"model", "input", "encoding_format", "output_dimension", "output_dtype"}


def card(
    id: str, aliases: list[str], context: int = 262144, deprecation: str | None = None
) -> dict[str, Any]:
    return {
        "id": id,
        "object": "model",
        "aliases": aliases,
        "deprecation": deprecation,
        "max_context_length": context,
        "capabilities": {"completion_chat": True},
    }


DEFAULT_CARDS = [
    card("mistral-small-2603", ["mistral-small-latest"]),
    card("mistral-large-2512", ["mistral-large-latest"]),
    card("mistral-medium-3-5", ["mistral-medium-latest", "mistral-medium-3"]),
    card("ministral-8b-2512", ["ministral-8b-latest"]),
    card("mistral-embed-2312", ["mistral-embed"], context=8192),
    card("mistral-moderation-2603", [], context=128000),
    card("voxtral-mini-2602", ["voxtral-mini-latest"]),
    card("voxtral-mini-tts-2603", ["voxtral-mini-tts-latest"]),
    card("voxtral-small-2507", ["voxtral-small-latest"], context=32000),
    card("devstral-2512", ["devstral-latest"], deprecation="2026-05-22"),
]


@dataclass
class FakeMistral:
    cards: list[dict[str, Any]] = field(default_factory=lambda: copy.deepcopy(DEFAULT_CARDS))
    rejected: set[str] = field(default_factory=set)  # fields answered 422 besides unknown ones
    rate_limit_first: int = 0
    retry_after: str | None = "1"
    delay: float = 0.0
    # each POST waits (up to 2 s) until this many are in flight: overlap made certain
    gather: int = 0
    tool_call_id: bool = True
    # what happened
    requests: list[tuple[str, str, dict[str, Any] | None]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Condition = field(default_factory=threading.Condition)
    url: str = ""

    def known(self, model: str) -> bool:
        return any(model == c["id"] or model in c["aliases"] for c in self.cards)


def _error(kind: str, message: Any, code: str | None = None) -> dict[str, Any]:
    return {"object": "error", "message": message, "type": kind, "param": None, "code": code}


def _validation(problems: list[dict[str, Any]]) -> dict[str, Any]:
    return _error("invalid_request_error", {"detail": problems})


def chat_answer(fake: FakeMistral, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    extra = sorted((set(body) - CHAT_FIELDS) | (set(body) & fake.rejected))
    if extra:
        return 422, _validation(
            [
                {"type": "extra_forbidden", "loc": ["body", name], "msg": "Extra inputs are not permitted", "input": body[name]}
                for name in extra
            ]
        )  # fmt: skip
    temperature = body.get("temperature")
    if isinstance(temperature, (int, float)) and temperature > 1.5:
        problem = {"type": "less_than_equal", "loc": ["body", "temperature"], "msg": "Input should be less than or equal to 1.5"}  # fmt: skip
        return 422, _validation([problem])
    if not fake.known(str(body.get("model"))):
        return 400, _error("invalid_model", f"Invalid model: {body.get('model')}", "1500")
    message: dict[str, Any] = {"role": "assistant", "content": "Hi"}
    if isinstance(body.get("response_format"), dict):
        message["content"] = '{"ok": true}'
    if body.get("tools"):
        call: dict[str, Any] = {
            "type": "function",
            "function": {"name": "ping", "arguments": "{}"},
        }
        if fake.tool_call_id:
            call["id"] = "D681PevKs"
        message = {"role": "assistant", "content": "", "tool_calls": [call]}
    choice = {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
    return 200, {
        "id": "cmpl-1",
        "object": "chat.completion",
        "model": body["model"],
        "choices": [choice],  # one choice, whatever n asked
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    }


def embeddings_answer(fake: FakeMistral, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    extra = sorted((set(body) - EMBEDDING_FIELDS) | (set(body) & fake.rejected))
    if extra:
        return 422, _validation(
            [{"type": "extra_forbidden", "loc": ["body", n], "msg": "Extra inputs are not permitted"} for n in extra]
        )  # fmt: skip
    if not fake.known(str(body.get("model"))):
        return 400, _error("invalid_model", f"Invalid model: {body.get('model')}", "1500")
    return 200, {
        "object": "list",
        "data": [{"object": "embedding", "index": 0, "embedding": [0.1] * 4}],
        "model": body["model"],
    }


def answer(fake: FakeMistral, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    if path == "/v1/chat/completions":
        return chat_answer(fake, body)
    if path == "/v1/embeddings":
        return embeddings_answer(fake, body)
    return 404, {"detail": "Not Found"}


def make_handler(fake: FakeMistral) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") == f"Bearer {KEY}":
                return True
            self._send(401, {"message": "Unauthorized", "request_id": "r-1"})
            return False

        def do_GET(self) -> None:
            fake.requests.append(("GET", self.path, None))
            if not self._authorised():
                return
            if self.path != "/v1/models":
                self._send(404, {"detail": "Not Found"})
                return
            self._send(200, {"object": "list", "data": fake.cards})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            with fake.lock:
                fake.requests.append(("POST", self.path, body))
                posts = sum(1 for method, _, _ in fake.requests if method == "POST")
                fake.in_flight += 1
                fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                fake.lock.notify_all()
                if fake.gather:
                    fake.lock.wait_for(lambda: fake.in_flight >= fake.gather, timeout=2)
            try:
                if fake.delay:
                    time.sleep(fake.delay)
                if not self._authorised():
                    return
                if posts <= fake.rate_limit_first:
                    headers = {"Retry-After": fake.retry_after} if fake.retry_after else {}
                    body_429 = _error("rate_limited", "Rate limit exceeded", "1300")
                    self._send(429, body_429, headers)
                    return
                self._send(*answer(fake, self.path, body))
            finally:
                with fake.lock:
                    fake.in_flight -= 1

    return Handler


class Server:
    def __init__(self, fake: FakeMistral) -> None:
        self.fake = fake
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(fake))
        self.httpd.daemon_threads = True
        host, port = self.httpd.server_address[:2]
        fake.url = f"http://{host}:{port}/v1"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> FakeMistral:
        self.thread.start()
        return self.fake

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
