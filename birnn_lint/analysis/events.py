"""What the interpreter tells the rules, and how rules answer.

The interpreter walks each function once and, at every operation on a tracked
recurrent result, hands an event to the rules that subscribe to its type. A rule
answers with `ctx.report(...)`; a report may be deferred to the value the operation
produced, in which case it is dropped if every use of that value makes it right.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from birnn_lint.analysis.values import LayerInfo, NewTensor, Tensor, TupleValue
from birnn_lint.findings import Edit
from birnn_lint.layout import Layout, Problem


@dataclass(frozen=True)
class FixSpec:
    applicability: str  # "safe" | "unsafe"
    message: str
    # (node, replacement code): each node's source span is replaced by the code.
    replacements: tuple[tuple[cst.CSTNode, str], ...]
    needs_torch: bool = False


@dataclass
class Report:
    code: str
    name: str
    node: cst.CSTNode
    message: str
    fix: FixSpec | None = None
    statement: cst.CSTNode | None = None


# --------------------------------------------------------------------------- events


@dataclass
class ReshapeEvent:
    """`t.view(...)`, `t.reshape(...)`, `t.flatten(...)`, `t.unflatten(...)` whose
    regrouping the layout model rejects with `problem`."""

    node: cst.Call
    method: str
    receiver: cst.BaseExpression
    tensor: Tensor
    problem: Problem
    size_args: list[cst.Arg]
    # For order problems: index of the first of the two swapped sizes in size_args.
    swapped_at: int | None = None


@dataclass
class SliceOrderEvent:
    """`h[:num_layers]` / `h[num_layers:]`: rows read as if directions were major."""

    node: cst.Subscript
    tensor: Tensor
    from_start: bool  # True for h[:L] (meant: forward), False for h[L:] (backward)


@dataclass
class IndexEvent:
    """`t[...]` on a tracked tensor. `items` is the parsed index (see layout.index)."""

    node: cst.Subscript
    tensor: Tensor
    items: list[object]
    result: Layout | Problem | None


@dataclass
class TupleIndexEvent:
    """`state[k]` on a tuple the layer returned, such as LSTM's (h_n, c_n)."""

    node: cst.Subscript
    value: TupleValue
    index: int


@dataclass
class SplitEvent:
    """`t.chunk(n, dim)`, `t.split(size, dim)`, `torch.chunk(...)` on a tracked tensor."""

    node: cst.Call
    method: str
    tensor: Tensor
    parts: int | None
    dim: int | None
    dim_arg: cst.Arg | None
    split_size_is_hidden: bool = False


@dataclass
class InitialStateEvent:
    """A tensor made by torch.zeros/randn/... passed to `layer` as h_0 or c_0."""

    call: cst.Call  # the layer call
    layer: LayerInfo
    directions: int
    state: NewTensor
    which: str  # "h_0" | "c_0"
    # How the layer's input is laid out, when the input is a plain name: its name and
    # the version of the binding read.
    input_name: str | None = None
    input_version: int | None = None


Event = (
    ReshapeEvent | SliceOrderEvent | IndexEvent | TupleIndexEvent | SplitEvent | InitialStateEvent
)


@dataclass
class RuleContext:
    """What a rule may ask while handling an event."""

    module: cst.Module
    reports: list[tuple[Report, str | None]] = field(default_factory=list)
    # Resolved on first use: most files never need a fix that names torch.
    _torch: tuple[str, Edit | None] | None = None

    @property
    def torch(self) -> str:
        """The name the file imported torch under ("torch" if it must be imported)."""
        if self._torch is None:
            from birnn_lint.fix_imports import torch_name

            self._torch = torch_name(self.module)
        return self._torch[0]

    @property
    def torch_import(self) -> Edit | None:
        """The edit adding `import torch`, when a fix used `torch` and the file lacks it."""
        return self._torch[1] if self._torch is not None else None

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def report(
        self,
        rule: type,
        node: cst.CSTNode,
        message: str,
        fix: FixSpec | None = None,
        defer: str | None = None,
    ) -> None:
        """Report now, or with `defer` set to a cancel condition ("join": dropped when
        the value is joined with its other direction; "forward-half" / "backward-half":
        dropped when only that half of the value is used)."""
        self.reports.append(
            (Report(rule.code, rule.name, node, message, fix), defer)  # type: ignore[attr-defined]
        )
