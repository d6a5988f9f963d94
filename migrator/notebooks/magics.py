"""IPython syntax in code cells: masked into plain Python before parsing, restored after.

`%pip install openai`, `!ls`, `files = !ls`, `%env NAME=value`, `obj?` and `%%time` are
not Python. Each such line becomes `pass  # mm-magic-N` at its own indentation (so a
magic inside a block keeps the block valid) and is put back exactly as it was written
once the rules have run. A cell magic that runs another language (`%%bash`, `%%sql`,
`%%writefile`) makes the whole cell something else: it is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Cell magics whose body is Python run in the kernel (IPython's built-ins).
PYTHON_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "debug", "python", "python3", "pypy"}
)

_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
_MAGIC = re.compile(r"[ \t]*[%!]")
_ASSIGNED = re.compile(r"[ \t]*[A-Za-z_][\w.\[\], \t]*(?<![=!<>])=[ \t]*[%!]")
_HELP = re.compile(r"[ \t]*(?:\?{1,2}[\w.*]+|[\w.*]+(?:\(\))?\?{1,2})[ \t]*\r?\n?\Z")
PLACEHOLDER_COMMENT = "# mm-magic-"
_PLACEHOLDER = re.compile(r"^[ \t]*pass  # mm-magic-(\d+)$", re.MULTILINE)
_ENV = re.compile(
    r"[ \t]*%(?P<magic>env|set_env)[ \t]+(?P<name>[A-Za-z_]\w*)"
    r"(?:[ \t]*=[ \t]*|[ \t]+)(?P<value>.*)"
)


@dataclass
class Masked:
    text: str
    originals: dict[int, str] = field(default_factory=dict)  # N -> the line, without its ending
    lines: dict[int, int] = field(default_factory=dict)  # N -> its 1-based line in the cell
    env_settings: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # (line, magic, name, value)


def cell_magic(source: str) -> str | None:
    """The name of the cell magic on the first line (`%%time` -> 'time'), else None."""
    first = source.lstrip(" \t").split("\n", 1)[0]
    if not first.startswith("%%"):
        return None
    return first[2:].split(None, 1)[0] if first[2:].strip() else ""


def _is_magic(line: str) -> bool:
    stripped = line.lstrip(" \t")
    if stripped.startswith("#"):
        return False
    return bool(_MAGIC.match(line) or _ASSIGNED.match(line) or _HELP.match(line))


def mask(source: str) -> Masked:
    out: list[str] = []
    masked = Masked("")
    continued_indent: str | None = None
    for number, line in enumerate(_LINE.findall(source), start=1):
        body = line.rstrip("\n")
        ending = line[len(body) :]
        if continued_indent is None and not _is_magic(body):
            out.append(line)
            continue
        indent = (
            continued_indent
            if continued_indent is not None
            else body[: len(body) - len(body.lstrip(" \t"))]
        )
        token = len(masked.originals)
        masked.originals[token] = body
        masked.lines[token] = number
        env = _ENV.match(body)
        if env and continued_indent is None:
            masked.env_settings.append((number, env["magic"], env["name"], env["value"]))
        out.append(f"{indent}pass  # mm-magic-{token}{ending}")
        continued_indent = indent if body.rstrip().endswith("\\") else None
    masked.text = "".join(out)
    return masked


def restore(text: str, masked: Masked) -> str:
    return _PLACEHOLDER.sub(lambda match: masked.originals[int(match.group(1))], text)
