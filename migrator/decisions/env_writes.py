"""May a read of an OpenAI variable be renamed when the same code also writes it?

A variable is renamed only when every reader and writer moves with it. A write
(`process.env.OPENAI_API_KEY = saved`, `os.environ["OPENAI_API_KEY"] = key`) is never
renamed: it may feed a library that reads the variable itself, or restore what a test
saved. Renaming the reads of such a variable while its write stays splits one variable in
two (a test then restores the wrong one), so where a file writes a variable, its reads and
deletions there stay as they are too, and each is reported with the line of the write.
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


def judge_env_use(name: str, new: str, written_on: Collection[int], writing: bool) -> EnvUseVerdict:
    """A read, deletion or write of `name` (which the run would rename to `new`), in a file
    that writes it on the lines `written_on`."""
    if writing:
        return EnvUseVerdict(False, NAMED, {"old": name, "new": new, "how": "assigned here"})
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
