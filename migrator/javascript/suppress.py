"""`// mistral-migrate: ignore[MM301]` (or `/* ... */`, or `{/* ... */}` in JSX) in JS/TS.

Only comment nodes of the parse tree count, so a string that quotes the syntax neither
silences anything nor is reported as an unused suppression.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from migrator.javascript.source import Source
from migrator.suppressions import Suppression

_COMMENT = re.compile(r"(?://|/\*)\s*mistral-migrate:\s*ignore(?:\[(?P<codes>[A-Za-z0-9,\s]+)\])?")


def find_js_suppressions(source: Source, comments: list[Node]) -> dict[int, Suppression]:
    found: dict[int, Suppression] = {}
    for comment in comments:
        text = source.text(comment)
        match = _COMMENT.search(text)
        if not match:
            continue
        start = source.point(comment.start_byte)
        codes = match.group("codes")
        found[start.line] = Suppression(
            line=start.line,
            column=start.column + match.start() + 1,
            end_column=start.column + match.end() + 1,
            codes={c.strip().upper() for c in codes.split(",") if c.strip()} if codes else None,
        )
    return found
