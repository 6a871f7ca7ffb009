"""The benchmark's generated project (benchmarks/project_corpus.py) measures what it
claims: its code reads the layers right (nothing found, whole or alone), and a misread
of a state that comes from another module is found only with that module beside it,
so the whole run does follow values across files and the lone copies do not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from entry_point import BIRNN_LINT

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import project_corpus  # noqa: E402 - beside the benchmark script, not a package

MISREAD = ("summary = torch.cat([h_enc[-2], h_enc[-1]], dim=-1)", "summary = h_enc[-1]")


def _check(path: Path) -> str:
    done = subprocess.run(
        [BIRNN_LINT, "check", "--isolated", "--no-cache", "--output-format", "concise", "."],
        cwd=path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    return done.stdout


def test_the_project_and_its_lone_copies_are_clean(tmp_path: Path) -> None:
    project, alone = project_corpus.generate(tmp_path, files=8)
    assert len(list(project.rglob("*.py"))) == 8
    assert len(list(alone.rglob("*.py"))) == 8
    assert "All checks passed!" in _check(project)
    assert "All checks passed!" in _check(alone)


def test_a_misread_state_from_another_module_needs_that_module(tmp_path: Path) -> None:
    project, alone = project_corpus.generate(tmp_path, files=8)
    for copy in (project / "netpkg" / "m3.py", alone / "m3" / "netpkg" / "m3.py"):
        text = copy.read_text()
        assert MISREAD[0] in text
        copy.write_text(text.replace(*MISREAD))
    assert "m3.py:46:19: BRN002" in _check(project)
    assert "All checks passed!" in _check(alone)
