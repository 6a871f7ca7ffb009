from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from birnn_lint.project import ProjectIndex, summary

MakeProject = Callable[[dict[str, str]], Path]


@pytest.fixture(autouse=True)
def _fresh_indexes() -> Iterator[None]:
    """Each test starts as a new process would: no index, no summary in memory."""
    ProjectIndex.reset()
    summary._by_content.clear()
    yield
    ProjectIndex.reset()


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Writes {relative path: source} under tmp_path/proj (with a pyproject.toml unless
    one is given or the mapping says `None`) and returns the project folder."""

    def make(files: dict[str, str]) -> Path:
        root = tmp_path / "proj"
        root.mkdir(exist_ok=True)
        files = dict(files)
        files.setdefault("pyproject.toml", '[project]\nname = "proj"\n')
        for relative, text in files.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if relative.endswith("/"):
                target.mkdir(exist_ok=True)
            else:
                target.write_text(dedent(text), encoding="utf-8")
        return root

    return make
