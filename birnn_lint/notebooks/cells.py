"""A notebook read and validated, its code cells joined into one module, and positions
in that module mapped back to cells.

The module is the code cells in order, each after a marker comment of its own:

    # birnn-lint-cell 2
    <cell 2, IPython lines masked>
    # birnn-lint-cell 5
    <cell 5>

Markers keep the cells apart when a fix changes a cell's number of lines (an inserted
`import torch`), and diagnostics about the whole module (row 1) land on the first
marker, which belongs to no cell. Rows inside a cell are the module's rows minus the
cell's offset; columns are the same (masking touches only whole lines).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from birnn_lint.findings import Edit, Finding, Fix, Position
from birnn_lint.notebooks.json_spans import (
    LineIndex,
    SourceSpan,
    SpanError,
    decoded_to_raw,
    source_spans,
)
from birnn_lint.notebooks.magics import MaskedCell, mask_cell

SUPPORTED_NBFORMAT = 4
_MARKER = "# birnn-lint-cell {index}\n"
_MARKER_LINE = re.compile(r"^# birnn-lint-cell (\d+)$", re.MULTILINE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class CellKind(Enum):
    CODE = "code"
    OTHER = "other"  # markdown, raw, or a type this version does not know


class NotebookError(Exception):
    """Not a notebook this linter can read: invalid JSON, or not nbformat 4."""

    def __init__(self, message: str, row: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass(frozen=True)
class Cell:
    index: int  # 1-based, in the notebook's whole cell list
    kind: CellKind
    source: str
    # The masked text, or None for a non-code cell or a code cell that is not Python.
    masked: MaskedCell | None


@dataclass
class Notebook:
    text: str  # the JSON text
    data: dict[str, Any]
    cells: list[Cell]
    python: bool  # False for a notebook of another language (its cells are not checked)
    _spans: list[SourceSpan | None] | None = None
    _lines: LineIndex | None = None

    def spans(self) -> list[SourceSpan | None] | None:
        """Each cell's `source` span in the text (None if the text cannot be walked)."""
        if self._spans is None:
            try:
                self._spans = source_spans(self.text)
            except (SpanError, IndexError, ValueError):
                return None
        return self._spans

    def line_index(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    def cell(self, index: int) -> Cell:
        return self.cells[index - 1]


def _language(data: dict[str, Any]) -> str | None:
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        return None
    info = metadata.get("language_info")
    if isinstance(info, dict) and isinstance(info.get("name"), str):
        return str(info["name"])
    spec = metadata.get("kernelspec")
    if isinstance(spec, dict) and isinstance(spec.get("language"), str):
        return str(spec["language"])
    return None


def _source_text(cell: dict[str, Any], index: int) -> str:
    source = cell.get("source", "")
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    raise NotebookError(f"not a valid notebook: the source of cell {index} is not text")


def parse_notebook(text: str) -> Notebook:
    """Read a notebook's JSON text; NotebookError with a one-line message otherwise."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"not a valid notebook: invalid JSON: {error.msg}", error.lineno, error.colno
        ) from None
    except RecursionError:
        raise NotebookError("not a valid notebook: the JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise NotebookError("not a valid notebook: the JSON is not an object")
    version = data.get("nbformat")
    if version != SUPPORTED_NBFORMAT:
        shown = "no version" if version is None else f"nbformat {version}"
        raise NotebookError(
            f"not a notebook birnn-lint can read ({shown}; only nbformat 4 is supported: "
            "upgrade it with `jupyter nbconvert --to notebook --inplace`)"
        )
    raw_cells = data.get("cells")
    if not isinstance(raw_cells, list):
        raise NotebookError("not a valid notebook: it has no list of cells")
    language = _language(data)
    python = language is None or language.lower() in ("python", "python3", "ipython")
    numbering = [0]
    cells = []
    for index, raw in enumerate(raw_cells, start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("cell_type"), str):
            raise NotebookError(f"not a valid notebook: cell {index} has no cell type")
        if raw["cell_type"] != "code":
            cells.append(Cell(index, CellKind.OTHER, "", None))
            continue
        source = _source_text(raw, index)
        cells.append(Cell(index, CellKind.CODE, source, mask_cell(source, numbering)))
    return Notebook(text, data, cells, python)


# --- the joined module -----------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    cell: int
    first_row: int  # the module row of the cell's first line
    rows: int  # the cell's rows in the module (a missing final line break added)
    newline_added: bool


@dataclass(frozen=True)
class Module:
    text: str
    segments: tuple[Segment, ...]

    def locate(self, position: Position) -> tuple[int | None, Position]:
        """(cell, position in it) of a module position. The first marker (where
        diagnostics about the whole module are) is in no cell: (None, 1:1); a later
        marker row counts as the end of the cell before it."""
        found = -1
        for number, segment in enumerate(self.segments):
            if segment.first_row - 1 > position.row:
                break
            found = number
        if found < 0 or (found == 0 and position.row == self.segments[0].first_row - 1):
            return None, Position(1, 1)
        segment = self.segments[found]
        if position.row == segment.first_row - 1:
            before = self.segments[found - 1]
            return before.cell, Position(max(before.rows, 1), 1)
        row = position.row - segment.first_row + 1
        if row > max(segment.rows, 1):  # past the end of the text (an error at its end)
            return segment.cell, Position(max(segment.rows, 1), 1)
        return segment.cell, Position(row, position.column)

    def module_row(self, cell: int, row: int) -> int:
        for segment in self.segments:
            if segment.cell == cell:
                return segment.first_row + row - 1
        raise KeyError(cell)


def build_module(notebook: Notebook) -> Module:
    parts: list[str] = []
    segments = []
    row = 1
    for cell in notebook.cells:
        if cell.masked is None:
            continue
        text = cell.masked.text
        newline_added = bool(text) and not text.endswith(("\n", "\r"))
        if newline_added:
            text += "\n"
        parts.append(_MARKER.format(index=cell.index))
        parts.append(text)
        rows = len(_LINE_BREAK.findall(text))
        segments.append(Segment(cell.index, row + 1, rows, newline_added))
        row += 1 + rows
    return Module("".join(parts), tuple(segments))


def split_module(text: str, module: Module) -> dict[int, str] | None:
    """The masked text of each cell in a (fixed) module; None if its markers are not
    those of `module` (a fix that touched one: the result is not used)."""
    markers = list(_MARKER_LINE.finditer(text))
    if [int(m.group(1)) for m in markers] != [s.cell for s in module.segments]:
        return None
    out = {}
    for number, (marker, segment) in enumerate(zip(markers, module.segments, strict=True)):
        start = marker.end() + 1
        end = markers[number + 1].start() if number + 1 < len(markers) else len(text)
        body = text[start:end]
        if segment.newline_added and body.endswith("\n"):
            body = body[:-1]
        out[segment.cell] = body
    return out


# --- findings in cells -----------------------------------------------------------------


def _file_position(notebook: Notebook, cell: int, position: Position) -> Position | None:
    """Where a position in a cell is in the notebook's JSON text (line, column)."""
    spans = notebook.spans()
    if spans is None or cell > len(spans):
        return None
    span = spans[cell - 1]
    if span is None or not span.pieces:
        return None
    source = notebook.cell(cell).source
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(source)]
    row = min(max(position.row, 1), len(starts))
    offset = min(starts[row - 1] + position.column - 1, len(source))
    consumed = 0
    for piece in span.pieces:
        if offset < consumed + len(piece.value) or piece is span.pieces[-1]:
            token = notebook.text[piece.start : piece.end]
            raw = piece.start + decoded_to_raw(token, min(offset - consumed, len(piece.value)))
            return Position(*notebook.line_index().position(raw))
        consumed += len(piece.value)
    return None


