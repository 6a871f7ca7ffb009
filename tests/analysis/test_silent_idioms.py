"""Correct idioms (issue 2, section 4) must give no finding at all."""

import textwrap

import pytest

from birnn_lint.engine import check_source

PRELUDE = """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, bidirectional=True, batch_first=False):
        super().__init__()
        self.num_layers = 2
        self.hidden_size = 16
        self.bidirectional = bidirectional
        self.rnn = nn.GRU(8, self.hidden_size, self.num_layers,
                          bidirectional=bidirectional, batch_first=batch_first)

    def forward(self, x, lengths=None):
        output, h = self.rnn(x)
        B = h.size(1)
        H = self.hidden_size
        L = self.num_layers
"""

IDIOMS = {
    "cat last two rows": "return torch.cat((h[-2], h[-1]), 1)",
    "cat backward first": "return torch.cat((h[-1], h[-2]), 1)",
    "rows joined through names": "fwd = h[-2]\nbwd = h[-1]\nreturn torch.cat([fwd, bwd], dim=1)",
    "sum of directions": "return h[-2] + h[-1]",
    "view layers then directions": "return h.view(L, 2, B, H)[-1]",
    "view then merge directions": "return h.view(L, 2, B, H).transpose(1, 2).reshape(L, B, 2 * H)",
    "interleave": "return torch.cat([h[0:h.size(0):2], h[1:h.size(0):2]], 2)",
    "permute then reshape": "return h.permute(1, 0, 2).reshape(B, -1)",
    "transpose contiguous view": "return h.transpose(0, 1).contiguous().view(B, -1)",
    "batch first then last two": "hb = h.transpose(0, 1)\nreturn hb[:, -2:, :].reshape(B, -1)",
    "index_select batch": "idx = torch.arange(B)\nreturn h.index_select(1, idx)",
    "permutation of batch": "perm = torch.randperm(B)\nreturn h[:, perm]",
    "repeat_interleave batch": "return h.repeat_interleave(3, 1)",
    "else branch of bidirectional": (
        "if self.bidirectional:\n    return torch.cat((h[-2], h[-1]), 1)\nelse:\n    return h[-1]"
    ),
    "halves of the output summed": "return output[..., :H] + output[..., H:]",
    "forward half at last step joined": (
        "return torch.cat((output[-1, :, :H], output[0, :, H:]), dim=-1)"
    ),
    "flatten layers with batch": "return h.flatten(0, 1)",
    "literal sizes that cannot be told apart": "return h.view(2, 2, B, H)",
}


@pytest.mark.parametrize("name", sorted(IDIOMS))
def test_idiom_is_silent(name):
    body = textwrap.indent(IDIOMS[name], " " * 8)
    source = PRELUDE + body + "\n"
    found = check_source(source, "idiom.py")
    assert found == [], [f.message for f in found]


def snippet(body: str) -> str:
    return "import torch\nfrom torch import nn\n" + textwrap.dedent(body)


def test_zeroing_backward_initial_rows_is_silent():
    src = snippet("""
        rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)
        x = torch.randn(5, 3, 8)
        h0 = torch.randn(4, x.size(1), 16)
        h0[1::2] = 0
        out, h = rnn(x, h0)
    """)
    assert check_source(src, "s.py") == []


def test_unidirectional_last_row_and_last_step_are_silent():
    src = snippet("""
        rnn = nn.LSTM(8, 16, num_layers=2, batch_first=True)
        x = torch.randn(3, 5, 8)
        out, (h, c) = rnn(x)
        a = h[-1]
        b = out[:, -1]
    """)
    assert check_source(src, "s.py") == []


def test_cat_of_single_layer_unbind_is_silent():
    src = snippet("""
        rnn = nn.GRU(8, 16, bidirectional=True)
        x = torch.randn(5, 3, 8)
        out, h = rnn(x)
        summary = torch.cat(h.unbind(0), -1)
    """)
    assert check_source(src, "s.py") == []


def test_initial_state_for_batch_first_layer_is_silent():
    src = snippet("""
        rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True, batch_first=True)
        x = torch.randn(3, 5, 8)
        h0 = torch.zeros(2 * 2, x.size(0), 16)
        out, h = rnn(x, h0)
    """)
    assert check_source(src, "s.py") == []


def test_tuple_guard_makes_lstm_state_indexing_silent():
    src = snippet("""
        rnn = nn.LSTM(8, 16, num_layers=2)
        x = torch.randn(5, 3, 8)
        out, hidden = rnn(x)
        if isinstance(hidden, tuple):
            last = hidden[0][-1]
        else:
            last = hidden[-1]
    """)
    assert check_source(src, "s.py") == []


def test_index_of_a_tensor_that_is_not_a_recurrent_result_is_silent():
    src = snippet("""
        lin = nn.Linear(8, 16)
        h_n = lin(torch.randn(4, 8))
        last = h_n[-1]
        rows = h_n.view(2, -1)
    """)
    assert check_source(src, "s.py") == []


def test_literally_unidirectional_layer_is_never_flagged_for_directions():
    src = snippet("""
        rnn = nn.GRU(8, 16, num_layers=3, bidirectional=False)
        x = torch.randn(5, 3, 8)
        out, h = rnn(x)
        a = h[-1]
        b = out[-1]
        c = h.view(3, 1, 3, 16)
    """)
    assert check_source(src, "s.py") == []
