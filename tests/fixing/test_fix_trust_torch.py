"""Fixes you can trust (issue 14, section 1): each fix is applied by birnn-lint's own fixer
and the fixed code is run on real torch modules, in every configuration the code
supports, against a truth read from the module's own final state."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from birnn_lint.engine import check_source  # noqa: E402
from birnn_lint.fixing import fix_source  # noqa: E402


def run(source: str, **names: Any) -> dict[str, Any]:
    scope: dict[str, Any] = {"__name__": "example", **names}
    torch.manual_seed(0)
    exec(compile(source, "example.py", "exec"), scope)
    return scope


def fixed(source: str, unsafe: bool) -> str:
    outcome = fix_source(source, "example.py", unsafe=unsafe)
    assert not outcome.messages, outcome.messages
    again = fix_source(outcome.source, "example.py", unsafe=unsafe)
    assert again.source == outcome.source, "a second --fix changed the fixed code"
    return outcome.source


INIT_HIDDEN = textwrap.dedent(
    """
    import torch
    import torch.nn as nn


    class Encoder(nn.Module):
        def __init__(self, bidirectional):
            super().__init__()
            self.n_layers = 2
            self.bidirectional = bidirectional
            self.rnn = nn.GRU(4, 6, self.n_layers, bidirectional=bidirectional)

        def init_hidden(self, b):
            return torch.zeros(self.n_layers, b, 6)

        def forward(self, x):
            return self.rnn(x, self.init_hidden(x.size(1)))


    def make(bidirectional):
        return Encoder(bidirectional)(torch.randn(5, 3, 4))
    """
)


def test_a_safe_fix_keeps_every_configuration_working() -> None:
    [finding] = check_source(INIT_HIDDEN, "example.py")
    assert finding.code == "BRN008" and "when bidirectional=True" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    with pytest.raises(RuntimeError):
        run(INIT_HIDDEN)["make"](True)  # the original is wrong when bidirectional
    source = fixed(INIT_HIDDEN, unsafe=False)
    assert "2 if self.bidirectional else 1" in source
    for bidirectional in (True, False):
        output, h_n = run(source)["make"](bidirectional)
        assert h_n.shape == (2 * (2 if bidirectional else 1), 3, 6)


REBOUND_TORCH = textwrap.dedent(
    """
    import torch as t
    import torch.nn as nn

    rnn = nn.GRU(4, 6, 2, bidirectional=True)


    def summary(x):
        out, h = rnn(x)
        for t in range(3):
            pass
        return h[-1]


    x = t.randn(5, 3, 4)
    result = summary(x)
    _, h_n = rnn(x)
    """
)


def test_a_fix_names_torch_as_it_is_where_the_fix_goes() -> None:
    source = fixed(REBOUND_TORCH, unsafe=True)
    assert "t.cat" not in source and "torch.cat((h[-2], h[-1]), dim=-1)" in source
    scope = run(source)
    h_n = scope["h_n"]
    assert torch.allclose(scope["result"], torch.cat((h_n[-2], h_n[-1]), dim=-1))
    assert check_source(source, "example.py") == []


CELL_STATE_READ_FURTHER = textwrap.dedent(
    """
    import torch
    import torch.nn as nn

    rnn = nn.LSTM(4, 6, 2, bidirectional=True)
    out, state = rnn(torch.randn(5, 3, 4))
    last = state[-1][-1]
    """
)


def test_code_still_wrong_after_the_fixes_is_still_reported() -> None:
    codes = [f.code for f in check_source(CELL_STATE_READ_FURTHER, "example.py")]
    assert sorted(codes) == ["BRN002", "BRN006"]
    [brn006] = [f for f in check_source(CELL_STATE_READ_FURTHER, "e.py") if f.code == "BRN006"]
    assert brn006.fix is None  # `state[0][-1][-1]` would be one sample's vector
    source = fixed(CELL_STATE_READ_FURTHER, unsafe=True)
    left = [f.code for f in check_source(source, "example.py")]
    assert set(left) == {"BRN006"}, source
    scope = run(source)
    _, c_n = scope["state"]
    # Whatever was meant, the value is never a join of two samples' rows.
    assert torch.allclose(scope["last"], torch.cat((c_n[-2], c_n[-1]), dim=-1))


TIME_MAJOR_LAST = textwrap.dedent(
    """
    import torch
    import torch.nn as nn

    rnn = nn.GRU(4, 6, 2, bidirectional=True)
    output, h_n = rnn(torch.randn(5, 3, 4))
    summary = output[:, -1]
    """
)


def test_a_time_major_last_step_is_fixed_in_one_step_to_the_summary() -> None:
    found = check_source(TIME_MAJOR_LAST, "example.py")
    assert [f.code for f in found] == ["BRN011"]
    assert "for a bidirectional layer the summary is" in found[0].message
    outcome = fix_source(TIME_MAJOR_LAST, "example.py", unsafe=True)
    assert len(outcome.fixed) == 1 and outcome.passes == 1 and not outcome.remaining
    scope = run(outcome.source)
    h_n = scope["h_n"]
    assert torch.allclose(scope["summary"], torch.cat((h_n[-2], h_n[-1]), dim=-1), atol=1e-6)


PADDED = textwrap.dedent(
    """
    import torch
    import torch.nn as nn
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    rnn = nn.GRU(4, 6, batch_first=True)
    lengths_in = torch.tensor([5, 3, 2])
    packed = pack_padded_sequence(torch.randn(3, 5, 4), lengths_in, batch_first=True)
    packed_out, h_n = rnn(packed)
    output, {name} = pad_packed_sequence(packed_out, batch_first=True)
    last = output[:, -1]
    """
)


def test_the_padded_lengths_are_used_by_their_own_name_or_not_at_all() -> None:
    [throwaway] = check_source(PADDED.format(name="_"), "example.py")
    assert throwaway.code == "BRN009" and throwaway.fix is None
    source = PADDED.format(name="lengths")
    [named] = check_source(source, "example.py")
    assert named.fix is not None and "lengths - 1" in named.fix.edits[-1].content
    scope = run(fixed(source, unsafe=True))
    assert torch.allclose(scope["last"], scope["h_n"][-1], atol=1e-6)


BOTH_ENDS = textwrap.dedent(
    """
    import torch
    import torch.nn as nn

    encoder = nn.LSTM(4, 6, 2, bidirectional=True)
    outputs, (h_n, c_n) = encoder(torch.randn(5, 3, 4))
    encoding = torch.cat((outputs[0], outputs[-1]), dim=1)
    """
)


@pytest.mark.parametrize("join", ["torch.cat(({a}, {b}), dim=1)", "torch.stack([{a}, {b}])"])
@pytest.mark.parametrize("ends", [("outputs[0]", "outputs[-1]"), ("outputs[-1]", "outputs[0]")])
def test_both_ends_of_a_bidirectional_output_joined_are_silent(
    join: str, ends: tuple[str, str]
) -> None:
    code = join.format(a=ends[0], b=ends[1])
    source = BOTH_ENDS.replace("torch.cat((outputs[0], outputs[-1]), dim=1)", code)
    assert check_source(source, "example.py") == []


def test_both_ends_joined_hold_both_directions_final_states() -> None:
    scope = run(BOTH_ENDS)
    encoding, h_n = scope["encoding"], scope["h_n"]
    hidden = 6
    # outputs[0] = [forward after 1 token | backward final], outputs[-1] = [forward
    # final | backward after 1 token]: the backward final and forward final are inside.
    assert torch.allclose(encoding[:, hidden : 2 * hidden], h_n[-1], atol=1e-6)
    assert torch.allclose(encoding[:, 2 * hidden : 3 * hidden], h_n[-2], atol=1e-6)


TWO_LAYERS = textwrap.dedent(
    """
    import torch
    import torch.nn as nn


    class Seq2Seq(nn.Module):
        def __init__(self, num_layers):
            super().__init__()
            self.num_layers = num_layers
            {first}
            {second}

        def forward(self, x):
            h_enc = torch.zeros(self.num_layers * 2, x.size(1), 6)
            h_dec = torch.zeros(self.num_layers, x.size(1), 6)
            a, _ = self.enc(x, h_enc)
            b, _ = self.dec(x, h_dec)
            return a, b


    def make():
        return Seq2Seq(2)(torch.randn(5, 3, 4))
    """
)
ENC = "self.enc = nn.GRU(4, 6, num_layers, bidirectional=True)"
DEC = "self.dec = nn.GRU(4, 6, num_layers, bidirectional=True)"


@pytest.mark.parametrize("order", [(ENC, DEC), (DEC, ENC)], ids=["enc-first", "dec-first"])
def test_an_initial_state_is_checked_against_the_layer_it_is_passed_to(
    order: tuple[str, str],
) -> None:
    source = TWO_LAYERS.format(first=order[0], second=order[1])
    found = check_source(source, "example.py")
    assert [(f.code, f.location.row) for f in found] == [("BRN008", 15)]
    assert "`self.dec`" in found[0].message
    with pytest.raises(RuntimeError):
        run(source)["make"]()
    a, b = run(fixed(source, unsafe=False))["make"]()
    assert a.shape == b.shape == (5, 3, 12)
