"""Which Mistral URL replaces an OpenAI one: the same depth, not always the base URL.

`https://api.openai.com/v1` is a base URL: the SDKs append `/chat/completions` to it, and
it becomes Mistral's base URL, read from the environment. `https://api.openai.com` is a
host: the code that uses it appends the whole path (`f"{HOST}/v1/chat/completions"`), so
Mistral's base URL there would call `/v1/v1/...` (404). A host becomes Mistral's host, at
the same depth, and is written in rather than read from the base-URL variable (which
holds the base URL, `/v1` included); its trailing slash is kept as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class UrlVerdict:
    # the Mistral URL at the original's depth
    url: str
    # True: a base URL, read from the base-URL variable; False: a host, written in
    reads_variable: bool


def replacement(original: str, mistral_base_url: str) -> UrlVerdict:
    """For an OpenAI URL whose path is empty or the API's (`/v1`); see endpoints.classify_url."""
    path = urlsplit(original).path.rstrip("/")
    if path == urlsplit(mistral_base_url).path.rstrip("/"):
        return UrlVerdict(mistral_base_url, reads_variable=True)
    slash = "/" if original.endswith("/") else ""
    parts = urlsplit(mistral_base_url)
    return UrlVerdict(f"{parts.scheme}://{parts.netloc}{slash}", reads_variable=False)


def appends_api_path(suffix: str, mistral_base_url: str) -> bool:
    """Whether text appended to a host starts with the API's path (`/v1/...`, or
    `v1/...` after a host written with its trailing slash)."""
    base_path = urlsplit(mistral_base_url).path.strip("/")
    suffix = suffix.lstrip("/")
    return suffix == base_path or suffix.startswith(base_path + "/")
