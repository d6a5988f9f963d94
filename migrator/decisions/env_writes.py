"""May a read of an OpenAI variable be renamed when the same code also writes it, or
another reader in it keeps the old name?

A variable is renamed only when every reader and writer moves with it. A write
(`process.env.OPENAI_API_KEY = saved`, `os.environ["OPENAI_API_KEY"] = key`) is never
renamed: it may feed a library that reads the variable itself, or restore what a test
saved. Renaming the reads of such a variable while its write stays splits one variable in
two (a test then restores the wrong one), so where a file writes a variable, its reads and
deletions there stay as they are too, and each is reported with the line of the write.
The same holds where a reader that stays keeps the variable: a library that reads it
itself (`openai("gpt-4o")` from @ai-sdk/openai reads OPENAI_API_KEY), or a request left
to OpenAI that sends it (`fetch("https://api.openai.com/...", { headers: { Authorization:
`Bearer ${apiKey}` } })` with `const apiKey = process.env.OPENAI_API_KEY`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

NAMED = "MM110"


@dataclass(frozen=True)
class EnvUseVerdict:
    rename: bool
    code: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def judge_env_use(
    name: str, new: str, written_on: Collection[int], writing: bool, kept_by: str = ""
) -> EnvUseVerdict:
    """A read, deletion or write of `name` (which the run would rename to `new`), in a file
    that writes it on the lines `written_on`; `kept_by` names a reader of the same file
    that keeps reading `name` (a library that reads it itself, a request left to OpenAI)."""
    if writing:
        return EnvUseVerdict(False, NAMED, {"old": name, "new": new, "how": "assigned here"})
    if kept_by:
        return EnvUseVerdict(
            False,
            NAMED,
            {
                "old": name,
                "new": new,
                "how": f"read here, and {kept_by} keeps reading it, so it is renamed nowhere "
                "(a variable's readers change together)",
            },
        )
    if written_on:
        lines = ", ".join(str(line) for line in sorted(written_on))
        return EnvUseVerdict(
            False,
            NAMED,
            {
                "old": name,
                "new": new,
                "how": f"read here and assigned on line {lines}, so renamed nowhere "
                "(a variable's readers and writers change together)",
            },
        )
    return EnvUseVerdict(True)
