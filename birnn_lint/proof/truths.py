"""Ground truths for the runtime proofs, computed outside the expression under test.

The layer an example builds is re-run, on the CPU whatever device the example used, as
single-layer, single-direction modules of the same class holding the same weights:
direction 0 reads the sequence forwards, direction 1 reads it reversed with the
`_reverse` weights, and each layer is fed the previous layer's outputs (directions
concatenated). Every sample of the batch runs on its own at its own
length, so packed input needs no special case. The result, a `Reference`, holds every
layer's final states and the last layer's per-step outputs; a named truth is a small
function of it (register new ones with `@truth`).

Conventions read from an executed example's namespace: the one `nn.RNNBase` instance is
the layer, `x` its (padded) input, `lengths` the sequence lengths when the input is
packed, `h0` / `c0` the initial state passed to the layer when they have its shape (else
zeros), unless the proof gives expressions for them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

Truth = Tensor | tuple[Tensor, ...]

_CLASS_OF_MODE: dict[str, Callable[..., nn.RNNBase]] = {
    "RNN_TANH": nn.RNN,
    "RNN_RELU": nn.RNN,
    "GRU": nn.GRU,
    "LSTM": nn.LSTM,
}


class TruthError(ValueError):
    """The namespace does not hold what a truth needs."""


@dataclass(frozen=True)
class Reference:
    """What the layer should compute, from single-direction single-layer runs."""

    batch_first: bool
    lengths: tuple[int, ...]
    h_n: Tensor  # (L, D, B, H): every layer's final hidden state per direction
    c_n: Tensor | None  # (L, D, B, H_cell) for LSTM, else None
    outputs: Tensor  # (D, T, B, H): the last layer's outputs per direction, time-major,
    # zero after each sample's length; T is the longest length

    @property
    def num_layers(self) -> int:
        return int(self.h_n.shape[0])

    @property
    def num_directions(self) -> int:
        return int(self.h_n.shape[1])

    @property
    def batch(self) -> int:
        return int(self.h_n.shape[2])

    def in_layout(self, time_major: Tensor) -> Tensor:
        """A (T, B, ...) tensor in the layer's own layout."""
        return time_major.transpose(0, 1) if self.batch_first else time_major


# ---------------------------------------------------------------------------------------
# Named truths: the values the specs' proofs can ask for.

TRUTHS: dict[str, Callable[[Reference], Truth]] = {}


_Named = TypeVar("_Named", bound=Callable[[Reference], Truth])


def truth(function: _Named) -> _Named:
    TRUTHS[function.__name__] = function
    return function


@truth
def last_layer_both_directions(ref: Reference) -> Tensor:
    """(B, D*H): the last layer's forward final state, then its backward one."""
    return torch.cat(tuple(ref.h_n[-1]), dim=-1)


@truth
def sequence_summary(ref: Reference) -> Tensor:
    """(B, D*H): the per-sequence summary a classifier head wants."""
    return last_layer_both_directions(ref)


@truth
def last_layer_states_per_sample(ref: Reference) -> Tensor:
    """(B, D*H): each sample's last-layer rows, forward before backward."""
    return ref.h_n[-1].transpose(0, 1).reshape(ref.batch, -1)


@truth
def last_layer_forward(ref: Reference) -> Tensor:
    """(B, H): the last layer's forward final state."""
    return ref.h_n[-1, 0]


@truth
def final_states(ref: Reference) -> Tensor:
    """(L*D, B, H): h_n as the layer returns it, layer-major."""
    return ref.h_n.reshape(-1, *ref.h_n.shape[2:])


@truth
def final_cell_states(ref: Reference) -> Tensor:
    """(L*D, B, H): an LSTM's c_n, layer-major."""
    if ref.c_n is None:
        raise TruthError("final_cell_states needs an LSTM")
    return ref.c_n.reshape(-1, *ref.c_n.shape[2:])


@truth
def final_states_direction_major(ref: Reference) -> Tensor:
    """(D, L, B, H): [d, l] is layer l's direction d."""
    return ref.h_n.transpose(0, 1)


@truth
def final_states_per_sample(ref: Reference) -> Tensor:
    """(B, L*D*H): each sample's rows, layer-major, forward before backward."""
    return ref.h_n.permute(2, 0, 1, 3).reshape(ref.batch, -1)


@truth
def output(ref: Reference) -> Tensor:
    """(T, B, D*H) or (B, T, D*H): the full output; zero past each length."""
    return ref.in_layout(torch.cat(tuple(ref.outputs), dim=-1))


@truth
def output_hidden_direction(ref: Reference) -> Tensor:
    """(T, B, H, D) or (B, T, H, D): [..., h, d] is direction d's feature h."""
    return ref.in_layout(ref.outputs.permute(1, 2, 3, 0))


