"""Pieces several rules share: how a finding names its layer, and fix builders."""

from __future__ import annotations

import re
from collections.abc import Sequence

import libcst as cst

from birnn_lint import layout as lay
from birnn_lint.analysis.events import Applicability, FixSpec, IndexEvent, ReshapeEvent, RuleContext
from birnn_lint.analysis.layers import literal
from birnn_lint.analysis.values import OUTPUT, STATE_C, STATE_H, LayerInfo, Tensor
from birnn_lint.layout import Size


def subject(tensor: Tensor) -> str:
    """`self.rnn` (LSTM, bidirectional, num_layers=2)"""
    return tensor.layer.describe(tensor.directions)


def when(tensor: Tensor) -> str:
    return tensor.layer.when(tensor.directions)


def is_state(tensor: Tensor) -> bool:
    return tensor.role in (STATE_H, STATE_C) and not tensor.layout.fixed


def state_name(tensor: Tensor) -> str:
    return "c_n" if tensor.role == STATE_C else "h_n"


def first_axis_kinds(tensor: Tensor) -> list[str]:
    return [f.kind for f in lay.live(tensor.layout.axes[0])] if tensor.layout.axes else []


def is_full_slice(item: object) -> bool:
    return isinstance(item, lay.Slice) and item == lay.Slice()


def both_directions(ctx: RuleContext, receiver: str, rest: str = "") -> str:
    """`torch.cat((h[-2], h[-1]), dim=-1)`: the last layer's forward and backward rows."""
    return f"{ctx.torch}.cat(({receiver}[-2{rest}], {receiver}[-1{rest}]), dim=-1)"


def hidden_code(ctx: RuleContext, tensor: Tensor, receiver: str) -> str:
    """How a fix writes the hidden size: the literal when known, else read it back."""
    layer = tensor.layer
    number = layer.numeric(layer.state_hidden)
    if number is not None:
        return str(number)
    if layer.proj_size.known and layer.proj_size.value in (0, None) and _DOTTED.match(layer.name):
        return f"{layer.name}.hidden_size"  # the layer is in scope where its result is
    return f"{receiver}.size(-1) // 2"


_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)*$")


def same_size(layer: LayerInfo, a: Size, b: Size) -> bool:
    if a == b:
        return True
    x, y = layer.numeric(a), layer.numeric(b)
    return x is not None and x == y


def only_colons_after(node: cst.Subscript, start: int) -> bool:
    """True when every index item from `start` on is a bare `:`."""
    return all(is_colon(e) for e in node.slice[start:])


def is_colon(element: cst.SubscriptElement) -> bool:
    part = element.slice
    return (
        type(part) is cst.Slice
        and part.lower is None
        and part.upper is None
        and (part.step is None)
    )


def order_fix(event: ReshapeEvent, ctx: RuleContext, what: str) -> FixSpec | None:
    """The fix of a reshape that splits two factors in swapped order."""
    if event.swapped_at is None:
        return None
    return swap_sizes_fix(
        ctx, event.node, event.receiver, event.method, event.size_args, event.swapped_at, what
    )


def swap_sizes_fix(
    ctx: RuleContext,
    node: cst.Call,
    receiver: cst.BaseExpression,
    method: str,
    size_args: Sequence[cst.Arg],
    at: int,
    what: str,
) -> FixSpec | None:
    """`t.view(a, D, L, b)` -> `t.view(a, L, D, b).transpose(1, 2)`: the right split, then
    the axes put back in the order the code downstream expects."""
    if at + 1 >= len(size_args):
        return None
    sizes = [ctx.code(a.value) for a in size_args]
    sizes[at], sizes[at + 1] = sizes[at + 1], sizes[at]
    base = ctx.atom(receiver)
    if method in ("view", "reshape"):
        new = f"{base}.{method}({', '.join(sizes)}).transpose({at}, {at + 1})"
    elif method == "unflatten":
        ok, dim = literal(node.args[0].value)
        if not ok or not isinstance(dim, int):
            return None
        start = dim - (len(sizes) - 1) if dim < 0 else dim
        new = (
            f"{base}.unflatten({dim}, ({', '.join(sizes)}))"
            f".transpose({start + at}, {start + at + 1})"
        )
    else:
        return None
    return FixSpec(Applicability.SAFE, f"Split as {what}, then transpose back", ((node, new),))


