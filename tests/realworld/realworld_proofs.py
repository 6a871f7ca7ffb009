"""Runtime proofs for the real-world labels: each site's expression, rewritten as our own
small idiom, computed on a real torch layer configured like the site's, and compared with
the truth computed independently by birnn_lint/proof/truths.py (one layer, one direction and
one sample at a time).

An idiom returns (value, truth): a bug label holds when they differ (in shape or values),
a correct label when they are equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from birnn_lint.proof.truths import Reference, reference

T, B, IN, H = 5, 3, 4, 6
LENGTHS = (5, 3, 2)  # sorted, for packed inputs
KINDS: dict[str, Callable[..., nn.RNNBase]] = {"RNN": nn.RNN, "GRU": nn.GRU, "LSTM": nn.LSTM}


@dataclass(frozen=True)
class Setup:
    """How the site's layer is configured."""

    kind: str
    layers: int
    bidirectional: bool
    batch_first: bool
    packed: bool = False
    batch: int = B
    options: dict[str, int] = field(default_factory=dict)


@dataclass
class Run:
    """A real layer's results on a random input, and the reference for them."""

    setup: Setup
    layer: nn.RNNBase
    x: Tensor
    output: Tensor  # padded when the input was packed
    h_n: Tensor
    c_n: Tensor | None
    lengths: Tensor
    ref: Reference

    @property
    def directions(self) -> int:
        return 2 if self.setup.bidirectional else 1

    def summary(self) -> Tensor:
        """(B, D*H): the last layer's forward final state then its backward one."""
        return torch.cat(tuple(self.ref.h_n[-1]), dim=-1)


def run(setup: Setup) -> Run:
    torch.manual_seed(0)
    layer = KINDS[setup.kind](
        IN,
        H,
        num_layers=setup.layers,
        bidirectional=setup.bidirectional,
        batch_first=setup.batch_first,
    ).eval()
    batch = setup.batch
    lengths = torch.tensor(LENGTHS if setup.packed else (T,) * batch)
    x = torch.randn(batch, T, IN) if setup.batch_first else torch.randn(T, batch, IN)
    time_axis = 1 if setup.batch_first else 0
    mask = (torch.arange(T)[:, None] < lengths[None, :]).to(x.dtype)  # (T, B)
    x = x * (mask.T[..., None] if setup.batch_first else mask[..., None])
    with torch.no_grad():
        if setup.packed:
            packed = pack_padded_sequence(x, lengths, batch_first=setup.batch_first)
            out_packed, state = layer(packed)
            output, _ = pad_packed_sequence(out_packed, batch_first=setup.batch_first)
        else:
            output, state = layer(x)
    assert output.size(time_axis) == T
    h_n, c_n = state if isinstance(state, tuple) else (state, None)
    ref = reference(layer, x, lengths=lengths.tolist() if setup.packed else None)
    return Run(setup, layer, x, output, h_n, c_n, lengths, ref)


Idiom = Callable[[Run], tuple[Tensor, Tensor]]
IDIOMS: dict[str, Idiom] = {}


def idiom(function: Idiom) -> Idiom:
    IDIOMS[function.__name__] = function
    return function


def same(value: Tensor, truth: Tensor) -> bool:
    return value.shape == truth.shape and torch.allclose(value, truth, atol=1e-5)


# --- last steps and last rows -------------------------------------------------------------


@idiom
def last_step_bf(r: Run) -> tuple[Tensor, Tensor]:
    return r.output[:, -1, :], r.summary()


@idiom
def last_step_tm(r: Run) -> tuple[Tensor, Tensor]:
    return r.output[-1], r.summary()


@idiom
def unidir_last_step_bf(r: Run) -> tuple[Tensor, Tensor]:
    return r.output[:, -1, :], r.ref.h_n[-1, 0]


@idiom
def unidir_last_step_tm(r: Run) -> tuple[Tensor, Tensor]:
    return r.output[-1], r.ref.h_n[-1, 0]


@idiom
def unidir_last_row(r: Run) -> tuple[Tensor, Tensor]:
    return r.h_n[-1], r.ref.h_n[-1, 0]


@idiom
def unidir_state_slice(r: Run) -> tuple[Tensor, Tensor]:
    return r.h_n[r.setup.layers - 1 :][0], r.ref.h_n[-1, 0]