@truth
def output_direction_halves(ref: Reference) -> tuple[Tensor, ...]:
    """(forward output, backward output), each (T, B, H) or (B, T, H)."""
    return tuple(ref.in_layout(direction) for direction in ref.outputs)


@truth
def output_last_step(ref: Reference) -> Tensor:
    """(B, D*H): each sample's output at its own last valid step."""
    steps = torch.tensor([n - 1 for n in ref.lengths], device=ref.outputs.device)
    batch = torch.arange(ref.batch, device=ref.outputs.device)
    return torch.cat(tuple(direction[steps, batch] for direction in ref.outputs), dim=-1)


# ---------------------------------------------------------------------------------------
# Computing the reference.


def find_layer(namespace: Mapping[str, Any]) -> nn.RNNBase:
    """The one recurrent layer among the namespace's values (or inside its modules)."""
    found: dict[int, nn.RNNBase] = {}
    for value in namespace.values():
        if isinstance(value, nn.Module):
            for module in value.modules():
                if isinstance(module, nn.RNNBase):
                    found[id(module)] = module
    if len(found) != 1:
        raise TruthError(f"expected one nn.RNN/GRU/LSTM in the example, found {len(found)}")
    return next(iter(found.values()))


def reference(
    layer: nn.RNNBase,
    x: Tensor | PackedSequence,
    lengths: Any | None = None,
    h0: Tensor | None = None,
    c0: Tensor | None = None,
) -> Reference:
    """Run `layer`'s weights one layer, one direction and one sample at a time, on the
    CPU."""
    if isinstance(x, PackedSequence):
        x, lengths = pad_packed_sequence(x, batch_first=layer.batch_first)
    if not isinstance(x, Tensor) or x.dim() != 3:
        raise TruthError("x must be a batched 3-d tensor")
    x = x.detach().cpu()
    if layer.dropout and layer.training and layer.num_layers > 1:
        raise TruthError("the layer applies dropout: the example is not deterministic")
    x_tm = x.transpose(0, 1) if layer.batch_first else x
    steps, batch = x_tm.shape[:2]
    sizes = _lengths(lengths, steps, batch)
    directions = 2 if layer.bidirectional else 1
    hidden = layer.proj_size or layer.hidden_size
    is_lstm = layer.mode == "LSTM"
    h0 = _initial(h0, "h0", (layer.num_layers * directions, batch, hidden))
    c0 = _initial(c0, "c0", (layer.num_layers * directions, batch, layer.hidden_size))

    h_n = torch.zeros(layer.num_layers, directions, batch, hidden)
    c_n = torch.zeros(layer.num_layers, directions, batch, layer.hidden_size)
    outputs = torch.zeros(directions, max(sizes), batch, hidden)
    with torch.no_grad(), torch.random.fork_rng(devices=[]):  # building modules draws numbers
        singles = [
            [_single(layer, k, d) for d in range(directions)] for k in range(layer.num_layers)
        ]
        for b, n in enumerate(sizes):
            layer_input = x_tm[:n, b : b + 1]
            for k in range(layer.num_layers):
                per_direction = []
                for d in range(directions):
                    row = k * directions + d
                    state: Any = h0[row : row + 1, b : b + 1]
                    if is_lstm:
                        state = (state, c0[row : row + 1, b : b + 1])
                    sequence = layer_input if d == 0 else layer_input.flip(0)
                    out, final = singles[k][d](sequence, state)
                    per_direction.append(out if d == 0 else out.flip(0))
                    h_n[k, d, b] = (final[0] if is_lstm else final)[0, 0]
                    if is_lstm:
                        c_n[k, d, b] = final[1][0, 0]
                layer_input = torch.cat(per_direction, dim=-1)
            for d, out in enumerate(per_direction):
                outputs[d, :n, b] = out[:, 0]
    return Reference(
        batch_first=layer.batch_first,
        lengths=tuple(sizes),
        h_n=h_n,
        c_n=c_n if is_lstm else None,
        outputs=outputs,
    )


def _single(layer: nn.RNNBase, k: int, d: int) -> nn.RNNBase:
    """A one-layer, forward-only module holding layer k, direction d's weights."""
    hidden = layer.proj_size or layer.hidden_size
    extra: dict[str, Any] = {}
    if layer.mode == "RNN_RELU":
        extra["nonlinearity"] = "relu"
    if layer.proj_size:
        extra["proj_size"] = layer.proj_size
    input_size = layer.input_size if k == 0 else hidden * (2 if layer.bidirectional else 1)
    single = _CLASS_OF_MODE[layer.mode](
        input_size, layer.hidden_size, num_layers=1, bias=layer.bias, device="cpu", **extra
    )
    suffix = f"_l{k}" + ("_reverse" if d else "")
    for name, parameter in single.named_parameters():
        parameter.copy_(getattr(layer, name.removesuffix("_l0") + suffix))
    return single.eval()


