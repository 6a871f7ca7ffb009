"""BRN010: an output's directions split along an axis that is not the feature axis."""

from __future__ import annotations

import libcst as cst

from birnn_lint import layout as lay
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import Applicability, FixSpec, IndexEvent, RuleContext, SplitEvent
from birnn_lint.analysis.values import OUTPUT, Tensor
from birnn_lint.registry import FixAvailability, FixSafety
from birnn_lint.rules._common import is_colon, subject, when


def _axis_name(tensor_layout: lay.Layout, axis: int) -> str:
    kinds = [f.kind for f in lay.live(tensor_layout.axes[axis])]
    return kinds[0] if len(kinds) == 1 else "?"


def _arg_text(arg: cst.Arg, ctx: RuleContext) -> str:
    """An argument as written, without the comma that follows it."""
    value = ctx.code(arg.value)
    if arg.keyword is not None:
        return f"{arg.keyword.value}={value}"
    return arg.star + value


class OutputDirectionSplitAxis(CheckRule):
    code = "BRN010"
    name = "output-direction-split-axis"
    fix_safety = FixSafety.UNSAFE
    fix_availability = FixAvailability.SOMETIMES

    @staticmethod
    def _full_output(tensor: Tensor) -> bool:
        return (
            tensor.role == OUTPUT
            and tensor.directions == 2
            and not tensor.layout.fixed
            and tensor.layout.ndim == 3
        )

    def on_split(self, event: SplitEvent, ctx: RuleContext) -> None:
        tensor = event.tensor
        if not self._full_output(tensor) or event.parts != 2 or event.dim is None:
            return
        axis = lay.norm_dim(tensor.layout, event.dim)
        feature = tensor.layout.axis_of(lay.HIDDEN)
        if axis is None or axis == feature:
            return
        node = event.node
        if event.dim_arg is not None:  # the axis argument, in the method or function form
            edit = (event.dim_arg.value, "-1")
        else:  # the default axis 0: name the last one
            args = ", ".join(_arg_text(a, ctx) for a in node.args)
            edit = (node, f"{ctx.code(node.func)}({args}, dim=-1)")
        ctx.report(
            type(self),
            node,
            f"{subject(tensor)}: `{ctx.code(node)}` splits the {_axis_name(tensor.layout, axis)} "
            f"axis in two{when(tensor)}; the directions are the halves of the last axis "
            "[forward | backward]",
            FixSpec(Applicability.UNSAFE, "Split the last axis", (edit,)),
        )

    def on_index(self, event: IndexEvent, ctx: RuleContext) -> None:
        tensor = event.tensor
        if not self._full_output(tensor) or Ellipsis in event.items or None in event.items:
            return  # positions would not be axes
        hidden = tensor.layer.state_hidden
        feature = tensor.layout.axis_of(lay.HIDDEN)
        for position, item in enumerate(event.items):
            if position == feature or not isinstance(item, lay.Slice) or item.step != 1:
                continue
            halves = (item.start is None and item.stop == hidden and not item.negative_stop) or (
                item.start == hidden and item.stop is None and not item.negative_start
            )
            if not halves:
                continue
            node = event.node
            fix = None
            others = [e for i, e in enumerate(node.slice) if i != position]
            if all(is_colon(e) for e in others):
                part = ctx.code(node.slice[position].slice)
                new = f"{ctx.code(node.value)}[..., {part}]"
                fix = FixSpec(Applicability.UNSAFE, "Slice the last axis", ((node, new),))
            ctx.report(
                type(self),
                node,
                f"{subject(tensor)}: `{ctx.code(node)}` slices the "
                f"{_axis_name(tensor.layout, position)} axis by the hidden size{when(tensor)}; "
                "the directions are the halves of the last axis [forward | backward]",
                fix,
            )
            return
