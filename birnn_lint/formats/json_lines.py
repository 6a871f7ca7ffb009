"""One JSON object per line, each `Finding.to_json()`."""

from __future__ import annotations

import json
from collections.abc import Sequence

from birnn_lint.formats import RenderOptions, Report, all_findings


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    return "".join(json.dumps(f.to_json()) + "\n" for f in all_findings(reports))
