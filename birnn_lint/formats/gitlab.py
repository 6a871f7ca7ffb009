"""GitLab Code Quality report: a JSON array of issues with `description`,
`check_name`, `fingerprint`, `severity` and `location.path` / `location.lines.begin`.

Fingerprints must stay the same while the code around a finding moves, so they hash the
rule, the file, the message and the flagged line's text, not the line number; equal
findings in one file are told apart by their order.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence

from birnn_lint.formats import RenderOptions, Report, in_cell

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    issues = []
    for report in reports:
        lines = _LINE_BREAK.split(report.source) if report.source is not None else []
        seen: dict[str, int] = {}
        for f in report.findings:
            row = f.file_location.row  # in a notebook: the line of its JSON text
            text = lines[row - 1].strip() if 0 < row <= len(lines) else ""
            key = "\0".join((f.code, f.filename, f.message, text))
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            digest = hashlib.sha256(f"{key}\0{occurrence}".encode("utf-8", "surrogatepass"))
            issues.append(
                {
                    "type": "issue",
                    "check_name": f.code,
                    "description": f"{f.code} {in_cell(f)}{f.message}",
                    "categories": ["Bug Risk"],
                    "severity": "major",
                    "fingerprint": digest.hexdigest(),
                    "location": {
                        "path": f.filename,
                        "lines": {"begin": row, "end": max(f.file_end_location.row, row)},
                    },
                }
            )
    return json.dumps(issues, indent=2) + "\n"
