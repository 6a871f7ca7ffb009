"""Direction flags set in the same branches as the layer they describe:

    if bidirec:
        self.n_direction = 2
        self.gru = nn.GRU(..., bidirectional=True)
    else:
        self.n_direction = 1
        self.gru = nn.GRU(...)

`self.n_direction == 2` then holds exactly when `self.gru` is the bidirectional one,
though neither carries the other's setting as an expression.
"""

from __future__ import annotations

from typing import Protocol

import libcst as cst

from birnn_lint.analysis.layers import literal, walk
from birnn_lint.analysis.values import LayerInfo


class LayerFacts(Protocol):
    def receiver(self, scope_node: cst.CSTNode) -> str | None: ...

    def layer_for_call(self, call: cst.Call, scope_node: cst.CSTNode) -> LayerInfo | None: ...


def tied_layer_attribute(
    facts: LayerFacts, klass: cst.ClassDef, attribute: str, counts: bool
) -> str | None:
    """The attribute `Y` of `klass` such that every `if`/`else` that sets `self.<attribute>`
    to a literal direction flag (True/False, or with `counts` a count 2/1) sets `self.Y`
    to a layer whose literal direction agrees, in both branches; None if there is none."""
    for method in klass.body.body:
        if type(method) is not cst.FunctionDef:
            continue
        receiver = facts.receiver(method)
        if receiver is None:
            continue
        for node in walk(method.body):
            if type(node) is not cst.If or type(node.orelse) is not cst.Else:
                continue
            sides = [
                _branch(facts, method, receiver, branch, attribute, counts)
                for branch in (node.body, node.orelse.body)
            ]
            first, second = sides
            if (
                first is not None
                and second is not None
                and first[0] == second[0]
                and first[1] != second[1]
            ):
                return first[0]
    return None


def _branch(
    facts: LayerFacts,
    method: cst.FunctionDef,
    receiver: str,
    block: cst.BaseSuite,
    attribute: str,
    counts: bool,
) -> tuple[str, bool] | None:
    """(the layer attribute, its direction) when the block's own statements set
    `attribute` to a flag and one attribute to a layer whose known direction agrees."""
    flag: bool | None = None
    layer_attribute: tuple[str, bool] | None = None
    statements = block.body if type(block) is cst.IndentedBlock else []
    for statement in statements:
        if type(statement) is not cst.SimpleStatementLine:
            continue
        for small in statement.body:
            if type(small) is not cst.Assign or len(small.targets) != 1:
                continue
            target = small.targets[0].target
            if (
                type(target) is not cst.Attribute
                or type(target.value) is not cst.Name
                or target.value.value != receiver
            ):
                continue
            if target.attr.value == attribute:
                flag = _flag(small.value, counts)
                if flag is None:
                    return None
            elif type(small.value) is cst.Call:
                layer = facts.layer_for_call(small.value, method)
                if layer is not None and layer.bidirectional.known:
                    layer_attribute = (target.attr.value, bool(layer.bidirectional.value))
    if flag is None or layer_attribute is None or layer_attribute[1] != flag:
        return None
    return layer_attribute


def _flag(value: cst.BaseExpression, counts: bool) -> bool | None:
    """True for a value that says "bidirectional" (True; with `counts` also 2), False
    for one that says "one direction" (False; 1), else None."""
    ok, found = literal(value)
    if not ok:
        return None
    if isinstance(found, bool):
        return found
    if counts and found in (1, 2):
        return found == 2
    return None
