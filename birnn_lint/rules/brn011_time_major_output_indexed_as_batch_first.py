"""BRN011: `output[:, -1]` of a time-major layer takes the last sample, not the last step."""

from __future__ import annotations

from birnn_lint import layout as lay
from birnn_lint.analysis.events import FixSpec, IndexEvent, RuleContext
from birnn_lint.analysis.values import OUTPUT
from birnn_lint.registry import Rule
from birnn_lint.rules._common import is_full_slice, only_colons_after, subject


class TimeMajorOutputIndexedAsBatchFirst(Rule):
    code = "BRN011"
    name = "time-major-output-indexed-as-batch-first"
    summary = "With batch_first=False, output[:, -1] is the last sample at every step"
    fix_safety = "unsafe"
    events = (IndexEvent,)

    def check(self, event: IndexEvent, ctx: RuleContext) -> None:
        tensor = event.tensor
        if tensor.role != OUTPUT or tensor.layout.fixed or tensor.layout.ndim != 3:
            return
        if [f.kind for f in lay.live(tensor.layout.axes[0])] != [lay.TIME]:
            return
        items = event.items
        if len(items) < 2 or not is_full_slice(items[0]) or items[1] != -1:
            return
        node = event.node
        fix = None
        if only_colons_after(node, 2):
            fix = FixSpec(
                "unsafe",
                "Index the first axis, which is time",
                ((node, f"{ctx.code(node.value)}[-1]"),),
            )
        source = "pad_packed_sequence's output" if tensor.padded else "the output"
        ctx.report(
            type(self),
            node,
            f"{subject(tensor)}: {source} is time-major (seq, batch, features), so "
            f"`{ctx.code(node)}` takes the last sample at every time step, not the last "
            "time step; that is `[-1]`",
            fix,
        )
