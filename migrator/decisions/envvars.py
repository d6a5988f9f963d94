"""Environment variables: when a read gets a default, and when a variable may be renamed.

Front ends (Python, JavaScript, config files) read the facts from syntax -- where a read
stands, which uses of a variable they saw -- and apply the verdicts here, so the rules
below are written once.

A default is a value: it belongs where the read is used as a URL or key. A read that is
only tested for presence (`if os.environ.get("OPENAI_BASE_URL"): ...`) is a question,
and a default answers it "yes" for ever: the guard becomes always true and the body,
which reads the variable again without a default, raises.

A rename moves a variable for every reader at once or not at all. Writes the project
makes for a library that reads the variable itself (`os.environ["OPENAI_API_KEY"] = key`
before an agent framework starts: decisions/env_writes.py, shared with JS), the variable's
name held as data (`cfg["OPENAI_API_KEY"]`, a settings alias) and a read whose value feeds
a client the run leaves on OpenAI are all readers the rename would cut off; one of them
keeps the name for every use of the variable in the file.
"""

from __future__ import annotations

from collections.abc import Collection

from migrator.decisions.env_writes import NAMED, EnvUseVerdict


def default_for_read(
    *, renamed: bool, base_url_variable: bool, has_default: bool, has_fallback: bool, tested: bool
) -> bool:
    """Whether a migrated read of a base-URL variable gets Mistral's endpoint as default.

    Unset, the SDK would fall back to api.openai.com and send it the Mistral key, so a
    read used as a value gets the default; a presence test never does."""
    return renamed and base_url_variable and not has_default and not has_fallback and not tested


def judge_kept_read(
    name: str, new: str, named_on: Collection[int], unmigrated_on: Collection[int]
) -> EnvUseVerdict:
    """A read of `name` in a file that also holds the name as data (`cfg["OPENAI_API_KEY"]`,
    a settings alias) or passes its value to a client the run leaves on OpenAI: the other
    use keeps the old name, so this read keeps it too. (Writes: decisions/env_writes.py.)"""
    if unmigrated_on:
        lines = ", ".join(str(line) for line in sorted(unmigrated_on))
        how = (
            f"read here and its value goes to a client left on OpenAI (line {lines}), so "
            "renamed nowhere (a variable's readers and writers change together)"
        )
        return EnvUseVerdict(False, NAMED, {"old": name, "new": new, "how": how})
    if named_on:
        lines = ", ".join(str(line) for line in sorted(named_on))
        how = (
            f"read here and its name is used as data on line {lines} (a config key, a "
            "settings alias), so renamed nowhere (a variable's readers and writers change "
            "together)"
        )
        return EnvUseVerdict(False, NAMED, {"old": name, "new": new, "how": how})
    return EnvUseVerdict(True)
