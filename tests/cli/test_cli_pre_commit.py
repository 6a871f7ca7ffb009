"""The pre-commit hooks, run for real with `pre-commit try-repo` against this checkout.

try-repo needs a commit to point at (it only carries over tracked changes), so the
checkout's files are copied into a temporary git repository and committed there.
pre-commit then builds the hooks' virtualenv by installing that copy: birnn-lint's
runtime dependencies only (libcst, click), never torch.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from cli_support import FLAGGED, REPO_ROOT, birnn, clean_env, git, safe_fix_example, write

from birnn_lint.engine import check_source
from birnn_lint.notebooks.check import check_notebook

_JUNK = shutil.ignore_patterns(
    ".git",
    "__pycache__",
    "*.egg-info",
    ".venv",
    "venv",
    "build",
    "dist",
    ".pytest_cache",
    ".ruff_cache",
    ".birnn_lint_cache",
    ".hypothesis",
)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is needed to test the pre-commit hooks")
    repo = tmp_path_factory.mktemp("hook") / "birnn-lint"
    shutil.copytree(REPO_ROOT, repo, ignore=_JUNK)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "snapshot for try-repo", cwd=repo)
    return repo


def _try_repo(hook_repo: Path, work: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "--all-files"],
        cwd=work,
        capture_output=True,
        text=True,
        env=clean_env(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never"),
        timeout=600,
    )


def _notebook(path: Path, *sources: str) -> Path:
    """A notebook written by nbformat: a markdown cell, then one code cell per source."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Notes")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def test_hooks_fail_on_findings_and_pass_once_fixed(hook_repo: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    git("init", "-q", cwd=work)
    model = write(work, "model.py", FLAGGED)
    code, example = safe_fix_example()
    safe = write(work, "safe.py", example)
    # Notebooks (pre-commit's `jupyter` type): FLAGGED's lines 1-2, 3-5 and 6 as cells 2-4.
    lines = FLAGGED.splitlines(keepends=True)
    notebook = _notebook(
        work / "nbs" / "model.ipynb", "".join(lines[:2]), "".join(lines[2:5]), lines[5]
    )
    notebook_text = notebook.read_text(encoding="utf-8")
    safe_notebook = _notebook(work / "nbs" / "safe.ipynb", example)
    safe_notebook_text = safe_notebook.read_text(encoding="utf-8")
    git("add", "-A", cwd=work)

    failed = _try_repo(hook_repo, work, tmp_path / "pre-commit-home")
    log = failed.stdout + failed.stderr
    assert failed.returncode == 1, log
    assert "model.py:6:8: BRN002" in log
    # birnn-lint-fix applied the safe fix; the unsafe one stays a finding.
    assert "files were modified by this hook" in log
    assert safe.read_text(encoding="utf-8") != example
    assert code not in [f.code for f in check_source(safe.read_text(encoding="utf-8"), "s")]
    assert model.read_text(encoding="utf-8") == FLAGGED
    assert "nbs/model.ipynb:cell 4:1:8: BRN002" in log
    assert notebook.read_text(encoding="utf-8") == notebook_text
    fixed_notebook = safe_notebook.read_text(encoding="utf-8")
    assert fixed_notebook != safe_notebook_text
    assert code not in [f.code for f in check_notebook(fixed_notebook, "safe.ipynb")]

    fixed = birnn("check", "--fix", "--unsafe-fixes", "model.py", "nbs/model.ipynb", cwd=work)
    assert fixed.code == 0, fixed
    git("add", "-A", cwd=work)
    passed = _try_repo(hook_repo, work, tmp_path / "pre-commit-home")
    log = passed.stdout + passed.stderr
    assert passed.returncode == 0, log
    assert log.count("Passed") == 2, log
