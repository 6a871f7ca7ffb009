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

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.filename, self.location.row, self.location.column, self.code)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "filename": self.filename,
            "location": self.location.to_json(),
            "end_location": self.end_location.to_json(),
            "fix": self.fix.to_json() if self.fix else None,
        }
