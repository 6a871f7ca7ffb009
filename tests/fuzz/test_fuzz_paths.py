"""The walk's shortcuts give what pathlib and the globs give: a relative path worked out
by string, an absolute path not rebuilt, and an exclude that is a plain name tested by
set look-up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fuzz_properties import budget
from hypothesis import given
from hypothesis import strategies as st

from birnn_lint.discovery import DiscoveryOptions, PathGlob, Walker
from birnn_lint.globs import absolute, relative_to

# Paths that exercise the string test: roots, a shared prefix (`/a/b` and `/a/bc`),
# doubled and trailing slashes, `.`, `..`, relative paths.
paths = st.text(alphabet="ab/.", max_size=10)


@budget(examples=400, deadline_seconds=5)
@given(paths, paths)
def test_relative_to_is_pathlibs(path: str, root: str) -> None:
    try:
        expected: str | None = Path(path).relative_to(Path(root)).as_posix()
    except ValueError:
        expected = None
    assert relative_to(Path(path), Path(root)) == expected


@budget(examples=200, deadline_seconds=5)
@given(paths)
def test_absolute_is_abspath(path: str) -> None:
    assert absolute(Path(path)) == Path(os.path.abspath(path))


@pytest.mark.parametrize(
    "pattern", ["build", "build/", " build ", "./build", "build//", ".git", "b?ild", "bu*"]
)
@pytest.mark.parametrize("is_dir", [True, False])
@pytest.mark.parametrize("name", ["build", "build2", "bui", ".git"])
def test_a_plain_exclude_name_matches_as_its_glob(
    tmp_path: Path, pattern: str, is_dir: bool, name: str
) -> None:
    options = DiscoveryOptions(root=tmp_path, exclude=(pattern,), respect_gitignore=False)
    walker = Walker(options)
    path = tmp_path / "pkg" / name
    expected = PathGlob.parse(pattern).matches(path, tmp_path, is_dir)
    matcher = walker._matcher(tmp_path)
    assert walker._excluded_entry(path, is_dir, matcher) == expected
