"""pylint's parseable layout, as ruff writes it: `path:line: [CODE] message`."""

from __future__ import annotations

from collections.abc import Sequence

from birnn_lint.formats import RenderOptions, Report, all_findings


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    return "".join(
        f"{f.filename}:{f.location.row}: [{f.code}] {f.message}\n" for f in all_findings(reports)
    )
