"""The README's examples, executed as written: the `--diff` example, and the
pre-commit snippet (its `rev` must exist in this repository; pre-commit installs the
hooks from a local clone, the only change to the snippet being the repository's URL)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import FLAGGED, REPO_ROOT, birnn, clean_env, git, safe_fix_example, write

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _block_after(marker: str, language: str) -> str:
    after = README.split(marker, 1)[1]
    return after.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def test_the_diff_example(tmp_path: Path) -> None:
    source = _block_after("writes nothing. For this `model.py`:", "python")
    command = re.search(r"`(birnn-lint check --diff[^`]*)`", README.split("## Fixes", 1)[1])
    assert command, "the README names the --diff command of its example"
    expected = _block_after(command.group(0), "diff")
    write(tmp_path, "model.py", source)
    args = command.group(1).split()[1:]
    result = birnn(*args, "--no-cache", cwd=tmp_path)
    assert result.code == 1, result
    assert result.out == expected
    assert result.err == "Would fix 2 findings.\n"
    assert (tmp_path / "model.py").read_text(encoding="utf-8") == source  # nothing written


def _snippet() -> tuple[str, str]:
    """(the pre-commit YAML as the README gives it, its `rev`)."""
    snippet = _block_after("### pre-commit", "yaml")
    rev = re.search(r"^\s*rev:\s*(\S+)", snippet, re.MULTILINE)
    assert rev, snippet
    return snippet, rev.group(1)


def test_the_pre_commit_rev_exists_in_this_repository() -> None:
    _, rev = _snippet()
    assert re.fullmatch(r"[0-9a-f]{40}", rev), "pin a full commit hash (or an existing tag)"
    done = subprocess.run(
        ["git", "cat-file", "-e", f"{rev}^{{commit}}"], cwd=REPO_ROOT, capture_output=True
    )
    assert done.returncode == 0, f"rev {rev} is not a commit of this repository"
    hooks = subprocess.run(
        ["git", "show", f"{rev}:.pre-commit-hooks.yaml"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert hooks.returncode == 0 and "id: birnn-lint-fix" in hooks.stdout


def test_the_pre_commit_snippet_as_written(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is needed to test the pre-commit snippet")
    snippet, rev = _snippet()
    clone = tmp_path / "birnn-lint"
    subprocess.run(
        ["git", "clone", "-q", "--no-checkout", str(REPO_ROOT), str(clone)],
        check=True,
        capture_output=True,
    )
    # The one change: the repository's URL becomes the local clone.
    config, count = re.subn(
        r"^(\s*- repo:)\s*\S+.*$", rf"\1 {clone.as_posix()}", snippet, flags=re.MULTILINE
    )
    assert count == 1, snippet
    work = tmp_path / "work"
    work.mkdir()
    git("init", "-q", cwd=work)
    write(work, ".pre-commit-config.yaml", config)
    write(work, "model.py", FLAGGED)
    code, example = safe_fix_example()
    safe = write(work, "safe.py", example)
    git("add", "-A", cwd=work)
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=work,
        capture_output=True,
        text=True,
        env=clean_env(PRE_COMMIT_HOME=str(tmp_path / "home"), PRE_COMMIT_COLOR="never"),
        timeout=600,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 1, log
    # birnn-lint-fix ran at the pinned revision: the safe fix is applied, the unsafe
    # finding is reported.
    assert "birnn-lint (fix)" in log and "model.py:6:8: BRN002" in log, log
    assert "files were modified by this hook" in log
    assert safe.read_text(encoding="utf-8") != example
    assert (work / "model.py").read_text(encoding="utf-8") == FLAGGED
