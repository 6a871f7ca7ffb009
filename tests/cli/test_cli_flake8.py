"""The flake8 plugin reports what `birnn-lint check --format concise` reports, at the
same line and column (flake8 wants 0-based columns from plugins and adds 1)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cli_support import BROKEN, FLAGGED, birnn, clean_env, concise_findings, write

# Findings of several rules, one of them indented, so columns other than 1 are compared.
MANY = (
    FLAGGED
    + "summary = output[-1]\n"
    + "forward, backward = output.chunk(2, dim=1)\n"
    + "if x.dim() == 3:\n"
    + "    again = torch.relu(h_n[-1])\n"
)


def _flake8(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # --isolated: no user or project flake8 settings; only BRN is selected, so other
    # installed plugins do not matter.
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "BRN", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
    )


def test_same_findings_at_the_same_positions(tmp_path: Path) -> None:
    write(tmp_path, "pkg/model.py", MANY)
    write(tmp_path, "pkg/other.py", FLAGGED)
    ours = birnn("check", "--format", "concise", "pkg", cwd=tmp_path)
    theirs = _flake8(tmp_path, "pkg")
    assert theirs.returncode == 1, theirs.stderr
    expected = sorted(concise_findings(ours.out))
    assert len(expected) >= 5
    assert sorted(concise_findings(theirs.stdout)) == expected


def test_noqa_works_through_flake8(tmp_path: Path) -> None:
    source = FLAGGED.replace("last = h_n[-1]", "last = h_n[-1]  # noqa: BRN002")
    write(tmp_path, "model.py", source)
    assert _flake8(tmp_path, "model.py").returncode == 0
    write(tmp_path, "model.py", "# birnn-lint: noqa\n" + FLAGGED)
    assert _flake8(tmp_path, "model.py").returncode == 0
    write(tmp_path, "model.py", FLAGGED)
    assert _flake8(tmp_path, "model.py").returncode == 1


def test_syntax_error_is_flake8s(tmp_path: Path) -> None:
    write(tmp_path, "broken.py", BROKEN)
    result = _flake8(tmp_path, "--select", "BRN,E999", "broken.py")
    assert "E999" in result.stdout and "BRN" not in result.stdout


def test_settings_noqa_and_unreadable_files_as_check_reads_them(tmp_path: Path) -> None:
    """README: the plugin reports what `check` reports: `[tool.birnn-lint]` applies,
    birnn-lint's `# noqa` is read case-insensitively, and a file `check` cannot decode
    is BRN901 at the same place."""
    write(tmp_path, "pyproject.toml", '[tool.birnn-lint]\nignore = ["BRN010"]\n')
    write(tmp_path, "model.py", MANY)
    write(tmp_path, "lower.py", FLAGGED.replace("h_n[-1]", "h_n[-1]  # NOQA: brn002"))
    write(tmp_path, "bad.py", FLAGGED.encode() + b'x = "\xff"\n')
    ours = birnn("check", "--format", "concise", "--no-cache", cwd=tmp_path)
    theirs = _flake8(tmp_path, ".")
    ours_found = sorted(concise_findings(ours.out))
    assert ours_found == sorted(concise_findings(theirs.stdout.replace("./", ""))), theirs
    codes = {(path, code) for path, _, _, code in ours_found}
    assert ("bad.py", "BRN901") in codes
    assert not any(code == "BRN010" for _, code in codes)
    assert not any(path == "lower.py" for path, _ in codes)