@idiom
def last_row(r: Run) -> tuple[Tensor, Tensor]:
    return r.h_n[-1], r.summary()


@idiom
def cat_last_two(r: Run) -> tuple[Tensor, Tensor]:
    return torch.cat((r.h_n[-2], r.h_n[-1]), dim=1), r.summary()


@idiom
def cat_last_two_backward_first(r: Run) -> tuple[Tensor, Tensor]:
    return torch.cat([r.h_n[-1], r.h_n[-2]], dim=1), torch.cat(tuple(r.ref.h_n[-1].flip(0)), -1)


@idiom
def state_slice_last_layer_join(r: Run) -> tuple[Tensor, Tensor]:
    rows = r.h_n[2 * (r.setup.layers - 1) :]
    return torch.cat((rows[0], rows[1]), 1), r.summary()


@idiom
def split_rows_join_single_layer(r: Run) -> tuple[Tensor, Tensor]:
    return torch.cat(torch.split(r.h_n, 1, dim=0), dim=2).squeeze(0), r.summary()


@idiom
def last_two_rows_transpose_view(r: Run) -> tuple[Tensor, Tensor]:
    batch = r.h_n.size(1)
    return r.h_n[-2:].transpose(0, 1).contiguous().view(batch, -1), r.summary()


@idiom
def view_layers_dirs_last(r: Run) -> tuple[Tensor, Tensor]:
    top = r.h_n.view(r.setup.layers, r.directions, r.h_n.size(1), H)[-1]
    return torch.cat((top[0], top[1]), dim=1), r.summary()


@idiom
def batch_first_view_last_layer(r: Run) -> tuple[Tensor, Tensor]:
    batch = r.h_n.size(1)
    per_layer = torch.transpose(r.h_n, 0, 1).contiguous().view(batch, r.setup.layers, -1)
    return per_layer[:, -1, :].contiguous().view(batch, -1), r.summary()


@idiom
def batch_first_last_rows_view(r: Run) -> tuple[Tensor, Tensor]:
    h_n = torch.transpose(r.h_n, 0, 1)
    last_index = -2 if r.setup.bidirectional else -1
    value = h_n[:, last_index:, :].contiguous().view(-1, H * r.directions)
    return value, r.summary()


@idiom
def shape_only_hidden_size(r: Run) -> tuple[Tensor, Tensor]:
    assert r.c_n is not None, "the site reads the LSTM's (h_n, c_n) tuple"
    state = (r.h_n, r.c_n)
    return torch.tensor(state[-1].size(-1)), torch.tensor(H)


# --- every layer's rows -------------------------------------------------------------------


def _per_sample(r: Run) -> Tensor:
    return r.ref.h_n.permute(2, 0, 1, 3).reshape(r.h_n.size(1), -1)


def _per_layer_joined(r: Run) -> Tensor:
    return r.ref.h_n.transpose(1, 2).reshape(r.setup.layers, r.h_n.size(1), -1)


@idiom
def transpose_view_all_rows(r: Run) -> tuple[Tensor, Tensor]:
    joined: Tensor = r.h_n.transpose(1, 0).contiguous().view(r.h_n.size(1), -1)
    return joined, _per_sample(r)


@idiom
def batch_view_by_row_count(r: Run) -> tuple[Tensor, Tensor]:
    rows = r.directions * r.setup.layers  # Sentence-VAE's hidden_factor
    return r.h_n.view(r.h_n.size(1), H * rows), _per_sample(r)


@idiom
def per_layer_batch_cat_view(r: Run) -> tuple[Tensor, Tensor]:
    h, batch = r.h_n, r.h_n.size(1)
    joined = [
        torch.cat([h[2 * i], h[2 * i + 1]], dim=0).view(1, batch, 2 * H)
        for i in range(r.setup.layers)
    ]
    return torch.cat(joined, dim=0), _per_layer_joined(r)


@idiom
def all_rows_cat_feature(r: Run) -> tuple[Tensor, Tensor]:
    return torch.cat([r.h_n[i, :, :] for i in range(r.h_n.shape[0])], dim=1), _per_sample(r)


