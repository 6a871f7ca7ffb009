"""BRN004: a final or initial state treated as batch-first."""

from __future__ import annotations

from birnn_lint import layout as lay
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import (
    Applicability,
    FixSpec,
    IndexEvent,
    InitialStateEvent,
    RuleContext,
)
from birnn_lint.registry import FixAvailability, FixSafety
from birnn_lint.rules._common import (
    CONSTRUCTION_FILLS,
    both_directions,
    is_full_slice,
    is_state,
    only_colons_after,
    same_size,
    state_name,
    subject,
)


class HiddenIsNotBatchFirst(CheckRule):
    code = "BRN004"
    name = "hidden-is-not-batch-first"
    fix_safety = FixSafety.SAFE_OR_UNSAFE
    fix_availability = FixAvailability.SOMETIMES

    def on_index(self, event: IndexEvent, ctx: RuleContext) -> None:
        tensor = event.tensor
        items = event.items
        if not is_state(tensor) or len(items) < 2:
            return
        if not (is_full_slice(items[0]) and items[1] == -1):
            return
        node = event.node
        receiver = ctx.code(node.value)
        fix = None
        if only_colons_after(node, 2):
            new = both_directions(ctx, receiver) if tensor.directions == 2 else f"{receiver}[-1]"
            fix = FixSpec(
                Applicability.UNSAFE,
                "Index the first axis, which holds the layers"
                + (" (joining both directions)" if tensor.directions == 2 else ""),
                ((node, new),),
                needs_torch=tensor.directions == 2,
            )
        batch_first = (
            " even though the layer is batch_first" if tensor.layer.is_batch_first() else ""
        )
        ctx.report(
            type(self),
            node,
            f"{subject(tensor)}: {state_name(tensor)} is (num_layers * num_directions, batch, "
            f"hidden){batch_first}; `{ctx.code(node)}` indexes the batch axis and takes the "
            f"last sample's states of every layer, not the last layer's state",
            fix,
        )

    def on_initial_state(self, event: InitialStateEvent, ctx: RuleContext) -> None:
        state = event.state
        layer = event.layer
        if len(state.sizes) != 3 or None in state.sizes[:2]:
            return
        expected = layer.layers_size * lay.Size(event.directions)
        first, second = state.sizes[0], state.sizes[1]
        if second is None or first != lay.Size.of(lay.BATCH_SYMBOL):
            return
        if not same_size(layer, second, expected):
            return
        a, b = state.size_nodes[0], state.size_nodes[1]
        fix = None
        if state.fill in CONSTRUCTION_FILLS:
            fix = FixSpec(
                Applicability.SAFE,
                "Put num_layers * num_directions first and the batch second",
                ((a, ctx.code(b)), (b, ctx.code(a))),
            )
        ctx.report(
            type(self),
            state.node,
            f"{layer.describe(event.directions)}: {event.which} must be (num_layers * "
            f"num_directions, batch, hidden) whatever batch_first says; "
            f"`{ctx.code(state.node)}` puts the batch first{layer.when(event.directions)}",
            fix,
        )
