"""What the interpreter tells the rules, and how rules answer.

The interpreter walks each body and, at every operation on a tracked recurrent result,
hands an event to the rules that handle its type (see `birnn_lint.analysis.contract`).
A rule answers with `ctx.report(...)`. A report may wait for what happens to the value
the operation produced (`Wait`): it is dropped if, on every path, that value is made
right before it is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from birnn_lint.analysis.values import LayerInfo, NewTensor, Opaque, Tensor, TupleValue
from birnn_lint.findings import Edit
from birnn_lint.layout import Layout, Problem
from birnn_lint.registry import Rule
from birnn_lint.strenum import StrEnum


class Applicability(StrEnum):
    SAFE = "safe"
    UNSAFE = "unsafe"


class Wait(StrEnum):
    """What makes a held-back finding right, so that it is never reported."""

    JOIN = "join"  # joined with the layer's other direction
    FORWARD_HALF = "forward-half"  # only its forward half is used
    BACKWARD_HALF = "backward-half"  # only its backward half is used
    OTHER_END = "other-end"  # one end of an output joined with its other end
    USE = "use"  # never used as a value (only its shape, dtype or device is read)


@dataclass(frozen=True)
class FixSpec:
    applicability: Applicability
    message: str
    # (node, replacement code): each node's source span is replaced by the code.
    replacements: tuple[tuple[cst.CSTNode, str], ...]
    needs_torch: bool = False
    # The edit importing torch under the name the fix uses (set by the engine).
    torch_import: Edit | None = None


@dataclass(frozen=True)
class Report:
    code: str
    name: str
    node: cst.CSTNode
    message: str
    fix: FixSpec | None = None
    statement: cst.CSTNode | None = None


# --------------------------------------------------------------------------- events


@dataclass(frozen=True)
class ReshapeEvent:
    """`t.view(...)`, `t.reshape(...)`, `t.flatten(...)`, `t.unflatten(...)` whose
    regrouping the layout model rejects with `problem`."""

    node: cst.Call
    method: str
    receiver: cst.BaseExpression
    tensor: Tensor
    problem: Problem
    size_args: tuple[cst.Arg, ...]
    # For order problems: index of the first of the two swapped sizes in size_args.
    swapped_at: int | None = None
    # A size after the first counts samples (`view(-1, 2 * B)`).
    batch_after_first: bool = False


@dataclass(frozen=True)
class SliceOrderEvent:
    """`h[:num_layers]` / `h[num_layers:]`: rows read as if directions were major."""

    node: cst.Subscript
    tensor: Tensor
    from_start: bool  # True for h[:L] (meant: forward), False for h[L:] (backward)
    # The bound is another layer's num_layers (`h[:decoder.n_layers]`): its source, and
    # its value where that layer's num_layers is a literal.
    foreign_count: str | None = None
    foreign_count_value: int | None = None


@dataclass(frozen=True)
class IndexEvent:
    """`t[...]` on a tracked tensor. `items` is the parsed index (see layout.index)."""

    node: cst.Subscript
    tensor: Tensor
    items: tuple[object, ...]
    result: Layout | Problem | None
    # For a padded output: the name that holds pad_packed_sequence's lengths here, if any.
    lengths_name: str | None = None


@dataclass(frozen=True)
class GatherEvent:
    """`out.gather(1, (lengths - 1).view(-1, 1, 1).expand(...))` on a full output: each
    sequence's last valid step, the time axis kept with size 1 (see last_valid.py).
    `result` is the layout after it, that step fixed as "last-valid"."""

    node: cst.Call
    tensor: Tensor
    result: Layout


@dataclass(frozen=True)
class TupleIndexEvent:
    """`state[k]` on a tuple the layer returned, such as LSTM's (h_n, c_n)."""

    node: cst.Subscript
    value: TupleValue
    index: int


@dataclass(frozen=True)
class SplitEvent:
    """`t.chunk(n, dim)`, `t.split(size, dim)`, `torch.chunk(...)` on a tracked tensor."""

    node: cst.Call
    method: str
    tensor: Tensor
    parts: int | None
    dim: int | None
    dim_arg: cst.Arg | None
    split_size_is_hidden: bool = False
    # The tensor's expression: `h` of `h.chunk(2)` and of `torch.chunk(h, 2)`.
    receiver: cst.BaseExpression | None = None


