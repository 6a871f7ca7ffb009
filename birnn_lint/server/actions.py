"""Code actions as new texts: each is what `check --fix` (or `--add-noqa`) would make of
the buffer's current text, computed with the fixer itself, never re-implemented.

- a quick fix per finding: `fix_source` restricted to that finding, one pass (an unsafe
  fix says "(unsafe)" in its title, and is offered only here);
- fix all: `fix_source` with the safe fixes, as `check --fix` runs it;
- disable for this line: `add_noqa` for that finding, merging with a noqa comment there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from birnn_lint.findings import Finding, Position
from birnn_lint.fixing import fix_source
from birnn_lint.noqa import add_noqa
from birnn_lint.server.linting import LintResult, keep_for

FIX_ALL_KIND = "source.fixAll.birnn-lint"


class ActionKind(Enum):
    QUICK_FIX = "fix"
    DISABLE = "disable"
    FIX_ALL = "fix-all"

    @property
    def lsp_kind(self) -> str:
        return FIX_ALL_KIND if self is ActionKind.FIX_ALL else "quickfix"


@dataclass(frozen=True)
class Plan:
    """An action offered; its edit is computed by `new_text` (at once, or on resolve)."""

    title: str
    kind: ActionKind
    finding: Finding | None = None  # the finding it answers (None for fix all)
    preferred: bool = False


def _same(a: Finding, b: Finding) -> bool:
    return (a.code, a.location, a.end_location) == (b.code, b.location, b.end_location)


def fix_one(result: LintResult, finding: Finding) -> str | None:
    """The text after applying this finding's fix alone, or None if it has none or the
    fixer drops it (its result would not parse)."""
    if finding.fix is None or not finding.fix.edits:
        return None
    keep = keep_for(result.snapshot, result.settings)

    def only_this(found: list[Finding], text: str) -> list[Finding]:
        return [f for f in keep(found, text) if _same(f, finding)]

    outcome = fix_source(
        result.snapshot.text,
        result.snapshot.display,
        unsafe=finding.fix.applicability == "unsafe",
        codes=result.settings.codes,
        keep=only_this,
        max_passes=1,
    )
    return outcome.source if outcome.fixed else None


def fix_all(result: LintResult) -> str | None:
    """What `check --fix` makes of the text (safe fixes only), or None if nothing."""
    if not any(f.fix is not None and f.fix.applicability == "safe" for f in result.findings):
        return None
    outcome = fix_source(
        result.snapshot.text,
        result.snapshot.display,
        unsafe=False,
        codes=result.settings.codes,
        keep=keep_for(result.snapshot, result.settings),
    )
    return outcome.source if outcome.source != result.snapshot.text else None


def disable_for_line(result: LintResult, finding: Finding) -> str | None:
    if finding.code.startswith("BRN9"):
        return None  # a comment cannot silence a file that was not checked
    outcome = add_noqa(result.snapshot.text, [finding])
    return outcome.source if outcome.added else None


def overlaps(finding: Finding, start: Position, end: Position) -> bool:
    """Whether a finding's span meets the requested range (rows of a point count)."""
    first, last = finding.location, finding.end_location
    if first == last:
        return start.row <= first.row <= end.row
    return first <= end and start <= last


def plans(
    result: LintResult,
    start: Position,
    end: Position,
    *,
    quick_fixes: bool,
    fix_all_wanted: bool,
    unsafe_fixes: bool,
) -> list[Plan]:
    """The actions for the findings in the range, and fix all; cheap: no fixer runs."""
    found: list[Plan] = []
    if quick_fixes:
        for finding in [f for f in result.findings if overlaps(f, start, end)]:
            found.extend(_for_finding(finding, unsafe_fixes))
    safe = any(f.fix is not None and f.fix.applicability == "safe" for f in result.findings)
    if fix_all_wanted and safe:
        found.append(Plan("Fix all safe birnn-lint findings", ActionKind.FIX_ALL))
    return found


def _for_finding(finding: Finding, unsafe_fixes: bool) -> Sequence[Plan]:
    found = []
    fix = finding.fix
    if fix is not None and fix.edits and (fix.applicability == "safe" or unsafe_fixes):
        unsafe = " (unsafe)" if fix.applicability == "unsafe" else ""
        title = f"Fix {finding.code}: {fix.message}{unsafe}"
        found.append(Plan(title, ActionKind.QUICK_FIX, finding, fix.applicability == "safe"))
    if not finding.code.startswith("BRN9"):
        found.append(Plan(f"Disable {finding.code} for this line", ActionKind.DISABLE, finding))
    return found


def new_text(result: LintResult, plan: Plan) -> str | None:
    """The buffer's text after the action, or None when it changes nothing."""
    if plan.kind is ActionKind.FIX_ALL:
        return fix_all(result)
    assert plan.finding is not None
    if plan.kind is ActionKind.QUICK_FIX:
        return fix_one(result, plan.finding)
    return disable_for_line(result, plan.finding)


def finding_key(finding: Finding) -> list[Any]:
    """How an action names its finding across the resolve round trip."""
    return [
        finding.code,
        *finding.location.to_json().values(),
        *finding.end_location.to_json().values(),
    ]


def find(result: LintResult, key: list[Any]) -> Finding | None:
    return next((f for f in result.findings if finding_key(f) == key), None)
