"""pylint's parseable layout, as ruff writes it: `path:line: [CODE] message`.

In a notebook the line is that of the .ipynb file's JSON text holding the flagged code,
and the message starts with the cell, line and column."""

from __future__ import annotations

from collections.abc import Sequence

from birnn_lint.formats import RenderOptions, Report, all_findings, in_cell, one_line


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    lines = []
    for f in all_findings(reports):
        message = one_line(in_cell(f) + f.message)
        lines.append(f"{f.filename}:{f.file_location.row}: [{f.code}] {message}\n")
    return "".join(lines)
