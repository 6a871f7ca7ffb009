"""The truths agree with direct reads of real modules' h_n / output (the layout facts)."""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from birnn_lint.proof.truths import (
    TRUTHS,
    TruthError,
    find_layer,
    reference,
    reference_from_namespace,
)

T, B, IN, H = 5, 3, 4, 6
CLASSES = {"RNN": nn.RNN, "GRU": nn.GRU, "LSTM": nn.LSTM}
CONFIGS = list(itertools.product(CLASSES, (1, 2, 3), (False, True), (False, True)))


def _ids(config: tuple) -> str:
    kind, layers, batch_first, bidirectional = config
    return f"{kind}-L{layers}-{'bf' if batch_first else 'tm'}-{'bi' if bidirectional else 'uni'}"


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and torch.allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
def test_truths_match_direct_reads(config: tuple) -> None:
    kind, L, batch_first, bidirectional = config
    D = 2 if bidirectional else 1
    torch.manual_seed(1)
    layer = CLASSES[kind](IN, H, L, batch_first=batch_first, bidirectional=bidirectional)
    x = torch.randn(B, T, IN) if batch_first else torch.randn(T, B, IN)
    with torch.no_grad():
        out, state = layer(x)
    h_n, c_n = state if kind == "LSTM" else (state, None)
    ref = reference(layer, x)
    o = out.transpose(0, 1) if batch_first else out  # time-major (T, B, D*H)
    fwd_final, bwd_final = o[-1, :, :H], o[0, :, H:]

    assert _close(TRUTHS["final_states"](ref), h_n)
    if c_n is not None:
        assert _close(TRUTHS["final_cell_states"](ref), c_n)
    assert _close(TRUTHS["output"](ref), out)
    assert _close(TRUTHS["last_layer_forward"](ref), fwd_final)
    both = torch.cat((fwd_final, bwd_final), dim=-1) if bidirectional else fwd_final
    for name in ("last_layer_both_directions", "sequence_summary", "last_layer_states_per_sample"):
        assert _close(TRUTHS[name](ref), both), name
    assert _close(TRUTHS["last_layer_both_directions"](ref), torch.cat(tuple(h_n[-D:]), -1))
    by_layer = h_n.view(L, D, B, H)
    assert _close(TRUTHS["final_states_direction_major"](ref), by_layer.transpose(0, 1))
    assert _close(TRUTHS["final_states_per_sample"](ref), h_n.transpose(0, 1).reshape(B, -1))
    assert _close(TRUTHS["output_last_step"](ref), o[-1])
    split = out.reshape(*out.shape[:2], D, H)
    assert _close(TRUTHS["output_hidden_direction"](ref), split.transpose(-1, -2))
    halves = TRUTHS["output_direction_halves"](ref)
    assert len(halves) == D
    for d, half in enumerate(halves):
        assert _close(half, out[..., d * H : (d + 1) * H])


@pytest.mark.parametrize("kind", CLASSES)
@pytest.mark.parametrize("batch_first", (False, True))
def test_packed_input_and_initial_state(kind: str, batch_first: bool) -> None:
    """Samples of different lengths and a given initial state, against torch's packing."""
    L, D = 2, 2
    torch.manual_seed(2)
    layer = CLASSES[kind](IN, H, L, batch_first=batch_first, bidirectional=True)
    lengths = torch.tensor([4, 5, 2])
    x = torch.randn(B, T, IN) if batch_first else torch.randn(T, B, IN)
    h0 = torch.randn(L * D, B, H)
    c0 = torch.randn(L * D, B, H)
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
    with torch.no_grad():
        packed_out, state = layer(packed, (h0, c0) if kind == "LSTM" else h0)
    out, _ = pad_packed_sequence(packed_out, batch_first=batch_first)
    h_n = state[0] if kind == "LSTM" else state

    namespace = {"rnn": layer, "x": x, "lengths": lengths, "h0": h0, "c0": c0}
    ref = reference_from_namespace(namespace)
    assert _close(TRUTHS["final_states"](ref), h_n)
    assert _close(TRUTHS["output"](ref), out)
    o = out.transpose(0, 1) if batch_first else out
    last = torch.stack([o[n - 1, b] for b, n in enumerate(lengths.tolist())])
    assert _close(TRUTHS["output_last_step"](ref), last)
    # A PackedSequence bound to x is unpacked by the truth itself.
    assert _close(TRUTHS["output"](reference(layer, packed, h0=h0, c0=c0)), out)
    # Zero initial state differs from the given one.
    assert not _close(TRUTHS["final_states"](reference(layer, x, lengths)), h_n)


@pytest.mark.filterwarnings("ignore:LSTM with projections")
def test_projection_and_relu_layers() -> None:
    torch.manual_seed(3)
    for layer in (nn.LSTM(IN, H, 2, bidirectional=True, proj_size=3), nn.RNN(IN, H, 2, "relu")):
        x = torch.randn(T, B, IN)
        with torch.no_grad():
            out, state = layer(x)
        h_n = state[0] if isinstance(state, tuple) else state
        ref = reference(layer, x)
        assert _close(TRUTHS["final_states"](ref), h_n)
        assert _close(TRUTHS["output"](ref), out)


def test_truth_leaves_the_random_stream_alone() -> None:
    layer = nn.GRU(IN, H, 2, bidirectional=True)
    x = torch.randn(T, B, IN)
    before = torch.get_rng_state()
    reference(layer, x)
    assert torch.equal(before, torch.get_rng_state())


def test_cache_returns_same_reference_only_for_same_inputs() -> None:
    torch.manual_seed(4)
    layer = nn.GRU(IN, H, 2, bidirectional=True)
    x = torch.randn(T, B, IN)
    first = reference_from_namespace({"rnn": layer, "x": x})
    again = reference_from_namespace({"net": layer, "x": x.clone()})
    assert again is first
    with torch.no_grad():
        layer.weight_hh_l1_reverse.add_(1.0)
    changed = reference_from_namespace({"rnn": layer, "x": x})
    assert changed is not first
    assert not _close(changed.h_n, first.h_n)
    other_input = reference_from_namespace({"rnn": layer, "x": x + 1})
    assert other_input is not changed


def test_namespace_problems_are_reported() -> None:
    layer = nn.GRU(IN, H)
    with pytest.raises(TruthError, match="found 2"):
        find_layer({"a": layer, "b": nn.LSTM(IN, H)})
    with pytest.raises(TruthError, match="found 0"):
        find_layer({"x": torch.randn(T, B, IN)})
    # a layer inside a model counts once, however it is reached
    model = nn.Sequential(layer)
    assert find_layer({"model": model, "rnn": layer}) is layer
    # An initial state the proof names must have the layer's shape; an `h0` variable of
    # another shape is the example's mistake, and the truth starts from zeros.
    misshapen = {"rnn": layer, "x": torch.randn(T, B, IN), "h0": torch.ones(B, 1, H)}
    with pytest.raises(TruthError, match="initial state"):
        reference_from_namespace(misshapen, h0="h0")
    zero_start = reference(layer, misshapen["x"])
    assert torch.equal(reference_from_namespace(misshapen).h_n, zero_start.h_n)
    with pytest.raises(TruthError, match="no input"):
        reference_from_namespace({"rnn": layer})
    with pytest.raises(TruthError, match="lengths"):
        reference(layer, torch.randn(T, B, IN), lengths=[T + 1] * B)
