"""Which URLs are OpenAI's: shared by the Python rewrite and the config-file linter.

Kept free of LibCST so that config-only runs (and start-up) do not import it.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from migrator.catalog import Connection

UrlKind = Literal["base", "endpoint", "mistral", "other"]


def classify_url(value: str, connection: Connection) -> UrlKind | None:
    """'base'/'endpoint' for OpenAI URLs, 'mistral' for Mistral's own host (the goal, not
    another provider: a client aimed there is still checked), 'other' for any other
    http(s) URL, else None."""
    if not value.startswith(("http://", "https://")) or any(c.isspace() for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    host = parts.hostname or ""
    if host == urlsplit(connection.mistral_base_url).hostname:
        return "mistral"
    if host not in connection.openai_hosts:
        return "other"
    return "base" if parts.path.rstrip("/") in ("", "/v1") and not parts.query else "endpoint"


def mistral_path_wrong(value: str, connection: Connection) -> bool:
    """A Mistral URL given as a base URL whose path is not the endpoint's (`/v1`): the SDK
    appends `/chat/completions` to it, so `https://api.mistral.ai` calls a path that is not
    there."""
    if classify_url(value, connection) != "mistral":
        return False
    wanted = urlsplit(connection.mistral_base_url).path.rstrip("/")
    return urlsplit(value).path.rstrip("/") != wanted
