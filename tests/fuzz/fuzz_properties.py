"""The properties every fuzz test checks, and the budget that keeps the suite fast.

The default budget is small and derandomized (the same examples on every run, so CI
never fails on a new example by chance); `BIRNN_FUZZ_EXAMPLES=N` turns on a long,
random run of N examples per test (see README.md beside this file).
"""

from __future__ import annotations

import os
import re
from datetime import timedelta

from hypothesis import HealthCheck, Phase, settings

from birnn_lint.engine import check_source
from birnn_lint.findings import Edit, Finding, Position
from birnn_lint.fixing import fix_source

_LONG_RUN = int(os.environ.get("BIRNN_FUZZ_EXAMPLES", "0"))
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The one edit allowed outside a finding's statement: the `import torch` that a fix
# needing torch adds at the top of a file that has no name for it.
_IMPORT = re.compile(r"\s*import torch\s*$")


def budget(examples: int, deadline_seconds: float) -> settings:
    """Hypothesis settings: `examples` derandomized examples, or the long run's count."""
    return settings(
        max_examples=_LONG_RUN or examples,
        # A generous deadline: an example this slow is a hang, not a slow machine.
        deadline=timedelta(seconds=deadline_seconds),
        derandomize=not _LONG_RUN,
        database=None,
        # No `explain` phase: it writes patch files into the working folder.
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


def compiles(source: str) -> bool:
    try:
        compile(source, "<fuzz>", "exec", flags=0x400, dont_inherit=True)  # PyCF_ONLY_AST
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _inside(lines: list[str], position: Position) -> bool:
    return (
        1 <= position.row <= len(lines) and 1 <= position.column <= len(lines[position.row - 1]) + 1
    )


def _import_insertion(edit: Edit) -> bool:
    return edit.location == edit.end_location and _IMPORT.match(edit.content) is not None


def check_analysis(source: str) -> list[Finding]:
    """check_source neither raises nor fails inside, calls valid Python valid, and
    places every finding inside the file and every fix edit inside its statement."""
    findings = check_source(source, "fuzz.py")
    lines = _LINE_BREAK.split(source)
    valid = compiles(source)
    for finding in findings:
        assert finding.code != "BRN902", finding.message
        assert not (valid and finding.code == "BRN900"), f"valid Python called invalid: {finding}"
        assert _inside(lines, finding.location) and _inside(lines, finding.end_location), finding
        assert finding.location <= finding.end_location, finding
        if finding.code.startswith("BRN9"):
            continue
        assert finding.statement is not None, f"no statement: {finding}"
        start, end = finding.statement
        assert _inside(lines, start) and _inside(lines, end), finding
        assert start <= finding.location and finding.end_location <= end, (
            f"finding outside its statement {start}..{end}: {finding}"
        )
        for edit in finding.fix.edits if finding.fix else ():
            if _import_insertion(edit):
                continue
            assert start <= edit.location and edit.end_location <= end, (
                f"edit {edit} outside the statement {start}..{end} of {finding}"
            )
    return findings


def check_fixes(source: str) -> None:
    """`--fix --unsafe-fixes` output parses (when the input did), converges and is a
    fixed point: fixing it again changes nothing."""
    outcome = fix_source(source, "fuzz.py", unsafe=True)
    stopped = [m for m in outcome.messages if "did not converge" in m]
    assert not stopped, stopped
    if compiles(source):
        assert compiles(outcome.source), outcome.source
    if outcome.source != source:
        again = fix_source(outcome.source, "fuzz.py", unsafe=True)
        assert again.source == outcome.source, "a second --fix changed the fixed code"
        assert again.fixed == []
