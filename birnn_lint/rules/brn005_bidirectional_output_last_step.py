"""BRN005: the last (or first) step of a bidirectional output used as the summary."""

from __future__ import annotations

from birnn_lint import layout as lay
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import (
    Applicability,
    FixSpec,
    GatherEvent,
    IndexEvent,
    RuleContext,
    Wait,
)
from birnn_lint.analysis.values import OUTPUT
from birnn_lint.registry import FixAvailability, FixSafety
from birnn_lint.rules._common import hidden_code, subject, when


def time_step_read(event: IndexEvent | GatherEvent) -> str | None:
    """ "last" / "first" / "last-valid" when the index (or gather) picks one time step of
    a full output."""
    tensor = event.tensor
    if tensor.role != OUTPUT or tensor.layout.fixed or not isinstance(event.result, lay.Layout):
        return None
    step = event.result.fixed_value(lay.TIME)
    if step not in ("last", "first", "last-valid"):
        return None
    if event.result.fixed_value(lay.BATCH) is not None:
        return None
    # Still both halves, or only the half that has seen a single token.
    half = event.result.fixed_value(lay.DIR)
    wrong_half = 0 if step == "first" else 1
    if event.result.axis_of(lay.DIR) is None and half != wrong_half:
        return None
    return str(step)


def plain_step_index(event: IndexEvent) -> bool:
    """`out[-1]`, `out[-1, :]`, `out[:, -1]`, `out[:, -1, :]`: the forms fixes rewrite."""
    time_axis = event.tensor.layout.axis_of(lay.TIME)
    items = event.items
    if time_axis is None or len(items) <= time_axis:
        return False
    return all(
        (i == time_axis) or (isinstance(item, lay.Slice) and item == lay.Slice())
        for i, item in enumerate(items)
    )


def summary_code(ctx: RuleContext, event: IndexEvent, last_index: str, first_index: str) -> str:
    """`torch.cat((out[:, -1, :H], out[:, 0, H:]), dim=-1)` for the layer's layout."""
    receiver = ctx.code(event.node.value)
    hidden = hidden_code(ctx, event.tensor, receiver)
    time_axis = event.tensor.layout.axis_of(lay.TIME)
    lead = ":, " * (time_axis or 0)
    middle = "" if time_axis else ":, "
    forward = f"{receiver}[{lead}{last_index}, {middle}:{hidden}]"
    backward = f"{receiver}[{lead}{first_index}, {middle}{hidden}:]"
    return f"{ctx.torch}.cat(({forward}, {backward}), dim=-1)"


class BidirectionalOutputLastStep(CheckRule):
    code = "BRN005"
    name = "bidirectional-output-last-step"
    fix_safety = FixSafety.UNSAFE
    fix_availability = FixAvailability.SOMETIMES

    def on_index(self, event: IndexEvent, ctx: RuleContext) -> None:
        tensor = event.tensor
        step = time_step_read(event)
        if tensor.directions != 2 or step is None or (tensor.padded and step != "last-valid"):
            return  # the padded last step is BRN009's
        node = event.node
        if step == "last-valid":
            _report_last_valid(self, event, ctx)
            return
        if step == "last":
            claim = (
                f"`{ctx.code(node)}` takes the last time step of both directions{when(tensor)}: "
                "its backward half has seen only the last token; the backward direction's "
                "summary is at time step 0 (or use h_n)"
            )
            hold = frozenset({Wait.FORWARD_HALF, Wait.OTHER_END})
        else:
            claim = (
                f"`{ctx.code(node)}` takes the first time step of both directions"
                f"{when(tensor)}: its forward half has seen only the first token; the forward "
                "direction's summary is at the last time step (or use h_n)"
            )
            hold = frozenset({Wait.BACKWARD_HALF, Wait.OTHER_END})
        fix = None
        if plain_step_index(event):
            fix = FixSpec(
                Applicability.UNSAFE,
                "Join the forward half at the last step with the backward half at step 0",
                ((node, summary_code(ctx, event, "-1", "0")),),
                needs_torch=True,
            )
        ctx.report(type(self), node, f"{subject(tensor)}: {claim}", fix, wait=hold)

    def on_gather(self, event: GatherEvent, ctx: RuleContext) -> None:
        """`out.gather(1, (lengths - 1).view(-1, 1, 1).expand(...))`: the index form of
        `out[torch.arange(B), lengths - 1]`."""
        if event.tensor.directions == 2 and time_step_read(event) == "last-valid":
            _report_last_valid(self, event, ctx)


def _report_last_valid(
    rule: BidirectionalOutputLastStep, event: IndexEvent | GatherEvent, ctx: RuleContext
) -> None:
    node = event.node
    claim = (
        f"`{ctx.code(node)}` takes each sequence's last valid step of both "
        f"directions{when(event.tensor)}: right for the forward half, but the backward half "
        "there has seen only that one token; the backward direction's summary is at "
        "time step 0 (or use h_n with packed input)"
    )
    hold = frozenset({Wait.FORWARD_HALF, Wait.OTHER_END})
    ctx.report(type(rule), node, f"{subject(event.tensor)}: {claim}", wait=hold)
