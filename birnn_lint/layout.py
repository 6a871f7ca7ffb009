"""The layout model: what each axis of a recurrent layer's result holds.

A tensor's layout is a tuple of axes; each axis is a tuple of factors from major to
minor. A state `h_n` is `[layer x direction], [batch], [hidden]`; an output is
`[time], [batch], [direction x hidden]` (or batch-first). Tensor operations are pure
functions from layouts to layouts. Where the model cannot follow an operation it returns
`None` ("lost track") and the rules stay silent; where an operation regroups factors in
a way that breaks them (a sample's rows mixed with another's, directions read as layers)
it returns a `Problem` instead of a layout.

Sizes are monomials: an integer coefficient times a multiset of symbols ("B" for the
batch, "T" for time, "L#1" for a layer's configurable num_layers, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# Factor kinds.
LAYER = "layer"
DIR = "direction"
BATCH = "batch"
HIDDEN = "hidden"
TIME = "time"
OTHER = "other"
BATCH_SYMBOL = "B"


@dataclass(frozen=True)
class Size:
    coef: int = 1
    syms: tuple[str, ...] = ()

    @staticmethod
    def of(value: int | str) -> Size:
        return Size(value, ()) if isinstance(value, int) else Size(1, (value,))

    def __mul__(self, other: Size) -> Size:
        return Size(self.coef * other.coef, tuple(sorted(self.syms + other.syms)))

    def divides(self, other: Size) -> bool:
        """True when other / self is a monomial with a positive integer coefficient."""
        if self.coef == 0 or other.coef % self.coef:
            return False
        rest = list(other.syms)
        for s in self.syms:
            if s not in rest:
                return False
            rest.remove(s)
        return True

    def __truediv__(self, other: Size) -> Size:
        rest = list(self.syms)
        for s in other.syms:
            rest.remove(s)
        return Size(self.coef // other.coef, tuple(rest))

    @property
    def is_one(self) -> bool:
        return self.coef == 1 and not self.syms

    @property
    def known(self) -> int | None:
        return None if self.syms else self.coef

    def __str__(self) -> str:
        parts = ([str(self.coef)] if self.coef != 1 or not self.syms else []) + [
            s.split("#")[0] for s in self.syms
        ]
        return "*".join(parts)


ONE = Size()


@dataclass(frozen=True)
class Factor:
    kind: str
    size: Size
    # Which layer the factor belongs to (for LAYER/DIR/HIDDEN), so that two layers'
    # directions are never confused.
    owner: int = 0
    # For DIR factors: True when the directions appear backward-first.
    reversed: bool = False


Axis = tuple[Factor, ...]


@dataclass(frozen=True)
class Layout:
    axes: tuple[Axis, ...]
    # Factors indexed away and what was kept: e.g. {"direction": 1, "layer": "last"}.
    fixed: tuple[tuple[str, object], ...] = field(default=())

    @property
    def ndim(self) -> int:
        return len(self.axes)

    def fixed_value(self, kind: str) -> object:
        return dict(self.fixed).get(kind)

    def with_fixed(self, **items: object) -> Layout:
        merged = dict(self.fixed)
        merged.update(items)
        return replace(self, fixed=tuple(sorted(merged.items())))

    def axis_of(self, kind: str) -> int | None:
        for i, axis in enumerate(self.axes):
            if any(f.kind == kind and not f.size.is_one for f in axis):
                return i
        return None

    def factors(self) -> list[Factor]:
        return [f for axis in self.axes for f in axis]


def axis_size(axis: Axis) -> Size:
    size = ONE
    for f in axis:
        size = size * f.size
    return size


def live(axis: Axis) -> Axis:
    """The axis without its size-1 factors."""
    return tuple(f for f in axis if not f.size.is_one)


@dataclass(frozen=True)
class Problem:
    """An operation that regroups factors wrongly.

    kind: "batch-mix" (a sample's values end up beside another sample's),
    "direction-layer-order" (a [layer x direction] axis split as (direction, layer)),
    "hidden-direction-order" (a [direction x hidden] axis split as (hidden, direction)).
    """

    kind: str
    detail: str = ""
    # For order problems: the index of the first of the two swapped target sizes.
    at: int | None = None


Result = Layout | Problem | None


# ---------------------------------------------------------------- constructors


def state_layout(num_layers: Size, directions: int, hidden: Size, owner: int) -> Layout:
    return Layout(
        (
            (Factor(LAYER, num_layers, owner), Factor(DIR, Size(directions), owner)),
            (Factor(BATCH, Size.of("B")),),
            (Factor(HIDDEN, hidden, owner),),
        )
    )


def output_layout(directions: int, hidden: Size, batch_first: bool, owner: int) -> Layout:
    time: Axis = (Factor(TIME, Size.of("T")),)
    batch: Axis = (Factor(BATCH, Size.of("B")),)
    feature: Axis = (Factor(DIR, Size(directions), owner), Factor(HIDDEN, hidden, owner))
    return Layout((batch, time, feature) if batch_first else (time, batch, feature))


# ---------------------------------------------------------------- helpers


def norm_dim(layout: Layout, dim: int) -> int | None:
    n = layout.ndim
    if -n <= dim < n:
        return dim % n
    return None


def substitute_directions(layout: Layout, owner: int, directions: int) -> Layout:
    """The layout under the assumption that layer `owner` has `directions` directions."""
    axes = tuple(
        tuple(
            replace(f, size=Size(directions)) if f.kind == DIR and f.owner == owner else f
            for f in axis
        )
        for axis in layout.axes
    )
    return replace(layout, axes=axes)


# ---------------------------------------------------------------- indexing

# An index item: an int (a literal, possibly negative), "last-layer" (num_layers - 1),
# a Slice, None (a new axis), Ellipsis, or "keep" (a tensor/unknown index that keeps the
# axis, such as a permutation).


@dataclass(frozen=True)
class Slice:
    start: Size | None = None
    stop: Size | None = None
    step: int = 1
    negative_start: bool = False  # start counts from the end (e.g. -2:)
    negative_stop: bool = False


Index = int | str | Slice | None | type(Ellipsis)


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
            return Problem("direction-layer-order", "slice")
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


# ---------------------------------------------------------------- reshaping

WILD = "wild"
Target = Size | str


def reshape(layout: Layout, targets: list[Target]) -> Result:
    """`view` / `reshape` to `targets` (sizes, at most one WILD for -1)."""
    flat = [f for f in layout.factors() if not f.size.is_one]
    if sum(1 for t in targets if t == WILD) > 1:
        return None
    special = _order_problem(flat, targets)
    if special is not None:
        return special
    if WILD in targets:
        at = targets.index(WILD)
        left = _group(flat, list(targets[:at]))
        if not isinstance(left, tuple):
            return left
        left_axes, rest = left
        right = _group(list(reversed(rest)), list(reversed(targets[at + 1 :])))
        if not isinstance(right, tuple):
            return right
        right_axes, middle = right
        axes = left_axes + [tuple(middle)] + [tuple(reversed(a)) for a in reversed(right_axes)]
    else:
        grouped = _group(flat, list(targets))
        if not isinstance(grouped, tuple):
            return grouped
        axes, rest = grouped
        if rest:
            return None
    return Layout(tuple(axes), layout.fixed)


def _group(
    flat: list[Factor], targets: list[Target]
) -> tuple[list[Axis], list[Factor]] | Problem | None:
    """Consume factors from the front of `flat` for each target size in turn."""
    axes: list[Axis] = []
    i = 0
    for target in targets:
        assert isinstance(target, Size)
        taken: list[Factor] = []
        size = ONE
        while size != target:
            if i >= len(flat):
                return None
            nxt = flat[i]
            grown = size * nxt.size
            if not grown.divides(target):
                return _conflict(taken, nxt, target)
            taken.append(nxt)
            size = grown
            i += 1
        axes.append(tuple(taken))
    return axes, flat[i:]


def _conflict(taken: list[Factor], nxt: Factor, target: Size) -> Problem | None:
    """A target boundary that falls inside a factor. It mixes samples when the target
    is the batch but other factors come before it, or when the target already holds
    other factors and would take part of the batch; a literal that may be the batch
    size itself (view(2, 3, ...)) proves nothing."""
    if BATCH_SYMBOL in target.syms and any(not f.size.is_one for f in taken + [nxt]):
        return Problem("batch-mix", "split")
    if nxt.kind == BATCH and taken:
        return Problem("batch-mix", "split")
    return None


def _order_problem(flat: list[Factor], targets: list[Target]) -> Problem | None:
    """A [layer x direction] split as (direction, layer), or a [direction x hidden] split
    as (hidden, direction): sizes that fit the factors only in the swapped order."""
    for j in range(len(flat) - 1):
        a, b = flat[j], flat[j + 1]
        pair = (a.kind, b.kind)
        if pair == (LAYER, DIR):
            kind = "direction-layer-order"
        elif pair == (DIR, HIDDEN):
            kind = "hidden-direction-order"
        else:
            continue
        if a.size == b.size or b.size.known != 2 and a.kind == LAYER:
            continue
        if a.kind == DIR and a.size.known != 2:
            continue
        at = _aligned_swap(flat[:j], targets, a.size, b.size)
        if at is not None:
            return Problem(kind, at=at)
        at = _aligned_swap(flat[j + 2 :][::-1], targets[::-1], b.size, a.size)
        if at is not None:
            return Problem(kind, at=len(targets) - 2 - at)
    return None


def _aligned_swap(
    before: list[Factor], targets: list[Target], major: Size, minor: Size
) -> int | None:
    """Where targets, after sizes covering exactly `before`, read (minor, major)."""
    covered = ONE
    for f in before:
        covered = covered * f.size
    prefix = ONE
    for k in range(len(targets) - 1):
        t = targets[k]
        if t == WILD:
            return None
        if prefix == covered and t == minor and targets[k + 1] == major:
            return k
        assert isinstance(t, Size)
        prefix = prefix * t
    return None


def flatten(layout: Layout, start: int = 0, end: int = -1) -> Result:
    s, e = norm_dim(layout, start), norm_dim(layout, end)
    if s is None or e is None or s > e:
        return None
    merged = tuple(f for axis in layout.axes[s : e + 1] for f in axis)
    return Layout(layout.axes[:s] + (merged,) + layout.axes[e + 1 :], layout.fixed)


def unflatten(layout: Layout, dim: int, sizes: list[Target]) -> Result:
    d = norm_dim(layout, dim)
    if d is None:
        return None
    inner = reshape(Layout((layout.axes[d],)), sizes)
    if not isinstance(inner, Layout):
        return inner
    return Layout(layout.axes[:d] + inner.axes + layout.axes[d + 1 :], layout.fixed)


# ---------------------------------------------------------------- moving axes


def permute(layout: Layout, dims: list[int]) -> Result:
    if len(dims) != layout.ndim:
        return None
    normed = [norm_dim(layout, d) for d in dims]
    if None in normed or len(set(normed)) != layout.ndim:
        return None
    return Layout(tuple(layout.axes[d] for d in normed), layout.fixed)  # type: ignore[index]


def transpose(layout: Layout, a: int, b: int) -> Result:
    x, y = norm_dim(layout, a), norm_dim(layout, b)
    if x is None or y is None:
        return None
    order = list(range(layout.ndim))
    order[x], order[y] = order[y], order[x]
    return permute(layout, order)


def movedim(layout: Layout, source: int, destination: int) -> Result:
    s, d = norm_dim(layout, source), norm_dim(layout, destination)
    if s is None or d is None:
        return None
    order = [i for i in range(layout.ndim) if i != s]
    order.insert(d, s)
    return permute(layout, order)


def reverse_axes(layout: Layout) -> Result:
    return permute(layout, list(reversed(range(layout.ndim))))


def unsqueeze(layout: Layout, dim: int) -> Result:
    n = layout.ndim + 1
    if not -n <= dim < n:
        return None
    d = dim % n
    return Layout(layout.axes[:d] + ((),) + layout.axes[d:], layout.fixed)


def squeeze(layout: Layout, dim: int | None) -> Result:
    if dim is None:
        if any(axis_size(a).known is None for a in layout.axes):
            return None
        return Layout(tuple(a for a in layout.axes if not axis_size(a).is_one), layout.fixed)
    d = norm_dim(layout, dim)
    if d is None:
        return None
    size = axis_size(layout.axes[d])
    if size.is_one:
        return Layout(layout.axes[:d] + layout.axes[d + 1 :], layout.fixed)
    if size.known is not None:
        return layout  # squeezing a non-1 axis is a no-op
    return None


def reduce(layout: Layout, dim: int | None, keepdim: bool = False) -> Result:
    """sum / mean / max over one axis: the axis' factors are combined, nothing is mixed."""
    if dim is None:
        return None
    d = norm_dim(layout, dim)
    if d is None:
        return None
    kinds = {f.kind for f in live(layout.axes[d])}
    if BATCH in kinds:
        return None
    axes = layout.axes[:d] + (((),) if keepdim else ()) + layout.axes[d + 1 :]
    reduced = {k: "reduced" for k in kinds}
    return Layout(axes, layout.fixed).with_fixed(**reduced)


