"""Per-folder configuration (a subfolder's `birnn-lint.toml` or `pyproject.toml` with
[tool.birnn-lint] applies below it, as ruff's hierarchical configuration does), and
`--config`, which names the settings without moving the project root."""

from __future__ import annotations

from pathlib import Path

from cli_support import FLAGGED, birnn, concise_findings, write

# BRN002 and BRN005 at once: `output[-1]` of a bidirectional time-major layer.
TWO_RULES = FLAGGED + "summary = output[-1]\n"


def _found(result) -> list[tuple[str, str]]:
    return [(path, code) for path, _, _, code in concise_findings(result.out)]


def _check(cwd: Path, *args: str):
    return birnn("check", "--no-cache", "--format", "concise", *args, cwd=cwd)


def _tree(root: Path) -> None:
    write(root, "pyproject.toml", '[tool.birnn-lint]\nignore = ["BRN005"]\n')
    write(root, "top.py", TWO_RULES)
    # A dedicated file, settings at its top level; its globs are read from its folder.
    write(
        root,
        "legacy/birnn-lint.toml",
        'ignore = ["BRN002"]\nextend-exclude = ["/skipped"]\n'
        'per-file-ignores = { "old/**" = ["BRN005"] }\n',
    )
    write(root, "legacy/model.py", TWO_RULES)
    write(root, "legacy/old/model.py", TWO_RULES)
    write(root, "legacy/skipped/model.py", TWO_RULES)
    # A pyproject.toml with the table; one without it changes nothing.
    write(root, "strict/pyproject.toml", '[tool.birnn-lint]\nselect = ["ALL"]\n')
    write(root, "strict/deep/model.py", TWO_RULES)
    write(root, "plain/pyproject.toml", "[project]\nname = 'plain'\n")
    write(root, "plain/model.py", TWO_RULES)


EXPECTED = [
    ("legacy/model.py", "BRN005"),
    ("plain/model.py", "BRN002"),
    ("strict/deep/model.py", "BRN002"),
    ("strict/deep/model.py", "BRN005"),
    ("top.py", "BRN002"),
]


def test_the_nearest_configuration_file_applies_below_it(tmp_path: Path) -> None:
    _tree(tmp_path)
    result = _check(tmp_path)
    assert result.code == 1, result
    assert _found(result) == EXPECTED
    # The same files named one by one, and from a subfolder, get the same settings.
    named = _check(tmp_path, "top.py", "legacy/model.py", "legacy/old/model.py")
    assert _found(named) == [("legacy/model.py", "BRN005"), ("top.py", "BRN002")]
    inside = _check(tmp_path / "legacy")
    assert _found(inside) == [("model.py", "BRN005")]
    listed = birnn("check", "--show-files", cwd=tmp_path).out.split()
    assert "legacy/skipped/model.py" not in listed and "legacy/old/model.py" in listed


def test_command_line_options_apply_on_top_of_each_file(tmp_path: Path) -> None:
    _tree(tmp_path)
    result = _check(tmp_path, "--extend-select", "BRN005")
    assert ("legacy/model.py", "BRN005") in _found(result)
    assert ("top.py", "BRN005") in _found(result)
    assert _found(_check(tmp_path, "--ignore", "BRN")) == []


def test_standard_input_takes_the_settings_of_the_name_it_is_given(tmp_path: Path) -> None:
    _tree(tmp_path)
    as_legacy = birnn(
        "check",
        "--format",
        "concise",
        "--stdin-filename",
        "legacy/x.py",
        "-",
        cwd=tmp_path,
        input=TWO_RULES,
    )
    assert _found(as_legacy) == [("legacy/x.py", "BRN005")]
    as_top = birnn(
        "check",
        "--format",
        "concise",
        "--stdin-filename",
        "x.py",
        "-",
        cwd=tmp_path,
        input=TWO_RULES,
    )
    assert _found(as_top) == [("x.py", "BRN002")]


def test_config_overrides_every_file_and_keeps_the_project_root(tmp_path: Path) -> None:
    _tree(tmp_path)
    write(
        tmp_path,
        "ci/settings.toml",
        'select = ["BRN002", "BRN005"]\nper-file-ignores = { "legacy/**" = ["BRN002"] }\n',
    )
    result = _check(tmp_path, "--config", "ci/settings.toml")
    # One set of settings everywhere; "legacy/**" is read from the working folder, not
    # from ci/; the subfolders' files are not consulted.
    assert _found(result) == [
        ("legacy/model.py", "BRN005"),
        ("legacy/old/model.py", "BRN005"),
        ("legacy/skipped/model.py", "BRN005"),
        ("plain/model.py", "BRN002"),
        ("plain/model.py", "BRN005"),
        ("strict/deep/model.py", "BRN002"),
        ("strict/deep/model.py", "BRN005"),
        ("top.py", "BRN002"),
        ("top.py", "BRN005"),
    ]
    # The cache lives in the project (the working folder), not beside the config file.
    birnn("check", "--config", "ci/settings.toml", cwd=tmp_path)
    assert (tmp_path / ".birnn_lint_cache").is_dir()
    assert not (tmp_path / "ci" / ".birnn_lint_cache").exists()
    assert birnn("clean", "--config", "ci/settings.toml", cwd=tmp_path).code == 0
    assert not (tmp_path / ".birnn_lint_cache").exists()


def test_a_config_file_with_nothing_for_birnn_lint_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "model.py", FLAGGED)
    write(tmp_path, "ci/pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path, "ci/empty.toml", "")
    write(tmp_path, "ci/other_tool.toml", "[tool.ruff]\nline-length = 100\n")
    write(tmp_path, "ci/both.toml", 'select = ["BRN"]\n[tool.birnn-lint]\nignore = ["BRN005"]\n')
    expected = {
        "ci/pyproject.toml": "it has no [tool.birnn-lint] table",
        "ci/empty.toml": "it holds no birnn-lint settings",
        "ci/other_tool.toml": "it holds no birnn-lint settings",
        "ci/both.toml": "has both [tool.birnn-lint] and top-level settings (select)",
    }
    for config, message in expected.items():
        result = birnn("check", "--config", config, cwd=tmp_path)
        assert result.code == 2, (config, result)
        assert message in result.err, (config, result)


def test_an_invalid_subfolder_file_is_an_error_naming_it(tmp_path: Path) -> None:
    write(tmp_path, "sub/birnn-lint.toml", 'selct = ["BRN002"]\n')
    write(tmp_path, "sub/model.py", FLAGGED)
    result = birnn("check", cwd=tmp_path)
    assert result.code == 2
    assert "unknown key 'selct'" in result.err and "birnn-lint.toml" in result.err
