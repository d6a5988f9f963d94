"""A project's rules overlay: `rules-overlay = "FILE"` in [tool.mistral-migrate].

The file (written by `mistral-migrate probe --update-rules`, or by hand) holds
`[params.<table>.<name>]` entries that replace fields of rules/params.toml, so `check`
follows what the project's endpoint was seen to do. Read here, without the rest of the
probe, because settings load it; applied by `migrator.callrules.load_call_rules`.
"""

from __future__ import annotations

from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

# The fields an entry may set; `observed` says what was seen, where and when.
FIELDS = ("status", "code", "fix", "advice", "observed")
# table -> name -> fields, as sorted tuples: hashable (the call rules are cached by it)
# and stable (it is part of the results cache's key).
Overlay = tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]


class OverlayError(Exception):
    pass


def read_overlay(path: Path) -> dict[str, dict[str, dict[str, str]]]:
    """The `params` table of an overlay file, checked: table -> name -> fields."""
    try:
        data = tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()
    except (OSError, UnicodeDecodeError) as error:
        raise OverlayError(f"{path}: cannot read the rules overlay ({error})") from None
    except TOMLKitError as error:
        raise OverlayError(f"{path}: the rules overlay is not valid TOML ({error})") from None
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise OverlayError(f"{path}: [params] must be a table")
    checked: dict[str, dict[str, dict[str, str]]] = {}
    for table, entries in params.items():
        if not isinstance(entries, dict):
            raise OverlayError(f"{path}: [params.{table}] must be a table")
        for name, fields in entries.items():
            if not isinstance(fields, dict):
                raise OverlayError(f"{path}: [params.{table}.{name}] must be a table")
            unknown = sorted(set(fields) - set(FIELDS))
            if unknown:
                raise OverlayError(
                    f"{path}: params.{table}.{name}: unknown key {unknown[0]} "
                    f"(known: {', '.join(FIELDS)})"
                )
            checked.setdefault(table, {})[name] = {k: str(v) for k, v in fields.items()}
    return checked


def freeze(entries: dict[str, dict[str, dict[str, str]]]) -> Overlay:
    return tuple(
        (table, name, tuple(sorted(fields.items())))
        for table in sorted(entries)
        for name, fields in sorted(entries[table].items())
    )
