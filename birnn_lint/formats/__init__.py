"""Output formats, one module per format, imported only when chosen.

Every module defines `render(reports: Sequence[Report], options: RenderOptions) -> str`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from birnn_lint.findings import Finding

FORMATS: tuple[str, ...] = (
    "full",
    "concise",
    "json",
    "json-lines",
    "github",
    "gitlab",
    "sarif",
    "junit",
    "pylint",
)
# Formats read by people: they get colour (on a terminal), fix markers and a summary.
TEXT_FORMATS = frozenset({"full", "concise"})


@dataclass(frozen=True)
class Report:
    """One checked file: its name as shown, its findings, its text (None if unreadable)."""

    display: str
    findings: Sequence[Finding]
    source: str | None = None


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    # Whether unsafe fixes are enabled (then they are marked as applicable).
    unsafe_fixes: bool = False


def render(name: str, reports: Sequence[Report], options: RenderOptions) -> str:
    if name not in FORMATS:
        raise ValueError(f"unknown output format {name!r}")
    module = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
    renderer: Callable[[Sequence[Report], RenderOptions], str] = module.render
    return renderer(reports, options)


def all_findings(reports: Sequence[Report]) -> list[Finding]:
    return [finding for report in reports for finding in report.findings]


_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def one_line(text: str) -> str:
    """`text` with its line breaks (and the indentation after them) turned into one
    space, for formats that promise one line per finding."""
    return _LINE_BREAKS.sub(" ", text)


def in_cell(finding: Finding) -> str:
    """For a finding in a notebook, `cell N, line R, column C: ` (its place in the
    cell), put before the message by the formats whose positions are the .ipynb file's
    own lines; "" elsewhere."""
    if finding.cell is None:
        return ""
    where = finding.location
    return f"cell {finding.cell}, line {where.row}, column {where.column}: "


def applicable(finding: Finding, unsafe_fixes: bool) -> bool:
    fix = finding.fix
    return fix is not None and (fix.applicability == "safe" or unsafe_fixes)


def fix_marker(finding: Finding, unsafe_fixes: bool) -> str:
    """`[*]` for a fix `--fix` would apply, `[unsafe fix]` for one that needs
    `--unsafe-fixes`, "" for none."""
    if finding.fix is None:
        return ""
    return "[*]" if applicable(finding, unsafe_fixes) else "[unsafe fix]"
