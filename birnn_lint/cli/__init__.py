"""The `birnn-lint` command line: `check`, `rule`, `clean`, `prove` and `--version`.

Kept light on purpose: this module imports only click and the small modules that
find files and read settings; the runner, the fixer and each output format are
imported when a run needs them, and the analysis imports libcst only for a file that
passes the engine's pre-filter.

Exit codes: 0 nothing found, 1 findings (or a diff with `--diff`), 2 a usage or
configuration error or an internal failure (BRN902 included).
"""

from __future__ import annotations

from birnn_lint.cli.app import cli, main

__all__ = ["cli", "main"]
