"""Layers are recognised through any import style, their settings read from literals,
constants, parameters and attributes, and their results followed through bindings."""

import textwrap

import pytest

from birnn_lint.engine import check_source


def codes(source: str) -> list[str]:
    return [f.code for f in check_source(textwrap.dedent(source), "r.py")]


@pytest.mark.parametrize(
    "imports, ctor",
    [
        ("import torch", "torch.nn.GRU"),
        ("import torch.nn as nn", "nn.GRU"),
        ("from torch import nn", "nn.GRU"),
        ("from torch.nn import GRU", "GRU"),
        ("from torch.nn import GRU as Enc", "Enc"),
        ("import torch as t", "t.nn.GRU"),
        ("from torch.nn.modules.rnn import GRU", "GRU"),
    ],
)
def test_import_styles(imports, ctor):
    src = f"""
    {imports}
    rnn = {ctor}(8, 16, 2, bidirectional=True)
    out, h = rnn(x)
    last = h[-1]
    """
    assert codes(src) == ["BRN002"]


def test_a_lookalike_class_is_not_a_layer():
    src = """
    import torch
    class GRU:
        def __init__(self, *a, **k): pass
        def __call__(self, x): return x, x
    rnn = GRU(8, 16, 2, bidirectional=True)
    out, h = rnn(x)
    last = h[-1]
    """
    assert codes(src) == []


@pytest.mark.parametrize(
    "setup, flagged",
    [
        ("BIDIR = True\n", True),
        ("BIDIR = False\n", False),
    ],
)
def test_module_constant(setup, flagged):
    src = setup + textwrap.dedent("""
    from torch import nn
    rnn = nn.GRU(8, 16, bidirectional=BIDIR)
    out, h = rnn(x)
    last = h[-1]
    """)
    assert codes(src) == (["BRN002"] if flagged else [])


CLASS = """
import torch
from torch import nn

class Model(nn.Module):
    def __init__(self, hidden, bidirectional{default}):
        super().__init__()
        self.bidirectional = bidirectional
        self.encoder = nn.LSTM(8, hidden, num_layers=2, bidirectional=bidirectional)

    def forward(self, x):
        output, (h_n, c_n) = self.encoder(x)
        return h_n[-1]
"""


def test_configurable_bidirectional_says_when():
    found = check_source(CLASS.format(default=""), "m.py")
    assert [f.code for f in found] == ["BRN002"]
    assert "when bidirectional=True" in found[0].message
    assert "`self.encoder` (LSTM, bidirectional configurable, num_layers=2)" in found[0].message


def test_parameter_default_false_is_still_configurable():
    found = check_source(CLASS.format(default="=False"), "m.py")
    assert [f.code for f in found] == ["BRN002"]


def test_a_setting_only_kwargs_may_hold_is_unknown_not_bidirectional():
    # Issue 14: nothing in the code says bidirectional layers are expected.
    src = """
    from torch import nn
    def build(**kwargs):
        rnn = nn.GRU(8, 16, **kwargs)
        out, h = rnn(x)
        return h[-1]
    """
    assert check_source(textwrap.dedent(src), "k.py") == []


def test_kwargs_settings_with_evidence_of_two_directions():
    src = """
    from torch import nn
    def build(**kwargs):
        rnn = nn.GRU(8, 16, **kwargs)
        out, h = rnn(x)
        if rnn.bidirectional:
            return h[-1]
        return h[-1]
    """
    found = check_source(textwrap.dedent(src), "k.py")
    assert [(f.code, f.location.row) for f in found] == [("BRN002", 7)]
    assert "when bidirectional=True" in found[0].message


@pytest.mark.parametrize(
    "use",
    [
        "res = rnn(x)\nh = res[1]\nlast = h[-1]",
        "last = rnn(x)[1][-1]",
        "out, h = rnn(x)\nh2 = h.detach().contiguous()\nlast = h2[-1]",
        "out, h = rnn(x)\nalias = h\nlast = alias.float()[-1]",
        "_, hidden = rnn(x, h0)\nlast = hidden[-1, :, :]",
    ],
)
def test_result_binding_styles(use):
    src = "from torch import nn\nrnn = nn.GRU(8, 16, 2, bidirectional=True)\n" + use + "\n"
    assert codes(src) == ["BRN002"]


