"""BRN009: the last step of a padded (pad_packed_sequence) output read for every sequence."""

from __future__ import annotations

from birnn_lint import layout as lay
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import Applicability, FixSpec, IndexEvent, RuleContext
from birnn_lint.analysis.values import OUTPUT
from birnn_lint.registry import FixAvailability, FixSafety
from birnn_lint.rules._common import hidden_code, subject


class PaddedOutputLastStep(CheckRule):
    code = "BRN009"
    name = "padded-output-last-step"
    fix_safety = FixSafety.UNSAFE
    fix_availability = FixAvailability.SOMETIMES

    def on_index(self, event: IndexEvent, ctx: RuleContext) -> None:
        tensor = event.tensor
        if tensor.role != OUTPUT or not tensor.padded or tensor.layout.fixed:
            return
        if not isinstance(event.result, lay.Layout):
            return
        if event.result.fixed_value(lay.TIME) != "last" or event.result.fixed_value(lay.BATCH):
            return
        node = event.node
        time_axis = tensor.layout.axis_of(lay.TIME)
        plain = all(
            i == time_axis or (isinstance(it, lay.Slice) and it == lay.Slice())
            for i, it in enumerate(event.items)
        )
        fix = None
        lengths = event.lengths_name
        if plain and lengths is not None:
            fix = FixSpec(
                Applicability.UNSAFE,
                f"Read each sequence at its own last step, `{lengths} - 1`",
                ((node, self._gather(ctx, event, lengths, time_axis == 0)),),
                needs_torch=True,
            )
        ctx.report(
            type(self),
            node,
            f"{subject(tensor)}: after pad_packed_sequence, `{ctx.code(node)}` reads the "
            "padded last time step: for every sequence shorter than the longest it is "
            "padding (zeros), not that sequence's last output; read each sequence at its "
            "length - 1 (or use h_n, exact for packed input)",
            fix,
        )

    @staticmethod
    def _gather(ctx: RuleContext, event: IndexEvent, lengths: str, time_major: bool) -> str:
        out = ctx.code(event.node.value)
        t = ctx.torch
        if time_major:
            at_last = f"{lengths} - 1, {t}.arange({out}.size(1))"
            first = "0, :"
        else:
            at_last = f"{t}.arange({out}.size(0)), {lengths} - 1"
            first = ":, 0"
        if event.tensor.directions == 1:
            return f"{out}[{at_last}]"
        hidden = hidden_code(ctx, event.tensor, out)
        return f"{t}.cat(({out}[{at_last}, :{hidden}], {out}[{first}, {hidden}:]), dim=-1)"