def _move(module: Module, position: Position, cell: int | None) -> Position:
    """A module position inside `cell` (positions of another cell are clamped)."""
    where, inside = module.locate(position)
    if where == cell:
        return inside
    return Position(1, 1) if cell is None else inside


def locate_finding(finding: Finding, notebook: Notebook, module: Module) -> Finding:
    """A finding on the module, moved into its cell, with its place in the file."""
    cell, location = module.locate(finding.location)
    end = _move(module, finding.end_location, cell)
    if end < location:
        end = location
    fix = finding.fix
    if fix is not None:
        edits = tuple(
            Edit(e.content, module.locate(e.location)[1], module.locate(e.end_location)[1])
            for e in fix.edits
        )
        fix = Fix(fix.applicability, fix.message, edits)
    statement = finding.statement
    if statement is not None:
        statement = (_move(module, statement[0], cell), _move(module, statement[1], cell))
    span = None
    if cell is not None:
        start = _file_position(notebook, cell, location)
        stop = _file_position(notebook, cell, end)
        if start is not None and stop is not None:
            span = (start, max(stop, start))
    return replace(
        finding,
        location=location,
        end_location=end,
        fix=fix,
        statement=statement,
        cell=cell,
        file_span=span,
    )


def locate_findings(
    findings: Sequence[Finding], notebook: Notebook, module: Module
) -> list[Finding]:
    located = [locate_finding(f, notebook, module) for f in findings]
    return sorted(located, key=lambda f: (f.cell or 0, f.location, f.code))


__all__ = [
    "Cell",
    "CellKind",
    "Module",
    "Notebook",
    "NotebookError",
    "Segment",
    "build_module",
    "locate_findings",
    "parse_notebook",
    "split_module",
]