@dataclass(frozen=True)
class InitialStateEvent:
    """A tensor made by torch.zeros/randn/... passed to `layer` as h_0 or c_0."""

    call: cst.Call  # the layer call
    layer: LayerInfo
    directions: int
    state: NewTensor
    which: str  # "h_0" | "c_0"
    # The object passed as the layer's input, and the name it was passed under.
    input: Opaque | None = None
    input_name: str | None = None


Event = (
    ReshapeEvent
    | SliceOrderEvent
    | IndexEvent
    | GatherEvent
    | TupleIndexEvent
    | SplitEvent
    | InitialStateEvent
)


def subject_node(event: Event) -> cst.CSTNode:
    """The code an event is about: where its findings are reported."""
    if isinstance(event, InitialStateEvent):
        return event.state.node
    return event.node


# What `RuleContext.torch` gives (a NUL never appears in checked code).
TORCH_NAME = "\x00torch\x00"

_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


@dataclass
class RuleContext:
    """What a rule may ask while handling an event."""

    module: cst.Module
    reports: list[tuple[Report, frozenset[Wait]]] = field(default_factory=list)
    # The code the event being handled is about: fixes are written for that place.
    at: cst.CSTNode | None = None
    _parents: dict[cst.CSTNode, cst.CSTNode] | None = None
    # Whether `torch` gives a stand-in that the recorder replaces once a report is made
    # (the engine's way: most reports wait and are dropped) rather than the name itself.
    defer_torch: bool = False
    # torch's name per chain of enclosing scopes: rules ask for it at every event, and
    # working it out walks each scope's body.
    _torch_names: dict[tuple[cst.CSTNode, ...], tuple[str, Edit | None]] = field(
        default_factory=dict
    )

    def enclosing_scopes(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        """The functions, lambdas and comprehensions around `node`, innermost last."""
        if self._parents is None:
            from birnn_lint.analysis.layers import children

            parents: dict[cst.CSTNode, cst.CSTNode] = {}
            stack: list[cst.CSTNode] = [self.module]
            while stack:
                parent = stack.pop()
                for child in children(parent):
                    parents[child] = parent
                    stack.append(child)
            self._parents = parents
        scopes: list[cst.CSTNode] = []
        current = self._parents.get(node)
        while current is not None:
            if isinstance(current, _SCOPES):
                scopes.append(current)
            current = self._parents.get(current)
        return scopes[::-1]

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        self.enclosing_scopes(node)
        assert self._parents is not None
        return self._parents.get(node)

    def torch_at(self, node: cst.CSTNode | None) -> tuple[str, Edit | None]:
        """The name torch goes by at `node`, and the edit importing torch under that name
        if the file lacks it."""
        from birnn_lint.fix_imports import torch_name_at

        scopes = tuple(self.enclosing_scopes(node)) if node is not None else ()
        found = self._torch_names.get(scopes)
        if found is None:
            found = self._torch_names[scopes] = torch_name_at(self.module, list(scopes))
        return found

    @property
    def torch(self) -> str:
        """The name torch goes by where the event's code is (a fix may need to import
        it under that name: see `torch_import`); with `defer_torch`, a stand-in that the
        recorder replaces once the report is made (working the name out walks the file)."""
        return TORCH_NAME if self.defer_torch else self.torch_at(self.at)[0]

    def torch_import(self) -> Edit | None:
        """The edit importing torch under the name `torch` gives, if the file lacks it."""
        return self.torch_at(self.at)[1]

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def atom(self, node: cst.BaseExpression) -> str:
        """The code of `node` as the receiver of a method or an index: bracketed unless
        it already binds tighter (`h`, `self.h`, `f(x)`, `h[0]`, `(h + 1)`); the
        function forms' first argument may be any expression (`torch.chunk(h + 1, 2)`)."""
        text = self.code(node)
        tight = isinstance(node, (cst.Name, cst.Attribute, cst.Call, cst.Subscript))
        if tight or bool(getattr(node, "lpar", None)):
            return text
        return f"({text})"

    def report(
        self,
        rule: type[Rule],
        node: cst.CSTNode,
        message: str,
        fix: FixSpec | None = None,
        wait: Wait | frozenset[Wait] = frozenset(),
    ) -> None:
        """Report now, or, with `wait` (any of several conditions), once it is clear the
        value is used without being made right."""
        waits = frozenset({wait}) if isinstance(wait, Wait) else wait
        self.reports.append((Report(rule.code, rule.name, node, message, fix), waits))
