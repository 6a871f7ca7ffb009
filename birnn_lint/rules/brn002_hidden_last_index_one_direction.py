"""BRN002: `h_n[-1]` of a bidirectional layer taken as the last layer's state."""

from __future__ import annotations

from birnn_lint import layout as lay
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import Applicability, FixSpec, IndexEvent, RuleContext, Wait
from birnn_lint.registry import FixAvailability, FixSafety
from birnn_lint.rules._common import (
    both_directions,
    first_axis_kinds,
    is_state,
    state_name,
    subject,
    when,
)


class HiddenLastIndexOneDirection(CheckRule):
    code = "BRN002"
    name = "hidden-last-index-one-direction"
    fix_safety = FixSafety.UNSAFE
    fix_availability = FixAvailability.ALWAYS

    def on_index(self, event: IndexEvent, ctx: RuleContext) -> None:
        tensor = event.tensor
        if not is_state(tensor) or tensor.directions != 2 or not event.items:
            return
        if not isinstance(event.result, lay.Layout):
            return  # its uses cannot be followed: whether it is joined is unknown
        first = event.items[0]
        if first not in (-1, "last-layer") or first_axis_kinds(tensor) not in (
            [lay.LAYER, lay.DIR],
            [lay.DIR],
        ):
            return
        node = event.node
        receiver = ctx.code(node.value)
        rest = "".join(", " + ctx.code(e.slice) for e in node.slice[1:])
        name = state_name(tensor)
        if first == -1:
            claim = (
                f"`{ctx.code(node)}` is only the backward direction of the last layer"
                f"{when(tensor)}; the last layer's forward state is `{receiver}[-2]`"
            )
        else:
            claim = (
                f"`{ctx.code(node)}` reads row num_layers - 1 of {name}, whose rows are "
                f"layer-major (row 2*layer + direction){when(tensor)}: it is not the last "
                f"layer; that layer's two directions are `{receiver}[-2]` and `{receiver}[-1]`"
            )
        fix = FixSpec(
            Applicability.UNSAFE,
            "Join the last layer's forward and backward states (B x H becomes B x 2H)",
            ((node, both_directions(ctx, receiver, rest)),),
            needs_torch=True,
        )
        ctx.report(type(self), node, f"{subject(tensor)}: {claim}", fix, wait=Wait.JOIN)
