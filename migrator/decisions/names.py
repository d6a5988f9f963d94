"""May a rewrite add a name to a function's body?

A rewrite that reads the environment adds `os` (and `import os` at the top of the
module). That is enough for code that runs in its module. A function whose source is
re-executed elsewhere -- a registry that runs a tool's source with the imports it declares
-- sees only what it declares or imports itself: `os` there is a NameError at run time.
So the rewrite of such a function happens only when every name it adds is provably
available there; otherwise the function stays as it is and a finding says why.
"""

from __future__ import annotations

from collections.abc import Collection


def may_add_names(added: Collection[str], run_elsewhere: bool, available: Collection[str]) -> bool:
    """`added`: names the rewrite introduces into the function; `available`: names the
    function declares (its `imports=`) or imports itself."""
    if not run_elsewhere:
        return True
    return all(name in available for name in added)
