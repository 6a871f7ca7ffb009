"""What the README says about options, end to end: conflicting options are refused,
the summary names the flags a fix needs, codes are case-insensitive everywhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_support import FLAGGED, birnn, concise_findings, safe_fix_example, write


@pytest.mark.parametrize(
    "extra",
    [("--statistics",), ("--format", "json"), ("--output-format", "full"), ("--add-noqa",)],
)
def test_diff_refuses_options_it_cannot_honour(tmp_path: Path, extra: tuple[str, ...]) -> None:
    write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", "--diff", *extra, cwd=tmp_path)
    assert result.code == 2, result
    assert "cannot be used with" in result.err
    assert result.out == ""


def test_show_files_refuses_fix(tmp_path: Path) -> None:
    write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", "--show-files", "--fix", cwd=tmp_path)
    assert result.code == 2 and "--show-files cannot be used with --fix" in result.err


def test_summary_names_the_flags_each_fix_needs(tmp_path: Path) -> None:
    code, example = safe_fix_example()
    write(tmp_path, "safe.py", example)
    safe_only = birnn("check", "--unsafe-fixes", "--no-cache", cwd=tmp_path)
    assert safe_only.out.rstrip().endswith("[*] 1 fixable with `--fix`."), safe_only
    write(tmp_path, "unsafe.py", FLAGGED)
    both = birnn("check", "--unsafe-fixes", "--no-cache", cwd=tmp_path)
    assert both.out.rstrip().endswith("[*] 2 fixable with `--fix --unsafe-fixes`."), both
    plain = birnn("check", "--no-cache", cwd=tmp_path)
    assert plain.out.rstrip().endswith(
        "[*] 1 fixable with `--fix` (1 unsafe fix available with `--fix --unsafe-fixes`)."
    ), plain


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_refused_fix_is_not_reported_as_no_fix_available(tmp_path: Path) -> None:
    code, example = safe_fix_example()
    target = write(tmp_path, "safe.py", example)
    target.chmod(0o444)
    result = birnn("check", "--fix", "--no-cache", cwd=tmp_path)
    assert result.code == 1, result
    assert "not written: the file is read-only" in result.err
    assert "No fixes available" not in result.out
    assert "1 fix not applied (see the warnings above)." in result.out
    assert target.read_text(encoding="utf-8") == example


def test_codes_are_case_insensitive_and_typos_get_a_useful_hint(tmp_path: Path) -> None:
    write(tmp_path, "model.py", FLAGGED)
    lower = birnn("check", "--format", "concise", "--select", "brn002", cwd=tmp_path)
    assert [c for *_, c in concise_findings(lower.out)] == ["BRN002"], lower
    assert birnn("check", "--ignore", "brn0", cwd=tmp_path).code == 0
    write(tmp_path, "pyproject.toml", '[tool.birnn-lint]\nignore = ["brn002"]\n')
    assert birnn("check", cwd=tmp_path).code == 0
    typo = birnn("check", "--select", "BRN0x", cwd=tmp_path)
    assert typo.code == 2
    assert "unknown rule code or prefix 'BRN0x' in --select (did you mean 'BRN0'?)" in typo.err
    digits = birnn("check", "--select", "BRN0021", cwd=tmp_path)
    assert "(did you mean 'BRN002'?)" in digits.err


def test_messages_quote_multi_line_code_without_its_comments(tmp_path: Path) -> None:
    source = FLAGGED.replace("last = h_n[-1]", "last = h_n[\n    -1  # noqa: BRN005\n]")
    write(tmp_path, "model.py", source)
    result = birnn("check", "--format", "concise", "--no-cache", cwd=tmp_path)
    assert "`h_n[-1]` is only the backward direction" in result.out, result
    assert "# noqa" not in result.out
