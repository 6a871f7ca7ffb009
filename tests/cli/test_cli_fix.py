"""--fix, --unsafe-fixes and --diff on files, and what the report says after fixing."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import CORRECTED, FLAGGED, birnn, safe_fix_example, write

from birnn_lint.engine import check_source


def test_fix_applies_safe_fixes_only(tmp_path: Path) -> None:
    code, example = safe_fix_example()
    findings = check_source(example, "m.py")
    assert any(f.code == code and f.fix.applicability == "safe" for f in findings if f.fix)
    safe = write(tmp_path, "safe.py", example)
    unsafe = write(tmp_path, "unsafe.py", FLAGGED)
    result = birnn("check", "--fix", "--format", "concise", cwd=tmp_path)
    assert result.code == 1, result  # the unsafe BRN002 remains
    assert safe.read_text(encoding="utf-8") != example
    assert unsafe.read_text(encoding="utf-8") == FLAGGED
    left = check_source(safe.read_text(encoding="utf-8"), "m.py")
    assert code not in [f.code for f in left]
    fixed = len(findings) - len(left)
    total = len(findings) + 1  # and BRN002 in unsafe.py
    assert f"Found {total} findings ({fixed} fixed, {total - fixed} remaining)." in result.out
    assert "unsafe.py:6:8: BRN002 [unsafe fix]" in result.out
    assert "--unsafe-fixes" in result.out


def test_unsafe_fixes(tmp_path: Path) -> None:
    path = write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert result.code == 0, result
    assert "Found 1 finding (1 fixed, 0 remaining)." in result.out
    assert path.read_text(encoding="utf-8") == CORRECTED
    again = birnn("check", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert again.code == 0 and "All checks passed!" in again.out


def test_unsafe_fixes_mark_findings_fixable(tmp_path: Path) -> None:
    write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", "--unsafe-fixes", "--format", "concise", cwd=tmp_path)
    assert "BRN002 [*] " in result.out
    # Fixable only with both flags, and the summary says so.
    assert "[*] 1 fixable with `--fix --unsafe-fixes`." in result.out


def test_diff_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", "--diff", "--unsafe-fixes", cwd=tmp_path)
    assert result.code == 1
    assert result.out.startswith("--- a/model.py\n+++ b/model.py\n")
    assert "+last = torch.cat((h_n[-2], h_n[-1]), dim=-1)" in result.out
    assert "Would fix 1 finding." in result.err
    assert path.read_text(encoding="utf-8") == FLAGGED
    # Only unsafe fixes available and not enabled: no diff, exit 0.
    none = birnn("check", "--diff", cwd=tmp_path)
    assert none.code == 0 and none.out == ""


def test_suppressed_findings_are_not_fixed(tmp_path: Path) -> None:
    source = FLAGGED.replace("last = h_n[-1]", "last = h_n[-1]  # noqa: BRN002")
    path = write(tmp_path, "model.py", source)
    write(tmp_path, "tests/test_model.py", FLAGGED)
    write(
        tmp_path, "pyproject.toml", '[tool.birnn-lint.per-file-ignores]\n"tests/*" = ["BRN002"]\n'
    )
    result = birnn("check", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert result.code == 0, result
    assert path.read_text(encoding="utf-8") == source
    assert (tmp_path / "tests" / "test_model.py").read_text(encoding="utf-8") == FLAGGED


def test_fix_reports_remaining_in_json(tmp_path: Path) -> None:
    write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", "--fix", "--format", "json", cwd=tmp_path)
    assert result.code == 1
    assert [f["code"] for f in json.loads(result.out)] == ["BRN002"]


def test_exit_non_zero_on_fix(tmp_path: Path) -> None:
    write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", "--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", cwd=tmp_path)
    assert result.code == 1
