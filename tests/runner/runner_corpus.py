"""A small real tree for the runner tests: flagged, suppressed, clean, broken and
unreadable files, big enough in total that more than one job really uses the pool."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from birnn_lint import runner
from birnn_lint.findings import Finding
from birnn_lint.runner import FileResult

# Flagged by BRN002 at line 6, column 8 (`h_n[-1]`), with an unsafe fix.
FLAGGED = """\
import torch
from torch import nn
rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)
x = torch.randn(5, 3, 8)
output, h_n = rnn(x)
last = h_n[-1]
"""
SUPPRESSED = FLAGGED.replace("last = h_n[-1]", "last = h_n[-1]  # noqa: BRN002")
BROKEN = "def f(:\n    return torch.nn.LSTM(4, 8)  # a layer, once it parses\n"


def filler(seed: int, functions: int = 120) -> str:
    """Plain Python (no recurrent layer) of about 100 bytes per function."""
    return "".join(
        f"def function_{seed}_{i}(a, b={i}):\n    return [a * b + k for k in range({i})]\n\n"
        for i in range(functions)
    )


@dataclass
class Corpus:
    root: Path
    files: list[tuple[Path, str]]

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p, _ in self.files if p.is_file())


def make_corpus(root: Path, fillers: int = 70) -> Corpus:
    """Write the tree; the file list includes paths that cannot be read."""
    root.mkdir(parents=True, exist_ok=True)
    texts: dict[str, bytes] = {
        "flagged_gru.py": FLAGGED.encode(),
        "flagged_lstm.py": FLAGGED.replace("nn.GRU", "nn.LSTM")
        .replace("output, h_n", "output, (h_n, c_n)")
        .encode(),
        "flagged_copy.py": FLAGGED.encode(),  # same content as flagged_gru.py
        "flagged_crlf.py": FLAGGED.replace("\n", "\r\n").encode(),
        "flagged_bom.py": b"\xef\xbb\xbf" + FLAGGED.encode(),
        "suppressed.py": SUPPRESSED.encode(),
        "broken.py": BROKEN.encode(),
        "latin1.py": ("# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n").encode("latin-1"),
        "bad_utf8.py": b"x = '\xff\xfe'\n",
        "empty.py": b"",
    }
    for i in range(fillers):
        texts[f"pkg/filler_{i:03d}.py"] = filler(i).encode()
    for name, data in texts.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "folder.py").mkdir(exist_ok=True)
    fifo = root / "fifo.py"
    if hasattr(os, "mkfifo") and not fifo.exists():
        os.mkfifo(fifo)
    names = sorted(texts) + ["folder.py", "missing.py"] + (["fifo.py"] if fifo.exists() else [])
    return Corpus(root, [(root / name, name) for name in names])


def normalized(results: list[FileResult]) -> list[tuple[str, list[dict], list, bool]]:
    """Everything a caller sees, as plain data (statement included: fixes rely on it)."""
    return [
        (
            r.display,
            [f.to_json() for f in r.findings],
            [f.statement for f in r.findings],
            r.source is not None,
        )
        for r in results
    ]


def by_display(results: list[FileResult]) -> dict[str, list[Finding]]:
    return {r.display: r.findings for r in results}


def uses_pool(corpus: Corpus) -> bool:
    return corpus.size >= runner._MIN_PARALLEL_BYTES
