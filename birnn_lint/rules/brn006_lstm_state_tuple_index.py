"""BRN006: LSTM's (h_n, c_n) tuple indexed as if it were h_n."""

from __future__ import annotations

import libcst as cst

from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import Applicability, FixSpec, RuleContext, TupleIndexEvent
from birnn_lint.registry import FixAvailability, FixSafety


class LstmStateTupleIndex(CheckRule):
    code = "BRN006"
    name = "lstm-state-tuple-index"
    fix_safety = FixSafety.UNSAFE
    fix_availability = FixAvailability.ALWAYS

    def on_tuple_index(self, event: TupleIndexEvent, ctx: RuleContext) -> None:
        value = event.value
        if value.tag != "lstm-state" or event.index != -1 or value.layer is None:
            return
        h_n = value.items[0]
        directions = getattr(h_n, "directions", 1)
        layer = value.layer
        receiver = ctx.code(event.node.value)
        if directions == 2:
            new = f"{ctx.torch}.cat(({receiver}[0][-2], {receiver}[0][-1]), dim=-1)"
        else:
            new = f"{receiver}[0][-1]"
        fix: FixSpec | None = FixSpec(
            Applicability.UNSAFE,
            "Take the last layer from h_n, the tuple's first item",
            ((event.node, new),),
            needs_torch=directions == 2,
        )
        advice = f"the last layer of h_n is `{new}`"
        outer = ctx.parent(event.node)
        if type(outer) is cst.Subscript and outer.value is event.node:
            # `state[-1][...]` reads c_n further: the rewrite would change what the outer
            # index selects, so only the advice is given.
            fix = None
            advice = f"h_n is `{receiver}[0]`"
        ctx.report(
            type(self),
            event.node,
            f"{layer.describe(directions)}: an LSTM returns (output, (h_n, c_n)), so "
            f"`{ctx.code(event.node)}` is c_n, the cell state, not h_n; {advice}",
            fix,
        )
