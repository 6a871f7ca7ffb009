"""Findings as LSP diagnostics: severity, code, a link to the rule's page, the message
with the layer's inferred configuration, and the finding's full span.

For a notebook, each finding goes to the cell it lies in, located within that cell.
No diagnostic tag applies: birnn-lint's findings are neither unused nor deprecated code.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from lsprotocol import types

from birnn_lint.findings import Finding, Position
from birnn_lint.server.documents import Snapshot, in_cell
from birnn_lint.server.positions import Encoding, LineIndex, LspPosition
from birnn_lint.specs import spec_path

SOURCE = "birnn-lint"


class Severity(Enum):
    """How each kind of finding is shown."""

    FINDING = types.DiagnosticSeverity.Warning  # a rule's claim that the code is wrong
    NOT_CHECKED = types.DiagnosticSeverity.Error  # BRN900-BRN903: the file was not checked


def severity(code: str) -> Severity:
    return Severity.NOT_CHECKED if code.startswith("BRN9") else Severity.FINDING


def rule_href(code: str) -> str | None:
    path = spec_path(code)
    return path.as_uri() if path is not None else None


def lsp_range(index: LineIndex, start: Position, end: Position) -> types.Range:
    """The finding's span; a point (BRN9xx) widens to the rest of its line so that an
    editor has something to underline."""
    first, last = index.to_lsp(start), index.to_lsp(end)
    if first == last:
        line = index.line_text(first.line)
        units = LineIndex(line, index.encoding).to_lsp(Position(1, len(line) + 1)).character
        if units > first.character:
            last = LspPosition(first.line, units)
        elif first.character > 0:
            first = LspPosition(first.line, first.character - 1)
    return types.Range(
        start=types.Position(line=first.line, character=first.character),
        end=types.Position(line=last.line, character=last.character),
    )


def to_diagnostic(
    finding: Finding, index: LineIndex, start: Position, end: Position
) -> types.Diagnostic:
    href = rule_href(finding.code)
    return types.Diagnostic(
        range=lsp_range(index, start, end),
        message=finding.message,
        severity=severity(finding.code).value,
        code=finding.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        data={
            "name": finding.name,
            "fix": finding.fix.applicability if finding.fix is not None else None,
        },
    )


def diagnostic_for(
    snapshot: Snapshot, finding: Finding, encoding: Encoding
) -> tuple[str, types.Diagnostic] | None:
    """The document the finding is shown in (a notebook's cell), and its diagnostic."""
    if not snapshot.is_notebook:
        index = LineIndex(snapshot.text, encoding)
        return snapshot.uri, to_diagnostic(finding, index, finding.location, finding.end_location)
    cell = snapshot.cell_at_row(finding.location.row)
    if cell is None:
        return None
    index = LineIndex(cell.text, encoding)
    start = in_cell(cell, finding.location)
    end = in_cell(cell, finding.end_location)
    if end.row > cell.rows:  # a span running past its cell ends with it
        end = Position(cell.rows, len(index.line_text(cell.rows - 1)) + 1)
    return cell.uri, to_diagnostic(finding, index, start, end)


def diagnostics_by_uri(
    snapshot: Snapshot, findings: Sequence[Finding], encoding: Encoding
) -> dict[str, list[types.Diagnostic]]:
    """The diagnostics of every document the snapshot covers (an empty list for a cell
    without findings, so that its old ones are cleared)."""
    result: dict[str, list[types.Diagnostic]] = {snapshot.uri: []}
    if snapshot.is_notebook:
        result = {cell.uri: [] for cell in snapshot.cells}
    for finding in findings:
        shown = diagnostic_for(snapshot, finding, encoding)
        if shown is not None:
            result[shown[0]].append(shown[1])
    return result
