"""Which files a run checks: folders walked, default excludes, and .gitignore, which is
compared with git's own answer."""

from __future__ import annotations

import subprocess
from pathlib import Path

from cli_support import FLAGGED, birnn, clean_env, concise_findings, git, write


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


def test_globs_read_as_gitignore_lines(tmp_path: Path) -> None:
    """README: a glob without `/` matches a file or folder name at any depth, a trailing
    `/` matches folders only (and everything in them), a leading `/` anchors at the
    project root; excludes and per-file-ignores read them alike."""
    write(tmp_path, "pyproject.toml", "[tool.birnn-lint]\n")
    for name in (
        "generated/a.py",
        "src/generated/b.py",
        "src/generated.py",
        "src/keep.py",
        "src/sub/src/c.py",
        "lib/data/d.py",
    ):
        write(tmp_path, name, FLAGGED)
    everything = sorted(
        [
            "generated/a.py",
            "lib/data/d.py",
            "src/generated.py",
            "src/generated/b.py",
            "src/keep.py",
            "src/sub/src/c.py",
        ]
    )
    assert _shown(tmp_path) == everything

    def without(*names: str) -> list[str]:
        return [n for n in everything if n not in names]

    named = without("generated/a.py", "src/generated/b.py")
    assert _shown(tmp_path, "--extend-exclude", "generated") == named
    assert _shown(tmp_path, "--extend-exclude", "generated/") == named
    # A trailing `/` matches folders only: not the file keep.py.
    assert _shown(tmp_path, "--extend-exclude", "keep.py") == without("src/keep.py")
    assert _shown(tmp_path, "--extend-exclude", "keep.py/") == everything
    anchored = without("src/generated.py", "src/generated/b.py", "src/keep.py", "src/sub/src/c.py")
    assert _shown(tmp_path, "--extend-exclude", "/src") == anchored
    assert _shown(tmp_path, "--extend-exclude", "data") == without("lib/data/d.py")
    assert _shown(tmp_path, "--extend-exclude", f"{tmp_path}/lib") == without("lib/data/d.py")

    # per-file-ignores: the same globs cover the files inside a matched folder.
    for glob, silenced in (
        ("generated", {"generated/a.py", "src/generated/b.py"}),
        ("generated/", {"generated/a.py", "src/generated/b.py"}),
        ("keep.py/", set()),
        ("/src", {"src/generated.py", "src/generated/b.py", "src/keep.py", "src/sub/src/c.py"}),
        ("src/generated", {"src/generated/b.py"}),
    ):
        write(
            tmp_path,
            "pyproject.toml",
            f'[tool.birnn-lint]\nper-file-ignores = {{ "{glob}" = ["BRN002"] }}\n',
        )
        result = birnn("check", "--no-cache", "--format", "concise", cwd=tmp_path)
        flagged = sorted({path for path, _, _, _ in concise_findings(result.out)})
        assert flagged == sorted(set(everything) - silenced), glob


def test_core_excludes_file_and_nested_repositories_as_git_reads_them(tmp_path: Path) -> None:
    """The global ignore file (`core.excludesFile`, and git's default
    `$XDG_CONFIG_HOME/git/ignore`), compared with git's own answer."""
    home = tmp_path / "home"
    project = tmp_path / "project"
    project.mkdir()
    write(home, "global-ignore", "globally_ignored.py\n!kept_by_gitignore.py\n")
    write(home, ".gitconfig", f"[core]\n\texcludesFile = {home / 'global-ignore'}\n")
    git("init", "-q", cwd=project)
    write(project, ".gitignore", "!kept_by_gitignore.py\n")
    for name in ("a.py", "globally_ignored.py", "sub/globally_ignored.py", "kept_by_gitignore.py"):
        write(project, name, "x = 1\n")
    env = clean_env(HOME=str(home), XDG_CONFIG_HOME=str(home / "xdg"))
    listed = _git_untracked(project, env)
    assert listed == ["a.py", "kept_by_gitignore.py"]
    assert _shown_env(project, env) == listed

    # Unset, git reads $XDG_CONFIG_HOME/git/ignore.
    (home / ".gitconfig").unlink()
    write(home, "xdg/git/ignore", "a.py\n")
    listed = _git_untracked(project, env)
    assert "a.py" not in listed and "globally_ignored.py" in listed
    assert _shown_env(project, env) == listed

    # The repository's own configuration wins over the global one (quoted, with a
    # comment, as git reads it).
    write(home, "local-ignore", "kept_by_gitignore.py\n")
    with open(project / ".git" / "config", "a", encoding="utf-8") as config:
        config.write(f'[core]\n\texcludesfile = "{home / "local-ignore"}"  ; local\n')
    listed = _git_untracked(project, env)
    assert "a.py" in listed and "kept_by_gitignore.py" in listed  # re-included by .gitignore
    write(project, ".gitignore", "")
    listed = _git_untracked(project, env)
    assert "kept_by_gitignore.py" not in listed
    assert _shown_env(project, env) == listed

    # A repository inside the walk has its own ignore files, as in git.
    write(project, ".gitignore", "inner_ignored.py\n")
    inner = project / "inner"
    inner.mkdir()
    git("init", "-q", cwd=inner)
    write(inner, ".gitignore", "only_inner.py\n")
    write(inner, "inner_ignored.py", "x = 1\n")
    write(inner, "only_inner.py", "x = 1\n")
    inner_listed = _git_untracked(inner, env)
    assert inner_listed == ["inner_ignored.py"]
    assert _shown_env(inner, env) == inner_listed
    shown = _shown_env(project, env)
    assert "inner/inner_ignored.py" in shown and "inner/only_inner.py" not in shown


def _git_untracked(root: Path, env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(n for n in done.stdout.split() if n.endswith(".py"))


def _shown_env(root: Path, env: dict[str, str]) -> list[str]:
    result = birnn("check", "--show-files", cwd=root, env=env)
    assert result.code == 0, result
    return result.out.split()


def test_show_files_and_diff_write_to_the_output_file(tmp_path: Path) -> None:
    write(tmp_path, "model.py", FLAGGED)
    listed = birnn("check", "--show-files", "-o", "files.txt", cwd=tmp_path)
    assert listed.code == 0 and listed.out == ""
    assert (tmp_path / "files.txt").read_text() == "model.py\n"
    diff = birnn("check", "--diff", "--unsafe-fixes", "-o", "fix.diff", cwd=tmp_path)
    assert diff.code == 1 and diff.out == "", diff
    text = (tmp_path / "fix.diff").read_text()
    assert text.startswith("--- a/model.py\n+++ b/model.py\n") and "+last = torch.cat(" in text
    assert "Would fix 1 finding." in diff.err
