"""Which environment variable the migrated code and config read instead of an OpenAI one.

One answer for Python and config files alike, decided by the variable's name only: a
deployment sets variables by name, so `OPENAI_MODEL` and `OPENAI_FALLBACK_MODEL` must
stay two variables (`MISTRAL_MODEL`, `MISTRAL_FALLBACK_MODEL`) whatever ids they hold.
"""

from __future__ import annotations

import fnmatch

from migrator.settings import Settings


def names_a_model(name: str) -> bool:
    from migrator.configfiles.facts import config_facts  # (the config package imports this one)

    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern) for pattern in config_facts().model_keys)


def renamed_variable(name: str, settings: Settings) -> str | None:
    """The configured variable replacing `name`, or None when the name is kept."""
    if not settings.rename_env:
        return None
    connection = settings.catalog.connection
    if name in connection.env_api_key:
        return settings.api_key_env if name != settings.api_key_env else None
    if name in connection.env_base_url:
        return settings.base_url_env if name != settings.base_url_env else None
    prefix = connection.env_prefix
    if name.startswith(prefix) and settings.model_env_prefix and names_a_model(name):
        return settings.model_env_prefix + name[len(prefix) :]
    return None
