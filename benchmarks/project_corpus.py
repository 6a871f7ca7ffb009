"""The "project" corpus of benchmarks/run.py: a generated package of modules that use
each other's classes, and the same files each alone in a folder of its own.

Each module `m<i>` builds a bidirectional GRU in a base class and a bidirectional LSTM
in an encoder, imports an encoder and a function from one module and a base class from
another (relative imports), subclasses that base, calls the encoder's `forward` (whose
state the analysis follows into the other file) and functions of other modules. The
code reads the layers right: birnn-lint finds nothing in it, with or without the other
files, so both runs do the same work but for the flow across files.

Checking the lone copies is checking the files one by one without cross-file flow:
each file's imports lead nowhere (the resolution is tried and finds nothing), in one
run over one project root, as the whole project is.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

PACKAGE = "netpkg"


def module_text(i: int, count: int, rng: random.Random) -> str:
    encoder, base, sibling = rng.sample([j for j in range(count) if j != i], 3)
    return f'''"""Module {i} of a generated project: layers that use each other's classes."""

import torch
from torch import nn

from .m{encoder} import EncoderRNN{encoder}, pool_{encoder}
from .m{base} import GRUBase{base}
from . import m{sibling} as sibling


class GRUBase{i}(nn.Module):
    """Owns a bidirectional GRU that subclasses in other modules run."""

    def __init__(self, hidden: int = 32) -> None:
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(64, hidden, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        outputs, h_n = self.gru(x)
        return outputs, h_n


class EncoderRNN{i}(nn.Module):
    def __init__(self, size: int = 16, hidden: int = 32) -> None:
        super().__init__()
        self.lstm = nn.LSTM(size, hidden, bidirectional=True, batch_first=True)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out, (h_n, c_n) = self.lstm(x)
        return out, h_n


def pool_{i}(states: torch.Tensor) -> torch.Tensor:
    return states.mean(dim=1)


class Model{i}(GRUBase{base}):
    def __init__(self) -> None:
        super().__init__(hidden=32)
        self.encoder = EncoderRNN{encoder}(16, 32)
        self.head = nn.Linear(4 * 32, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, h_enc = self.encoder(x)
        summary = torch.cat([h_enc[-2], h_enc[-1]], dim=-1)
        _, h_n = self.gru(out)
        last = h_n.view(2, 2, x.size(0), self.hidden)[-1]
        both = torch.cat([last[0], last[1]], dim=-1)
        pooled = pool_{encoder}(out) + sibling.pool_{sibling}(out)
        return self.head(torch.cat([summary, both], dim=-1)) + pooled.sum()
'''


def generate(folder: Path, files: int = 50, seed: int = 10) -> tuple[Path, Path]:
    """Write the project (`files` Python files: an `__init__.py` and `files - 1`
    modules) under folder/project, and under folder/alone a project of the same files
    each in a package folder of its own (folder/alone/<name>/netpkg/<name>.py).
    Returns (project folder, folder of the lone copies)."""
    project = folder / "project"
    package = project / PACKAGE
    package.mkdir(parents=True)
    (project / "pyproject.toml").write_text(f'[project]\nname = "{PACKAGE}"\n')
    (package / "__init__.py").write_text("")
    rng = random.Random(seed)
    count = files - 1
    for i in range(count):
        (package / f"m{i}.py").write_text(module_text(i, count, rng))
    alone = folder / "alone"
    alone.mkdir()
    # One project as well (one root, one index), each file in a package folder of its
    # own: its relative imports find nothing.
    (alone / "pyproject.toml").write_text(f'[project]\nname = "{PACKAGE}"\n')
    for path in sorted(package.glob("*.py")):
        own = alone / path.stem / PACKAGE
        own.mkdir(parents=True)
        shutil.copyfile(path, own / path.name)
    return project, alone
