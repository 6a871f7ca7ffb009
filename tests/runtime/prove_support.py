"""Running `birnn-lint prove` / `rule --run` as users do, and a Python on which torch does
not import."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from entry_point import BIRNN_LINT

REPO_ROOT = Path(__file__).resolve().parents[2]
RULES = REPO_ROOT / "rules"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def birnn(*args: str | Path, env: dict[str, str] | None = None, timeout: int = 600) -> Result:
    done = subprocess.run(
        [BIRNN_LINT, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return Result(done.returncode, done.stdout, done.stderr)


def without_torch(root: Path) -> Path:
    """A folder that, first on PYTHONPATH, makes `import torch` fail as it does where
    torch is not installed (a package whose import raises ModuleNotFoundError)."""
    package = root / "no_torch" / "torch"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'torch'\", name='torch')\n"
    )
    return package.parent


def spec_with(code: str, old: str, new: str, folder: Path) -> Path:
    """A copy of rule `code`'s page with one change, as a file named like a rule page."""
    (page,) = RULES.glob(f"{code}-*.md")
    text = page.read_text(encoding="utf-8")
    assert old in text, f"{page.name} has no {old!r}"
    path = folder / page.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path
