"""birnn-lint never imports, executes or evaluates the code it checks, and reads its
configuration with a TOML parser only.

Behaviour first: a project full of code that would leave a marker file if anything ran
it (the checked module, packaging hooks, modules named like birnn-lint's dependencies,
shell syntax in names and settings) goes through every command; no marker appears. Then
the source: no call in birnn-lint can run code from a string."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hardening_support import FLAGGED, birnn, environment, flagged_line, write

import birnn_lint

MARKERS = "markers"


def _payload(root: Path, name: str) -> str:
    """Python that leaves `markers/<name>` behind when it runs (with or without import)."""
    marker = root / MARKERS / name
    return f"open({str(marker)!r}, 'w').write('ran')\n"


def _hostile_project(root: Path) -> None:
    (root / MARKERS).mkdir()
    # The checked module: analysed (torch and a layer), flagged and fixable.
    write(root, "model.py", _payload(root, "model") + FLAGGED)
    write(root, "__init__.py", _payload(root, "package"))
    write(root, "conftest.py", _payload(root, "conftest"))
    write(root, "setup.py", _payload(root, "setup"))
    # Modules named like what birnn-lint and Python import at start-up.
    for module in ("click", "libcst", "tomllib", "tomli", "torch", "sitecustomize", "birnn_lint"):
        write(root, f"{module}.py", _payload(root, module))
    # Names a shell would run.
    write(root, "$(touch pwned).py", _payload(root, "shell-name") + FLAGGED)
    # Packaging metadata that a build tool would execute: a local build backend and a
    # version read from a module attribute.
    write(root, "evil_backend.py", _payload(root, "backend"))
    write(
        root,
        "pyproject.toml",
        "[build-system]\n"
        'requires = []\nbuild-backend = "evil_backend"\nbackend-path = ["."]\n'
        '[project]\nname = "x"\ndynamic = ["version"]\n'
        '[tool.setuptools.dynamic]\nversion = {attr = "evil_backend.VERSION"}\n'
        "[tool.other]\n"
        f"code = \"__import__('os').system('touch {root / MARKERS / 'toml'}')\"\n"
        "[tool.birnn-lint]\n"
        'extend-exclude = ["$(touch pwned)", "`touch pwned`", "*; touch pwned"]\n'
        'per-file-ignores = { "__import__(\'os\')" = ["BRN002"] }\n',
    )
    write(root, ".gitignore", "!$(touch pwned)\n")


def _markers(root: Path) -> list[str]:
    left = sorted(p.name for p in (root / MARKERS).iterdir())
    return left + (["pwned"] if (root / "pwned").exists() else [])


def test_checked_code_never_runs(tmp_path: Path) -> None:
    _hostile_project(tmp_path)
    shell_named = flagged_line("$(touch pwned).py", row=7, marker="[unsafe fix]")
    model = flagged_line("model.py", row=7, marker="[unsafe fix]")
    base = ("check", "--no-cache", "--format", "concise", "-q")

    checked = birnn(*base, cwd=tmp_path)
    assert (checked.code, checked.lines) == (1, [shell_named, model]), checked
    # Enough code that `--jobs 2` checks the files in worker processes.
    padding = write(tmp_path, "padding.py", _payload(tmp_path, "padding") + "x = 1\n" * 100_000)
    pooled = birnn(*base, "--jobs", "2", cwd=tmp_path)
    assert pooled.lines == checked.lines, pooled
    padding.unlink()
    for args in (("--diff", "--unsafe-fixes"), ("--show-files",)):
        birnn(*base, *args, cwd=tmp_path)
    fixed = birnn(*base, "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert (fixed.code, fixed.lines) == (0, []), fixed
    assert "torch.cat" in (tmp_path / "model.py").read_text()
    birnn(*base, "--add-noqa", cwd=tmp_path)
    stdin = birnn(
        *base,
        "--fix",
        "--unsafe-fixes",
        "-",
        cwd=tmp_path,
        input=_payload(tmp_path, "stdin") + FLAGGED,
    )
    assert "torch.cat" in stdin.out
    birnn("clean", cwd=tmp_path)
    assert _markers(tmp_path) == []


def test_flake8_plugin_does_not_run_checked_code(tmp_path: Path) -> None:
    flake8 = shutil.which("flake8") or str(Path(sys.executable).with_name("flake8"))
    (tmp_path / MARKERS).mkdir()
    write(tmp_path, "model.py", _payload(tmp_path, "model") + FLAGGED)
    done = subprocess.run(
        [flake8, "--select", "BRN", "model.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=120,
    )
    assert done.stdout.startswith("model.py:7:8: BRN002 "), done
    assert _markers(tmp_path) == []


# --- the source ------------------------------------------------------------------------

# Calls that run code from data, or start programs.
FORBIDDEN_NAMES = {"eval", "exec", "__import__", "breakpoint"}
FORBIDDEN_MODULES = {"subprocess", "pickle", "marshal", "runpy", "shelve", "ctypes", "code", "pty"}
FORBIDDEN_ATTRIBUTES = {
    ("os", "system"),
    ("os", "popen"),
    ("os", "execv"),
    ("os", "execvp"),
    ("os", "spawnv"),
    ("os", "startfile"),
    ("yaml", "load"),
    ("yaml", "unsafe_load"),
}
# birnn_lint/proof/ runs the rule pages' own examples on torch (`birnn-lint prove`,
# `rule CODE --run`), which is its purpose: these calls, in these files, alone. `check`
# never imports them (tests/cli/test_cli_no_torch.py).
RUNS_RULE_EXAMPLES = {
    "execution.py": {"exec", "compile"},
    "spec_examples.py": {"eval", "compile"},
    "truths.py": {"eval"},
}
# Importing by name is allowed only where the name is one of birnn-lint's own modules.
IMPORT_MODULE_ALLOWED = {"registry.py", "__init__.py"}


def _sources() -> list[Path]:
    return sorted(Path(birnn_lint.__file__).parent.rglob("*.py"))


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.name)
def test_no_code_execution_in_the_source(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = RUNS_RULE_EXAMPLES.get(path.name, set()) if path.parent.name == "proof" else set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN_MODULES, (path, node.lineno, name)
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name):
            assert function.id not in FORBIDDEN_NAMES - allowed, (path, node.lineno)
            if (
                function.id == "compile" and "compile" not in allowed
            ):  # only ever to parse (PyCF_ONLY_AST), never to run
                flags = {k.arg: k.value for k in node.keywords}.get("flags")
                assert flags is not None, (path, node.lineno, "compile without flags")
                value = flags.value if isinstance(flags, ast.Constant) else None
                assert value == 0x400 or (isinstance(flags, ast.Name) and "AST" in flags.id), (
                    path,
                    node.lineno,
                )
        if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
            pair = (function.value.id, function.attr)
            assert pair not in FORBIDDEN_ATTRIBUTES, (path, node.lineno, pair)
            if pair == ("importlib", "import_module"):
                assert path.name in IMPORT_MODULE_ALLOWED, (path, node.lineno)
                argument = node.args[0]
                # f"{package}.{name}": always below one of birnn-lint's own packages.
                assert isinstance(argument, ast.JoinedStr), (path, node.lineno)


def test_configuration_is_read_by_tomllib_only() -> None:
    """The one place that reads settings hands the bytes to a TOML parser."""
    from birnn_lint import config

    source = Path(config.__file__).read_text(encoding="utf-8")
    assert "tomllib.loads(" in source
    for reader in ("json.load", "yaml", "configparser", "exec(", "eval(", "import_module"):
        assert reader not in source, reader
