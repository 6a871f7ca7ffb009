"""Quick diagnostics for an edit inside one definition equal the whole-file analysis
(the real engine on both sides), and edits of another kind are left to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from birnn_lint.config import LoadedConfig, Options, resolve
from birnn_lint.server.documents import text_snapshot
from birnn_lint.server.incremental import quick_findings
from birnn_lint.server.linting import LintResult, lint

MODULE = """\
import torch
from torch import nn

HIDDEN = 16
shared = nn.GRU(8, HIDDEN, num_layers=2, bidirectional=True)


class First(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.LSTM(8, HIDDEN, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, (h_n, c_n) = self.rnn(x)
        return h_n[-1]


def summary(x: torch.Tensor) -> torch.Tensor:
    output, h_n = shared(x)
    return h_n.view(h_n.size(1), -1)


@torch.no_grad()
def last_step(x: torch.Tensor) -> torch.Tensor:
    output, h_n = shared(x)
    return output[-1]


class Second(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.GRU(8, HIDDEN, bidirectional=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, h_n = self.rnn(x)
        return h_n[-1] + output[:, -1].sum()
"""

EDITS = {
    "fix inside a method": ("return h_n[-1]\n", "return torch.cat((h_n[-2], h_n[-1]), -1)\n"),
    "lines added in a function": (
        "    output, h_n = shared(x)\n    return h_n.view",
        "    output, h_n = shared(x)\n    y = x\n    z = y\n    return h_n.view",
    ),
    "lines removed in a class": (
        "        super().__init__()\n        self.rnn = nn.LSTM",
        "        self.rnn = nn.LSTM",
    ),
    "configuration changed in a class": ("bidirectional=True, batch_first", "batch_first"),
    "a decorated function": ("    return output[-1]\n", "    return output[-1] + 0\n"),
    "a new finding": (
        "        return h_n[-1] + output",
        "        return h_n[-1] + h_n[-1] + output",
    ),
}


def _settings(root: Path):  # type: ignore[no-untyped-def]
    return resolve(LoadedConfig(None, root, Options()), Options())


def _shown(findings):  # type: ignore[no-untyped-def]
    return [(f.code, f.message, f.location, f.end_location) for f in findings]


@pytest.mark.parametrize("name", list(EDITS))
def test_quick_findings_equal_the_whole_file_analysis(name: str, tmp_path: Path) -> None:
    old, new = EDITS[name]
    assert MODULE.count(old) == 1
    settings = _settings(tmp_path)
    uri = (tmp_path / "model.py").as_uri()
    previous = lint(text_snapshot(uri, 1, MODULE), settings)
    assert previous.findings
    edited = text_snapshot(uri, 2, MODULE.replace(old, new))
    quick = quick_findings(previous, edited)
    assert quick is not None
    assert _shown(quick) == _shown(lint(edited, settings).findings)


@pytest.mark.parametrize(
    "old, new",
    [
        ("HIDDEN = 16", "HIDDEN = 32"),  # module level: every definition may depend on it
        ("        return h_n[-1]\n", "        return h_n[-1]  # noqa: BRN002\n"),
        ("        return h_n[-1]\n", "        return h_n[-1\n"),  # does not parse
        ("-> torch.Tensor:\n        output, (h_n", "-> torch.Tensor:\n        out, (h_n"),
    ],
)
def test_other_edits_take_the_whole_file_analysis(old: str, new: str, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    uri = (tmp_path / "model.py").as_uri()
    previous = lint(text_snapshot(uri, 1, MODULE), settings)
    edited = text_snapshot(uri, 2, MODULE.replace(old, new, 1))
    quick = quick_findings(previous, edited)
    if "out, (h_n" in new:  # inside one method: quick, and right
        assert quick is not None
        assert _shown(quick) == _shown(lint(edited, settings).findings)
    else:
        assert quick is None


def test_an_edit_spanning_two_definitions_is_left_to_the_whole_file(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    uri = (tmp_path / "model.py").as_uri()
    previous = lint(text_snapshot(uri, 1, MODULE), settings)
    edited = MODULE.replace("return h_n.view", "return h_n.reshape").replace(
        "return output[-1]", "return output[-2]"
    )
    assert quick_findings(previous, text_snapshot(uri, 2, edited)) is None
    assert isinstance(previous, LintResult)
