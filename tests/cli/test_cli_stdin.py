"""Standard input: `-`, --stdin-filename, and --fix writing the fixed source to stdout."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import CLEAN, CORRECTED, FLAGGED, FLAGGED_AT, birnn, concise_findings, write


def test_stdin_is_checked(tmp_path: Path) -> None:
    result = birnn("check", "--format", "concise", "-", cwd=tmp_path, input=FLAGGED)
    assert result.code == 1
    assert concise_findings(result.out) == [("-", *FLAGGED_AT, "BRN002")]
    assert birnn("check", "-", cwd=tmp_path, input=CLEAN).code == 0


def test_stdin_filename_names_it_and_matches_config(tmp_path: Path) -> None:
    result = birnn(
        "check",
        "--format",
        "json",
        "--stdin-filename",
        "src/model.py",
        "-",
        cwd=tmp_path,
        input=FLAGGED,
    )
    assert [f["filename"] for f in json.loads(result.out)] == ["src/model.py"]
    # --stdin-filename alone implies `-`, as in ruff.
    alone = birnn("check", "--stdin-filename", "src/model.py", cwd=tmp_path, input=FLAGGED)
    assert alone.code == 1
    write(
        tmp_path,
        "pyproject.toml",
        '[tool.birnn-lint]\nextend-exclude = ["src/generated"]\n'
        '[tool.birnn-lint.per-file-ignores]\n"tests/*" = ["BRN002"]\n',
    )
    ignored = birnn(
        "check", "--stdin-filename", "tests/test_model.py", "-", cwd=tmp_path, input=FLAGGED
    )
    assert ignored.code == 0, ignored
    excluded = ("check", "--stdin-filename", "src/generated/model.py", "-")
    assert birnn(*excluded, cwd=tmp_path, input=FLAGGED).code == 1
    assert birnn(*excluded, "--force-exclude", cwd=tmp_path, input=FLAGGED).code == 0


def test_stdin_fix_writes_the_fixed_source(tmp_path: Path) -> None:
    result = birnn(
        "check",
        "--fix",
        "--unsafe-fixes",
        "--stdin-filename",
        "model.py",
        "-",
        cwd=tmp_path,
        input=FLAGGED,
    )
    assert result.code == 0, result
    assert result.out == CORRECTED
    assert "1 fixed, 0 remaining" in result.err
    # Without --unsafe-fixes the source comes back unchanged, the finding on stderr.
    safe_only = birnn("check", "--fix", "-", cwd=tmp_path, input=FLAGGED)
    assert safe_only.code == 1
    assert safe_only.out == FLAGGED
    assert "BRN002" in safe_only.err


def test_stdin_diff(tmp_path: Path) -> None:
    result = birnn("check", "--diff", "--unsafe-fixes", "-", cwd=tmp_path, input=FLAGGED)
    assert result.code == 1
    assert "-last = h_n[-1]" in result.out and "+last = torch.cat(" in result.out
    assert birnn("check", "--diff", "-", cwd=tmp_path, input=CLEAN).code == 0


def test_stdin_not_utf8_is_a_finding(tmp_path: Path) -> None:
    result = birnn("check", "--format", "concise", "-", cwd=tmp_path, input=b"x = '\xff\xfe'\n")
    assert result.code == 1
    assert concise_findings(result.out) == [("-", 1, 6, "BRN901")]  # at the byte
    # With --fix the input is given back untouched.
    fixed = birnn("check", "--fix", "-", cwd=tmp_path, input=b"x = '\xff\xfe'\n")
    assert fixed.code == 1


def test_stdin_keeps_crlf_and_bom(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + FLAGGED.replace("\n", "\r\n").encode()
    import subprocess

    from cli_support import BIRNN_LINT, clean_env

    done = subprocess.run(
        [BIRNN_LINT, "check", "--fix", "--unsafe-fixes", "-"],
        input=raw,
        capture_output=True,
        cwd=tmp_path,
        env=clean_env(),
    )
    assert done.returncode == 0
    assert done.stdout == b"\xef\xbb\xbf" + CORRECTED.replace("\n", "\r\n").encode()
