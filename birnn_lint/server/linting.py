"""Checking one snapshot as `check` checks a file: the engine's findings, less those a
noqa comment suppresses and those the settings leave out; nothing for an excluded file.

Never raises: an internal error becomes a BRN902 finding, with the traceback kept for
the server's log.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from birnn_lint import engine
from birnn_lint.config import Settings
from birnn_lint.discovery import Walker
from birnn_lint.findings import Finding
from birnn_lint.noqa import filter_suppressed
from birnn_lint.server.documents import Snapshot

Keep = Callable[[list[Finding], str], list[Finding]]


@dataclass(frozen=True)
class LintResult:
    snapshot: Snapshot
    settings: Settings
    findings: list[Finding] = field(default_factory=list)
    excluded: bool = False
    # The traceback of an internal error (reported as BRN902 in `findings`).
    error: str | None = None


def match_path(snapshot: Snapshot, settings: Settings) -> Path:
    """The path `per-file-ignores` and excludes are matched against."""
    return snapshot.path if snapshot.path is not None else settings.root / "untitled.py"


def keep_for(snapshot: Snapshot, settings: Settings) -> Keep:
    """What `check` reports (and `check --fix` may touch) in this document."""
    path = match_path(snapshot, settings)

    def keep(findings: list[Finding], text: str) -> list[Finding]:
        return settings.filter(filter_suppressed(findings, text), path)

    return keep


def is_excluded(snapshot: Snapshot, settings: Settings) -> bool:
    if snapshot.path is None:
        return False
    return Walker(settings.discovery_options()).is_excluded(snapshot.path)


def lint(snapshot: Snapshot, settings: Settings) -> LintResult:
    try:
        if is_excluded(snapshot, settings):
            return LintResult(snapshot, settings, excluded=True)
        found = engine.check_source(snapshot.text, snapshot.display, settings.codes)
        return LintResult(snapshot, settings, keep_for(snapshot, settings)(found, snapshot.text))
    except Exception as error:  # an internal error: one document's, never the server's
        finding = engine.internal_error_finding(snapshot.display, "the language server", error)
        return LintResult(snapshot, settings, [finding], error=traceback.format_exc())
