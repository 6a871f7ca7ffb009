"""The layout model's values: sizes, factors, axes, layouts, problems; the layouts of a
layer's results."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from birnn_lint.strenum import StrEnum


class FactorKind(StrEnum):
    """What a factor of an axis holds."""

    LAYER = "layer"
    DIR = "direction"
    BATCH = "batch"
    HIDDEN = "hidden"
    TIME = "time"
    OTHER = "other"


LAYER = FactorKind.LAYER
DIR = FactorKind.DIR
BATCH = FactorKind.BATCH
HIDDEN = FactorKind.HIDDEN
TIME = FactorKind.TIME
OTHER = FactorKind.OTHER
BATCH_SYMBOL = "B"


class ProblemKind(StrEnum):
    """How an operation regroups factors wrongly."""

    BATCH_MIX = "batch-mix"  # a sample's values end up beside another sample's
    DIRECTION_LAYER_ORDER = "direction-layer-order"  # [layer x direction] split (D, L)
    HIDDEN_DIRECTION_ORDER = "hidden-direction-order"  # [direction x hidden] split (H, D)


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
    def is_layer_count(self) -> bool:
        """Some recurrent layer's num_layers (`L#<layer>`), not known to be 1."""
        return self.coef == 1 and len(self.syms) == 1 and self.syms[0].startswith("L#")

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
    kind: FactorKind
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
    """An operation that regroups factors wrongly, and how (see `ProblemKind`)."""

    kind: ProblemKind
    detail: str = ""
    # For order problems: the index of the first of the two swapped target sizes.
    at: int | None = None


Result = Layout | Problem | None


# ---------------------------------------------------------------- constructors


# The batch and time sizes of a layer's results, unless the input shows them to be 1.
BATCH_SIZE = Size.of("B")
TIME_SIZE = Size.of("T")


def state_layout(
    num_layers: Size, directions: int, hidden: Size, owner: int, batch: Size = BATCH_SIZE
) -> Layout:
    return Layout(
        (
            (Factor(LAYER, num_layers, owner), Factor(DIR, Size(directions), owner)),
            (Factor(BATCH, batch),),
            (Factor(HIDDEN, hidden, owner),),
        )
    )


def output_layout(
    directions: int,
    hidden: Size,
    batch_first: bool,
    owner: int,
    steps: Size = TIME_SIZE,
    samples: Size = BATCH_SIZE,
) -> Layout:
    """`steps`, `samples`: Size(1) where the input shows a single step or sample."""
    time: Axis = (Factor(TIME, steps),)
    batch: Axis = (Factor(BATCH, samples),)
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
