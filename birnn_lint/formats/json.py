"""A JSON array of findings, each `Finding.to_json()` (the shape fixed by issue 2)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from birnn_lint.formats import RenderOptions, Report, all_findings


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    return json.dumps([f.to_json() for f in all_findings(reports)], indent=2) + "\n"
