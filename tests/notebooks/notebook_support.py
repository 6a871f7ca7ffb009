"""Real notebooks for the notebook tests, written by `nbformat` as Jupyter writes them."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from entry_point import BIRNN_LINT
from nbformat.notebooknode import NotebookNode


@dataclass
class Result:
    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(extra)
    return env


def birnn(*args: str | Path, cwd: Path, input: bytes | None = None) -> Result:
    """The installed console script, run for real (no cache: each test stands alone)."""
    done = subprocess.run(
        [BIRNN_LINT, *map(str, args)],
        cwd=cwd,
        input=input,
        capture_output=True,
        env=clean_env(),
        timeout=300,
    )
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, f"a traceback reached the user:\n{err}"
    return Result(done.returncode, out, err)


# A notebook's cells as (kind, source): "code", "markdown" or "raw".
Cells = list[tuple[str, str]]

IMPORTS = "import torch\nfrom torch import nn"
LAYER = "rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)\nx = torch.randn(5, 3, 8)"
RUN = "output, h_n = rnn(x)"
READ = "# the summary\nlast = h_n[-1]"

# The layer is built in cell 3 and misread in cell 5 (line 2, column 8), with a markdown
# cell first: cells are counted as Jupyter shows them.
CROSS_CELL: Cells = [
    ("markdown", "# A model\nIt reads `h_n[-1]` (this is prose, not code)."),
    ("code", IMPORTS),
    ("code", LAYER),
    ("raw", "last = h_n[-1]"),
    ("code", RUN + "\n" + READ),
]
CROSS_CELL_AT = "cell 5:3:8"


def notebook(cells: Cells, language: str | None = "python") -> NotebookNode:
    nb = nbformat.v4.new_notebook()
    if language is not None:
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": language,
        }
        nb.metadata["language_info"] = {"name": language}
    makers = {
        "code": nbformat.v4.new_code_cell,
        "markdown": nbformat.v4.new_markdown_cell,
        "raw": nbformat.v4.new_raw_cell,
    }
    nb.cells = [makers[kind](source) for kind, source in cells]
    return nb


def write_notebook(path: Path, nb: NotebookNode | Cells) -> Path:
    if isinstance(nb, list):
        nb = notebook(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def with_outputs(nb: NotebookNode, image_bytes: int = 2000) -> NotebookNode:
    """Outputs, execution counts and metadata on every code cell, as after a run."""
    import base64

    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        cell.metadata["tags"] = ["keep-me"]
        payload = base64.b64encode(bytes(range(256)) * (image_bytes // 256 + 1)).decode()
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text=f"step {count}\n"),
            nbformat.v4.new_output(
                "display_data",
                data={"image/png": payload[:image_bytes], "text/plain": "<Figure>"},
            ),
        ]
    return nb


def cell_sources(path: Path) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in data["cells"]
    ]


def json_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def line_of(path: Path, needle: str) -> tuple[int, int]:
    """1-based (line, column) of the last `needle` in the file's text."""
    found = None
    for number, line in enumerate(json_lines(path), start=1):
        if needle in line:
            found = number, line.index(needle) + 1
    assert found is not None, f"{needle!r} not in {path}"
    return found


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
