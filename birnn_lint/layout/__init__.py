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

from birnn_lint.layout.indexing import (
    FOREIGN_COUNT,
    Index,
    LayerRow,
    Slice,
    index,
)
from birnn_lint.layout.model import (
    BATCH,
    BATCH_SIZE,
    BATCH_SYMBOL,
    DIR,
    HIDDEN,
    LAYER,
    ONE,
    OTHER,
    TIME,
    TIME_SIZE,
    Axis,
    Factor,
    FactorKind,
    Layout,
    Problem,
    ProblemKind,
    Result,
    Size,
    axis_size,
    live,
    norm_dim,
    output_layout,
    state_layout,
    substitute_directions,
)
from birnn_lint.layout.regroup import (
    WILD,
    Target,
    concatenate,
    flatten,
    movedim,
    permute,
    reduce,
    repeat_interleave,
    reshape,
    reshape_partly_known,
    reverse_axes,
    select_along,
    split_directions,
    squeeze,
    stack,
    transpose,
    unbind,
    unflatten,
    unsqueeze,
)

__all__ = [
    "FOREIGN_COUNT",
    "Axis",
    "BATCH",
    "BATCH_SYMBOL",
    "DIR",
    "Factor",
    "FactorKind",
    "HIDDEN",
    "Index",
    "LAYER",
    "Layout",
    "ONE",
    "OTHER",
    "Problem",
    "ProblemKind",
    "Result",
    "Size",
    "LayerRow",
    "Slice",
    "TIME",
    "Target",
    "WILD",
    "axis_size",
    "concatenate",
    "flatten",
    "index",
    "live",
    "movedim",
    "norm_dim",
    "BATCH_SIZE",
    "TIME_SIZE",
    "output_layout",
    "permute",
    "reduce",
    "repeat_interleave",
    "reshape",
    "reshape_partly_known",
    "reverse_axes",
    "select_along",
    "split_directions",
    "squeeze",
    "stack",
    "state_layout",
    "substitute_directions",
    "transpose",
    "unbind",
    "unflatten",
    "unsqueeze",
]
