"""Running the installed `birnn-lint` entry point on real files, for the CLI tests."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from entry_point import BIRNN_LINT, FLAGGED, write  # noqa: F401 - re-exported

REPO_ROOT = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = REPO_ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"

FLAGGED_AT = (6, 8)
# The same code, corrected the way BRN002's fix suggests.
CORRECTED = FLAGGED.replace("h_n[-1]", "torch.cat((h_n[-2], h_n[-1]), dim=-1)")

# Not Python: BRN900 at line 1, column 7.
BROKEN = "def f(:\n    return torch.nn.LSTM(4, 8)  # a layer, once it parses\n"
CLEAN = "import os\n\nprint(os.sep)\n"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without the variables that change colour."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(extra)
    return env


def birnn(
    *args: str | Path,
    cwd: Path,
    input: str | bytes | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    data = input.encode("utf-8") if isinstance(input, str) else input
    done = subprocess.run(
        [BIRNN_LINT, *map(str, args)],
        cwd=cwd,
        input=data,
        capture_output=True,
        env=env if env is not None else clean_env(),
        timeout=120,
    )
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, f"a traceback reached the user:\n{err}"
    return Result(done.returncode, out, err)


CONCISE = re.compile(r"^(?P<path>.+?):(?P<row>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<rest>.*)$")


def concise_findings(text: str) -> list[tuple[str, int, int, str]]:
    """(path, row, column, code) of each `path:row:col: CODE ...` line."""
    out = []
    for line in text.splitlines():
        match = CONCISE.match(line)
        if match:
            out.append((match["path"], int(match["row"]), int(match["col"]), match["code"]))
    return out


def spec_example(code: str) -> str:
    """The flagged example (the python block under `## Example`) of a rule's spec."""
    from birnn_lint.specs import load_spec

    spec = load_spec(code)
    assert spec, f"no spec for {code}"
    section = spec.split("\n## Example", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def safe_fix_example() -> tuple[str, str]:
    """(code, flagged example) of the first rule whose fix is safe."""
    from birnn_lint.registry import check_rules

    codes = [rule.code for rule in check_rules() if rule.fix_safety == "safe"]
    assert codes, "no rule with a safe fix is registered"
    return codes[0], spec_example(codes[0])


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout
