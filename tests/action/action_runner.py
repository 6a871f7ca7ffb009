"""Running the composite action's `run` steps the way a GitHub runner does, on this
machine.

What the runner does for a composite action, and this module repeats:
- each `${{ expression }}` in a step's `run`, `env` and `working-directory` is replaced by
  its value before the step starts (`inputs.NAME` is the `with:` value or the input's
  default, "" for an input without either); only the expressions listed in
  `_CONTEXTS` are known here, and any other fails the test rather than being guessed;
- composite actions get no `INPUT_*` variables (actions/runner issue 665): inputs reach a
  script only through expressions, so none are set here either;
- the step's environment holds the variables the runner sets (`GITHUB_WORKSPACE`,
  `GITHUB_ACTION_PATH`, `RUNNER_TEMP`, `GITHUB_PATH`, ...) and the step's own `env`;
- `shell: bash` runs `bash --noprofile --norc -eo pipefail FILE` in the workspace;
- folders a step appends to the `GITHUB_PATH` file are put before `PATH` for the steps
  after it, the latest first;
- the first failing step fails the action (and the job): the steps after it are skipped.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_INPUT = re.compile(r"inputs\.([A-Za-z_][\w-]*)")
_SHELLS = {"bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"]}


@dataclass
class StepResult:
    name: str
    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"{self.name}: exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def load_action(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((folder / "action.yml").read_text(encoding="utf-8"))
    return data


class ActionRunner:
    def __init__(self, action_dir: Path, workspace: Path, temp: Path) -> None:
        self.action_dir = action_dir
        self.action = load_action(action_dir)
        self.workspace = workspace
        self.temp = temp
        temp.mkdir(parents=True, exist_ok=True)
        self.files = {
            name: temp / f"{name.lower()}.txt"
            for name in ("GITHUB_PATH", "GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")
        }
        for path in self.files.values():
            path.touch()

    def inputs(self, given: dict[str, str]) -> dict[str, str]:
        declared = self.action.get("inputs", {})
        unknown = set(given) - set(declared)
        assert not unknown, f"not inputs of the action: {unknown}"
        return {
            name: str(given.get(name, spec.get("default", ""))) for name, spec in declared.items()
        }

    def _contexts(self, inputs: dict[str, str]) -> dict[str, str]:
        contexts = {f"inputs.{name}": value for name, value in inputs.items()}
        contexts.update(
            {
                "github.action_path": str(self.action_dir),
                "github.workspace": str(self.workspace),
                "runner.temp": str(self.temp),
                "runner.os": "Linux",
            }
        )
        return contexts

    def _substitute(self, text: str, contexts: dict[str, str]) -> str:
        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            assert expression in contexts, f"expression not emulated: {expression!r}"
            return contexts[expression]

        return _EXPRESSION.sub(value, text)

    def _base_env(self, extra: dict[str, str]) -> dict[str, str]:
        # The test's own virtual environment is not on a runner's PATH.
        ours = os.path.dirname(sys.executable)
        path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != ours)
        env = {k: v for k, v in os.environ.items() if k.startswith("PIP_") or k == "HOME"}
        env.update(
            {
                "PATH": path,
                "CI": "true",
                "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": str(self.workspace),
                "GITHUB_ACTION_PATH": str(self.action_dir),
                "RUNNER_TEMP": str(self.temp),
                "RUNNER_OS": "Linux",
                "LANG": "C.UTF-8",
            }
        )
        env.update({name: str(path) for name, path in self.files.items()})
        env.update(extra)
        return env

    def _path(self, base: str) -> str:
        added = [line for line in self.files["GITHUB_PATH"].read_text().splitlines() if line]
        return os.pathsep.join([*reversed(added), base])

    def run(
        self,
        given: dict[str, str] | None = None,
        steps: list[str] | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> list[StepResult]:
        """Run the action's steps (or those named) with these `with:` values; stops
        after the first failing step, as the runner does."""
        contexts = self._contexts(self.inputs(given or {}))
        results = []
        for number, step in enumerate(self.action["runs"]["steps"]):
            name = step.get("name", f"step {number}")
            if steps is not None and name not in steps:
                continue
            assert "uses" not in step and "if" not in step, f"not emulated: {step}"
            env = self._base_env(extra_env or {})
            env["PATH"] = self._path(env["PATH"])
            for key, value in (step.get("env") or {}).items():
                env[key] = self._substitute(str(value), contexts)
            script = self.temp / f"step-{number}.sh"
            script.write_text(self._substitute(step["run"], contexts), encoding="utf-8")
            folder = step.get("working-directory")
            cwd = self._substitute(folder, contexts) if folder else str(self.workspace)
            done = subprocess.run(
                [*_SHELLS[step["shell"]], str(script)],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            results.append(StepResult(name, done.returncode, done.stdout, done.stderr))
            if done.returncode != 0:
                break
        return results


def inputs_used(text: str) -> set[str]:
    return {m.group(1) for e in _EXPRESSION.finditer(text) for m in _INPUT.finditer(e.group(1))}
