"""Regression tests for the analysis core v2 (issue 9): each case failed on v1's
interpreter, whose values were keyed by source text, whose guards were name patterns,
whose pending findings were shared mutable objects and whose calls were inlined once."""

from __future__ import annotations

import textwrap

import pytest

from birnn_lint.engine import check_source


def codes(source: str) -> list[tuple[str, int]]:
    found = check_source(textwrap.dedent(source), "core.py")
    return [(f.code, f.location.row) for f in found]


def findings(source: str):
    return check_source(textwrap.dedent(source), "core.py")


# ---------------------------------------------------------------- bindings, not text

CALLEE_PARAM_NAMED_LIKE_CALLER = """
import torch
import torch.nn as nn

class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 16, 2, bidirectional=True, batch_first=True)

    def init_hidden(self, x):
        return torch.zeros(4, x.size(1), 16)

    def forward(self, x, src_time_major):
        h0 = self.init_hidden(src_time_major)
        return self.rnn(x, h0)
"""


def test_callee_parameter_is_not_the_callers_name():
    # The callee's `x` is the caller's `src_time_major` (time-major: axis 1 is the
    # batch), not the caller's batch-first `x`: no BRN012.
    assert codes(CALLEE_PARAM_NAMED_LIKE_CALLER) == []


def test_callee_parameter_bound_to_the_layer_input_is_checked():
    source = CALLEE_PARAM_NAMED_LIKE_CALLER.replace(
        "self.init_hidden(src_time_major)", "self.init_hidden(x)"
    )
    assert [c for c, _ in codes(source)] == ["BRN012"]


# ---------------------------------------------------------------- guards by what carries it

BIDIR_NAMED_FLAG = """
import torch.nn as nn

class M(nn.Module):
    def __init__(self, bidir_attention=False):
        super().__init__()
        self.bidir_attention = bidir_attention
        self.rnn = nn.LSTM(8, 16, bidirectional=True)

    def forward(self, x):
        out, (h, c) = self.rnn(x)
        if not self.bidir_attention:
            return h[-1]
        return out
"""


def test_a_flag_named_bidir_is_not_the_layers_direction():
    assert [c for c, _ in codes(BIDIR_NAMED_FLAG)] == ["BRN002"]


def test_the_flag_passed_as_bidirectional_is_a_guard():
    source = BIDIR_NAMED_FLAG.replace(
        "nn.LSTM(8, 16, bidirectional=True)", "nn.LSTM(8, 16, bidirectional=bidir_attention)"
    )
    assert codes(source) == []


def test_num_directions_from_the_setting_is_a_guard():
    source = """
    import torch, torch.nn as nn

    class M(nn.Module):
        def __init__(self, bidirectional):
            super().__init__()
            self.num_directions = 2 if bidirectional else 1
            self.rnn = nn.GRU(8, 16, bidirectional=bidirectional)

        def forward(self, x):
            out, h = self.rnn(x)
            if self.num_directions == 2:
                return torch.cat((h[-2], h[-1]), 1)
            return h[-1]
    """
    assert codes(source) == []


def test_rnn_bidirectional_attribute_is_a_guard():
    source = """
    import torch, torch.nn as nn

    def summarize(rnn, x):
        out, h = rnn(x)
        if rnn.bidirectional:
            return torch.cat((h[-2], h[-1]), 1)
        return h[-1]

    layer = nn.GRU(8, 16, bidirectional=True)
    summarize(layer, None)
    """
    assert codes(source) == []


# ---------------------------------------------------------------- the receiver


def test_receiver_named_this():
    source = """
    import torch.nn as nn

    class M(nn.Module):
        def __init__(this):
            super().__init__()
            this.rnn = nn.GRU(8, 16, bidirectional=True)

        def forward(this, x):
            out, h = this.rnn(x)
            return h[-1]
    """
    assert [c for c, _ in codes(source)] == ["BRN002"]


# ---------------------------------------------------------------- every binding construct

