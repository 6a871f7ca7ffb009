"""`path:line:col: CODE [marker] message`, one finding a line (what editors parse)."""

from __future__ import annotations

from collections.abc import Sequence

from birnn_lint.findings import Finding
from birnn_lint.formats import RenderOptions, Report, all_findings, fix_marker, one_line
from birnn_lint.formats.style import Style


def line(finding: Finding, options: RenderOptions, style: Style) -> str:
    # In a notebook, as ruff writes it: `nb.ipynb:cell 5:3:10:` (row and column in the cell).
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    where = (
        f"{style.path(finding.filename)}:{cell}{finding.location.row}:{finding.location.column}:"
    )
    marker = fix_marker(finding, options.unsafe_fixes)
    parts = [where, style.code(finding.code)]
    if marker:
        parts.append(style.marker(marker))
    parts.append(one_line(finding.message))
    return " ".join(parts)


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    style = Style(options.color)
    return "".join(line(f, options, style) + "\n" for f in all_findings(reports))
