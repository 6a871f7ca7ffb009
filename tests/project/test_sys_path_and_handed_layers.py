"""Two ways real projects reach a model that the import statements alone do not show:
folders added to `sys.path` (`sys.path.insert(1, os.path.join(os.path.dirname(__file__),
"model"))` then `from encoder_rnn import EncoderRNN`), and a module that names no layer
but calls the encoder its importer hands it (`GreedySearchDecoder(encoder, decoder)`,
the chatbot tutorial's searcher). Both: the project checked whole, and the module that
reads the state checked alone (pre-commit)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from entry_point import check_concise

from birnn_lint.project import ProjectIndex
from birnn_lint.project.sys_path import sys_path_additions

ENCODER = """
import torch.nn as nn


class EncoderRNN(nn.Module):
    def __init__(self, hidden, n_layers=2):
        super().__init__()
        self.gru = nn.GRU(hidden, hidden, n_layers, bidirectional={bidirectional})

    def forward(self, x):
        return self.gru(x)
"""

DECODER = """
import torch.nn as nn


class DecoderRNN(nn.Module):
    def __init__(self, hidden, n_layers=2):
        super().__init__()
        self.n_layers = n_layers
        self.gru = nn.GRU(hidden, hidden, n_layers)

    def forward(self, x, h):
        return self.gru(x, h)
"""

# Names no layer: the searcher reads the state of whatever encoder it is handed.
SEARCHER = """
import sys

sys.path.append("..")
import torch
from torch import nn


class GreedySearchDecoder(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, x):
        outputs, hidden = self.encoder(x)
        hidden = hidden[: self.decoder.n_layers]
        return self.decoder(x, hidden)
"""

MAIN = """
import os
import sys

sys.path.insert(1, os.path.join(os.path.dirname(__file__), "model"))
import torch

from decoder_greedy import GreedySearchDecoder
from decoder_rnn import DecoderRNN
from encoder_rnn import EncoderRNN

encoder = EncoderRNN(16, 2)
decoder = DecoderRNN(16, 2)
searcher = GreedySearchDecoder(encoder, decoder)
"""


def _project(tmp_path: Path, bidirectional: bool) -> Path:
    ProjectIndex.reset()
    (tmp_path / "pyproject.toml").write_text("")
    model = tmp_path / "model"
    model.mkdir()
    (model / "encoder_rnn.py").write_text(
        textwrap.dedent(ENCODER).format(bidirectional=bidirectional)
    )
    (model / "decoder_rnn.py").write_text(textwrap.dedent(DECODER))
    (model / "decoder_greedy.py").write_text(textwrap.dedent(SEARCHER))
    (tmp_path / "cb.py").write_text(textwrap.dedent(MAIN))
    return model / "decoder_greedy.py"


@pytest.mark.parametrize("alone", [False, True], ids=["project", "searcher-alone"])
def test_a_bidirectional_encoder_handed_to_the_searcher_is_flagged(
    tmp_path: Path, alone: bool
) -> None:
    _project(tmp_path, bidirectional=True)
    out = check_concise(tmp_path, "model/decoder_greedy.py" if alone else ".")
    assert "decoder_greedy.py:17:" in out and "BRN001" in out, out
    assert out.count("BRN0") == 1, out


def test_a_unidirectional_encoder_is_silent(tmp_path: Path) -> None:
    _project(tmp_path, bidirectional=False)
    assert "BRN0" not in check_concise(tmp_path, ".")


def test_without_the_sys_path_edit_the_modules_are_not_found(tmp_path: Path) -> None:
    _project(tmp_path, bidirectional=True)
    main = tmp_path / "cb.py"
    main.write_text(main.read_text().replace("sys.path.insert", "print"))
    assert "BRN0" not in check_concise(tmp_path, ".")


@pytest.mark.parametrize(
    ("call", "folder"),
    [
        ('sys.path.append("..")', ".."),
        ('sys.path.insert(0, "model")', "model"),
        ("sys.path.insert(1, os.path.join(os.path.dirname(__file__), 'model'))", "model"),
        ("sys.path.append(os.path.dirname(os.path.abspath(__file__)))", "."),
        ('sys.path.append(str(Path(__file__).resolve().parent / "model"))', "model"),
        ('sys.path.append(\n    "model"\n)', "model"),
    ],
)
def test_the_folders_a_file_adds_are_read(tmp_path: Path, call: str, folder: str) -> None:
    (tmp_path / "pkg" / "model").mkdir(parents=True)
    here = tmp_path / "pkg" / "main.py"
    front, back = sys_path_additions(here, f"import os, sys\n{call}\n")
    assert [*front, *back] == [(tmp_path / "pkg" / folder).resolve()]


def test_unreadable_or_missing_folders_are_left_out(tmp_path: Path) -> None:
    here = tmp_path / "main.py"
    text = "import sys\nsys.path.append(ROOT)\nsys.path.append('missing')\n"
    assert sys_path_additions(here, text) == ((), ())


def test_a_folder_name_too_long_for_the_system_is_left_out(tmp_path: Path) -> None:
    here = tmp_path / "main.py"
    text = f'import sys\nsys.path.append("{"a" * 5000}")\n'
    assert sys_path_additions(here, text) == ((), ())


def test_a_file_that_does_not_parse_around_its_edits_is_read_without_error(
    tmp_path: Path,
) -> None:
    here = tmp_path / "main.py"
    text = "import sys\n" + "sys.path.append(1 +\n" * 200
    assert sys_path_additions(here, text) == ((), ())