WALRUS = """
import torch, torch.nn as nn
rnn = nn.GRU(8, 16, bidirectional=True)

def f(x):
    out, h = rnn(x)
    if (h := torch.cat((h[-2], h[-1]), -1)) is not None:
        pass
    return h[-1]
"""


def test_walrus_rebinds():
    assert codes(WALRUS) == []


def test_match_capture_rebinds():
    source = """
    import torch, torch.nn as nn
    rnn = nn.GRU(8, 16, bidirectional=True)

    def f(x, mode):
        out, h = rnn(x)
        match mode:
            case "pool":
                h = torch.cat((h[-2], h[-1]), -1)
            case other:
                h = other
        return h[-1]
    """
    assert codes(source) == []


@pytest.mark.parametrize(
    "rebind",
    [
        "with open('f') as h:\n        pass",
        "try:\n        pass\n    except Exception as h:\n        pass",
        "for h in range(3):\n        pass",
        "h += 1",
        "del h\n    h = None",
        "[h for h in range(3)]\n    h = object()",
        "global h",
        "import h",
        "from m import h",
        "def h(): pass",
        "class h: pass",
    ],
)
def test_every_binding_construct_rebinds(rebind):
    source = f"""
import torch, torch.nn as nn
rnn = nn.GRU(8, 16, bidirectional=True)

def f(x):
    out, h = rnn(x)
    {rebind}
    return h[-1]
"""
    assert codes(source) == [], rebind


# ---------------------------------------------------------------- pending reports per path


def test_join_on_one_path_does_not_cancel_the_other():
    source = """
    import torch, torch.nn as nn
    rnn = nn.GRU(8, 16, bidirectional=True)

    def f(x, flag):
        out, h = rnn(x)
        last = h[-1]
        if flag:
            s = torch.cat((h[-2], last), -1)
        else:
            s = last
        return s
    """
    assert [c for c, _ in codes(source)] == ["BRN002"]


def test_join_on_every_path_cancels():
    source = """
    import torch, torch.nn as nn
    rnn = nn.GRU(8, 16, bidirectional=True)

    def f(x, flag):
        out, h = rnn(x)
        last = h[-1]
        if flag:
            s = torch.cat((h[-2], last), -1)
        else:
            s = torch.cat((last, h[-2]), -1)
        return s
    """
    assert codes(source) == []


def test_pending_reports_flow_out_of_a_helper():
    source = """
    import torch, torch.nn as nn

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.GRU(8, 16, bidirectional=True)

        def last_rows(self, h):
            return h[-2], h[-1]

        def forward(self, x):
            out, h = self.rnn(x)
            fwd, bwd = self.last_rows(h)
            return torch.cat((fwd, bwd), -1)
    """
    assert codes(source) == []


def test_a_helper_whose_result_is_used_alone_is_flagged_inside():
    source = """
    import torch, torch.nn as nn

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.GRU(8, 16, bidirectional=True)

        def last_row(self, h):
            return h[-1]

        def forward(self, x):
            out, h = self.rnn(x)
            return self.last_row(h)
    """
    found = findings(source)
    assert [(f.code, f.location.row) for f in found] == [("BRN002", 10)]
    assert "last_row" in found[0].message and "forward" in found[0].message


# ---------------------------------------------------------------- contexts

TWO_LAYERS_ONE_HELPER = """
import torch, torch.nn as nn

class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.GRU(8, 16, 1, bidirectional=True)
        self.dec = nn.GRU(8, 16, 1)

    def init_hidden(self, rows, b):
        return torch.zeros(rows, b, 16)

    def forward(self, x):
        a, _ = self.enc(x, self.init_hidden(1, x.size(1)))
        b, _ = self.dec(x, self.init_hidden(1, x.size(1)))
        return a, b
"""


