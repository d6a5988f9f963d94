"""May an OpenAI URL become Mistral's base URL? Only when it has the same path depth.

Mistral's base URL carries its API path (`https://api.mistral.ai/v1`), as OpenAI's does
(`https://api.openai.com/v1`). A value with OpenAI's host alone (`https://api.openai.com`)
is a host that the code completes itself (`` `${host}/v1/chat/completions` ``): given
Mistral's base URL it would call `/v1/v1/...`, a 404. Such a value keeps its depth or stays:
the tool leaves it and reports it, since a bare host cannot be read from the base-URL
variable (which holds the `/v1` path) and the code around it may add any path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

HOST_ONLY = "MM124"


@dataclass(frozen=True)
class DepthVerdict:
    rewrite: bool
    code: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def judge_url_depth(url: str, mistral_base_url: str) -> DepthVerdict:
    """`url` is an OpenAI base URL (the run would put `mistral_base_url` in its place)."""
    path = urlsplit(url).path.rstrip("/")
    wanted = urlsplit(mistral_base_url).path.rstrip("/")
    if path == wanted:
        return DepthVerdict(True)
    base = urlsplit(mistral_base_url)
    return DepthVerdict(
        False,
        HOST_ONLY,
        {
            "url": url,
            "host": f"{base.scheme}://{base.netloc}",
            "path": wanted,
            "base": mistral_base_url,
        },
    )
