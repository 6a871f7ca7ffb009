"""What end-to-end tests share: the installed console script and a flagged file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def _entry_point() -> str:
    beside = Path(sys.executable).with_name("birnn-lint")
    if beside.exists():
        return str(beside)
    found = shutil.which("birnn-lint")
    assert found, "the birnn-lint console script is not installed"
    return found


BIRNN_LINT = _entry_point()

# Flagged by BRN002 at line 6, column 8 (`h_n[-1]`), with an unsafe fix.
FLAGGED = """\
import torch
from torch import nn
rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)
x = torch.randn(5, 3, 8)
output, h_n = rnn(x)
last = h_n[-1]
"""


def write(root: Path, relative: str, content: str | bytes) -> Path:
    """Write a file below `root` (text as UTF-8, bytes as they are), making folders."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def check_concise(cwd: Path, *paths: str) -> str:
    """`birnn-lint check --no-cache --output-format concise PATHS` run in `cwd`: its
    standard output (it must end as a check does, 0 or 1, without a traceback)."""
    done = subprocess.run(
        [BIRNN_LINT, "check", "--no-cache", "--output-format", "concise", *paths],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout
