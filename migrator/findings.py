"""The finding record every rule produces and every reporter consumes."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from migrator.display import printable

SEVERITIES = ("info", "warning", "error")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    severity: str
    message: str
    fixable: bool
    # Notebooks: line and column count within this cell (1-based, every cell counted, as
    # Jupyter and VS Code number them); file_line/file_column are the same spot in the
    # .ipynb JSON, for reports that point into the file itself (SARIF, GitHub).
    cell: int | None = None
    file_line: int | None = None
    file_column: int | None = None

    def __post_init__(self) -> None:
        # a message quotes values from the files: one line, no control character acts
        object.__setattr__(self, "message", printable(self.message))

    @property
    def location(self) -> str:
        """`12:5`, or `cell 3:2:5` in a notebook."""
        where = f"{self.line}:{self.column}"
        return f"cell {self.cell}:{where}" if self.cell is not None else where

    def as_dict(self) -> dict[str, Any]:
        record = asdict(self)
        if self.cell is None:
            for key in ("cell", "file_line", "file_column"):
                del record[key]
        return record
