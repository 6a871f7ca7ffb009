"""Correct code that an earlier analysis flagged (found on real projects by the precision
hunt of 2026-11-29; each file is a minimal reproducer of our own, the verdict checked on
torch). Each must stay silent; the ones the analysis does not get right yet are strict
xfails, listed with the mechanism at fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from birnn_lint.engine import check_source

FOLDER = Path(__file__).parent.parent / "data" / "precision"

# Reproducer -> why it is still flagged.
NOT_YET: dict[str, str] = {}


def _cases() -> list[object]:
    cases: list[object] = []
    for path in sorted(FOLDER.glob("*.py")):
        marks = (
            [pytest.mark.xfail(strict=True, reason=NOT_YET[path.name])]
            if path.name in NOT_YET
            else []
        )
        cases.append(pytest.param(path, id=path.stem, marks=marks))
    return cases


@pytest.mark.parametrize("path", _cases())
def test_correct_code_is_silent(path: Path) -> None:
    found = check_source(path.read_text(), str(path))
    assert found == [], [f"{f.code} {f.location.row}: {f.message}" for f in found]
