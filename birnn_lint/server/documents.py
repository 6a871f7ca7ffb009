"""What the server analyses: a snapshot of one open document, or of a notebook's code
cells joined into one module.

A snapshot is immutable and carries the version it was taken at: diagnostics and code
actions computed from it are dropped (or refused by the client) once the editor's
buffer has moved on. A notebook is analysed as the module its code cells make when run
in order; each finding is mapped back to the cell and row it came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from birnn_lint.findings import Position
from birnn_lint.server.positions import TextChange

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def path_of_uri(uri: str) -> Path | None:
    """The local path of a `file:` URI (None for `untitled:` and other schemes)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if re.match(r"^/[A-Za-z]:", path):  # file:///C:/x on Windows
        path = path[1:]
    return Path(path)


def _rows(text: str) -> int:
    """Rows the text takes as a cell of the joined module (it is ended by a line break)."""
    rows = len(_LINE_BREAK.findall(text))
    return rows if text.endswith(("\n", "\r")) else rows + 1


@dataclass(frozen=True)
class Cell:
    uri: str
    text: str
    first_row: int  # the 1-based row of its first line in the joined module
    rows: int
    offset: int  # where its text starts in the joined module


@dataclass(frozen=True)
class Snapshot:
    uri: str  # the text document, or the notebook
    version: int | None
    text: str  # what is analysed: the buffer, or the joined code cells
    path: Path | None
    # Code cells in order, for a notebook; empty for a plain file.
    cells: tuple[Cell, ...] = ()
    # Versions of the cells' text documents, to refuse stale edits to a cell.
    cell_versions: tuple[int | None, ...] = ()

    @property
    def display(self) -> str:
        return str(self.path) if self.path is not None else self.uri

    @property
    def is_notebook(self) -> bool:
        return bool(self.cells)

    def cell_at_row(self, row: int) -> Cell | None:
        for cell in self.cells:
            if cell.first_row <= row < cell.first_row + cell.rows:
                return cell
        return self.cells[-1] if self.cells and row >= self.cells[-1].first_row else None

    def cell(self, uri: str) -> Cell | None:
        return next((cell for cell in self.cells if cell.uri == uri), None)

    def cell_version(self, uri: str) -> int | None:
        for cell, version in zip(self.cells, self.cell_versions, strict=False):
            if cell.uri == uri:
                return version
        return None


def text_snapshot(uri: str, version: int | None, text: str) -> Snapshot:
    return Snapshot(uri, version, text, path_of_uri(uri))


def notebook_snapshot(
    uri: str, version: int | None, cells: Sequence[tuple[str, str, int | None]]
) -> Snapshot:
    """`cells`: (uri, text, version) of each code cell, in order."""
    parts: list[Cell] = []
    pieces: list[str] = []
    row, offset = 1, 0
    for cell_uri, text, _ in cells:
        rows = _rows(text)
        parts.append(Cell(cell_uri, text, row, rows, offset))
        joined = text if text.endswith(("\n", "\r")) or not text else text + "\n"
        if not text:
            joined = "\n"
        pieces.append(joined)
        row += rows
        offset += len(joined)
    return Snapshot(
        uri,
        version,
        "".join(pieces),
        path_of_uri(uri),
        tuple(parts),
        tuple(version for _, _, version in cells),
    )


def in_cell(cell: Cell, position: Position) -> Position:
    """A position of the joined module as a position in `cell`."""
    return Position(position.row - cell.first_row + 1, position.column)


def from_cell(cell: Cell, position: Position) -> Position:
    return Position(position.row + cell.first_row - 1, position.column)


def split_changes(
    snapshot: Snapshot, changes: Sequence[TextChange]
) -> dict[str, list[TextChange]] | None:
    """Changes to the joined module as changes to its cells (offsets in each cell's text),
    or None when one would cross a cell boundary. An insertion where a cell starts goes
    to that cell (a line added at the top of the module lands in the first cell)."""
    result: dict[str, list[TextChange]] = {}
    for change in changes:
        target = None
        for cell in snapshot.cells:
            end_of_cell = cell.offset + len(cell.text)
            joined_end = cell.offset + max(len(cell.text), 1)
            if change.start == change.end and cell.offset <= change.start <= end_of_cell:
                target = cell
                break
            if cell.offset <= change.start and change.end <= joined_end:
                target = cell
                break
        if target is None:
            return None
        start = change.start - target.offset
        end = min(change.end - target.offset, len(target.text))
        content = change.content
        if change.end - target.offset > len(target.text) and content.endswith("\n"):
            content = content[:-1]  # the line break the join added is not the cell's
        result.setdefault(target.uri, []).append(TextChange(start, end, content))
    return result
