"""`[tool.birnn-lint]` discovery, validation, and how flags override it."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import BROKEN, FLAGGED, birnn, concise_findings, write

# BRN002 and BRN005 at once: `output[-1]` of a bidirectional time-major layer.
TWO_RULES = FLAGGED + "summary = output[-1]\n"


def _codes(result) -> list[tuple[str, str]]:
    return [(path, code) for path, _, _, code in concise_findings(result.out)]


def _project(root: Path, table: str) -> Path:
    write(root, "pyproject.toml", f"[project]\nname = 'demo'\n\n[tool.birnn-lint]\n{table}\n")
    return root


def test_rule_codes_agree_with_the_registry() -> None:
    from birnn_lint.config import check_codes
    from birnn_lint.registry import check_rules

    assert check_codes() == {rule.code for rule in check_rules()}


def test_discovered_upward_from_the_working_folder(tmp_path: Path) -> None:
    _project(tmp_path, 'ignore = ["BRN002"]')
    write(tmp_path, "src/pkg/model.py", FLAGGED)
    inside = tmp_path / "src" / "pkg"
    result = birnn("check", "--format", "concise", cwd=inside)
    assert result.code == 0, result
    # A pyproject.toml without the table is passed by, as ruff does.
    write(inside, "pyproject.toml", "[project]\nname = 'inner'\n")
    assert birnn("check", cwd=inside).code == 0


def test_isolated_ignores_the_file(tmp_path: Path) -> None:
    _project(tmp_path, 'ignore = ["BRN002"]')
    write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", "--isolated", "--format", "concise", cwd=tmp_path)
    assert result.code == 1
    assert _codes(result) == [("model.py", "BRN002")]


def test_config_option_names_the_file(tmp_path: Path) -> None:
    write(tmp_path, "model.py", FLAGGED)
    write(tmp_path, "settings/pyproject.toml", '[tool.birnn-lint]\nignore = ["BRN0"]\n')
    write(tmp_path, "settings/birnn.toml", 'ignore = ["BRN002"]\n')
    for config in ("settings/pyproject.toml", "settings/birnn.toml"):
        result = birnn("check", "--config", config, "model.py", cwd=tmp_path)
        assert result.code == 0, (config, result)
    result = birnn("check", "--config", "nowhere.toml", cwd=tmp_path)
    assert result.code == 2 and "nowhere.toml" in result.err


@pytest.mark.parametrize(
    ("table", "flags", "expected"),
    [
        ("", (), ["BRN002", "BRN005"]),
        ('select = ["BRN002"]', (), ["BRN002"]),
        ('select = ["BRN00"]', (), ["BRN002", "BRN005"]),
        ('select = ["BRN00"]\nignore = ["BRN005"]', (), ["BRN002"]),
        # A more specific selector wins over a less specific ignore.
        ('ignore = ["BRN00"]\nextend-select = ["BRN005"]', (), ["BRN005"]),
        ('select = ["BRN002"]\nextend-select = ["BRN005"]', (), ["BRN002", "BRN005"]),
        ('ignore = ["BRN002"]', ("--select", "BRN002,BRN005"), ["BRN002", "BRN005"]),
        ('select = ["BRN005"]', ("--extend-select", "BRN002"), ["BRN002", "BRN005"]),
        ('select = ["BRN"]', ("--ignore", "BRN005"), ["BRN002"]),
        ("", ("--select", "ALL", "--ignore", "BRN002"), ["BRN005"]),
        ("", ("--select", "BRN001"), []),
    ],
)
def test_selection(tmp_path: Path, table: str, flags: tuple[str, ...], expected: list[str]) -> None:
    _project(tmp_path, table)
    write(tmp_path, "model.py", TWO_RULES)
    result = birnn("check", "--format", "concise", *flags, cwd=tmp_path)
    assert sorted(code for _, code in _codes(result)) == expected, result
    assert result.code == (1 if expected else 0)


def test_selection_keeps_diagnostics_unless_ignored(tmp_path: Path) -> None:
    write(tmp_path, "broken.py", BROKEN)
    assert birnn("check", "--select", "BRN002", cwd=tmp_path).code == 1
    assert birnn("check", "--ignore", "BRN900", cwd=tmp_path).code == 0


def test_per_file_ignores(tmp_path: Path) -> None:
    _project(
        tmp_path,
        '[tool.birnn-lint.per-file-ignores]\n"tests/**" = ["BRN002"]\n"legacy_*.py" = ["BRN"]\n',
    )
    write(tmp_path, "tests/unit/test_model.py", TWO_RULES)
    write(tmp_path, "src/legacy_model.py", TWO_RULES)
    write(tmp_path, "src/model.py", FLAGGED)
    result = birnn("check", "--format", "concise", cwd=tmp_path)
    assert _codes(result) == [("src/model.py", "BRN002"), ("tests/unit/test_model.py", "BRN005")]


def test_exclude_and_extend_exclude(tmp_path: Path) -> None:
    write(tmp_path, "src/model.py", FLAGGED)
    write(tmp_path, "generated/model.py", FLAGGED)
    write(tmp_path, "build/model.py", FLAGGED)
    write(tmp_path, "src/nested/model_pb2.py", FLAGGED)

    def files(*flags: str) -> list[str]:
        return birnn("check", "--show-files", *flags, cwd=tmp_path).out.split()

    assert files() == ["generated/model.py", "src/model.py", "src/nested/model_pb2.py"]
    _project(tmp_path, 'extend-exclude = ["generated", "*_pb2.py"]')
    assert files() == ["src/model.py"]
    # `exclude` replaces the defaults: build/ is checked again.
    _project(tmp_path, 'exclude = ["src/nested/"]')
    assert files() == ["build/model.py", "generated/model.py", "src/model.py"]
    assert files("--extend-exclude", "generated,build") == ["src/model.py"]
    assert files("--exclude", "src") == ["build/model.py", "generated/model.py"]


def test_named_files_are_checked_unless_force_exclude(tmp_path: Path) -> None:
    write(tmp_path, "generated/model.py", FLAGGED)
    _project(tmp_path, 'extend-exclude = ["generated"]')
    assert birnn("check", "generated/model.py", cwd=tmp_path).code == 1
    assert birnn("check", "--force-exclude", "generated/model.py", cwd=tmp_path).code == 0
    _project(tmp_path, 'extend-exclude = ["generated"]\nforce-exclude = true')
    assert birnn("check", "generated/model.py", cwd=tmp_path).code == 0
    assert birnn("check", "--no-force-exclude", "generated/model.py", cwd=tmp_path).code == 1


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('selct = ["BRN002"]', ["'selct'", "did you mean 'select'"]),
        ('select = ["BRN999"]', ["'BRN999'", "select"]),
        ('ignore = ["XYZ"]', ["'XYZ'", "ignore"]),
        ('[tool.birnn-lint.per-file-ignores]\n"a.py" = ["BRN77"]', ["'BRN77'", "per-file-ignores"]),
        ('select = "BRN002"', ["select", "list of strings"]),
        ("respect-gitignore = 1", ["respect-gitignore", "true or false"]),
        ("per-file-ignores = []", ["per-file-ignores", "table"]),
    ],
)
def test_bad_settings_exit_2_naming_key_and_file(
    tmp_path: Path, table: str, words: list[str]
) -> None:
    _project(tmp_path, table)
    write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", cwd=tmp_path)
    assert result.code == 2, result
    assert result.out == ""
    assert str(tmp_path / "pyproject.toml") in result.err
    for word in words:
        assert word in result.err, (word, result.err)
    assert len(result.err.strip().splitlines()) == 1


def test_invalid_toml_exits_2(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.birnn-lint\nselect = [\n")
    write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", cwd=tmp_path)
    assert result.code == 2
    assert "cannot parse" in result.err and "pyproject.toml" in result.err


def test_config_and_isolated_conflict(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.birnn-lint]\n")
    result = birnn("check", "--isolated", "--config", "pyproject.toml", cwd=tmp_path)
    assert result.code == 2
