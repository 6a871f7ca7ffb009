"""What the parts of `check` share: the request, the run's results, the output stream."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from birnn_lint.config import ConfigError, Settings
from birnn_lint.findings import Finding, Position
from birnn_lint.formats import Report, applicable
from birnn_lint.settings_tree import SettingsTree


def split_values(values: Sequence[str]) -> list[str]:
    """Values of a repeatable, comma-separated option."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def use_color(no_color: bool, stream: IO[str]) -> bool:
    """Colour only on a terminal, never with --no-color or NO_COLOR (any non-empty
    value, as no-color.org says). FORCE_COLOR forces it, except `0` / `false`, which
    turn it off, as Node's tools and most CLIs read them."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR", "").strip().lower()
    if force in ("0", "false"):
        return False
    if force:
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def unreadable(display: str, message: str, row: int = 1, column: int = 1) -> Finding:
    from birnn_lint.registry import UnreadableFileDiagnostic as rule

    at = Position(row, column)
    return Finding(rule.code, message, display, at, at, name=rule.name)


def relabel(findings: Sequence[Finding], display: str) -> list[Finding]:
    return [f if f.filename == display else replace(f, filename=display) for f in findings]


class Output:
    """Where the report goes: stdout, stderr (when stdout carries fixed source) or a file."""

    def __init__(self, stream: IO[str], color: bool) -> None:
        self.stream = stream
        self.color = color

    def write(self, text: str) -> None:
        if text:
            self.stream.write(text)

    def line(self, text: str = "") -> None:
        self.write(text + "\n")


def open_output(path: Path | None) -> IO[str] | None:
    if path is None:
        return None
    try:
        return open(path, "w", encoding="utf-8", errors="backslashreplace", newline="\n")
    except OSError as error:
        raise ConfigError(f"cannot write --output-file {path}: {error.strerror or error}") from None


# --- the run's results ---------------------------------------------------------------------


@dataclass
class Run:
    reports: list[Report] = field(default_factory=list)
    fixed: int = 0
    # Problems that are not findings (a fix not written, a pass bound hit), for stderr.
    notes: list[str] = field(default_factory=list)
    had_error: bool = False

    def findings(self) -> list[Finding]:
        return [f for report in self.reports for f in report.findings]


@dataclass(frozen=True)
class CheckRequest:
    tree: SettingsTree
    fix: bool
    unsafe_fixes: bool
    diff: bool
    add_noqa: bool
    output_format: str
    output_file: Path | None
    statistics: bool
    exit_zero: bool
    exit_non_zero_on_fix: bool
    quiet: bool
    no_color: bool
    jobs: int | None
    cache_dir: Path | None
    stdin_filename: str | None


def fix_filter(settings: Settings, path: Path) -> Callable[[list[Finding], str], list[Finding]]:
    """What `--fix` may touch in one file: not noqa-suppressed, not ignored for it."""
    from birnn_lint.noqa import filter_suppressed

    def keep(findings: list[Finding], text: str) -> list[Finding]:
        return settings.filter(filter_suppressed(findings, text), path)

    return keep


def has_fix(findings: Sequence[Finding], unsafe: bool) -> bool:
    return any(applicable(f, unsafe) and f.fix is not None and f.fix.edits for f in findings)
