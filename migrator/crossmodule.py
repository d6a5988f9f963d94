"""Model ids read across modules of the project: which module's names reach which client.

A central `settings.py` (`CHAT_MODEL = "gpt-4o"`) is read by the modules that call the
clients. The Python pass of a reading module follows `model=` back to a name it imported
and reports that read (`ModelRead`: the import as written, the names after it, the dict key,
and where the call sends the id). This module links those reads to the project's files and
merges them per defining module into plain facts (`ImportedFacts`) for the decision in
`migrator.decisions.model_ids`; the defining module is then run again with them, so its
literal is rewritten (every reader moves), stays with MM213 (one reader stays) or with MM212
(no reader is seen). A file's result then depends on other files: the runner keys the cache
of such a file by a digest of the facts it was given (`facts_digest`).

Resolution is by path, the way a project is laid out: `from pkg.settings import X` is
`pkg/settings.py` (or `pkg/settings/__init__.py`) under the reading file's folder or the
nearest folder above it that has one, else the one project file whose path ends so; a
relative import is resolved from the reading file's folder. A name found in no file, or in
more than one and none near, is not followed (its ids keep MM212).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from migrator.decisions.model_ids import Destination, merge

# (name, attribute, key) -> (destination, reason):
#   ("CHAT_MODEL", False, "")    the module-level name CHAT_MODEL
#   ("model", True, "")          an attribute or class-body field `model` of an object the
#                                module defines (`settings = Settings()`)
#   ("MODELS", False, "chat")    the entry "chat" of the module-level dict MODELS
FactKey = tuple[str, bool, str]
ImportedFacts = dict[FactKey, tuple[Destination, str]]


@dataclass(frozen=True)
class ModelRead:
    """One read of an imported name that reaches a model position, as the reader saw it."""

    level: int  # leading dots of a relative import (0: absolute)
    dotted: str  # what the name stands for, then the attributes read: "pkg.settings.MODEL"
    key: str  # the dict key read from it ("" for none)
    destination: Destination
    reason: str

    def to_json(self) -> list[object]:
        return [self.level, self.dotted, self.key, self.destination, self.reason]

    @classmethod
    def from_json(cls, entry: Sequence[object]) -> ModelRead:
        level, dotted, key, destination, reason = entry
        assert destination in ("mistral", "stays", "unknown")
        return cls(int(str(level)), str(dotted), str(key), destination, str(reason))


def module_parts(path: Path) -> tuple[str, ...]:
    """`a/b/c.py` -> ("a", "b", "c"); a package's `__init__.py` stands for its folder."""
    parts = path.with_suffix("").parts
    return parts[:-1] if parts and parts[-1] == "__init__" else parts


class ProjectModules:
    """The project's Python files by the module paths an import can name."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.by_parts: dict[tuple[str, ...], Path] = {}
        self.by_tail: dict[tuple[str, ...], list[Path]] = {}
        for path in paths:
            absolute = path.resolve()
            parts = module_parts(absolute)
            self.by_parts[parts] = absolute
            for start in range(len(parts)):
                self.by_tail.setdefault(parts[start:], []).append(absolute)

    def _module(self, importer: Path, level: int, parts: tuple[str, ...]) -> Path | None:
        if level:
            base = module_parts(importer.resolve())
            if importer.name != "__init__.py":
                base = base[:-1]  # a module's package is its folder
            base = base[: len(base) - (level - 1)] if level > 1 else base
            return self.by_parts.get(base + parts)
        # as Python's path would find it: from the importer's folder up (a script's folder,
        # then the project root), else the one project file that ends so
        folder = module_parts(importer.resolve())[:-1]
        for cut in range(len(folder), 0, -1):
            near = self.by_parts.get(folder[:cut] + parts)
            if near is not None:
                return near
        found = self.by_tail.get(parts, [])
        return found[0] if len(found) == 1 else None

    def resolve(self, importer: Path, read: ModelRead) -> tuple[Path, FactKey] | None:
        """The defining file and the fact a read names there, or None if not followed."""
        parts = tuple(part for part in read.dotted.split(".") if part)
        # the longest leading part that is a project module; the rest are names in it
        for cut in range(len(parts) - 1, -1 if read.level else 0, -1):
            module = self._module(importer, read.level, parts[:cut])
            if module is None:
                continue
            names = parts[cut:]
            if len(names) == 1:
                return module, (names[0], False, read.key)
            if len(names) == 2:
                return module, (names[1], True, read.key)
            return None
        return None


def link(
    reads: Iterable[tuple[Path, str, Sequence[ModelRead]]], modules: ProjectModules
) -> dict[Path, ImportedFacts]:
    """Per defining file, where each of its names is sent, merged over every reader."""
    facts: dict[Path, ImportedFacts] = {}
    for importer, display, found in reads:
        for read in found:
            resolved = modules.resolve(importer, read)
            if resolved is None or resolved[0] == importer.resolve():
                continue
            module, key = resolved
            reason = f"{read.reason} (read in {display})" if read.reason else ""
            target: tuple[Destination, str] = (read.destination, reason)
            known = facts.setdefault(module, {}).get(key)
            facts[module][key] = target if known is None else merge(known, target)
    return facts


def facts_digest(facts: ImportedFacts) -> str:
    """What a cached result of a defining module depends on besides its own bytes."""
    if not facts:
        return ""
    payload = json.dumps(sorted([list(key), list(value)] for key, value in facts.items()))
    return hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()