def select_along(layout: Layout, dim: int) -> Result:
    """index_select / gather by a permutation along `dim`: the axis keeps its factors
    when it is a plain batch or time axis; anything else is lost."""
    d = norm_dim(layout, dim)
    if d is None:
        return None
    kinds = [f.kind for f in live(layout.axes[d])]
    if kinds in ([BATCH], [TIME], [OTHER]):
        return layout
    return None


def repeat_interleave(layout: Layout, repeats: Size, dim: int) -> Result:
    d = norm_dim(layout, dim)
    if d is None:
        return None
    axis = layout.axes[d] + (Factor(OTHER, repeats),)
    return Layout(layout.axes[:d] + (axis,) + layout.axes[d + 1 :], layout.fixed)


# ---------------------------------------------------------------- joining and splitting


def split_directions(layout: Layout, dim: int, parts: int) -> list[Layout] | None:
    """chunk(2, dim) / split(H, dim) / unbind over an axis holding directions."""
    d = norm_dim(layout, dim)
    if d is None:
        return None
    factors = live(layout.axes[d])
    kinds = [f.kind for f in factors]
    if parts != 2:
        return None
    if kinds == [DIR, HIDDEN] and factors[0].size.known == 2:
        keep: Axis = (factors[1],)
    elif kinds == [LAYER, DIR] and factors[0].size.is_one and factors[1].size.known == 2:
        keep = ()
    elif kinds == [DIR] and factors[0].size.known == 2:
        keep = ()
    else:
        return None
    out = []
    for direction in (0, 1):
        axes = layout.axes[:d] + ((keep,) if keep else ()) + layout.axes[d + 1 :]
        if not keep:
            axes = layout.axes[:d] + layout.axes[d + 1 :]
        out.append(Layout(axes, layout.fixed).with_fixed(**{DIR: direction}))
    return out


