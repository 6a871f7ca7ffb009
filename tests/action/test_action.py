"""The GitHub Action (action.yml): valid metadata, and its `run` steps, executed as a
runner executes them (see action_runner.py), install birnn-lint at the pinned version,
turn findings into annotations and fail the job exactly when they promise to.

birnn-lint is installed for real by the action's own install step, into the
action's own virtual environment: from a wheel of this checkout offered under the
pinned version (standing in for PyPI), or from the checkout through `install-source`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from action_runner import ActionRunner, StepResult, inputs_used, load_action
from entry_point import FLAGGED, write

from birnn_lint import __version__

REPO_ROOT = Path(__file__).resolve().parents[2]
INSTALL, RUN = "Install birnn-lint", "Run birnn-lint"


def _annotations(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("::")]


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a wheel of this checkout: birnn-lint at the pinned version, found by
    pip as it would find the release on PyPI."""
    folder = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(folder)]
        + [str(REPO_ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    assert list(folder.glob(f"birnn_lint-{__version__}-*.whl"))
    return folder


def _find_links(wheels: Path) -> dict[str, str]:
    links = " ".join(filter(None, [os.environ.get("PIP_FIND_LINKS", ""), str(wheels)]))
    return {"PIP_FIND_LINKS": links}


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory, wheels: Path) -> ActionRunner:
    """The action installed with its default inputs (the pinned version)."""
    workspace = tmp_path_factory.mktemp("workspace")
    runner = ActionRunner(REPO_ROOT, workspace, tmp_path_factory.mktemp("runner-temp"))
    [install] = runner.run(steps=[INSTALL], extra_env=_find_links(wheels))
    assert install.code == 0, install
    assert f"birnn-lint {__version__}" in install.out
    venv_bin = runner.temp / "birnn-lint-venv" / "bin"
    assert runner.files["GITHUB_PATH"].read_text().splitlines() == [str(venv_bin)]
    return runner


def _workspace(runner: ActionRunner) -> None:
    root = runner.workspace
    write(root, "model.py", FLAGGED)
    write(root, "clean.py", "import os\nprint(os.sep)\n")
    nb = nbformat.v4.new_notebook()
    lines = FLAGGED.splitlines(keepends=True)
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Notes"),
        nbformat.v4.new_code_cell("".join(lines[:5])),
        nbformat.v4.new_code_cell(lines[5]),
    ]
    (root / "nbs").mkdir(exist_ok=True)
    nbformat.write(nb, str(root / "nbs" / "model.ipynb"))


def _check(runner: ActionRunner, **given: str) -> StepResult:
    _workspace(runner)
    [step] = runner.run(given, steps=[RUN])
    assert "Traceback" not in step.err, step
    return step


def test_the_action_metadata_is_a_valid_composite_action() -> None:
    action = load_action(REPO_ROOT)
    assert action["name"] == "birnn-lint" and action["description"]
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert set(inputs) == {"version", "src", "args", "install-source"}
    for spec in inputs.values():
        assert spec["description"] and isinstance(spec["default"], str)
    assert inputs["version"]["default"] == __version__  # pinned to this release
    assert inputs["src"]["default"] == "."
    steps = action["runs"]["steps"]
    assert [step["name"] for step in steps] == [INSTALL, RUN]
    used: set[str] = set()
    for step in steps:
        assert step["shell"] == "bash"  # composite run steps must name their shell
        # No expression inside a script: inputs arrive as environment variables, so a
        # value is never run as code.
        assert "${{" not in step["run"]
        used |= inputs_used(json.dumps(step.get("env", {})))
    assert used == set(inputs)


def test_findings_become_annotations_and_fail_the_job(runner: ActionRunner) -> None:
    step = _check(runner)
    assert step.code == 1, step  # the job fails
    annotations = _annotations(step.out)
    assert annotations[0] == (
        "::error file=model.py,line=6,col=8,endLine=6,endColumn=15,title=BRN002::"
        "`rnn` (GRU, bidirectional, num_layers=2): `h_n[-1]` is only the backward "
        "direction of the last layer; the last layer's forward state is `h_n[-2]`"
    )
    notebook_lines = (runner.workspace / "nbs" / "model.ipynb").read_text().splitlines()
    line = next(i for i, text in enumerate(notebook_lines, 1) if '"last = h_n[-1]' in text)
    column = notebook_lines[line - 1].index("h_n[-1]") + 1
    assert annotations[1].startswith(
        f"::error file=nbs/model.ipynb,line={line},col={column},endLine={line},"
        f"endColumn={column + 7},title=BRN002::cell 3, line 1, column 8: `rnn` (GRU"
    )
    assert len(annotations) == 2


def test_nothing_to_report_passes(runner: ActionRunner) -> None:
    step = _check(runner, src="clean.py")
    assert step.code == 0, step
    assert _annotations(step.out) == []


def test_src_and_args_are_split_on_spaces(runner: ActionRunner) -> None:
    step = _check(runner, src="clean.py nbs", args="--ignore BRN002")
    assert step.code == 0 and _annotations(step.out) == [], step
    step = _check(runner, src="model.py  clean.py", args="--select BRN002 --exit-zero")
    assert step.code == 0, step  # --exit-zero: annotations, but the job goes on
    assert len(_annotations(step.out)) == 1


def test_errors_fail_the_job_and_inputs_are_never_code(runner: ActionRunner) -> None:
    step = _check(runner, args="--select BRN999")
    assert step.code == 2 and "BRN999" in step.err, step
    # A glob is a name, not expanded; `$(...)` is two words, not a command.
    step = _check(runner, src="*.py")
    assert step.code == 1 and "*.py" in step.out, step
    step = _check(runner, args="$(touch pwned) `touch pwned2`")
    assert step.code == 1 and "::error file=$(touch,line=1,col=1," in step.out, step
    assert not list(runner.workspace.glob("pwned*"))


def test_install_source_installs_from_a_checkout(tmp_path: Path) -> None:
    runner = ActionRunner(REPO_ROOT, tmp_path / "ws", tmp_path / "temp")
    runner.workspace.mkdir()
    write(runner.workspace, "model.py", FLAGGED)
    steps = runner.run({"install-source": str(REPO_ROOT), "src": "model.py"})
    assert [s.name for s in steps] == [INSTALL, RUN]
    assert steps[0].code == 0 and f"birnn-lint {__version__}" in steps[0].out, steps[0]
    assert steps[1].code == 1 and steps[1].out.startswith("::error file=model.py,line=6"), steps[1]


def test_a_version_that_does_not_exist_fails_before_checking(tmp_path: Path) -> None:
    runner = ActionRunner(REPO_ROOT, tmp_path / "ws", tmp_path / "temp")
    runner.workspace.mkdir()
    steps = runner.run({"version": "0.0.0.dev404"}, extra_env={"PIP_RETRIES": "0"})
    assert [s.name for s in steps] == [INSTALL]  # the check step is skipped
    assert steps[0].code != 0
    assert "birnn-lint==0.0.0.dev404" in steps[0].err, steps[0]


def test_a_sarif_report_for_code_scanning(runner: ActionRunner) -> None:
    """The README's code-scanning workflow: the action writing SARIF for upload-sarif
    (the last `--output-format` given wins)."""
    step = _check(runner, args="--output-format sarif --output-file birnn-lint.sarif --exit-zero")
    assert step.code == 0 and _annotations(step.out) == [], step
    sarif = json.loads((runner.workspace / "birnn-lint.sarif").read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    files = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert files == ["model.py", "nbs/model.ipynb"]
    assert results[1]["properties"]["cell"] == 3
