"""Indexing and slicing a layout: `t[items]`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from birnn_lint.layout.model import (
    BATCH,
    DIR,
    HIDDEN,
    LAYER,
    OTHER,
    TIME,
    Axis,
    Layout,
    Problem,
    ProblemKind,
    Result,
    Size,
    axis_size,
    live,
)

# ---------------------------------------------------------------- indexing

# An index item: an int (a literal, possibly negative), "last-layer" (num_layers - 1),
# "last-valid" (`lengths - 1`: each sequence's own last step, on the time axis),
# a Slice, a LayerRow, None (a new axis), Ellipsis, or "keep" (a tensor/unknown index that
# keeps the axis, such as a permutation).


@dataclass(frozen=True)
class Slice:
    start: Size | None = None
    stop: Size | None = None
    step: int = 1
    negative_start: bool = False  # start counts from the end (e.g. -2:)
    negative_stop: bool = False


@dataclass(frozen=True)
class LayerRow:
    """Row `2 * k + direction` with `k` running over the layers (`for k in range(L)`):
    each layer's state of one direction, one layer at a time."""

    direction: int


Index = int | str | Slice | LayerRow | None | type(Ellipsis)

# The detail of the order problem of `h[:k]` with k another layer's num_layers.
FOREIGN_COUNT = "slice by another layer's count"


def index(layout: Layout, items: list[object]) -> Result:
    """`t[items]`: integer and slice items consume axes from the left."""
    consumed = sum(1 for i in items if i is not None and i is not Ellipsis)
    if consumed > layout.ndim or sum(1 for i in items if i is Ellipsis) > 1:
        return None
    if Ellipsis in items:
        at = items.index(Ellipsis)
        items = items[:at] + [Slice()] * (layout.ndim - consumed) + items[at + 1 :]
    else:
        items = items + [Slice()] * (layout.ndim - consumed)
    axes: list[Axis] = []
    fixed = dict(layout.fixed)
    pos = 0
    for item in items:
        if item is None:
            axes.append(())
            continue
        axis = layout.axes[pos]
        pos += 1
        if isinstance(item, Slice):
            sliced = _slice_axis(axis, item, fixed)
            if sliced is None:
                return None
            if isinstance(sliced, Problem):
                return sliced
            axes.append(sliced)
        elif item == "keep":
            axes.append(axis)
        elif item == "last-valid":
            if [f.kind for f in live(axis)] != [TIME]:
                return None
            fixed[TIME] = "last-valid"
        elif isinstance(item, LayerRow):
            kinds = [f.kind for f in live(axis)]
            if kinds != [LAYER, DIR] or live(axis)[1].size.known != 2:
                return None
            fixed.update({LAYER: "each", DIR: item.direction})
        elif isinstance(item, int) or item == "last-layer":
            picked = _pick(axis, item)
            if picked is None:
                return None
            fixed.update(picked)
        else:
            return None
    return Layout(tuple(axes), tuple(sorted(fixed.items(), key=lambda kv: kv[0])))


def _pick(axis: Axis, item: int | str) -> dict[str, object] | None:
    """What an integer index on `axis` selects, by factor kind."""
    factors = live(axis)
    if not factors:
        return {}
    if item == "last-layer":
        # `h[num_layers - 1]`: the row number of the last layer if rows were layers.
        kinds = [f.kind for f in factors]
        if kinds == [LAYER, DIR]:
            return {"row": "num_layers-1"}
        if kinds == [LAYER]:
            return {LAYER: "last"}
        return None
    assert isinstance(item, int)
    if len(factors) == 1:
        f = factors[0]
        if f.kind == DIR and f.size.known == 2 and -2 <= item < 2:
            return {DIR: item % 2}
        return {f.kind: _position(item, f.size)}
    if [f.kind for f in factors] == [LAYER, DIR] and factors[1].size.known == 2:
        if item < 0:
            layer_from_end, direction = divmod(-item - 1, 2)
            return {
                LAYER: "last" if layer_from_end == 0 else -1 - layer_from_end,
                DIR: 1 - direction,
            }
        layer, direction = divmod(item, 2)
        return {LAYER: layer, DIR: direction}
    return None


def _position(item: int, size: Size) -> object:
    if item == -1:
        return "last"
    if item == 0:
        return "first" if size.known != 1 else "last"
    return item


def _slice_size(s: Slice) -> Size:
    """The size of a slice of a symbolic axis: the same slice gives the same size, so that
    two parts sliced alike can be joined."""
    return Size.of(f"slice:{s.start}:{s.stop}:{s.step}:{s.negative_start}:{s.negative_stop}")


def _slice_axis(axis: Axis, s: Slice, fixed: dict[str, object]) -> Axis | Problem | None:
    if s.start is None and s.stop is None and s.step == 1:
        return axis
    factors = live(axis)
    total = axis_size(axis)
    kinds = [f.kind for f in factors]
    if kinds == [LAYER, DIR] and factors[1].size.known == 2:
        layer, direction = factors
        if s.step == 2 and s.stop in (None, total) and not s.negative_start:
            start = s.start.known if s.start is not None else 0
            if start in (0, 1):
                fixed[DIR] = start
                return (layer,)
        if s.step == 1 and s.negative_start and s.start == Size(2) and s.stop is None:
            fixed[LAYER] = "last"
            return (direction,)
        bound = s.stop if s.start is None else s.start if s.stop is None else None
        if s.step == 1 and bound is not None and bound == layer.size and not layer.size.is_one:
            # h[:num_layers] / h[num_layers:] read rows as if directions were major.
            return Problem(ProblemKind.DIRECTION_LAYER_ORDER, "slice")
        if s.step == 1 and s.start is None and bound is not None and bound.is_layer_count:
            # h[:k], k another layer's num_layers (a decoder's): the first k rows are
            # layer 0's two directions, then layer 1's..., not k layers' states.
            return Problem(ProblemKind.DIRECTION_LAYER_ORDER, FOREIGN_COUNT)
        return None
    if kinds == [DIR, HIDDEN] and factors[0].size.known == 2 and s.step == 1:
        hidden = factors[1].size
        if s.start is None and s.stop == hidden and not s.negative_stop:
            fixed[DIR] = 0
            return (factors[1],)
        if s.start == hidden and s.stop in (None, total) and not s.negative_start:
            fixed[DIR] = 1
            return (factors[1],)
        return None
    if len(factors) == 1 and factors[0].kind in (TIME, BATCH, OTHER):
        return (replace(factors[0], size=_slice_size(s)),)
    if len(factors) == 1 and factors[0].kind == HIDDEN:
        return (replace(factors[0], size=_slice_size(s)),)  # some features of each state
    if len(factors) == 1 and factors[0].kind == DIR:
        return None
    if len(factors) == 1 and factors[0].kind == LAYER and s.step == 1:
        # h[-k:] of a single-direction state: the last k layers.
        return (replace(factors[0], size=_slice_size(s)),)
    return None
