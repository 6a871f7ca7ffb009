"""`birnn-lint check` (and `rule`) never load torch, nor the code that runs the rule
pages' examples: both are for `prove` and `rule --run` alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from entry_point import FLAGGED, write

PROBE = """\
import sys
from birnn_lint.cli import main
code = main(sys.argv[1:])
runs = "birnn_lint.proof.execution" in sys.modules
print("torch loaded:", "torch" in sys.modules, "runs examples:", runs, "exit:", code)
"""


def _probe(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1]


def test_check_never_loads_torch(tmp_path: Path) -> None:
    write(tmp_path, "model.py", FLAGGED)
    assert (
        _probe("check", "--no-cache", "model.py", cwd=tmp_path)
        == "torch loaded: False runs examples: False exit: 1"
    )
    fixed = _probe("check", "--no-cache", "--fix", "--unsafe-fixes", "model.py", cwd=tmp_path)
    assert fixed == "torch loaded: False runs examples: False exit: 0"
    assert (
        _probe("rule", "BRN001", cwd=tmp_path) == "torch loaded: False runs examples: False exit: 0"
    )


def test_rule_run_does_load_torch(tmp_path: Path) -> None:
    """The probe sees torch when a command uses it (so the checks above mean something)."""
    assert (
        _probe("rule", "BRN002", "--run", cwd=tmp_path)
        == "torch loaded: True runs examples: True exit: 0"
    )


def test_torch_is_imported_in_birnn_lint_proof_alone() -> None:
    """The source: every `import torch` / `from torch...` lies in birnn_lint/proof/."""
    import ast

    import birnn_lint

    package = Path(birnn_lint.__file__).parent
    outside = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(name.split(".")[0] == "torch" for name in names):
                relative = path.relative_to(package)
                if relative.parts[0] != "proof":
                    outside.append(f"{relative}:{node.lineno}")
    assert not outside, outside
