"""Colour only on a terminal, and never with --no-color or NO_COLOR."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

from cli_support import BIRNN_LINT, BROKEN, birnn, clean_env, write

ESC = "\x1b["


def _on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run birnn-lint with its stdout on a pseudo-terminal; what it printed."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [BIRNN_LINT, *args], cwd=cwd, env=env, stdout=follower, stderr=subprocess.PIPE
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
        assert b"Traceback" not in process.stderr.read()
    finally:
        os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_only(tmp_path: Path) -> None:
    write(tmp_path, "broken.py", BROKEN)
    on_tty = _on_terminal(["check"], tmp_path, clean_env())
    assert ESC in on_tty and "BRN900" in on_tty
    piped = birnn("check", cwd=tmp_path)
    assert "BRN900" in piped.out and ESC not in piped.out


def test_no_color_flag_and_variable(tmp_path: Path) -> None:
    write(tmp_path, "broken.py", BROKEN)
    flag = _on_terminal(["check", "--no-color"], tmp_path, clean_env())
    variable = _on_terminal(["check"], tmp_path, clean_env(NO_COLOR="1"))
    for output in (flag, variable):
        assert "BRN900" in output and ESC not in output


def test_force_color_when_piped(tmp_path: Path) -> None:
    write(tmp_path, "broken.py", BROKEN)
    forced = birnn("check", "--format", "concise", cwd=tmp_path, env=clean_env(FORCE_COLOR="1"))
    assert ESC in forced.out
    # Machine formats never carry colour.
    as_json = birnn("check", "--format", "json", cwd=tmp_path, env=clean_env(FORCE_COLOR="1"))
    assert ESC not in as_json.out


def test_force_color_zero_or_false_is_off(tmp_path: Path) -> None:
    write(tmp_path, "broken.py", BROKEN)
    for value in ("0", "false"):
        piped = birnn("check", cwd=tmp_path, env=clean_env(FORCE_COLOR=value))
        assert "BRN900" in piped.out and ESC not in piped.out
        on_tty = _on_terminal(["check"], tmp_path, clean_env(FORCE_COLOR=value))
        assert "BRN900" in on_tty and ESC not in on_tty
