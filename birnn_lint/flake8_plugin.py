"""The flake8 plugin: `flake8 --select BRN` reports what `birnn-lint check` reports.

flake8 gives plugins the file's lines and expects 0-based columns (it adds 1 when it
prints), so each finding's 1-based column is lowered by one here. The file is read and
decoded as `check` reads it (a file `check` cannot read or decode is BRN901 here too),
with the `[tool.birnn-lint]` settings that apply to it (`select`, `ignore`,
`per-file-ignores`), and birnn-lint's own reading of `# noqa` and
`# birnn-lint: noqa`. flake8 then applies its own `# noqa` comments and `--select` /
`--ignore` / `per-file-ignores` on top.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from birnn_lint import __version__

if TYPE_CHECKING:
    from birnn_lint.settings_tree import SettingsTree

# The names flake8 gives standard input.
_STDIN_NAMES = frozenset({"-", "stdin"})


@lru_cache(maxsize=8)
def _settings_tree(cwd: str) -> SettingsTree | None:
    """The settings as `birnn-lint check` run in `cwd` finds them (once per process);
    None when the configuration is invalid: flake8 is not the place to report it, and
    the defaults apply."""
    from birnn_lint.config import ConfigError, Options, load_config
    from birnn_lint.settings_tree import SettingsTree

    try:
        return SettingsTree(load_config(Path(cwd), None, isolated=False), Options())
    except ConfigError:
        return None


class Flake8Plugin:
    name = "birnn-lint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: Sequence[str]) -> None:
        # `tree` is unused but must be requested: flake8 runs only tree plugins with
        # `lines`; birnn-lint parses with its own parser.
        self.filename = filename
        self.lines = lines

    def _source(self) -> tuple[str | None, tuple[str, int, int] | None]:
        """(the text as `check` decodes it, or the BRN901 reason with its row and
        column)."""
        from birnn_lint.source_io import SourceReadError, read_source

        if self.filename in _STDIN_NAMES or not os.path.isfile(self.filename):
            return "".join(self.lines), None
        try:
            return read_source(Path(self.filename)).text, None
        except SourceReadError as error:
            return None, (error.message, error.row, error.column)

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        from birnn_lint.engine import check_source, unreadable_finding
        from birnn_lint.formats import one_line
        from birnn_lint.noqa import filter_suppressed

        tree = _settings_tree(os.getcwd())
        settings = tree.for_file(Path(self.filename)) if tree is not None else None
        text, unreadable = self._source()
        if text is None:
            assert unreadable is not None
            message, row, column = unreadable
            findings = [unreadable_finding(self.filename, message, row, column)]
        else:
            codes = settings.codes if settings is not None else None
            findings = filter_suppressed(check_source(text, self.filename, codes), text)
        if settings is not None:
            findings = settings.filter(findings, Path(self.filename))
        for finding in findings:
            column = max(finding.location.column - 1, 0)
            yield (
                finding.location.row,
                column,
                f"{finding.code} {one_line(finding.message)}",
                type(self),
            )
