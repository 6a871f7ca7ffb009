"""BRN001: a state's [layer x direction] axis split as (directions, layers)."""

from __future__ import annotations

from birnn_lint import layout as lay
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import (
    Applicability,
    FixSpec,
    ReshapeEvent,
    RuleContext,
    SliceOrderEvent,
    SplitEvent,
)
from birnn_lint.registry import FixAvailability, FixSafety
from birnn_lint.rules._common import is_state, order_fix, state_name, subject, when


class HiddenDirectionLayerOrder(CheckRule):
    code = "BRN001"
    name = "hidden-direction-layer-order"
    fix_safety = FixSafety.SAFE_OR_UNSAFE
    fix_availability = FixAvailability.SOMETIMES

    def on_reshape(self, event: ReshapeEvent, ctx: RuleContext) -> None:
        tensor = event.tensor
        if event.problem.kind != "direction-layer-order" or tensor.role not in ("h_n", "c_n"):
            return
        fix = order_fix(event, ctx, "(layers, directions)")
        name = state_name(tensor)
        ctx.report(
            type(self),
            event.node,
            f"{subject(tensor)}: `{ctx.code(event.node)}` splits {name}'s first axis as "
            f"(directions, layers){when(tensor)}, but its rows are layer-major "
            f"(row 2*layer + direction), so [d, l] is not layer l's direction d; "
            f"split it as (num_layers, num_directions)",
            fix,
        )

    def on_slice_order(self, event: SliceOrderEvent, ctx: RuleContext) -> None:
        tensor = event.tensor
        if not is_state(tensor):
            return
        node = event.node
        if event.foreign_count is not None:
            self._first_rows(event, ctx)
            return
        rows = "0::2" if event.from_start else "1::2"
        meant = "forward" if event.from_start else "backward"
        rest = "".join(", " + ctx.code(e.slice) for e in node.slice[1:])
        fix = FixSpec(
            Applicability.SAFE,
            f"Take every layer's {meant} rows with `[{rows}]`",
            ((node, f"{ctx.code(node.value)}[{rows}{rest}]"),),
        )
        ctx.report(
            type(self),
            node,
            f"{subject(tensor)}: `{ctx.code(node)}` reads {state_name(tensor)}'s rows as if "
            f"directions were major{when(tensor)}; rows are layer-major (row 2*layer + "
            f"direction), so the {meant} states of all layers are `[{rows}]`",
            fix,
        )

    def _first_rows(self, event: SliceOrderEvent, ctx: RuleContext) -> None:
        """`h_n[:decoder.n_layers]`: another layer's count of layers taken as rows."""
        tensor, node, count = event.tensor, event.node, event.foreign_count
        receiver = ctx.code(node.value)
        rest = "".join(", " + ctx.code(e.slice) for e in node.slice[1:])
        if event.foreign_count_value == 1:
            ctx.report(
                type(self),
                node,
                f"{subject(tensor)}: `{ctx.code(node)}` is row 0 of {state_name(tensor)}, "
                f"layer 0's forward state{when(tensor)}, not the last layer's (rows are "
                f"layer-major: row 2*layer + direction); the last layer's forward state is "
                f"`{receiver}[-2:-1]`",
                FixSpec(
                    Applicability.UNSAFE,
                    "Take the last layer's forward state",
                    ((node, f"{receiver}[-2:-1{rest}]"),),
                ),
            )
            return
        fix = FixSpec(
            Applicability.UNSAFE,
            f"Take the forward rows of the first `{count}` layers with `[0::2][:{count}]`",
            ((node, f"{receiver}[0::2][:{count}{rest}]"),),
        )
        ctx.report(
            type(self),
            node,
            f"{subject(tensor)}: `{ctx.code(node)}` takes `{count}` rows of "
            f"{state_name(tensor)} as `{count}` layers' states{when(tensor)}"
            f"{'' if event.foreign_count_value else f' (when `{count}` > 1)'}, but rows are "
            f"layer-major (row 2*layer + direction): they are layer 0's forward and backward "
            f"states, then layer 1's; each layer's forward state is `{receiver}[0::2]`",
            fix,
        )

    def on_split(self, event: SplitEvent, ctx: RuleContext) -> None:
        """`h_n.chunk(2, dim=0)`: the first half of the rows taken as the forward states."""
        tensor, node = event.tensor, event.node
        if not is_state(tensor) or event.method != "chunk" or event.parts != 2 or event.dim != 0:
            return
        factors = [f for f in lay.live(tensor.layout.axes[0])] if tensor.layout.axes else []
        if [f.kind for f in factors] != [lay.LAYER, lay.DIR] or factors[1].size.known != 2:
            return
        if factors[0].size.is_one:
            return  # one layer: the halves are the directions
        setting = tensor.layer.num_layers
        if setting.known and setting.value == 2:
            return  # two layers: the halves are the layers, which may be what is meant
        receiver = event.receiver
        if receiver is None:
            return
        text = ctx.atom(receiver)
        ctx.report(
            type(self),
            node,
            f"{subject(tensor)}: `{ctx.code(node)}` takes the first half of "
            f"{state_name(tensor)}'s rows as one direction{when(tensor)}, but rows are "
            f"layer-major (row 2*layer + direction): the halves mix layers and directions; "
            f"the forward rows are `{text}[0::2]`, the backward ones `{text}[1::2]`",
            FixSpec(
                Applicability.SAFE,
                "Take the forward and the backward rows",
                ((node, f"({text}[0::2], {text}[1::2])"),),
            ),
        )
