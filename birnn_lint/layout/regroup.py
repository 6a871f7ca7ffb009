"""Operations that regroup a layout's axes: reshapes, moves, joins and splits."""

from __future__ import annotations

from birnn_lint.layout.model import (
    BATCH,
    BATCH_SYMBOL,
    DIR,
    HIDDEN,
    LAYER,
    ONE,
    OTHER,
    TIME,
    Axis,
    Factor,
    Layout,
    Problem,
    ProblemKind,
    Result,
    Size,
    axis_size,
    live,
    norm_dim,
)

# ---------------------------------------------------------------- reshaping

WILD = "wild"
Target = Size | str


def reshape(layout: Layout, targets: list[Target]) -> Result:
    """`view` / `reshape` to `targets` (sizes, at most one WILD for -1)."""
    result = _regroup(layout, targets)
    if (
        isinstance(result, Problem)
        and result.kind is ProblemKind.BATCH_MIX
        and not any(f.kind == BATCH for f in layout.factors() if not f.size.is_one)
    ):
        return None  # one sample (or none known): nothing to mix
    return result


def _regroup(layout: Layout, targets: list[Target]) -> Result:
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
        right = _group(list(reversed(rest)), list(reversed(targets[at + 1 :])), reverse=True)
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


def reshape_partly_known(layout: Layout, targets: list[Target | None]) -> Problem | None:
    """A reshape some of whose sizes are unknown (None): the span from the first unknown
    size or -1 to the last is read as one -1, so the known sizes before and after it
    still group the factors. Only a batch mix is trusted from that reading."""
    spots = [i for i, t in enumerate(targets) if t is None or t == WILD]
    if not spots:
        return None
    merged: list[Target] = []
    for t in targets[: spots[0]] + [WILD] + targets[spots[-1] + 1 :]:
        assert t is not None
        merged.append(t)
    result = reshape(layout, merged)
    if isinstance(result, Problem) and result.kind is ProblemKind.BATCH_MIX:
        return result
    return None


def _group(
    flat: list[Factor], targets: list[Target], reverse: bool = False
) -> tuple[list[Axis], list[Factor]] | Problem | None:
    """Consume factors from the front of `flat` for each target size in turn (`reverse`:
    `flat` and `targets` are read from the end, the sizes after a -1)."""
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
                return _conflict(taken, nxt, target, reverse)
            taken.append(nxt)
            size = grown
            i += 1
        axes.append(tuple(taken))
    return axes, flat[i:]


def _conflict(taken: list[Factor], nxt: Factor, target: Size, reverse: bool) -> Problem | None:
    """A target boundary that falls inside a factor. It mixes samples when the target
    is (a multiple of) the batch but other factors come before the batch in it, or when
    the target already holds other factors and would take part of the batch. A batch
    followed by part of the next factor (`(B, 4, H).reshape(3 * B, -1)`) splits each
    sample's values into rows, mixing nothing; a literal that may be the batch size
    itself (view(2, 3, ...)) proves nothing."""
    if BATCH_SYMBOL in target.syms:
        group = [nxt] + taken[::-1] if reverse else taken + [nxt]  # in memory order
        before_batch = []
        for factor in group:
            if factor.kind == BATCH:
                break
            before_batch.append(factor)
        if any(not f.size.is_one for f in before_batch):
            return Problem(ProblemKind.BATCH_MIX, "split")
    if nxt.kind == BATCH and taken:
        return Problem(ProblemKind.BATCH_MIX, "split")
    return None


def _order_problem(flat: list[Factor], targets: list[Target]) -> Problem | None:
    """A [layer x direction] split as (direction, layer), or a [direction x hidden] split
    as (hidden, direction): sizes that fit the factors only in the swapped order."""
    for j in range(len(flat) - 1):
        a, b = flat[j], flat[j + 1]
        pair = (a.kind, b.kind)
        if pair == (LAYER, DIR):
            kind = ProblemKind.DIRECTION_LAYER_ORDER
        elif pair == (DIR, HIDDEN):
            kind = ProblemKind.HIDDEN_DIRECTION_ORDER
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
