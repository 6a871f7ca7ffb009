"""pylint's parseable layout, as ruff writes it: `path:line: [CODE] message`."""

from __future__ import annotations

from collections.abc import Sequence

from birnn_lint.formats import RenderOptions, Report, all_findings, one_line


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    lines = []
    for f in all_findings(reports):
        lines.append(f"{f.filename}:{f.location.row}: [{f.code}] {one_line(f.message)}\n")
    return "".join(lines)
