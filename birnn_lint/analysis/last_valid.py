"""Each sequence's last valid step taken with `gather`:

    output.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, output.size(2)))

(batch-first; time-major: `gather(0, (lengths - 1).view(1, -1, 1).expand(...))`), the
same as `output[torch.arange(B), lengths - 1]` but keeping the time axis (size 1), which
a `.squeeze(1)` then drops. Right for a unidirectional output, wrong for the backward
half of a bidirectional one (BRN005).

The index is recognised by its form: a chain of index-shaping methods over `x - 1`
(through a local name assigned once), expanded (or repeated) over the whole feature axis
of the output gathered. A gather that takes only some features, or along another axis,
is not followed (the output then counts as used).
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from birnn_lint import layout as lay
from birnn_lint.analysis import events as ev
from birnn_lint.analysis.env import Status
from birnn_lint.analysis.layers import assignments_in, literal
from birnn_lint.analysis.sizes import INDEX_METHODS, SizeReader, arg, index_root
from birnn_lint.analysis.values import OUTPUT, UNKNOWN, Tensor, Value
from birnn_lint.layout import Layout, Size

_FEATURE_SPREAD = frozenset({"expand", "repeat"})
# Local names followed back to their assignment, at most this many.
_MAX_NAMES = 3


def gather(interp: SizeReader, node: cst.Call, tensor: Tensor, args: Sequence[cst.Arg]) -> Value:
    """`tensor.gather(dim, index)`: the last valid step when the index has that form."""
    dim_arg, index_arg = arg(args, 0, "dim"), arg(args, 1, "index")
    for other in args:
        if other is not dim_arg:
            interp.use(interp.expr(other.value))
    items = None
    if dim_arg is not None and index_arg is not None:
        items = _last_valid_items(interp, dim_arg.value, index_arg.value, tensor)
    result = lay.index(tensor.layout, items) if items is not None else None
    if not isinstance(result, Layout):
        interp.use(tensor)
        return UNKNOWN
    waiting = interp.file.emit(ev.GatherEvent(node, tensor, result), interp)
    for ident in waiting:
        interp.env.set_status(ident, Status.OPEN)
    return tensor.derive(result).with_pending(tensor.pending | frozenset(waiting))


def _last_valid_items(
    interp: SizeReader, dim: cst.BaseExpression, index: cst.BaseExpression, tensor: Tensor
) -> list[object] | None:
    """The index items `output[...]` would need for the same selection, with the time
    axis kept as a new axis of size 1: `["keep", "last-valid", None]` (batch-first)."""
    layout = tensor.layout
    ok, value = literal(dim)
    if not ok or not isinstance(value, int) or isinstance(value, bool):
        return None
    if tensor.role != OUTPUT or layout.fixed or layout.ndim != 3:
        return None
    axis = lay.norm_dim(layout, value)
    if axis is None or axis == layout.ndim - 1:
        return None
    if [f.kind for f in lay.live(layout.axes[axis])] != [lay.TIME]:
        return None
    if not _is_last_valid_index(interp, index, tensor):
        return None
    return ["keep"] * axis + ["last-valid", None]


def _is_last_valid_index(interp: SizeReader, node: cst.BaseExpression, tensor: Tensor) -> bool:
    minus_one = spread = False
    names = 0
    while True:
        if _index_method(node):
            assert type(node) is cst.Call and type(node.func) is cst.Attribute
            if node.func.attr.value in _FEATURE_SPREAD:
                spread = spread or _spreads_over_features(interp, node.args, tensor)
            node = node.func.value
        elif (
            type(node) is cst.BinaryOperation
            and type(node.operator) is cst.Subtract
            and literal(node.right) == (True, 1)
        ):
            minus_one = True
            node = node.left
        elif type(node) is cst.Name and names < _MAX_NAMES:
            # `idx = (lengths - 1).view(-1, 1).expand(B, F)` then `idx = idx.unsqueeze(1)`:
            # one assignment from elsewhere, the others only reshaping the name itself.
            values = assignments_in(interp.scope_node, node.value)
            origins = [v for v in values if index_root(v) != node.value]
            if len(origins) != 1:
                break
            for value in values:
                if value is not origins[0]:
                    spread = spread or _spreads_in_chain(interp, value, tensor)
            names += 1
            node = origins[0]
        else:
            break
    return minus_one and spread


def _index_method(node: cst.BaseExpression) -> bool:
    return (
        type(node) is cst.Call
        and type(node.func) is cst.Attribute
        and node.func.attr.value in INDEX_METHODS
    )


def _spreads_in_chain(interp: SizeReader, node: cst.BaseExpression, tensor: Tensor) -> bool:
    while _index_method(node):
        assert type(node) is cst.Call and type(node.func) is cst.Attribute
        if node.func.attr.value in _FEATURE_SPREAD and _spreads_over_features(
            interp, node.args, tensor
        ):
            return True
        node = node.func.value
    return False


def _spreads_over_features(interp: SizeReader, args: Sequence[cst.Arg], tensor: Tensor) -> bool:
    """`.expand(..., output.size(2))` / `.repeat(1, 1, F)`: its last size is the whole
    feature axis of the output (a narrower index gathers only some features)."""
    sizes = [a.value for a in args if a.keyword is None and not a.star]
    if not sizes or len(sizes) != len(args):
        return False
    if len(sizes) == 1 and isinstance(sizes[0], (cst.Tuple, cst.List)):
        sizes = [e.value for e in sizes[0].elements]
    size = interp.size_of(sizes[-1], tensor)
    features = lay.axis_size(tensor.layout.axes[-1])
    return isinstance(size, Size) and size == features