def test_one_helper_two_layers_each_call_in_its_context():
    # The encoder needs 2 rows (bidirectional), the decoder 1: only the first call is
    # wrong, and the finding sits where the state is built.
    found = findings(TWO_LAYERS_ONE_HELPER)
    assert [f.code for f in found] == ["BRN008"]
    assert "enc" in found[0].message


def test_a_fix_wrong_in_another_context_is_not_safe():
    found = findings(TWO_LAYERS_ONE_HELPER)
    fix = found[0].fix
    # `rows * 2` inside the helper would break the decoder's call.
    assert fix is None or fix.applicability == "unsafe"


def test_recursion_is_bounded():
    source = """
    import torch.nn as nn
    rnn = nn.GRU(8, 16, bidirectional=True)

    def f(x, n):
        if n:
            return f(x, n - 1)
        out, h = rnn(x)
        return h[-1]
    """
    assert [c for c, _ in codes(source)] == ["BRN002"]


# ---------------------------------------------------------------- classes


def test_a_layer_of_a_base_class_in_the_same_file():
    source = """
    import torch.nn as nn

    class Base(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.LSTM(8, 16, bidirectional=True)

    class Child(Base):
        def forward(self, x):
            out, (h, c) = self.rnn(x)
            return h[-1]
    """
    assert [c for c, _ in codes(source)] == ["BRN002"]


# ---------------------------------------------------------------- loops and try


def test_loop_reaches_a_fixpoint():
    source = """
    import torch, torch.nn as nn
    rnn = nn.GRU(8, 16, bidirectional=True)

    def f(x, steps):
        out, h = rnn(x)
        s = None
        for _ in range(steps):
            last = s
            s = h[-1]
        return last
    """
    # `last` holds `h[-1]` only from the second iteration on.
    assert [c for c, _ in codes(source)] == ["BRN002"]


def test_try_else_runs_on_the_bodys_state():
    source = """
    import torch, torch.nn as nn
    rnn = nn.GRU(8, 16, bidirectional=True)

    def f(x):
        out, h = rnn(x)
        try:
            s = h
        except ValueError:
            s = None
        else:
            return s[-1]
    """
    assert [c for c, _ in codes(source)] == ["BRN002"]


# ---------------------------------------------------------------- shape-only reads

SHAPE_READ_PRELUDE = """
import torch, torch.nn as nn
lstm = nn.LSTM(8, 16, 2, bidirectional=True)
gru = nn.GRU(8, 16, 2, bidirectional=True, batch_first=True)

def f(x):
    output, hidden_state = lstm(x)
    out_b, h_n = gru(x)
    return {read}
"""


@pytest.mark.parametrize(
    "read",
    [
        "hidden_state[-1].size(-1)",
        "h_n[-1].shape[0]",
        "out_b[:, -1].device",
        "output[:, -1].dtype",
        "h_n[-1].dim()",
        "len(h_n[-1])",
        "h_n[-1].numel()",
        "output[-1].size()",
    ],
)
def test_shape_only_reads_are_not_misreads(read):
    assert codes(SHAPE_READ_PRELUDE.format(read=read)) == []


def test_a_value_used_after_its_shape_is_read_is_flagged():
    source = SHAPE_READ_PRELUDE.format(read="h_n[-1] * h_n[-1].size(-1)")
    assert [c for c, _ in codes(source)] == ["BRN002"]


CONFIG_GUARD = """
import torch, torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.rnn = nn.LSTM(8, config.d_hidden, num_layers=config.n_layers,
                           bidirectional=config.birnn)

    def forward(self, inputs):
        outputs, (ht, ct) = self.rnn(inputs)
        return ht[-1] if {test} else torch.cat((ht[-2], ht[-1]), -1)
"""


def test_a_config_object_kept_in_self_carries_the_setting():
    # pytorch/examples snli: the unidirectional branch of `config.birnn` is right.
    assert codes(CONFIG_GUARD.format(test="not self.config.birnn")) == []
    assert [c for c, _ in codes(CONFIG_GUARD.format(test="self.config.birnn"))] == ["BRN002"]
