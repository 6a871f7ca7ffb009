"""Findings for people: the header line, the source line(s) with carets under the
flagged span, and the fix suggestion.

    model.py:6:8: BRN002 [unsafe fix] h_n[-1] of rnn (GRU, ...) is ...
      |
    6 | last = h_n[-1]
      |        ^^^^^^^ BRN002
      |
      = help: Concatenate both directions ... (unsafe: enable with `--unsafe-fixes`)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from birnn_lint.findings import Finding
from birnn_lint.formats import RenderOptions, Report, applicable
from birnn_lint.formats.concise import line as header
from birnn_lint.formats.style import Style

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TAB = 4
# Spans longer than this show their first lines and an ellipsis.
_MAX_LINES = 4


def _width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _expand(text: str) -> tuple[str, list[int]]:
    """The line as displayed (tabs expanded) and the display column of each code point
    (one extra entry for the end of the line)."""
    shown: list[str] = []
    columns: list[int] = []
    column = 0
    for char in text:
        columns.append(column)
        if char == "\t":
            step = _TAB - column % _TAB
            shown.append(" " * step)
            column += step
        elif char.isprintable():
            shown.append(char)
            column += _width(char)
        else:
            shown.append("\N{REPLACEMENT CHARACTER}")
            column += 1
    columns.append(column)
    return "".join(shown), columns


def _last_row(finding: Finding, lines: list[str]) -> int:
    first = finding.location.row
    return min(max(finding.end_location.row, first), len(lines), first + _MAX_LINES - 1)


def _snippet(finding: Finding, lines: list[str], style: Style) -> list[str]:
    first = finding.location.row
    if not 1 <= first <= len(lines):
        return []
    last = _last_row(finding, lines)
    gutter = len(str(last))
    blank = style.gutter(" " * gutter + " |")
    out = [blank]
    for row in range(first, last + 1):
        shown, columns = _expand(lines[row - 1])
        out.append(style.gutter(f"{row:>{gutter}} |") + (" " + shown if shown else ""))
        if row == first:
            start = columns[min(finding.location.column - 1, len(columns) - 1)]
        else:  # a continuation line: from its code, not its indentation
            start = len(shown) - len(shown.lstrip())
        if row == finding.end_location.row:
            end = columns[min(max(finding.end_location.column - 1, 0), len(columns) - 1)]
        else:
            end = columns[-1]
        carets = "^" * max(end - start, 1)
        if row == first or end > start:
            label = f" {finding.code}" if row == first else ""
            out.append(blank + " " + " " * start + style.caret(carets + label))
    if last < finding.end_location.row:
        out.append(style.gutter(" " * gutter + " |") + " ...")
    out.append(blank)
    return out


def _help(finding: Finding, options: RenderOptions, style: Style, indent: int) -> list[str]:
    fix = finding.fix
    if fix is None:
        return []
    text = fix.message
    if fix.applicability == "unsafe":
        text += (
            " (unsafe fix)"
            if applicable(finding, options.unsafe_fixes)
            else " (unsafe fix: enable with `--unsafe-fixes`)"
        )
    return [" " * indent + style.help("= help: ") + text]


def _notebook_cells(report: Report) -> dict[int, str]:
    if report.source is None or not any(f.cell is not None for f in report.findings):
        return {}
    from birnn_lint.notebooks.check import cell_sources

    return cell_sources(report.source)


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    style = Style(options.color)
    blocks = []
    for report in reports:
        cells = _notebook_cells(report)
        file_lines: list[str] | None = None
        for finding in report.findings:
            if finding.cell is not None:  # a notebook: the snippet is the cell's source
                cell = cells.get(finding.cell)
                lines = _LINE_BREAK.split(cell) if cell is not None else []
            else:
                if file_lines is None:  # (not for a notebook: its JSON may be huge)
                    source = report.source
                    file_lines = _LINE_BREAK.split(source) if source is not None else []
                lines = file_lines
            block = [header(finding, options, style)]
            snippet = _snippet(finding, lines, style)
            block.extend(snippet)
            indent = len(str(_last_row(finding, lines))) + 1 if snippet else 2
            block.extend(_help(finding, options, style, indent))
            blocks.append("\n".join(block) + "\n")
    return "\n".join(blocks)
