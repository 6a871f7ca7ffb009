"""Exit codes: 0 nothing found, 1 findings, 2 usage/config errors; never a traceback."""

from __future__ import annotations

from pathlib import Path

from cli_support import BROKEN, CLEAN, FLAGGED, FLAGGED_AT, birnn, concise_findings, write


def test_clean_file_exits_0(tmp_path: Path) -> None:
    write(tmp_path, "ok.py", CLEAN)
    result = birnn("check", cwd=tmp_path)
    assert result.code == 0, result
    assert "All checks passed!" in result.out


def test_finding_exits_1(tmp_path: Path) -> None:
    write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", "--format", "concise", cwd=tmp_path)
    assert result.code == 1, result
    assert concise_findings(result.out) == [("model.py", *FLAGGED_AT, "BRN002")]


def test_exit_zero(tmp_path: Path) -> None:
    write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", "--exit-zero", cwd=tmp_path)
    assert result.code == 0, result
    assert "BRN002" in result.out


def test_syntax_error_is_a_finding_and_other_files_are_checked(tmp_path: Path) -> None:
    write(tmp_path, "a_broken.py", BROKEN)
    write(tmp_path, "b_model.py", FLAGGED)
    result = birnn("check", "--format", "concise", cwd=tmp_path)
    assert result.code == 1, result
    assert concise_findings(result.out) == [
        ("a_broken.py", 1, 7, "BRN900"),
        ("b_model.py", *FLAGGED_AT, "BRN002"),
    ]


def test_missing_path_is_a_finding(tmp_path: Path) -> None:
    write(tmp_path, "ok.py", CLEAN)
    result = birnn("check", "--format", "concise", "missing.py", "ok.py", cwd=tmp_path)
    assert result.code == 1, result
    assert concise_findings(result.out) == [("missing.py", 1, 1, "BRN901")]
    assert "no such file or directory" in result.out


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    write(tmp_path, "latin.py", b"x = '\xff'\n")
    result = birnn("check", "--format", "concise", cwd=tmp_path)
    assert result.code == 1, result
    # At the byte that does not decode.
    assert concise_findings(result.out) == [("latin.py", 1, 6, "BRN901")]


def test_unknown_code_exits_2(tmp_path: Path) -> None:
    write(tmp_path, "ok.py", CLEAN)
    for option in ("--select", "--ignore", "--extend-select"):
        result = birnn("check", option, "BRN999", cwd=tmp_path)
        assert result.code == 2, result
        assert "BRN999" in result.err and option in result.err
        assert result.out == ""


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    for args in (
        ("check", "--format", "xml"),
        ("check", "--no-such-flag"),
        ("check", "--add-noqa", "--fix"),
        ("check", "-", "ok.py"),
        ("rule",),
        ("rule", "BRN999"),
        ("frobnicate",),
    ):
        result = birnn(*args, cwd=tmp_path, input="")
        assert result.code == 2, (args, result)
        assert result.err.strip(), args


def test_version(tmp_path: Path) -> None:
    from birnn_lint import __version__

    result = birnn("--version", cwd=tmp_path)
    assert result.code == 0
    assert result.out.strip() == f"birnn-lint {__version__}"


def test_internal_failure_is_one_line_and_exit_2(tmp_path: Path) -> None:
    # An output file that cannot be created is reported as an error, not a traceback.
    write(tmp_path, "ok.py", CLEAN)
    result = birnn("check", "--output-file", tmp_path / "no" / "such" / "dir.txt", cwd=tmp_path)
    assert result.code == 2, result
    assert len(result.err.strip().splitlines()) == 1
