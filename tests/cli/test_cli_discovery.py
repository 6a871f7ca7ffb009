"""Which files a run checks: folders walked, default excludes, and .gitignore, which is
compared with git's own answer."""

from __future__ import annotations

from pathlib import Path

from cli_support import birnn, git, write


def _shown(root: Path, *args: str) -> list[str]:
    result = birnn("check", "--show-files", *args, cwd=root)
    assert result.code == 0, result
    return result.out.split()


def test_walks_py_and_pyi_and_skips_default_excludes(tmp_path: Path) -> None:
    for name in (
        "a.py",
        "pkg/b.pyi",
        "pkg/c.txt",
        "pkg/d.pyc",
        ".venv/lib/e.py",
        "venv/f.py",
        "build/g.py",
        "dist/h.py",
        "node_modules/i.py",
        ".tox/j.py",
        ".eggs/k.py",
        "pkg/__pycache__/l.py",
        ".git/m.py",
    ):
        write(tmp_path, name, "x = 1\n")
    assert _shown(tmp_path) == ["a.py", "pkg/b.pyi"]
    assert _shown(tmp_path, "pkg") == ["pkg/b.pyi"]
    # A file named on the command line is checked, whatever its folder or suffix.
    assert _shown(tmp_path, "build/g.py", "pkg/c.txt") == ["build/g.py", "pkg/c.txt"]


GITIGNORE = """\
# comments and blank lines are skipped

*.gen.py
/top_only.py
out/
!keep.gen.py
docs/**/conf.py
data/*
!data/keep.py
a?c.py
[xy]z.py
\\#hash.py
"""
# git drops unescaped trailing spaces.
GITIGNORE += "trailing.py   \n"

NESTED_GITIGNORE = """\
local.py
!/top_only.py
/anchored.py
"""

FILES = [
    "main.py",
    "x.gen.py",
    "keep.gen.py",
    "top_only.py",
    "sub/top_only.py",
    "out/o.py",
    "sub/out/o.py",
    "docs/conf.py",
    "docs/a/b/conf.py",
    "data/d.py",
    "data/keep.py",
    "abc.py",
    "abbc.py",
    "xz.py",
    "zz.py",
    "#hash.py",
    "trailing.py",
    "sub/local.py",
    "sub/deeper/local.py",
    "local.py",
    "sub/anchored.py",
    "sub/deeper/anchored.py",
]


def _git_tree(root: Path) -> None:
    git("init", "-q", cwd=root)
    write(root, ".gitignore", GITIGNORE)
    write(root, "sub/.gitignore", NESTED_GITIGNORE)
    write(root, ".git/info/exclude", "info_excluded.py\n")
    for name in [*FILES, "info_excluded.py"]:
        write(root, name, "x = 1\n")


def test_gitignore_agrees_with_git(tmp_path: Path) -> None:
    _git_tree(tmp_path)
    listed = git("ls-files", "--others", "--exclude-standard", cwd=tmp_path).split()
    expected = sorted(name for name in listed if name.endswith(".py"))
    assert "x.gen.py" not in expected and "keep.gen.py" in expected  # the tree is sensible
    assert _shown(tmp_path) == expected
    # From a subfolder the same rules hold (paths are shown relative to it).
    sub = tmp_path / "sub"
    expected_sub = sorted(n[len("sub/") :] for n in expected if n.startswith("sub/"))
    assert _shown(sub) == expected_sub


def test_respect_gitignore_off(tmp_path: Path) -> None:
    _git_tree(tmp_path)
    everything = sorted([*FILES, "info_excluded.py"])
    assert _shown(tmp_path, "--no-respect-gitignore") == everything
    write(tmp_path, "pyproject.toml", "[tool.birnn-lint]\nrespect-gitignore = false\n")
    assert _shown(tmp_path) == everything


def test_gitignore_outside_a_git_repository(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "ignored/\n")
    write(tmp_path, "ignored/a.py", "x = 1\n")
    write(tmp_path, "kept.py", "x = 1\n")
    assert _shown(tmp_path) == ["kept.py"]


def test_ignored_file_named_explicitly(tmp_path: Path) -> None:
    git("init", "-q", cwd=tmp_path)
    write(tmp_path, ".gitignore", "ignored.py\n")
    write(tmp_path, "ignored.py", "x = 1\n")
    assert _shown(tmp_path) == []
    assert _shown(tmp_path, "ignored.py") == ["ignored.py"]
    assert _shown(tmp_path, "--force-exclude", "ignored.py") == []


def test_symlinked_folders_are_not_followed(tmp_path: Path) -> None:
    write(tmp_path, "real/a.py", "x = 1\n")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert _shown(tmp_path) == ["real/a.py"]


def test_glob_translation() -> None:
    from birnn_lint.discovery import compile_glob

    cases = {
        "*.py": (["a.py", ".py"], ["a/b.py", "a.pyc"]),
        "**/conf.py": (["conf.py", "a/b/conf.py"], ["xconf.py"]),
        "a/**": (["a/b", "a/b/c"], ["a", "b/a/c"]),
        "a/**/b": (["a/b", "a/x/y/b"], ["a/xb"]),
        "[!a]?.py": (["bc.py"], ["ac.py", "/c.py"]),
        "f[0-9].py": (["f1.py"], ["fa.py"]),
    }
    for pattern, (good, bad) in cases.items():
        regex = compile_glob(pattern)
        for text in good:
            assert regex.match(text), (pattern, text)
        for text in bad:
            assert not regex.match(text), (pattern, text)
