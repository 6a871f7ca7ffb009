"""BRN003: a reshape to a batch-first shape that does not move the batch axis first."""

from __future__ import annotations

from birnn_lint import layout as lay
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import Applicability, FixSpec, ReshapeEvent, RuleContext
from birnn_lint.registry import FixAvailability, FixSafety
from birnn_lint.rules._common import subject, when


def _describe(layout: lay.Layout) -> str:
    names = {
        lay.LAYER: "layers",
        lay.DIR: "directions",
        lay.BATCH: "batch",
        lay.HIDDEN: "hidden",
        lay.TIME: "time",
        lay.OTHER: "?",
    }
    axes = []
    for axis in layout.axes:
        parts = [names[f.kind] for f in lay.live(axis)]
        axes.append(" x ".join(parts) if parts else "1")
    return "(" + ", ".join(axes) + ")"


class BatchMixingReshape(CheckRule):
    code = "BRN003"
    name = "batch-mixing-reshape"
    fix_safety = FixSafety.SAFE
    fix_availability = FixAvailability.SOMETIMES

    def on_reshape(self, event: ReshapeEvent, ctx: RuleContext) -> None:
        if event.problem.kind != "batch-mix":
            return
        tensor = event.tensor
        batch_axis = tensor.layout.axis_of(lay.BATCH)
        if batch_axis is None:
            return
        ctx.report(
            type(self),
            event.node,
            f"{subject(tensor)}: `{ctx.code(event.node)}` mixes samples{when(tensor)}: "
            f"`{ctx.code(event.receiver)}` is {_describe(tensor.layout)}, its batch is axis "
            f"{batch_axis}, and reshaping without moving the batch axis first puts several "
            f"samples' values in one row",
            self._fix(event, ctx, batch_axis),
        )

    @staticmethod
    def _fix(event: ReshapeEvent, ctx: RuleContext, batch_axis: int) -> FixSpec | None:
        axis = event.tensor.layout.axes[batch_axis]
        if [f.kind for f in lay.live(axis)] != [lay.BATCH] or batch_axis == 0:
            return None
        if event.method not in ("view", "reshape") or event.batch_after_first:
            return None  # `s.reshape(-1, 2 * B)`: moving the batch first does not help
        move = "transpose(0, 1)" if batch_axis == 1 else f"movedim({batch_axis}, 0)"
        sizes = ", ".join(ctx.code(a.value) for a in event.size_args)
        new = f"{ctx.atom(event.receiver)}.{move}.reshape({sizes})"
        return FixSpec(
            Applicability.SAFE, f"Move the batch axis first with `.{move}`", ((event.node, new),)
        )