# Initial-state constructions whose values do not depend on their order, or are random:
# swapping their sizes changes no meaning.
CONSTRUCTION_FILLS = frozenset({"zeros", "ones", "empty", "randn", "rand", "full"})


def last_sample_read(event: IndexEvent, batch_axis: int) -> bool:
    """`-1` on the batch axis of a full 3-D output, every axis before it a bare `:`, and
    the axis before the batch axis (if any) the only other axis: the last sample read
    where the last time step was meant."""
    tensor = event.tensor
    if tensor.role != OUTPUT or tensor.layout.fixed or tensor.layout.ndim != 3:
        return False
    if [f.kind for f in lay.live(tensor.layout.axes[batch_axis])] != [lay.BATCH]:
        return False
    items = event.items
    if len(items) <= batch_axis or items[batch_axis] != -1:
        return False
    return all(is_full_slice(item) for item in items[:batch_axis])


def report_last_sample(
    rule: type, event: IndexEvent, ctx: RuleContext, batch_axis: int, meant: str
) -> None:
    """Report a last-sample read (BRN011, BRN013), with the index that takes the last
    time step as an unsafe fix."""
    node = event.node
    tensor = event.tensor
    receiver = ctx.code(node.value)
    new: str | None = f"{receiver}[{meant}]"
    said = f"`[{meant}]`"
    if tensor.directions == 2:
        # The last step's backward half has seen one token: the summary joins it with
        # the first step's backward half (right for one direction too: that half is empty).
        hidden = hidden_code(ctx, tensor, receiver)
        step = "{}, :" if batch_axis == 1 else ":, {}"  # the output is 3-D
        new = (
            f"{ctx.torch}.cat(({receiver}[{step.format(-1)}, :{hidden}], "
            f"{receiver}[{step.format(0)}, {hidden}:]), dim=-1)"
        )
        said = f"`[{meant}]`, and for a bidirectional layer the summary is `{new}`"
        if hidden.endswith("// 2") and not tensor.layer.bidirectional.known:
            new = None  # the halves are not known for a unidirectional configuration
    fix = None
    if new is not None and only_colons_after(node, batch_axis + 1):
        fix = FixSpec(
            Applicability.UNSAFE,
            f"Index the {'first' if batch_axis == 1 else 'second'} axis, which is time"
            + (" (joining both directions' summaries)" if tensor.directions == 2 else ""),
            ((node, new),),
            needs_torch=tensor.directions == 2,
        )
    source = "pad_packed_sequence's output" if tensor.padded else "the output"
    layout = (
        "time-major (seq, batch, features)"
        if batch_axis == 1
        else ("batch-first (batch, seq, features)")
    )
    ctx.report(
        rule,
        node,
        f"{subject(tensor)}: {source} is {layout}, so `{ctx.code(node)}` is the last "
        f"sample's output at every time step, not the last time step; that is {said}",
        fix,
    )


def direction_count_code(ctx: RuleContext, layer: LayerInfo) -> str | None:
    """How a fix writes the layer's direction count where the event's code is: `2` for a
    literally bidirectional layer; for a configurable one, read from what carries the
    setting (`self.bidirectional`) or from the layer (`self.rnn.bidirectional`), so that
    the fix is right whichever value the setting takes. None when neither is in scope."""
    setting = layer.bidirectional
    if setting.known:
        return "2" if setting.value is True else "1"
    scopes = ctx.enclosing_scopes(ctx.at) if ctx.at is not None else []
    function = next((s for s in reversed(scopes) if type(s) is cst.FunctionDef), None)
    params = function.params.params if function is not None else ()
    if not params or params[0].name.value != "self":
        return None
    carriers = sorted(c for c in setting.carriers if c.startswith("self.") and c.count(".") == 1)
    if carriers:
        return f"(2 if {carriers[0]} else 1)"
    if _DOTTED.match(layer.name) and layer.name.startswith("self."):
        return f"(2 if {layer.name}.bidirectional else 1)"
    return None