@idiom
def every_layer_join_stride(r: Run) -> tuple[Tensor, Tensor]:
    h = r.h_n
    return torch.cat([h[0 : h.size(0) : 2], h[1 : h.size(0) : 2]], 2), _per_layer_joined(r)


@idiom
def view_layers_dirs_transpose_join(r: Run) -> tuple[Tensor, Tensor]:
    layers, batch = r.h_n.size(0) // 2, r.h_n.size(1)
    joined = r.h_n.view(layers, 2, batch, H).transpose(1, 2).contiguous().view(layers, batch, -1)
    return joined, _per_layer_joined(r)


@idiom
def view_layers_dirs_join_all(r: Run) -> tuple[Tensor, Tensor]:
    h = r.h_n.view(r.setup.layers, r.directions, r.h_n.size(1), H)
    return torch.cat([h[:, i] for i in range(r.directions)], dim=-1), _per_layer_joined(r)


@idiom
def forward_every_layer_stride(r: Run) -> tuple[Tensor, Tensor]:
    return r.h_n[::2].contiguous(), r.ref.h_n[:, 0]


@idiom
def chunk_dim0_join(r: Run) -> tuple[Tensor, Tensor]:
    return torch.cat(r.h_n.chunk(chunks=2, dim=0), dim=2), _per_layer_joined(r)


@idiom
def first_rows_as_layers(r: Run) -> tuple[Tensor, Tensor]:
    decoder_layers = r.setup.options["decoder_layers"]
    # meant: each of the top `decoder_layers` encoder layers' forward state
    return r.h_n[:decoder_layers], r.ref.h_n[r.setup.layers - decoder_layers :, 0]


@idiom
def gru_row_transpose_view(r: Run) -> tuple[Tensor, Tensor]:
    batch = r.h_n.size(1)
    return r.h_n[0].transpose(1, 0).contiguous().view(batch, -1), _per_sample(r)


@idiom
def state_view_batch_mixing(r: Run) -> tuple[Tensor, Tensor]:
    return r.h_n.view(-1, H * 2, 1).squeeze(2), r.ref.h_n[-1].transpose(0, 1).reshape(-1, 2 * H)


# --- outputs ------------------------------------------------------------------------------


def _output(r: Run) -> Tensor:
    return r.ref.in_layout(torch.cat(tuple(r.ref.outputs), dim=-1))


@idiom
def output_full(r: Run) -> tuple[Tensor, Tensor]:
    return r.output, _output(r)


