"""BRN007: the output's feature axis split as (hidden, directions)."""

from __future__ import annotations

from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import ReshapeEvent, RuleContext
from birnn_lint.analysis.values import OUTPUT
from birnn_lint.registry import FixAvailability, FixSafety
from birnn_lint.rules._common import order_fix, subject, when


class OutputHiddenDirectionOrder(CheckRule):
    code = "BRN007"
    name = "output-hidden-direction-order"
    fix_safety = FixSafety.SAFE
    fix_availability = FixAvailability.SOMETIMES

    def on_reshape(self, event: ReshapeEvent, ctx: RuleContext) -> None:
        tensor = event.tensor
        if event.problem.kind != "hidden-direction-order" or tensor.role != OUTPUT:
            return
        fix = order_fix(event, ctx, "(directions, hidden)")
        ctx.report(
            type(self),
            event.node,
            f"{subject(tensor)}: the output's last axis is [forward | backward] "
            f"(num_directions x hidden){when(tensor)}; `{ctx.code(event.node)}` splits it as "
            "(hidden, directions), which interleaves the two halves",
            fix,
        )
