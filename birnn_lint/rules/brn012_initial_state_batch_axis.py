"""BRN012: an initial state sized with the batch read from the wrong axis of the input."""

from __future__ import annotations

from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import Applicability, FixSpec, InitialStateEvent, RuleContext
from birnn_lint.registry import FixAvailability, FixSafety


class InitialStateBatchAxis(CheckRule):
    code = "BRN012"
    name = "initial-state-batch-axis"
    fix_safety = FixSafety.SAFE
    fix_availability = FixAvailability.ALWAYS

    def on_initial_state(self, event: InitialStateEvent, ctx: RuleContext) -> None:
        state = event.state
        layer = event.layer
        batch_first = layer.is_batch_first()
        if batch_first is None or event.input is None or len(state.reads) < 2:
            return
        read = state.reads[1]
        if read is None or read.owner is not event.input:
            return  # not read from the object passed to the layer as its input
        name = event.input_name or "input"
        axis, axis_node = read.axis, read.axis_node
        batch_axis = 0 if batch_first else 1
        if axis != 1 - batch_axis:
            return
        layout = "(batch, seq, features)" if batch_first else "(seq, batch, features)"
        ctx.report(
            type(self),
            state.size_nodes[1],
            f"{layer.describe(event.directions)}: the input `{name}` is {layout}, so "
            f"`{ctx.code(state.size_nodes[1])}` is its "
            f"{'sequence length' if axis != batch_axis else 'batch'}, not the batch size "
            f"{event.which} needs; read axis {batch_axis}",
            FixSpec(
                Applicability.SAFE,
                f"Read the batch from axis {batch_axis}",
                ((axis_node, str(batch_axis)),),
            ),
        )
