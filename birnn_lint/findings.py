"""The shape of what birnn-lint reports: findings, their fixes and the fixes' edits.

Rows and columns are 1-based everywhere in this module (as in ruff's JSON output);
columns count code points within the line. End positions are exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Applicability = Literal["safe", "unsafe"]


@dataclass(frozen=True, order=True)
class Position:
    row: int
    column: int

    def to_json(self) -> dict[str, int]:
        return {"row": self.row, "column": self.column}


@dataclass(frozen=True)
class Edit:
    """Replace the text from `location` up to (not including) `end_location` by `content`."""

    content: str
    location: Position
    end_location: Position

    def to_json(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "location": self.location.to_json(),
            "end_location": self.end_location.to_json(),
        }


@dataclass(frozen=True)
class Fix:
    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "applicability": self.applicability,
            "message": self.message,
            "edits": [e.to_json() for e in self.edits],
        }


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    filename: str
    location: Position
    end_location: Position
    fix: Fix | None = None
    # The rule's kebab-case name (e.g. "hidden-last-index-one-direction").
    name: str = ""
    # Where the finding's statement starts and ends: fix edits lie inside it.
    statement: tuple[Position, Position] | None = field(default=None, compare=False)
    # In a notebook: the 1-based index of the cell in the notebook's cell list (markdown
    # cells counted), rows and columns then being within the cell; None in a .py file.
    cell: int | None = None
    # In a notebook: where the finding is in the .ipynb file's JSON text (line, column),
    # for the formats that can only point at a file's lines.
    file_span: tuple[Position, Position] | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (
            self.filename,
            self.cell or 0,
            self.location.row,
            self.location.column,
            self.code,
        )

    @property
    def file_location(self) -> Position:
        """Where the finding is in the file as a text (in a notebook: its JSON)."""
        if self.cell is None:
            return self.location
        return self.file_span[0] if self.file_span is not None else Position(1, 1)

    @property
    def file_end_location(self) -> Position:
        if self.cell is None:
            return self.end_location
        return self.file_span[1] if self.file_span is not None else Position(1, 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "filename": self.filename,
            "cell": self.cell,
            "location": self.location.to_json(),
            "end_location": self.end_location.to_json(),
            "fix": self.fix.to_json() if self.fix else None,
        }
