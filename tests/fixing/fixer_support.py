"""Shared helpers for the fixer tests (imported by name: pytest puts this folder on sys.path).

Until the lead's rules land, `check_source` reports no check findings; the fixer's own
machinery (passes, overlaps, dropped fixes, files, encodings) is exercised with a
"marker rule" passed through the `keep` hook, which is how the CLI filters findings too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from birnn_lint.findings import Edit, Finding, Fix, Position

# The snippet from the team brief: BRN002 flags `h_n[-1]` (line 6, column 8), unsafe fix.
BRN002_SNIPPET = (
    "import torch\n"
    "from torch import nn\n"
    "rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)\n"
    "x = torch.randn(5, 3, 8)\n"
    "output, h_n = rnn(x)\n"
    "last = h_n[-1]\n"
)


def position_of(text: str, offset: int) -> Position:
    """1-based row and column of `offset`, rows split at \\r\\n, \\r and \\n."""
    rows = re.split(r"\r\n|\r|\n", text[:offset])
    return Position(len(rows), len(rows[-1]) + 1)


Keep = Callable[[list[Finding], str], list[Finding]]


def marker_rule(
    pattern: str,
    replace: Callable[[re.Match[str], str], list[Edit]] | str,
    *,
    applicability: str = "safe",
    code: str = "TST001",
) -> Keep:
    """A `keep` hook adding one finding per match of `pattern`, whose fix is `replace`
    (a replacement string for the match, or a function giving the edits)."""
    compiled = re.compile(pattern, re.MULTILINE)

    def keep(findings: list[Finding], source: str) -> list[Finding]:
        added = []
        for match in compiled.finditer(source):
            start, end = position_of(source, match.start()), position_of(source, match.end())
            if isinstance(replace, str):
                edits = [Edit(match.expand(replace), start, end)]
            else:
                edits = replace(match, source)
            added.append(
                Finding(
                    code=code,
                    message=f"marker {match.group()!r}",
                    filename="<test>",
                    location=start,
                    end_location=end,
                    fix=Fix(applicability, f"replace {match.group()!r}", tuple(edits)),
                    name="marker",
                )
            )
        return sorted(findings + added, key=Finding.sort_key)

    return keep
