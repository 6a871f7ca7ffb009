"""BRN013: `output[-1]` of a batch-first layer takes the last sample, not the last step."""

from __future__ import annotations

from birnn_lint import layout as lay
from birnn_lint.analysis.events import FixSpec, IndexEvent, RuleContext
from birnn_lint.analysis.values import OUTPUT
from birnn_lint.registry import Rule
from birnn_lint.rules._common import only_colons_after, subject


class BatchFirstOutputIndexedAsTimeMajor(Rule):
    code = "BRN013"
    name = "batch-first-output-indexed-as-time-major"
    summary = "With batch_first=True, output[-1] is the last sample, not the last step"
    fix_safety = "unsafe"
    events = (IndexEvent,)

    def check(self, event: IndexEvent, ctx: RuleContext) -> None:
        tensor = event.tensor
        if tensor.role != OUTPUT or tensor.layout.fixed or tensor.layout.ndim != 3:
            return
        if [f.kind for f in lay.live(tensor.layout.axes[0])] != [lay.BATCH]:
            return
        if not event.items or event.items[0] != -1:
            return
        node = event.node
        fix = None
        if only_colons_after(node, 1):
            fix = FixSpec(
                "unsafe",
                "Index the second axis, which is time",
                ((node, f"{ctx.code(node.value)}[:, -1]"),),
            )
        source = "pad_packed_sequence's output" if tensor.padded else "the output"
        ctx.report(
            type(self),
            node,
            f"{subject(tensor)}: {source} is batch-first (batch, seq, features), so "
            f"`{ctx.code(node)}` is the last sample's output at every time step, not the "
            "last time step; that is `[:, -1]`",
            fix,
        )
