"""Decide from bytes alone whether a file can hold anything a rule looks for.

Parsing and scope analysis dominate a run; most files in a repository never mention
OpenAI. The trigger tokens come from the rules data (SDK module, hosts, env vars, model
ids and id shapes; the framework table's packages; plus this tool's own comment marker, for unused-suppression reports),
so a data edit widens the filter with no code change. The filter may
let a file through needlessly; it must never turn away one a rule would flag.
"""

from __future__ import annotations

import re

from migrator.callrules import load_call_rules
from migrator.settings import Settings
from migrator.suppressions import MARKER


def _alternatives(settings: Settings) -> list[bytes]:
    connection = settings.catalog.connection
    words = [connection.sdk_module, *connection.openai_hosts, connection.env_prefix]
    words += list(connection.env_api_key | connection.env_base_url)
    words += list(load_call_rules().tokenizers.modules)
    # the framework table's packages (langchain_openai, litellm, ...), config additions too
    words += sorted({name.split(".")[0] for f in settings.frameworks.frameworks for name in f.classes})
    parts = [re.escape(word.encode()) for word in words] + [re.escape(MARKER)]
    ids = sorted(settings.models.entries, key=len, reverse=True)
    parts.append(rb"(?<![A-Za-z0-9_])(?:" + b"|".join(re.escape(i.encode()) for i in ids) + rb")")
    recognise = settings.catalog.models["recognise"]
    for key in ("openai_like", "fine_tune"):
        shape = recognise[key].lstrip("^").encode()
        # quoted in code; bare after `=`, `:` or a space in .env and YAML files
        parts.append(rb"(?:['\"=:\s]|^)(?:" + shape + rb")")
    # committed keys, in any file (config files carry them most often)
    parts += [b"(?:" + pattern.encode() + b")" for pattern in (*connection.secret_patterns, *settings.secret_patterns)]
    return parts


def build_prefilter(settings: Settings) -> re.Pattern[bytes]:
    return re.compile(b"|".join(_alternatives(settings)), re.MULTILINE)
