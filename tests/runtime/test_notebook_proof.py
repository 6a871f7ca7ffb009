"""The runtime proof for notebooks: a notebook written by nbformat is executed cell by
cell in a real IPython kernel (nbclient) on real torch, shown wrong against a truth
computed independently, fixed by `birnn-lint check --fix --unsafe-fixes`, executed
again and shown right.

The layer is built in one cell and misread in another; the notebook also holds a
markdown cell, a shell escape and a cell magic, which the kernel runs for real and the
linter masks.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import nbformat
import torch
from entry_point import BIRNN_LINT
from nbclient import NotebookClient
from torch import nn

from birnn_lint.proof.truths import last_layer_both_directions, reference

FLAGGED_CELL = """\
summary = h_n[-1]  # the sentence vector for the classifier
features = h_n.view(h_n.size(1), -1)  # every layer's states, per sentence
summary.shape, features.shape"""


def _notebook(result_file: Path) -> nbformat.NotebookNode:
    new_code, new_markdown = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        new_markdown("# A sentence encoder"),
        new_code(
            "import torch\nfrom torch import nn\n!echo preparing the data\n"
            "torch.manual_seed(0)\ntorch.set_num_threads(1)"
        ),
        new_code(
            "encoder = nn.LSTM(4, 6, num_layers=2, bidirectional=True)\nx = torch.randn(7, 3, 4)"
        ),
        new_markdown("Encode the batch (time-major: 7 steps, 3 sentences)."),
        new_code("%%time\noutput, (h_n, c_n) = encoder(x)"),
        new_code(FLAGGED_CELL),
        new_code(
            "torch.save({'summary': summary, 'features': features, 'x': x, "
            f"'weights': encoder.state_dict()}}, {str(result_file)!r})"
        ),
    ]
    return nb


def _execute(path: Path) -> nbformat.NotebookNode:
    """Run every cell in order in a fresh kernel; save the notebook with its outputs."""
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    nbformat.write(nb, str(path))
    return nb


def _truth(saved: dict[str, object]) -> tuple[torch.Tensor, torch.Tensor]:
    """Computed outside the notebook: the same weights, run one layer, one direction and
    one sentence at a time (birnn_lint/proof/truths.py)."""
    layer = nn.LSTM(4, 6, num_layers=2, bidirectional=True)
    layer.load_state_dict(saved["weights"])  # type: ignore[arg-type]
    ref = reference(layer, saved["x"])  # type: ignore[arg-type]
    per_sentence = ref.h_n.permute(2, 0, 1, 3).reshape(ref.batch, -1)  # rows (layer, direction)
    return last_layer_both_directions(ref), per_sentence


def _right(value: torch.Tensor, truth: torch.Tensor) -> bool:
    return value.shape == truth.shape and torch.allclose(value, truth, atol=1e-6)


def test_a_flagged_notebook_is_wrong_and_its_fix_is_right(tmp_path: Path) -> None:
    result_file = tmp_path / "result.pt"
    path = tmp_path / "encoder.ipynb"
    nbformat.write(_notebook(result_file), str(path))

    executed = _execute(path)
    stdout = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert "preparing the data" in stdout and "Wall time" in stdout  # magics ran for real
    saved = torch.load(result_file, weights_only=True)
    summary_truth, features_truth = _truth(saved)
    assert not _right(saved["summary"], summary_truth)  # the backward direction only
    assert saved["summary"].shape == (3, 6) and summary_truth.shape == (3, 12)
    assert not _right(saved["features"], features_truth)  # rows of different sentences

    check = subprocess.run(
        [BIRNN_LINT, "check", "--no-cache", "--format", "json", path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 1, check.stderr
    found = {(f["code"], f["cell"], f["location"]["row"]) for f in json.loads(check.stdout)}
    assert found == {("BRN002", 6, 1), ("BRN003", 6, 2)}

    before = json.loads(path.read_text(encoding="utf-8"))
    fix = subprocess.run(
        [BIRNN_LINT, "check", "--no-cache", "--fix", "--unsafe-fixes", path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert fix.returncode == 0, fix.stdout + fix.stderr
    assert "Found 2 findings (2 fixed, 0 remaining)." in fix.stdout
    after = json.loads(path.read_text(encoding="utf-8"))
    # Only the flagged cell's source changed; the outputs of the first run are still there.
    assert len(after["cells"]) == len(before["cells"])
    changed = [
        i for i, (a, b) in enumerate(zip(before["cells"], after["cells"], strict=True)) if a != b
    ]
    assert changed == [5]
    assert {k: v for k, v in after["cells"][5].items() if k != "source"} == {
        k: v for k, v in before["cells"][5].items() if k != "source"
    }

    result_file.unlink()
    _execute(path)
    fixed = torch.load(result_file, weights_only=True)
    assert torch.equal(fixed["x"], saved["x"])
    summary_truth, features_truth = _truth(fixed)
    assert _right(fixed["summary"], summary_truth)
    assert _right(fixed["features"], features_truth)
    assert fixed["features"].shape == saved["features"].shape  # BRN003's fix is safe
