"""The last guard before bytes are written: the rewrite still parses as its kind.

Each front end runs its own check on fresh output (Python compiles as well as before, JS
and TS parse without an error node, a notebook stays a notebook, a config file still
parses as its format). A result that comes from the cache runs the same check here, so a
cache entry, whatever it holds, can never make `fix` write what a fresh run would refuse.
"""

from __future__ import annotations

import json
from pathlib import Path

from migrator.settings import Settings


def rewrite_is_safe(display: str, original: bytes, new: bytes, settings: Settings) -> bool:
    """Whether `new` passes the check the front end for `display`'s kind applies."""
    from migrator.configfiles import ParseError, check_parses, config_kind
    from migrator.discovery import JS_SUFFIXES, NOTEBOOK_SUFFIXES, PYTHON_SUFFIXES

    path = Path(display)
    suffix = path.suffix.lower()
    if suffix in PYTHON_SUFFIXES:
        from migrator.pipeline import compiles_as_well

        return compiles_as_well(original, new)
    if suffix in JS_SUFFIXES:
        from migrator.javascript.syntax import first_error, grammar_of, parse_tolerant

        try:
            return first_error(parse_tolerant(new, grammar_of(display)).root_node) is None
        except (ValueError, RecursionError):
            return False
    if suffix in NOTEBOOK_SUFFIXES:
        return _same_notebook_shape(original, new)
    kind = config_kind(path)
    if kind is None:
        return False  # the cache holds no rewrite of a kind this tool does not write
    try:
        check_parses(kind, new.decode("utf-8"), settings)
    except (ParseError, UnicodeDecodeError):
        return False
    return True


def _same_notebook_shape(original: bytes, new: bytes) -> bool:
    """Valid JSON with the same cells, in the same order, of the same types."""
    try:
        before, after = json.loads(original), json.loads(new)
        kinds_before = [cell["cell_type"] for cell in before["cells"]]
        kinds_after = [cell["cell_type"] for cell in after["cells"]]
    except (ValueError, KeyError, TypeError):
        return False
    return kinds_before == kinds_after
