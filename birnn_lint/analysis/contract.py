"""The rule contract: a check rule handles the events it cares about through typed
methods, and the engine calls exactly the handlers a rule overrides.

A rule can be tested alone: build an event, call its handler with a `RuleContext`, and
read `ctx.reports`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from birnn_lint.analysis import events as ev
from birnn_lint.registry import Rule


class CheckRule(Rule):
    """Base of every analysis rule. Override the handlers for the events to check."""

    def on_index(self, event: ev.IndexEvent, ctx: ev.RuleContext) -> None:
        """`t[...]` on a tracked tensor."""

    def on_gather(self, event: ev.GatherEvent, ctx: ev.RuleContext) -> None:
        """`out.gather(dim, lengths - 1 ...)`: each sequence's last valid step."""

    def on_slice_order(self, event: ev.SliceOrderEvent, ctx: ev.RuleContext) -> None:
        """`h[:num_layers]`: rows sliced as if directions were the major factor."""

    def on_tuple_index(self, event: ev.TupleIndexEvent, ctx: ev.RuleContext) -> None:
        """`state[k]` on a tuple a layer returned."""

    def on_reshape(self, event: ev.ReshapeEvent, ctx: ev.RuleContext) -> None:
        """A reshape the layout model rejects."""

    def on_split(self, event: ev.SplitEvent, ctx: ev.RuleContext) -> None:
        """`chunk` / `split` of a tracked tensor."""

    def on_initial_state(self, event: ev.InitialStateEvent, ctx: ev.RuleContext) -> None:
        """A freshly built tensor passed to a layer as h_0 or c_0."""

    # The handler of each event type, by name.
    HANDLERS: ClassVar[dict[type, str]] = {
        ev.IndexEvent: "on_index",
        ev.GatherEvent: "on_gather",
        ev.SliceOrderEvent: "on_slice_order",
        ev.TupleIndexEvent: "on_tuple_index",
        ev.ReshapeEvent: "on_reshape",
        ev.SplitEvent: "on_split",
        ev.InitialStateEvent: "on_initial_state",
    }

    @classmethod
    def handled_events(cls) -> tuple[type, ...]:
        """The event types whose handler this rule overrides."""
        return tuple(
            kind
            for kind, name in CheckRule.HANDLERS.items()
            if getattr(cls, name) is not getattr(CheckRule, name)
        )

    def handler(self, event: ev.Event) -> Callable[[ev.Event, ev.RuleContext], None]:
        method: Callable[[ev.Event, ev.RuleContext], None] = getattr(
            self, CheckRule.HANDLERS[type(event)]
        )
        return method
