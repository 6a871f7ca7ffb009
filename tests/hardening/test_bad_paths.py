"""Paths that cannot be read, end to end: each is reported as BRN901 with the reason,
the other files are still checked, and the run exits 1 (not 2: these are findings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hardening_support import (
    FLAGGED,
    _checked,
    birnn,
    drop_root_prefix,
    environment,
    flagged_line,
    shared_folder,
    write,
)


def _concise(cwd: Path, *args: str | Path, prefix: tuple[str, ...] = ()) -> list[str]:
    result = birnn(
        "check", "--no-cache", "--format", "concise", "-q", *args, cwd=cwd, prefix=prefix
    )
    assert result.code == 1, result
    assert result.err == "", result
    return result.lines


def test_unreadable_file_and_folder() -> None:
    """Mode 000. Root reads anything, so as root birnn-lint runs as `nobody`."""
    prefix = drop_root_prefix()
    with shared_folder() as root:
        write(root, "model.py", FLAGGED)
        os.chmod(write(root, "secret.py", FLAGGED), 0)
        write(root, "locked/inner.py", FLAGGED)
        os.chmod(root / "locked", 0)
        walked = _concise(root, prefix=prefix)
        named = _concise(root, "secret.py", "locked/inner.py", "locked", "model.py", prefix=prefix)
    assert walked == [
        "locked:1:1: BRN901 cannot list the folder: Permission denied",
        flagged_line("model.py"),
        "secret.py:1:1: BRN901 permission denied",
    ]
    assert named == [
        "locked:1:1: BRN901 cannot list the folder: Permission denied",
        "locked/inner.py:1:1: BRN901 permission denied",
        flagged_line("model.py"),
        "secret.py:1:1: BRN901 permission denied",
    ]


def _odd_tree(root: Path) -> None:
    write(root, "model.py", FLAGGED)
    (root / "broken.py").symlink_to("nowhere.py")
    (root / "loop_a.py").symlink_to("loop_b.py")
    (root / "loop_b.py").symlink_to("loop_a.py")
    write(root, "folder.py/inner.py", FLAGGED)  # a folder named like a module
    os.mkfifo(root / "fifo.py")  # must not hang the run
    write(root, "with space é/módel ü.py", FLAGGED)
    write(root, os.fsdecode(b"not-utf8-\xff.py"), FLAGGED)  # any bytes are a Linux name


def test_odd_paths_walked(tmp_path: Path) -> None:
    _odd_tree(tmp_path)
    assert _concise(tmp_path) == [
        "broken.py:1:1: BRN901 broken symbolic link: its target does not exist",
        "fifo.py:1:1: BRN901 not a regular file",
        flagged_line("folder.py/inner.py"),
        "loop_a.py:1:1: BRN901 symbolic link loop",
        "loop_b.py:1:1: BRN901 symbolic link loop",
        flagged_line("model.py"),
        # Shown with a backslash escape where the name is not UTF-8.
        flagged_line("not-utf8-\\udcff.py"),
        flagged_line("with space é/módel ü.py"),
    ]


def test_odd_paths_named(tmp_path: Path) -> None:
    _odd_tree(tmp_path)
    lines = _concise(
        tmp_path,
        "missing.py",
        "broken.py",
        "loop_a.py",
        "folder.py",
        "fifo.py",
        "with space é/módel ü.py",
        "missing/folder/",
        "model.py",
    )
    assert lines == [
        "broken.py:1:1: BRN901 broken symbolic link: its target does not exist",
        "fifo.py:1:1: BRN901 not a regular file",
        flagged_line("folder.py/inner.py"),
        "loop_a.py:1:1: BRN901 symbolic link loop",
        "missing.py:1:1: BRN901 no such file or directory",
        "missing/folder:1:1: BRN901 no such file or directory",
        flagged_line("model.py"),
        flagged_line("with space é/módel ü.py"),
    ]


def test_file_deleted_between_discovery_and_reading(tmp_path: Path) -> None:
    """Deterministic: birnn-lint's own entry point runs in a Python process where the
    runner, once called with the discovered files, first deletes `a_victim.py` (a hook
    between the two real components, standing in for neither), so the file is gone
    after it was listed and before it is read."""
    project = tmp_path / "project"
    write(project, "a_victim.py", FLAGGED)
    write(project, "b/model.py", FLAGGED)
    write(project, "c_model.py", FLAGGED)
    script = (
        "import os, sys\n"
        "import birnn_lint.runner as runner\n"
        "from birnn_lint.cli import main\n"
        "real = runner.check_files\n"
        "def check_files(files, **options):\n"
        "    os.unlink('a_victim.py')\n"
        "    return real(files, **options)\n"
        "runner.check_files = check_files\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "check", "--no-cache", "--format", "concise", "-q"],
        cwd=project,
        capture_output=True,
        env=environment(),
        timeout=120,
    )
    result = _checked(done.returncode, done.stdout, done.stderr)
    assert result.code == 1, result
    assert not (project / "a_victim.py").exists()
    assert result.out.splitlines() == [
        "a_victim.py:1:1: BRN901 no such file (it may have been deleted)",
        flagged_line("b/model.py"),
        flagged_line("c_model.py"),
    ]


def test_a_fifo_named_gitignore_does_not_block(tmp_path: Path) -> None:
    """Nothing ever writes to these FIFOs: reading one would hang the run."""
    write(tmp_path, "b/model.py", FLAGGED)
    os.mkfifo(tmp_path / ".gitignore")
    os.mkfifo(tmp_path / "b" / ".gitignore")
    write(tmp_path, "c_model.py", FLAGGED)
    result = birnn("check", "--no-cache", "--format", "concise", "-q", cwd=tmp_path, timeout=60)
    assert result.code == 1, result
    assert result.lines == [flagged_line("b/model.py"), flagged_line("c_model.py")]
