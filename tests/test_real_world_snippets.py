"""Patterns seen in real code (issue 2, section 5), rewritten as small snippets of our own.

The corpus was torch's installed source and the PyPI releases fairseq 0.12.2, OpenNMT-py
3.5.1, joeynmt 2.3.0 and allennlp 2.10.1. Each snippet is also run with a real torch
layer, so a test claiming "correct" or "wrong" is checked against the runtime, not only
against the linter.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import torch

from birnn_lint.engine import check_source

# Every snippet builds `enc` with these sizes so the runtime checks can share one truth.
T, B, IN, H, L = 5, 3, 6, 4, 2


def lint(snippet: str) -> list[str]:
    return [f.code for f in check_source(textwrap.dedent(snippet), "snippet.py")]


def run(snippet: str) -> dict[str, Any]:
    torch.manual_seed(0)
    namespace: dict[str, Any] = {}
    exec(compile(textwrap.dedent(snippet), "snippet.py", "exec"), namespace)
    return namespace


def last_layer_both_directions(state: torch.Tensor, num_layers: int) -> torch.Tensor:
    """(batch, 2 * hidden): the last layer's forward state then its backward state."""
    return (
        state.view(num_layers, 2, state.size(1), -1)[-1].permute(1, 0, 2).reshape(state.size(1), -1)
    )


def every_layer_both_directions(state: torch.Tensor, num_layers: int) -> torch.Tensor:
    """(layers, batch, 2 * hidden): per layer, forward then backward state of each sample."""
    return (
        state.view(num_layers, 2, state.size(1), -1)
        .transpose(1, 2)
        .reshape(num_layers, state.size(1), -1)
    )


# --- correct idioms from the corpus: must stay silent -------------------------------------

JOEYNMT_LAYERWISE_VIEW = f"""
import torch
from torch import nn

enc = nn.LSTM({IN}, {H}, num_layers={L}, batch_first=True, bidirectional=True)
x = torch.randn({B}, {T}, {IN})
output, state = enc(x)
if isinstance(state, tuple):
    state, cell = state
per_layer = state.view({L}, 2, state.size(1), {H})
forward_top = per_layer[-1:, 0]
backward_top = per_layer[-1:, 1]
summary = torch.cat([forward_top, backward_top], dim=2).squeeze(0)
"""


def test_joeynmt_layerwise_view_of_final_state_is_silent() -> None:
    assert lint(JOEYNMT_LAYERWISE_VIEW) == []
    ns = run(JOEYNMT_LAYERWISE_VIEW)
    assert torch.equal(ns["summary"], last_layer_both_directions(ns["state"], L))


OPENNMT_INTERLEAVE_TUPLE = f"""
import torch
from torch import nn

enc = nn.LSTM({IN}, {H}, num_layers={L}, bidirectional=True)
x = torch.randn({T}, {B}, {IN})
output, final = enc(x)


def per_layer(state):
    return torch.cat([state[0 : state.size(0) : 2], state[1 : state.size(0) : 2]], 2)


decoder_init = tuple(per_layer(s) for s in final)
"""


def test_opennmt_interleaved_direction_join_over_lstm_tuple_is_silent() -> None:
    assert lint(OPENNMT_INTERLEAVE_TUPLE) == []
    ns = run(OPENNMT_INTERLEAVE_TUPLE)
    for joined, state in zip(ns["decoder_init"], ns["final"], strict=True):
        assert torch.equal(joined, every_layer_both_directions(state, L))


ALLENNLP_TRANSPOSED_LAST_TWO = f"""
import torch
from torch import nn

enc = nn.GRU({IN}, {H}, num_layers={L}, batch_first=True, bidirectional=True)
x = torch.randn({B} - 1, {T}, {IN})
_, state = enc(x)
# rows for samples the encoder skipped are appended on the batch axis
state = torch.cat([state, state.new_zeros(state.size(0), 1, state.size(2))], 1)
restore = torch.tensor([2, 0, 1])
by_sample = state.transpose(0, 1).index_select(0, restore)
top = by_sample[:, -2:, :]
summary = top.contiguous().view([-1, 2 * {H}])
"""


def test_allennlp_seq2vec_final_state_reshape_is_silent() -> None:
    assert lint(ALLENNLP_TRANSPOSED_LAST_TWO) == []
    ns = run(ALLENNLP_TRANSPOSED_LAST_TWO)
    expected = last_layer_both_directions(ns["state"], L).index_select(0, ns["restore"])
    assert torch.equal(ns["summary"], expected)


FAIRSEQ_COMBINE_BIDIR = f"""
import torch
from torch import nn

enc = nn.LSTM({IN}, {H}, num_layers={L}, bidirectional=True)
x = torch.randn({T}, {B}, {IN})
bsz = x.size(1)
h0 = x.new_zeros(2 * {L}, bsz, {H})
c0 = x.new_zeros(2 * {L}, bsz, {H})
outs, (hiddens, cells) = enc(x, (h0, c0))
combined = hiddens.view({L}, 2, bsz, -1).transpose(1, 2).contiguous().view({L}, bsz, -1)
"""


def test_fairseq_lstm_encoder_combine_bidir_is_silent() -> None:
    assert lint(FAIRSEQ_COMBINE_BIDIR) == []
    ns = run(FAIRSEQ_COMBINE_BIDIR)
    assert torch.equal(ns["combined"], every_layer_both_directions(ns["hiddens"], L))