def unbind(layout: Layout, dim: int) -> list[Layout] | None:
    d = norm_dim(layout, dim)
    if d is None:
        return None
    factors = live(layout.axes[d])
    if [f.kind for f in factors] == [DIR] and factors[0].size.known == 2:
        return split_directions(layout, dim, 2)
    if [f.kind for f in factors] == [LAYER, DIR] and factors[0].size.known == 1:
        return split_directions(layout, dim, 2)
    return None


def concatenate(parts: list[Layout], dim: int) -> Result:
    """torch.cat: direction halves of one layer joined along `dim` become a direction
    factor again (backward-first order is remembered); other joins keep the layout only
    when every part has the same one."""
    if not parts:
        return None
    first = parts[0]
    d = norm_dim(first, dim)
    if d is None or any(p.ndim != first.ndim for p in parts):
        return None
    directions = [p.fixed_value(DIR) for p in parts]
    if len(parts) == 2 and sorted(d_ for d_ in directions if isinstance(d_, int)) == [0, 1]:
        rest = [tuple((k, v) for k, v in p.fixed if k != DIR) for p in parts]
        if rest[0] != rest[1] or parts[0].axes != parts[1].axes:
            return None
        owner = next((f.owner for f in first.factors() if f.owner), 0)
        dir_factor = Factor(DIR, Size(2), owner, reversed=directions[0] == 1)
        axis = (dir_factor,) + first.axes[d]
        fixed = tuple((k, v) for k, v in first.fixed if k != DIR)
        return Layout(first.axes[:d] + (axis,) + first.axes[d + 1 :], fixed)
    if all(p == first for p in parts):
        axis = (Factor(OTHER, Size(len(parts))),) + first.axes[d]
        return Layout(first.axes[:d] + (axis,) + first.axes[d + 1 :], first.fixed)
    return None


def stack(parts: list[Layout], dim: int) -> Result:
    if not parts:
        return None
    n = parts[0].ndim + 1
    if not -n <= dim < n:
        return None
    expanded = [unsqueeze(p, dim) for p in parts]
    if any(not isinstance(e, Layout) for e in expanded):
        return None
    return concatenate([e for e in expanded if isinstance(e, Layout)], dim)
