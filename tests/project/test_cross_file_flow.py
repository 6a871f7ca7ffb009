"""Values that cross files (issue 10, item 5): a model class imported from another module
of the project is followed into its file, whether the project is checked whole or the
importing file alone (as pre-commit and editors do)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from entry_point import check_concise

from birnn_lint.project import ProjectIndex

ENCODERS = """
import torch.nn as nn


class EncoderRNN(nn.Module):
    def __init__(self, hidden_size, n_layers=2):
        super().__init__()
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, bidirectional=True)

    def forward(self, x):
        outputs, hidden = self.gru(x)
        return outputs, hidden
"""

TRAIN = """
import torch

from .encoders import EncoderRNN


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = EncoderRNN(16)

    def forward(self, x):
        encoder_outputs, encoder_hidden = self.encoder(x)
        return {read}
"""


def _project(tmp_path: Path, read: str) -> Path:
    ProjectIndex.reset()
    (tmp_path / "pyproject.toml").write_text("")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "encoders.py").write_text(textwrap.dedent(ENCODERS))
    (package / "train.py").write_text(textwrap.dedent(TRAIN).format(read=read))
    return package / "train.py"


@pytest.mark.parametrize("paths", [["."], ["pkg/train.py"]], ids=["project", "file alone"])
def test_an_imported_model_is_followed_into_its_file(tmp_path: Path, paths: list[str]) -> None:
    _project(tmp_path, "encoder_hidden[-1]")
    out = check_concise(tmp_path, *paths)
    assert "pkg/train.py:14:16: BRN002" in out, out
    assert "`self.gru` (GRU, bidirectional" in out


def test_the_right_read_of_an_imported_model_is_silent(tmp_path: Path) -> None:
    _project(tmp_path, "torch.cat((encoder_hidden[-2], encoder_hidden[-1]), -1)")
    assert "All checks passed!" in check_concise(tmp_path, ".")


MODEL = """
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, n_layers=1):
        super().__init__()
        self.gru = nn.GRU(8, 16, n_layers, bidirectional=True)

    def forward(self, x):
        return self.gru(x)


class Decoder(nn.Module):
    def __init__(self, n_layers=1):
        super().__init__()
        self.n_layers = n_layers
        self.gru = nn.GRU(8, 16, n_layers)


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, x):
        outputs, hidden = self.encoder(x)
        return {read}


def build_encoder(n_layers):
    return Encoder(n_layers)
"""

SCRIPT = """
import torch

import model
from model import Decoder, Seq2Seq, build_encoder


def main():
    seq2seq = Seq2Seq(build_encoder(2).cuda(), Decoder(2))
    return seq2seq(torch.randn(5, 3, 8))


def summary():
    encoder = model.Encoder(2)
    outputs, hidden = encoder(torch.randn(5, 3, 8))
    return {summary}


if __name__ == "__main__":
    main()
"""


def _two_files(tmp_path: Path, read: str, summary: str) -> None:
    ProjectIndex.reset()
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "model.py").write_text(textwrap.dedent(MODEL).format(read=read))
    (tmp_path / "train.py").write_text(textwrap.dedent(SCRIPT).format(summary=summary))


@pytest.mark.parametrize("paths", [["."], ["model.py", "train.py"], ["model.py"]])
def test_objects_built_in_another_file_reach_this_files_code(
    tmp_path: Path, paths: list[str]
) -> None:
    """Seq2Seq's forward (model.py) is only wrong with what train.py hands it: the
    finding is model.py's, found through its importer, also when model.py is checked
    alone; train.py's own read through `model.Encoder` and an imported factory is
    train.py's."""
    _two_files(tmp_path, "hidden[: self.decoder.n_layers]", "hidden[-1]")
    out = check_concise(tmp_path, *paths)
    assert "model.py:29:16: BRN001" in out, out
    assert "called from `main` from `train.py`" in out, out
    if "train.py" in paths or paths == ["."]:
        assert "train.py:16:12: BRN002" in out, out


def test_the_right_reads_across_files_are_silent(tmp_path: Path) -> None:
    _two_files(tmp_path, "hidden[0::2]", "torch.cat((hidden[-2], hidden[-1]), -1)")
    assert "All checks passed!" in check_concise(tmp_path, ".")


BASE = """
import torch.nn as nn


class BaseEncoder(nn.Module):
    def __init__(self, hidden_size=16, num_layers=2):
        super().__init__()
        self.rnn = nn.LSTM(8, hidden_size, num_layers, bidirectional=True)

    def encode(self, x):
        return self.rnn(x)
"""

SUBCLASSES = """
import torch

from base import BaseEncoder


class Direct(BaseEncoder):
    def forward(self, x):
        output, (h_n, c_n) = self.rnn(x)
        return {read}


class ThroughTheBase(BaseEncoder):
    def forward(self, x):
        output, (h_n, c_n) = super().encode(x)
        return {read}
"""


def test_a_base_class_in_another_module_is_followed(tmp_path: Path) -> None:
    """The layer is built by `__init__` of a base class defined in another module: the
    subclass's `self.rnn` and `super().encode(x)` are that layer."""
    ProjectIndex.reset()
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "base.py").write_text(textwrap.dedent(BASE))
    (tmp_path / "models.py").write_text(textwrap.dedent(SUBCLASSES).format(read="h_n[-1]"))
    out = check_concise(tmp_path, "models.py")
    assert "models.py:10:16: BRN002" in out, out
    assert "models.py:16:16: BRN002" in out, out
    right = "torch.cat((h_n[-2], h_n[-1]), -1)"
    (tmp_path / "models.py").write_text(textwrap.dedent(SUBCLASSES).format(read=right))
    assert "All checks passed!" in check_concise(tmp_path, ".")


MODULE_USER = """
import torch

import {module}{alias}


def run(x):
    encoder = {local}.EncoderRNN(16)
    outputs, hidden = encoder(x)
    return {read}
"""


@pytest.mark.parametrize(
    ("module", "alias", "local"),
    [("pkg.encoders", "", "pkg.encoders"), ("pkg.encoders", " as enc", "enc")],
    ids=["import-dotted", "import-as"],
)
@pytest.mark.parametrize("paths", [["."], ["main.py"]], ids=["project", "file alone"])
def test_a_model_read_through_import_module_is_followed(
    tmp_path: Path, module: str, alias: str, local: str, paths: list[str]
) -> None:
    """`import pkg.encoders` then `pkg.encoders.EncoderRNN(16)`, in a file that names no
    layer: the pre-selection reads the names the file takes from the module."""
    _project(tmp_path, "encoder_hidden[-1]")
    text = MODULE_USER.format(module=module, alias=alias, local=local, read="hidden[-1]")
    (tmp_path / "main.py").write_text(textwrap.dedent(text))
    out = check_concise(tmp_path, *paths)
    assert "main.py:10:12: BRN002" in out, out
    right = MODULE_USER.format(
        module=module, alias=alias, local=local, read="torch.cat((hidden[-2], hidden[-1]), -1)"
    )
    (tmp_path / "main.py").write_text(textwrap.dedent(right))
    assert "main.py" not in check_concise(tmp_path, *paths)


def test_import_lines_of_any_shape_are_read() -> None:
    """`import` followed by a long run of spaces and a bracket (not an import statement
    the reader knows) is skipped; the statements around it are read."""
    from birnn_lint.project.layer_imports import imported_names

    data = b"import models\nimport" + b" " * 5000 + b"(\nx = models.Encoder(3)\n"
    found = list(imported_names(data))
    assert [(i.module, i.level, i.names(data)) for i in found] == [("models", 0, ["Encoder"])]