def test_guard_on_num_directions():
    src = """
    import torch
    from torch import nn
    class M(nn.Module):
        def __init__(self, bidirectional):
            super().__init__()
            self.num_directions = 2 if bidirectional else 1
            self.rnn = nn.GRU(8, 16, 2, bidirectional=bidirectional)
        def forward(self, x):
            out, h = self.rnn(x)
            if self.num_directions == 2:
                return torch.cat((h[-2], h[-1]), 1)
            return h[-1]
    """
    assert codes(src) == []


def test_sizes_from_attributes_and_names():
    src = """
    from torch import nn
    class M(nn.Module):
        def __init__(self, num_layers, hidden_size):
            super().__init__()
            self.num_layers = num_layers
            self.hidden_size = hidden_size
            self.rnn = nn.GRU(8, hidden_size, num_layers, bidirectional=True)
        def forward(self, x):
            out, h = self.rnn(x)
            batch_size = x.size(1)
            return h.view(2, self.num_layers, batch_size, self.hidden_size)
    """
    assert codes(src) == ["BRN001"]


def test_padded_output_after_packing():
    src = """
    from torch import nn
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    rnn = nn.GRU(8, 16)
    packed = pack_padded_sequence(x, lengths)
    out, h = rnn(packed)
    padded, lens = pad_packed_sequence(out, batch_first=True)
    last = padded[:, -1]
    """
    assert codes(src) == ["BRN009"]


def test_fix_uses_the_torch_alias_and_imports_when_missing():
    aliased = """
    import torch as t
    rnn = t.nn.GRU(8, 16, bidirectional=True)
    out, h = rnn(x)
    last = h[-1]
    """
    (finding,) = check_source(textwrap.dedent(aliased), "a.py")
    assert finding.fix.edits[-1].content.startswith("t.cat(")
    missing = """
    from torch import nn
    rnn = nn.GRU(8, 16, bidirectional=True)
    out, h = rnn(x)
    last = h[-1]
    """
    (finding,) = check_source(textwrap.dedent(missing), "m.py")
    assert [e.content for e in finding.fix.edits][0] == "import torch\n"


def test_positions_are_one_based():
    src = (
        "from torch import nn\nrnn = nn.GRU(8, 16, bidirectional=True)\n"
        "out, h = rnn(x)\nlast = h[-1]\n"
    )
    (finding,) = check_source(src, "p.py")
    assert (finding.location.row, finding.location.column) == (4, 8)
    assert (finding.end_location.row, finding.end_location.column) == (4, 13)


def test_code_after_a_returning_bidirectional_branch_is_the_unidirectional_case():
    src = """
    import torch
    from torch import nn
    class M(nn.Module):
        def __init__(self, bidirectional):
            super().__init__()
            self.bidirectional = bidirectional
            self.rnn = nn.GRU(8, 16, 2, bidirectional=bidirectional)
        def forward(self, x):
            out, h = self.rnn(x)
            if self.bidirectional:
                return torch.cat((h[-2], h[-1]), 1)
            return h[-1]
    """
    assert codes(src) == []


def test_finding_carries_its_statement_and_fix_edits_lie_inside_it():
    src = (
        "import torch\nfrom torch import nn\nrnn = nn.GRU(8, 16, bidirectional=True)\n"
        "out, h = rnn(x)\nif True:\n    last = self_fc(\n        h[-1]\n    )\n"
    )
    (finding,) = check_source(src, "s.py")
    start, end = finding.statement
    assert (start.row, end.row) == (6, 8)
    for edit in finding.fix.edits:
        assert start <= edit.location and edit.end_location <= end


TUTORIAL = """
import torch
import torch.nn as nn

class BiLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True,
                            bidirectional=True)

    def init_hidden(self, batch_size):
        return (torch.zeros(self.num_layers, batch_size, self.hidden_size),
                torch.zeros(self.num_layers * 2, batch_size, self.hidden_size))

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(x.device)
        c0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_size).to(x.device)
        out, _ = self.lstm(x, (h0, c0))
        out2, _ = self.lstm(x, self.init_hidden(x.size(0)))
        return out
"""


def test_initial_states_through_to_device_and_an_init_hidden_method():
    found = check_source(TUTORIAL, "t.py")
    assert [(f.code, f.location.row) for f in found] == [("BRN008", 14), ("BRN008", 18)]
    assert "num_layers * num_directions = num_layers * 2" in found[0].message
    assert [e.content for e in found[0].fix.edits] == ["self.num_layers * 2"]