FAIRSEQ_STAR_STATE_SIZE = f"""
import torch
from torch import nn

enc = nn.LSTM({IN}, {H}, num_layers={L}, bidirectional=True)
x = torch.randn({T}, {B}, {IN})
state_size = 2 * {L}, x.size(1), {H}
h0 = x.data.new(*state_size).zero_()
c0 = x.data.new(*state_size).zero_()
outs, (hiddens, cells) = enc(x, (h0, c0))
"""


def test_fairseq_laser_initial_state_from_size_tuple_is_silent() -> None:
    assert lint(FAIRSEQ_STAR_STATE_SIZE) == []
    run(FAIRSEQ_STAR_STATE_SIZE)  # a wrong first size would raise here


FAIRSEQ_WINDOW_LAST_FRAME = f"""
import torch
from torch import nn

enc = nn.LSTM({IN}, {H}, num_layers={L}, batch_first=True)
frames = torch.randn({B}, {T}, {IN})
out, _ = enc(frames)
last = out[:, -1, :]
"""


def test_fairseq_speaker_embedder_unidirectional_last_frame_is_silent() -> None:
    assert lint(FAIRSEQ_WINDOW_LAST_FRAME) == []
    ns = run(FAIRSEQ_WINDOW_LAST_FRAME)
    _, (h_n, _) = ns["enc"](ns["frames"])
    assert torch.allclose(ns["last"], h_n[-1])


FAIRSEQ_PACKED_SORTED_OUTPUT = f"""
import torch
from torch import nn

enc = nn.LSTM({IN}, {H} // 2, {L}, batch_first=True, bidirectional=True)
x = torch.randn({B}, {T}, {IN})
lengths = torch.tensor([3, {T}, 2])
lengths, order = lengths.sort(0, descending=True)
packed = nn.utils.rnn.pack_padded_sequence(x[order], lengths, batch_first=True)
outputs, _ = enc(packed)
outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True)
_, unorder = order.sort(0)
outputs = outputs[unorder]
pooled = outputs.sum(1)
"""


def test_fairseq_tacotron_reference_encoder_packed_output_is_silent() -> None:
    assert lint(FAIRSEQ_PACKED_SORTED_OUTPUT) == []
    assert run(FAIRSEQ_PACKED_SORTED_OUTPUT)["pooled"].shape == (B, H)


# --- real misuse found by hand in the corpus ----------------------------------------------
# fairseq 0.12.2, examples/laser: per layer, the two direction states (B, H) are joined on
# the batch axis to (2B, H) and then viewed as (1, B, 2H), so each row holds two samples'
# forward states (or two samples' backward states). The result is the encoder's final
# state; LASER's decoder ignores it, so the bug is dormant there. birnn-lint 0 findings
# on that file (the layer comes from a factory and `bidirectional` is a parameter); these
# snippets give it a literal layer.

FAIRSEQ_LASER_BATCH_CAT_VIEW = f"""
import torch
from torch import nn

enc = nn.LSTM({IN}, {H}, num_layers=1, bidirectional=True)
x = torch.randn({T}, {B}, {IN})
outs, (hiddens, cells) = enc(x)
bsz = x.size(1)
joined = torch.cat([hiddens[0], hiddens[1]], dim=0).view(1, bsz, 2 * {H})
"""

FAIRSEQ_LASER_PER_LAYER = f"""
import torch
from torch import nn

enc = nn.LSTM({IN}, {H}, num_layers={L}, bidirectional=True)
x = torch.randn({T}, {B}, {IN})
outs, (hiddens, cells) = enc(x)
bsz = x.size(1)
joined = torch.cat(
    [torch.cat([hiddens[2 * k], hiddens[2 * k + 1]], 0).view(1, bsz, 2 * {H}) for k in range({L})],
    dim=0,
)
"""


@pytest.mark.parametrize(
    ("snippet", "layers"),
    [
        (FAIRSEQ_LASER_BATCH_CAT_VIEW, 1),
        (FAIRSEQ_LASER_PER_LAYER, L),
    ],
    ids=["one-layer", "per-layer-comprehension"],
)
def test_fairseq_laser_direction_join_on_batch_axis_is_batch_mixing(
    snippet: str, layers: int
) -> None:
    ns = run(snippet)
    assert not torch.equal(ns["joined"], every_layer_both_directions(ns["hiddens"], layers))
    assert lint(snippet) == ["BRN003"]


# --- diagnostics: valid code must not be called a syntax error ----------------------------
# torch/testing/_internal/py312_intrinsics.py uses PEP 695 syntax. Without a layer word the
# file goes to the running interpreter's compile() (3.11 here: BRN900); with one, to libcst,
# which parses it. The verdict must not depend on the file's words.

PEP695_WITHOUT_LAYER_WORDS = """
import torch


def pick[T](items: list[T]) -> T:
    return items[0]
"""


def test_torch_py312_generic_syntax_is_not_a_syntax_error() -> None:
    with_word = PEP695_WITHOUT_LAYER_WORDS + "# LSTM\n"
    assert lint(with_word) == []
    assert lint(PEP695_WITHOUT_LAYER_WORDS) == []
