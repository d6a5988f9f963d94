"""HTTP for probe, on the standard library.

Why not httpx: it is not a dependency of mistral-migrate, and the openai SDK it was the
transport of moved to httpx2 in 3.0; probe sends a handful of small JSON requests, for
which `urllib.request` (timeouts, status, headers, body) is enough and adds nothing to
install. Concurrency is a thread pool bounded by `--concurrency`.

The key travels only in the Authorization header. Every text that leaves this module
(an error message, a response detail) passes through `hide`, so a server or a library
that echoes the header cannot print it.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from migrator.secrets import mask, redact

Sleep = Callable[[float], None]


def wait(seconds: float) -> None:
    """The default wait between retries (looked up at call time, so tests can stub it)."""
    time.sleep(seconds)


def hide(text: str, key: str) -> str:
    """`text` with the key masked (whatever its length) and any other key shape too."""
    if key:
        shown = mask(key) if len(key) >= 8 else "***"
        # also as a repr or an escaped string shows it (an invalid header's error message)
        for spelling in (key, repr(key)[1:-1], key.encode("unicode_escape").decode("ascii")):
            text = text.replace(spelling, shown)
    return redact(text)


class NetworkError(Exception):
    """No HTTP answer: refused, unreachable, timed out, or an invalid request."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    waited: float = 0.0  # seconds spent waiting on 429s before this answer
    retries: int = 0

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None


def retry_after(headers: dict[str, str], now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from `Retry-After` (delta seconds or an HTTP date), else None."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


@dataclass
class Transport:
    base_url: str
    key: str
    timeout: float = 30.0
    retries: int = 3
    max_retry_after: float = 60.0
    backoff: float = 1.0
    sleep: Sleep | None = None  # None: `wait`

    def get(self, path: str) -> Response:
        return self._with_retries("GET", path, None)

    def post(self, path: str, body: dict[str, Any]) -> Response:
        return self._with_retries("POST", path, json.dumps(body).encode("utf-8"))

    def _with_retries(self, method: str, path: str, data: bytes | None) -> Response:
        waited = 0.0
        attempt = 0
        while True:
            response = self._send(method, path, data)
            if response.status != 429 or attempt >= self.retries:
                response.waited, response.retries = waited, attempt
                return response
            delay = retry_after(response.headers)
            if delay is None:
                delay = self.backoff * (2**attempt)
            delay = min(delay, self.max_retry_after)
            (self.sleep or wait)(delay)
            waited += delay
            attempt += 1

    def _send(self, method: str, path: str, data: bytes | None) -> Response:
        url = self.base_url.rstrip("/") + path
        headers = {"Authorization": f"Bearer {self.key}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return Response(answer.status, _lower(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            with error:
                body = error.read() if error.fp is not None else b""
            return Response(error.code, _lower(error.headers), body)
        except (
            urllib.error.URLError,
            http.client.HTTPException,
            OSError,
            ValueError,
        ) as error:
            reason = getattr(error, "reason", None) or error
            raise NetworkError(
                hide(f"{method} {url}: {type(error).__name__}: {reason}", self.key)
            ) from None


def _lower(headers: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (headers.items() if headers else ())}
