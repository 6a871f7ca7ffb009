"""The interpreter's environment on one path through a body: what each name holds, what
the guards on the path fixed, and the status of every held-back finding.

Values are immutable, so copying an environment for a branch copies its maps only; the
branches' environments are merged where the paths join.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from birnn_lint.analysis.layer_sets import merged_layer
from birnn_lint.analysis.values import (
    UNKNOWN,
    EitherState,
    LayerClass,
    LayerKind,
    LayerList,
    LayerRef,
    Opaque,
    Role,
    Tensor,
    TupleTag,
    TupleValue,
    Value,
)
from birnn_lint.strenum import StrEnum

_IDENTS = itertools.count(1)


def fresh_opaque() -> Opaque:
    """A new object the analysis does not model, distinct from every other."""
    return Opaque(next(_IDENTS))


class Status(StrEnum):
    """Where a held-back finding stands on one path."""

    OPEN = "open"  # neither made right nor used yet
    CANCELLED = "cancelled"  # made right (joined with its other half, the right half kept)
    USED = "used"  # used as it is: reported whatever happens later


# Merging two paths: the worse status wins, so a finding survives if it survives on any
# path.
_RANK = {Status.CANCELLED: 0, Status.OPEN: 1, Status.USED: 2}


@dataclass
class Env:
    values: dict[str, Value] = field(default_factory=dict)
    # Layers (by ident) whose direction count a guard on this path fixed.
    directions: dict[int, int] = field(default_factory=dict)
    # Symbols of `x.size(k)` resolved once `x` is known to be a layer's input ("B", "T").
    dim_alias: dict[str, str] = field(default_factory=dict)
    # Held-back findings (by ident) created or reached on this path.
    pending: dict[int, Status] = field(default_factory=dict)
    # The layer kinds a test on this path allows (`if self.rnn_type == "lstm":`,
    # `isinstance(self.rnn, nn.LSTM)`): a layer chosen at run time is one of them here.
    kinds: frozenset[LayerKind] | None = None

    def copy(self) -> Env:
        return replace(
            self,
            values=dict(self.values),
            directions=dict(self.directions),
            dim_alias=dict(self.dim_alias),
            pending=dict(self.pending),
        )

    def assign(self, name: str, value: Value) -> None:
        """Bind `name`; a value the analysis does not model still gets an identity."""
        self.values[name] = fresh_opaque() if value is UNKNOWN else value

    def set_status(self, ident: int, status: Status) -> None:
        current = self.pending.get(ident, Status.OPEN)
        if status is Status.USED or current is Status.OPEN:
            self.pending[ident] = status

    def settle_open(self, idents: set[int]) -> None:
        """Held-back findings not made right by now count as used."""
        for ident in idents:
            if self.pending.get(ident, Status.OPEN) is Status.OPEN:
                self.pending[ident] = Status.USED

    def same_as(self, other: Env) -> bool:
        return (
            self.values == other.values
            and self.directions == other.directions
            and self.pending == other.pending
        )


def merge_values(a: Value | None, b: Value | None) -> Value:
    # A name bound on one path only: reading it on the other would fail, so code that
    # reads it assumes the path that bound it (a loop that ran, a branch taken).
    if a is None:
        return b if b is not None else UNKNOWN
    if b is None:
        return a
    if a == b:
        return a
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        if a.layer is b.layer and a.role == b.role and a.layout == b.layout:
            return replace(a, pending=a.pending | b.pending)
    if isinstance(a, TupleValue) and isinstance(b, TupleValue):
        if len(a.items) == len(b.items) and a.tag == b.tag and a.layer is b.layer:
            items = tuple(merge_values(x, y) for x, y in zip(a.items, b.items, strict=True))
            return TupleValue(items, a.tag, a.layer)
    either = _either(a, b) or _either(b, a)
    if either is not None:
        return either
    if isinstance(a, LayerRef) and isinstance(b, LayerRef):
        return LayerRef(merged_layer([a.layer, b.layer]))  # a layer chosen at run time
    if isinstance(a, LayerClass) and isinstance(b, LayerClass):
        return LayerClass(a.kinds | b.kinds, a.guessed or b.guessed)
    if isinstance(a, LayerList) and isinstance(b, LayerList):
        return LayerList(tuple(dict.fromkeys(a.layers + b.layers)))
    return UNKNOWN


def _either(state: Value, tensor: Value) -> EitherState | None:
    """`(h_n, c_n)` on the LSTM path, `h_n` on the other (`if rnn_type == "lstm":`): the
    state of a layer of either kind, told apart again by the next such test."""
    if isinstance(state, EitherState) and isinstance(tensor, Tensor):
        if state.tensor.layer is tensor.layer and state.tensor.layout == tensor.layout:
            pending = state.tensor.pending | tensor.pending
            return EitherState(replace(state.tensor, pending=pending), state.lstm)
    if not (isinstance(state, TupleValue) and isinstance(tensor, Tensor)) or len(state.items) != 2:
        return None
    h, c = state.items
    if (
        isinstance(h, Tensor)
        and isinstance(c, Tensor)
        and h.layer is tensor.layer is c.layer
        and (h.role, c.role, tensor.role) == (Role.STATE_H, Role.STATE_C, Role.STATE_H)
        and h.layout == tensor.layout
    ):
        lstm = TupleValue((h, c), TupleTag.LSTM_STATE, h.layer)
        return EitherState(replace(tensor, pending=tensor.pending | h.pending), lstm)
    return None


def merge(envs: Sequence[Env]) -> Env:
    out = envs[0].copy()
    for other in envs[1:]:
        lost: set[int] = set()
        for name in set(out.values) | set(other.values):
            mine, theirs = out.values.get(name), other.values.get(name)
            merged = merge_values(mine, theirs)
            out.values[name] = merged
            if merged is UNKNOWN:
                # What the paths held is no longer followed: as if used there.
                lost |= pending_of(mine) | pending_of(theirs)
        if out.kinds != other.kinds:
            out.kinds = None
        for ident in set(out.directions) | set(other.directions):
            if out.directions.get(ident) != other.directions.get(ident):
                out.directions.pop(ident, None)
        out.dim_alias.update(other.dim_alias)
        for ident, status in other.pending.items():
            current = out.pending.get(ident)
            if current is None or _RANK[status] > _RANK[current]:
                out.pending[ident] = status
        for ident in lost:
            out.set_status(ident, Status.USED)
    return out


def pending_of(value: Value | None) -> set[int]:
    """The held-back reports a value carries."""
    if isinstance(value, Tensor):
        return set(value.pending)
    if isinstance(value, TupleValue):
        return {i for item in value.items for i in pending_of(item)}
    if isinstance(value, EitherState):
        return pending_of(value.tensor) | pending_of(value.lstm)
    return set()
