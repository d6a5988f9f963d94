"""What a file is, from its path: a test, recorded data, docs, or code that may talk to
OpenAI (and, for JSON, from its shape).

Tests (test doubles, mocked response bodies, assertions on the model a call was given)
are not requests to OpenAI: rewriting them changes what they check, or breaks them (a
Mistral id asserted against an input that still says gpt-4o, a `.chat()` call in front
of a mock returning a Responses-API body). Their code stays as it is; a front end still
reports key shapes found in them. The conventions are data (`rules/files.toml`).

Recorded data (benchmark results, JSON dumps of documents or conversations, caches, logs)
and docs are not requests either: a benchmark's `"grader_model": "gpt-4o-mini"` says what
was used, and rewriting it falsifies the record (`file_role`). Configuration (.env, YAML,
TOML, JSON settings) is linted as config.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


FileRole = Literal["request", "test", "record", "docs"]
NOT_REQUESTS: frozenset[FileRole] = frozenset({"test", "record", "docs"})

# how a finding names the file's kind
DESCRIBED = {"test": "a test file", "record": "recorded data", "docs": "documentation"}


@dataclass(frozen=True)
class RecordConventions:
    record_dirs: frozenset[str]
    record_name_parts: frozenset[str]
    docs_dirs: frozenset[str]


@lru_cache(maxsize=1)
def record_conventions() -> RecordConventions:
    data = read_toml(rules_dir() / "files.toml")
    return RecordConventions(
        record_dirs=frozenset(d.lower() for d in data["records"]["dirs"]),
        record_name_parts=frozenset(p.lower() for p in data["records"]["name_parts"]),
        docs_dirs=frozenset(d.lower() for d in data["docs"]["dirs"]),
    )


def file_role(display: str, is_json: bool = False, top_level_list: bool = False) -> FileRole:
    """The role of the file at `display` (a path relative to the project root).

    Tests win over the rest (a JSON fixture under tests/ is a test's data); JSON files are
    records by folder, by name or by shape; code and other config under a docs folder are
    docs. Everything else is a request (code) or config to lint."""
    if file_kind(display) == "test":
        return "test"
    conventions = record_conventions()
    path = PurePosixPath(display.replace("\\", "/"))
    folders = [part.lower() for part in path.parts[:-1]]
    if is_json:
        parts = {part for part in re.split(r"[.\-_]", path.stem.lower()) if part}
        if (
            top_level_list
            or any(folder in conventions.record_dirs for folder in folders)
            or parts & conventions.record_name_parts
        ):
            return "record"
    if any(folder in conventions.docs_dirs for folder in folders):
        return "docs"
    return "request"


def json_top_level_is_list(text: str) -> bool:
    """Whether a JSON document is a list (of records) rather than an object of settings."""
    return text.lstrip("\ufeff \t\r\n").startswith("[")


def is_prose(text: str, is_model_id: Callable[[str], bool]) -> bool:
    """A sentence rather than an expression or a list of ids: three or more words that are
    not model ids and no `${...}` expression. "Use gpt-4o for hard questions" describes; it
    configures nothing, so an id inside it is not reported (as a Python string's is not)."""
    if "${" in text:
        return False
    words = [w.strip(".,;:!?()[]\"'") for w in text.split()]
    return sum(1 for w in words if w and not is_model_id(w)) >= 3