@idiom
def output_feature_halves(r: Run) -> tuple[Tensor, Tensor]:
    size = r.output.size(2)
    halves = torch.stack((r.output[:, :, 0 : size // 2], r.output[:, :, size // 2 :]))
    return halves, torch.stack(tuple(r.ref.in_layout(d) for d in r.ref.outputs))


@idiom
def output_halves_sum(r: Run) -> tuple[Tensor, Tensor]:
    return r.output[:, :, :H] + r.output[:, :, H:], r.ref.in_layout(r.ref.outputs.sum(0))


@idiom
def output_view_dirs_sum(r: Run) -> tuple[Tensor, Tensor]:
    x = r.output
    summed = x.view(x.size(0), x.size(1), 2, -1).sum(2).view(x.size(0), x.size(1), -1)
    return summed, r.ref.in_layout(r.ref.outputs.sum(0))


@idiom
def output_view_rows_dirs(r: Run) -> tuple[Tensor, Tensor]:
    by_direction = r.ref.in_layout(r.ref.outputs.permute(1, 2, 0, 3))  # (T, B, D, H)
    return r.output.view(-1, r.directions, H), by_direction.reshape(-1, r.directions, H)


@idiom
def output_flat_view_bf(r: Run) -> tuple[Tensor, Tensor]:
    batch, steps, _ = r.output.size()
    # the site calls .view: on CPU a batch-first output is a transposed (non-contiguous)
    # tensor and .view raises; the layout claim is the same with .reshape
    return r.output.reshape(batch * steps, -1), _output(r).reshape(batch * steps, -1)


@idiom
def first_last_step_join(r: Run) -> tuple[Tensor, Tensor]:
    encoding = torch.cat((r.output[0], r.output[-1]), -1)
    # the backward summary (step 0) and the forward summary (last step) are both in it
    backward_then_forward = torch.cat((r.ref.h_n[-1, 1], r.ref.h_n[-1, 0]), -1)
    return encoding[:, H : 3 * H], backward_then_forward


@idiom
def list_of_layer_outputs(r: Run) -> tuple[Tensor, Tensor]:
    torch.manual_seed(1)
    layers = [nn.LSTM(IN if i == 0 else 2 * H, H, bidirectional=True).eval() for i in range(2)]
    rnns = nn.ModuleList(layers)
    x = r.x if not r.setup.batch_first else r.x.transpose(0, 1)
    outputs = [x]
    with torch.no_grad():
        for i in range(len(rnns)):
            outputs.append(rnns[i](outputs[-1])[0])
        truth_ref = reference(layers[1], outputs[1])
    return outputs[-1], torch.cat(tuple(truth_ref.outputs), dim=-1)


# --- lengths ------------------------------------------------------------------------------


def _last_valid_steps(r: Run) -> Tensor:
    steps = r.lengths - 1
    batch = torch.arange(r.output.size(0 if r.setup.batch_first else 1))
    return torch.cat(tuple(direction[steps, batch] for direction in r.ref.outputs), dim=-1)


@idiom
def padded_last_step_bf(r: Run) -> tuple[Tensor, Tensor]:
    return r.output[:, -1, :], _last_valid_steps(r)


@idiom
def gather_lengths_unidir(r: Run) -> tuple[Tensor, Tensor]:
    idx = (r.lengths - 1).view(-1, 1).expand(len(r.lengths), r.output.size(2)).unsqueeze(1)
    return r.output.gather(1, idx).squeeze(1), _last_valid_steps(r)


@idiom
def index_lengths_unidir(r: Run) -> tuple[Tensor, Tensor]:
    return r.output[range(len(r.output)), r.lengths - 1], _last_valid_steps(r)


@idiom
def index_lengths_locals_bidi(r: Run) -> tuple[Tensor, Tensor]:
    rows = torch.arange(0, r.output.size(0)).long()
    steps = r.lengths - 1
    return r.output[rows, steps, :], r.summary()


@idiom
def lengths_last_step_bidi_tm(r: Run) -> tuple[Tensor, Tensor]:
    steps, batch, _ = r.output.size()
    index = torch.arange(0, batch) * steps + (r.lengths - 1)
    flat = r.output.transpose(0, 1).contiguous().view(steps * batch, -1)
    return flat.index_select(0, index).view(batch, -1), r.summary()


@idiom
def lengths_fwd_half_bwd_first(r: Run) -> tuple[Tensor, Tensor]:
    outputs = r.output.transpose(0, 1)  # batch-first, as the site does
    rows = [torch.cat((outputs[i, n - 1, :H], outputs[i, 0, H:])) for i, n in enumerate(r.lengths)]
    return torch.stack(rows), r.summary()


# --- initial states -----------------------------------------------------------------------


def _with_state(r: Run, h0: Tensor) -> tuple[Tensor, Tensor]:
    """The layer's output from `h0` against its output from the default zero state."""
    state = (h0, torch.zeros_like(h0)) if r.setup.kind == "LSTM" else h0
    with torch.no_grad():
        return r.layer(r.x, state)[0], r.layer(r.x)[0]


@idiom
def h0_rows_layers_directions(r: Run) -> tuple[Tensor, Tensor]:
    batch = r.x.size(0 if r.setup.batch_first else 1)
    return _with_state(r, torch.zeros(r.setup.layers * r.directions, batch, H))


@idiom
def init_hidden_unidir(r: Run) -> tuple[Tensor, Tensor]:
    batch = r.x.size(0 if r.setup.batch_first else 1)
    return _with_state(r, torch.zeros(r.setup.layers, batch, H))


@idiom
def init_rows_layers_only(r: Run) -> tuple[Tensor, Tensor]:
    """A bidirectional layer handed (layers, B, H): torch rejects it; the state needs
    layers * directions rows."""
    batch = r.x.size(0 if r.setup.batch_first else 1)
    h0 = torch.zeros(r.setup.layers, batch, H)
    try:
        _with_state(r, h0)
    except RuntimeError:
        pass
    else:
        raise AssertionError("torch accepted a state without a row per direction")
    return h0, torch.zeros(r.setup.layers * r.directions, batch, H)
