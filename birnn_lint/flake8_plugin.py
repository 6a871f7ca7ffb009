"""The flake8 plugin: `flake8 --select BRN` reports what `birnn-lint check` reports.

flake8 gives plugins the file's lines and expects 0-based columns (it adds 1 when it
prints), so each finding's 1-based column is lowered by one here. flake8 applies its own
`# noqa` comments and `--select` / `--ignore` / `per-file-ignores`; only the file-level
`# birnn-lint: noqa`, which flake8 does not know, is applied here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from birnn_lint import __version__


class Flake8Plugin:
    name = "birnn-lint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: Sequence[str]) -> None:
        # `tree` is unused but must be requested: flake8 runs only tree plugins with
        # `lines`; birnn-lint parses with its own parser.
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        from birnn_lint.engine import check_source
        from birnn_lint.formats import one_line
        from birnn_lint.noqa import parse_directives

        source = "".join(self.lines)
        findings = check_source(source, self.filename)
        if findings and "noqa" in source.lower():
            directives = parse_directives(source)
            exempt = directives.file_codes
            if directives.file_all:
                findings = [f for f in findings if f.code == "BRN902"]
            else:
                findings = [f for f in findings if f.code not in exempt]
        for finding in findings:
            column = max(finding.location.column - 1, 0)
            yield (
                finding.location.row,
                column,
                f"{finding.code} {one_line(finding.message)}",
                type(self),
            )
