"""`rule`, `clean`, the cache location, and the start-up cost of `check`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cli_support import CLEAN, FLAGGED, birnn, clean_env, write

from birnn_lint.registry import all_rules


def test_rule_prints_the_spec(tmp_path: Path) -> None:
    from birnn_lint.specs import load_spec

    result = birnn("rule", "BRN002", cwd=tmp_path)
    assert result.code == 0
    spec = load_spec("BRN002")
    assert spec and "\n## Proof\n" in spec
    # The page as users read it: everything up to the test suite's `## Proof` TOML.
    assert result.out.strip() == spec.split("\n## Proof\n")[0].strip()
    assert "## Fix safety" in result.out
    assert "## Proof" not in result.out and "wrong_when" not in result.out
    assert birnn("rule", "brn002", cwd=tmp_path).out == result.out
    as_json = birnn("rule", "BRN002", "--format", "json", cwd=tmp_path)
    assert "## Proof" not in as_json.out


def test_rule_all(tmp_path: Path) -> None:
    text = birnn("rule", "--all", cwd=tmp_path)
    assert text.code == 0
    assert [line.split()[0] for line in text.out.splitlines()] == [r.code for r in all_rules()]
    data = json.loads(birnn("rule", "--all", "--format", "json", cwd=tmp_path).out)
    assert [(d["code"], d["name"]) for d in data] == [(r.code, r.name) for r in all_rules()]
    assert all({"summary", "fix", "kind", "explanation"} <= set(d) for d in data)
    one = json.loads(birnn("rule", "BRN002", "--format", "json", cwd=tmp_path).out)
    assert one["code"] == "BRN002" and one["fix"] == "unsafe"


def test_cache_lives_at_the_project_root_and_clean_removes_it(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'demo'\n")
    write(tmp_path, "src/model.py", FLAGGED)
    cache = tmp_path / ".birnn_lint_cache"
    assert birnn("check", "--no-cache", cwd=tmp_path / "src").code == 1
    assert not cache.exists()
    first = birnn("check", cwd=tmp_path / "src")
    assert first.code == 1 and cache.is_dir()
    assert birnn("check", cwd=tmp_path / "src").out == first.out
    assert birnn("clean", cwd=tmp_path / "src").code == 0
    assert not cache.exists()
    assert birnn("clean", cwd=tmp_path).code == 0  # nothing to remove is fine


def _imports_libcst(tmp_path: Path, source: str) -> bool:
    write(tmp_path, "one.py", source)
    program = (
        "import sys\n"
        "from birnn_lint.cli import main\n"
        "code = main(['check', '--no-cache', 'one.py'])\n"
        "print('libcst' in sys.modules, code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    loaded, _ = done.stdout.split()[-2:]
    return loaded == "True"


def test_one_plain_file_does_not_import_libcst(tmp_path: Path) -> None:
    assert not _imports_libcst(tmp_path, CLEAN)
    assert _imports_libcst(tmp_path, FLAGGED)
