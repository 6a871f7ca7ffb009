"""BRN008: an initial state whose first size is not num_layers * num_directions."""

from __future__ import annotations

from birnn_lint import layout as lay
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import Applicability, FixSpec, InitialStateEvent, RuleContext
from birnn_lint.registry import FixAvailability, FixSafety
from birnn_lint.rules._common import CONSTRUCTION_FILLS, direction_count_code, same_size


class InitialStateShape(CheckRule):
    code = "BRN008"
    name = "initial-state-shape"
    fix_safety = FixSafety.SAFE
    fix_availability = FixAvailability.SOMETIMES

    def on_initial_state(self, event: InitialStateEvent, ctx: RuleContext) -> None:
        state = event.state
        layer = event.layer
        if not state.sizes or state.sizes[0] is None:
            return
        first = state.sizes[0]
        directions = event.directions
        if directions == 1 and not layer.bidirectional.mentioned:
            return  # one direction was assumed only for want of a setting
        expected = layer.layers_size * lay.Size(directions)
        if same_size(layer, first, expected) or lay.BATCH_SYMBOL in first.syms:
            return
        got, want = layer.numeric(first), layer.numeric(expected)
        if got is None or want is None:
            # Symbolic: only the two confusions the analysis can be sure of.
            if directions == 2 and first * lay.Size(2) != expected:
                return
            if directions == 1 and first != expected * lay.Size(2):
                return
        node = state.size_nodes[0]
        fix = None
        count = direction_count_code(ctx, layer)
        if (
            state.fill in CONSTRUCTION_FILLS
            and same_size(layer, first * lay.Size(2), expected)
            and count is not None
        ):
            fix = FixSpec(
                Applicability.SAFE,
                "Allocate a row per layer and direction",
                ((node, f"{ctx.code(node)} * {count}"),),
            )
        ctx.report(
            type(self),
            state.node,
            f"{layer.describe(event.directions)}: {event.which}'s first size must be "
            f"num_layers * num_directions = {layer.show(expected)}{layer.when(directions)}; "
            f"`{ctx.code(node)}` is {layer.show(first)}",
            fix,
        )
