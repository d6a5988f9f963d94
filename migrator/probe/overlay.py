"""`probe --update-rules FILE`: what the endpoint did, as an overlay of rules/params.toml.

The file holds `[params.<table>.<name>]` entries with the fields of params.toml that
decide a finding (status, code, fix, advice) and `observed` (what was seen, where and
when). A project loads it with `rules-overlay = "FILE"` in [tool.mistral-migrate]; then
`check` reports a parameter the endpoint rejected (MM301), or accepted to no effect
(MM304), and no longer reports one the shipped rules doubt but the endpoint accepted.
A second run updates the entries it saw and keeps the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import tomlkit

from migrator.callrules import CallRules
from migrator.probe.data import ProbeData
from migrator.probe.verdicts import Record
from migrator.rules_overlay import FIELDS, read_overlay

HEADER = (
    "Written by `mistral-migrate probe --update-rules`: what the endpoint did with the\n"
    'parameters this project sends. Load it with rules-overlay = "<this file>" in\n'
    "[tool.mistral-migrate]; edit or delete entries freely."
)


def entries_from(
    records: Iterable[Record], rules: CallRules, data: ProbeData, base_url: str, today: str
) -> dict[str, dict[str, dict[str, str]]]:
    """Overlay entries for what the records show: rejected and ignored parameters, and
    accepted ones the shipped rules would report."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    where = f"{base_url} on {today}"
    for record in records:
        if not record.table:
            continue
        shipped = rules.params.get(record.table, {})
        entries = out.setdefault(record.table, {})
        for name in record.rejected:
            entries[name] = {
                "status": "unsupported-rejected",
                "code": data.rejected_code,
                "fix": "",
                "advice": f"probe saw it rejected by {where}: {record.detail}",
                "observed": f"rejected, {where}",
            }
        for name in record.ignored:
            entries[name] = {
                "status": "ignored",
                "code": data.ignored_code,
                "fix": "",
                "advice": f"probe saw it accepted by {where} without effect: {record.detail}",
                "observed": f"ignored, {where}",
            }
        for name in record.accepted:
            rule = shipped.get(name)
            if name in entries or (rule is not None and not rule.code):
                continue
            entries[name] = {
                "status": "supported",
                "code": "",
                "fix": "",
                "advice": "",
                "observed": f"accepted, {where}",
            }
    return {table: entries for table, entries in out.items() if entries}


def write_overlay(
    path: Path,
    records: Iterable[Record],
    rules: CallRules,
    data: ProbeData,
    base_url: str,
    today: str | None = None,
) -> int:
    """Merge what the records show into the overlay file; the number of entries written."""
    existing = read_overlay(path) if path.is_file() else {}
    new = entries_from(records, rules, data, base_url, today or date.today().isoformat())
    for table, entries in new.items():
        existing.setdefault(table, {}).update(entries)
    document = tomlkit.document()
    for line in HEADER.splitlines():
        document.add(tomlkit.comment(line))
    params = tomlkit.table(is_super_table=True)
    for table in sorted(existing):
        section = tomlkit.table(is_super_table=True)
        for name in sorted(existing[table]):
            entry = tomlkit.table()
            for key in FIELDS:
                if key in existing[table][name]:
                    entry.add(key, existing[table][name][key])
            section.add(name, entry)
        params.add(table, section)
    document.add("params", params)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(tomlkit.dumps(document), encoding="utf-8")
    tmp.replace(path)
    return sum(len(entries) for entries in new.values())