def _lengths(lengths: Any | None, steps: int, batch: int) -> list[int]:
    if lengths is None:
        return [steps] * batch
    sizes = [int(n) for n in (lengths.tolist() if isinstance(lengths, Tensor) else lengths)]
    if len(sizes) != batch or not all(1 <= n <= steps for n in sizes):
        raise TruthError(f"lengths {sizes} do not fit a batch of {batch} x {steps} steps")
    return sizes


def _initial(state: Tensor | None, name: str, shape: tuple[int, ...]) -> Tensor:
    if state is None:
        return torch.zeros(shape)
    if not isinstance(state, Tensor) or tuple(state.shape) != shape:
        found = tuple(state.shape) if isinstance(state, Tensor) else type(state).__name__
        raise TruthError(f"{name} must be the layer's initial state {shape}, got {found}")
    return state.detach().cpu()


# ---------------------------------------------------------------------------------------
# From an executed example, with a cache: the flagged, fixed and corrected examples of a
# configuration build the same layer and input, so their truths are computed once.

_CACHE: list[tuple[tuple[Any, ...], list[Any], Reference]] = []


def reference_from_namespace(
    namespace: Mapping[str, Any], h0: str | None = None, c0: str | None = None
) -> Reference:
    """The reference for an executed example. `h0` / `c0` are optional expressions giving
    the intended initial state (default: the variables `h0` / `c0`, else zeros)."""
    layer = find_layer(namespace)
    if "x" not in namespace:
        raise TruthError("the example has no input `x`")
    x = namespace["x"]
    lengths = namespace.get("lengths")
    rows, batch = layer.num_layers * (2 if layer.bidirectional else 1), _batch_size(layer, x)
    shapes = {
        "h0": (rows, batch, layer.proj_size or layer.hidden_size),
        "c0": (rows, batch, layer.hidden_size),
    }
    initial = [
        _state(namespace, expression, name, shapes[name])
        for expression, name in ((h0, "h0"), (c0, "c0"))
    ]
    key = (layer.mode, layer.batch_first, layer.bidirectional, layer.proj_size, layer.bias)
    tensors = [*layer.state_dict().values(), x, lengths, *initial]
    for cached_key, cached_tensors, ref in _CACHE:
        if cached_key == key and _same_inputs(cached_tensors, tensors):
            return ref
    ref = reference(layer, x, lengths, *initial)
    _CACHE.append((key, [_frozen(t) for t in tensors], ref))
    del _CACHE[:-256]
    return ref


def _state(
    namespace: Mapping[str, Any], expression: str | None, name: str, shape: tuple[int, ...]
) -> Any:
    """The proof's expression for the initial state (checked strictly), else the example's
    variable of that name when it has the layer's shape. A wrongly shaped `h0` is the
    example's mistake, not the intended state: the layer call raises on it, and the fixed
    example's own `h0` is used for the fixed example's truth."""
    if expression is not None:
        return eval(expression, dict(namespace))
    value = namespace.get(name)
    return value if isinstance(value, Tensor) and tuple(value.shape) == shape else None


def _batch_size(layer: nn.RNNBase, x: Any) -> int:
    if isinstance(x, PackedSequence):
        return int(x.batch_sizes[0])
    if not isinstance(x, Tensor) or x.dim() != 3:
        raise TruthError("x must be a batched 3-d tensor")
    return int(x.shape[0 if layer.batch_first else 1])


def _frozen(value: Any) -> Any:
    """A copy the example cannot change later."""
    if isinstance(value, Tensor):
        return value.detach().clone()
    if isinstance(value, PackedSequence):
        return PackedSequence(*(_frozen(part) for part in value))
    if isinstance(value, (tuple, list)):
        return type(value)(_frozen(part) for part in value)
    return value


def _same_inputs(a: list[Any], b: list[Any]) -> bool:
    return len(a) == len(b) and all(_same(u, v) for u, v in zip(a, b, strict=True))


def _same(u: Any, v: Any) -> bool:
    if isinstance(u, Tensor) or isinstance(v, Tensor):
        return (
            isinstance(u, Tensor)
            and isinstance(v, Tensor)
            and u.shape == v.shape
            and u.dtype == v.dtype
            and u.device == v.device
            and torch.equal(u, v)
        )
    if isinstance(u, (tuple, list)) and isinstance(v, (tuple, list)):
        return type(u) is type(v) and _same_inputs(list(u), list(v))
    return u is None and v is None or u == v
