"""What a file is, from its path: a test, or code that may talk to OpenAI.

Tests (test doubles, mocked response bodies, assertions on the model a call was given)
are not requests to OpenAI: rewriting them changes what they check, or breaks them (a
Mistral id asserted against an input that still says gpt-4o, a `.chat()` call in front
of a mock returning a Responses-API body). Their code stays as it is; a front end still
reports key shapes found in them. The conventions are data (`rules/files.toml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Literal

from migrator.catalog import read_toml
from migrator.rules_dir import rules_dir

FileKind = Literal["code", "test"]


@dataclass(frozen=True)
class Conventions:
    dirs: frozenset[str]
    names: tuple[str, ...]


@lru_cache(maxsize=1)
def test_conventions() -> Conventions:
    data = read_toml(rules_dir() / "files.toml")["tests"]
    return Conventions(frozenset(data["dirs"]), tuple(data["names"]))


def file_kind(display: str, conventions: Conventions | None = None) -> FileKind:
    """`test` for a path under a test folder or named like a test file, else `code`."""
    conventions = conventions or test_conventions()
    path = PurePosixPath(display.replace("\\", "/"))
    if any(part in conventions.dirs for part in path.parts[:-1]):
        return "test"
    if any(fnmatchcase(path.name, pattern) for pattern in conventions.names):
        return "test"
    return "code"


def rewrites_allowed(kind: FileKind) -> bool:
    """Whether the migration may change the file's code (tests: never)."""
    return kind == "code"
