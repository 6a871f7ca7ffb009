"""Release hygiene: the wheel and the sdist carry the LICENSE (and the sdist the
changelog), the version is the changelog's newest section, and the README's quick start
runs as written from a copy of the repository."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from cli_support import REPO_ROOT, clean_env

from birnn_lint import __version__

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
    ".mypy_cache",
    ".birnn_lint_cache",
    ".hypothesis",
)


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "birnn-lint"
    shutil.copytree(REPO_ROOT, copy, ignore=_JUNK)
    return copy


def test_the_version_is_the_newest_changelog_section() -> None:
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## (\S+)", changelog, re.MULTILINE)
    assert sections and sections[0] == __version__
    assert len(sections) == len(set(sections))


def test_wheel_and_sdist_ship_the_license(tmp_path: Path) -> None:
    source = _copy(tmp_path)
    out = tmp_path / "out"
    script = (
        "import sys; from hatchling.build import build_sdist, build_wheel; "
        "print(build_wheel(sys.argv[1])); print(build_sdist(sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(out)],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    wheel_name, sdist_name = done.stdout.split()
    license_text = (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License")

    with zipfile.ZipFile(out / wheel_name) as wheel:
        names = wheel.namelist()
        dist_info = f"birnn_lint-{__version__}.dist-info"
        assert f"{dist_info}/licenses/LICENSE" in names
        assert wheel.read(f"{dist_info}/licenses/LICENSE").decode() == license_text
        metadata = wheel.read(f"{dist_info}/METADATA").decode()
        assert f"Version: {__version__}" in metadata
        assert "License-Expression: MIT" in metadata and "License-File: LICENSE" in metadata
        assert any(n.startswith("birnn_lint/specs/BRN002-") for n in names)

    with tarfile.open(out / sdist_name) as sdist:
        top = f"birnn_lint-{__version__}"
        members = set(sdist.getnames())
        for name in ("LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml"):
            assert f"{top}/{name}" in members, name


def _readme_block(heading_text: str, language: str) -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    after = readme.split(heading_text, 1)[1]
    return after.split(f"```{language}\n", 1)[1].split("```", 1)[0]


@pytest.mark.skipif(sys.platform == "win32", reason="the README's commands are POSIX sh")
def test_the_quick_start_runs_as_written(tmp_path: Path) -> None:
    block = _readme_block("# birnn-lint\n", "sh")
    lines = [line for line in block.splitlines() if line and not line.startswith("#")]
    install_and_run = lines[0]
    assert "pip install ." in install_and_run and "birnn-lint check" in install_and_run
    source = _copy(tmp_path)
    done = subprocess.run(
        ["sh", "-c", install_and_run],
        cwd=source,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=600,
    )
    # The README says it exits 1: the example has findings.
    assert done.returncode == 1, done.stdout + done.stderr
    assert "examples/encoder.py:" in done.stdout and "Found " in done.stdout
    assert "Traceback" not in done.stderr
