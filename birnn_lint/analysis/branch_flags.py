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

from collections import OrderedDict
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
    """The attribute `Y` of `klass` such that an `if`/`else` sets `self.<attribute>` to a
    literal direction flag (True/False, or with `counts` a count 2/1) and `self.Y` to a
    layer whose literal direction agrees, in both branches; None if there is none."""
    return _tied_in(facts, klass).get((attribute, counts))


# Per class, the most recent ones (guards ask for many attributes of the same class); the
# class is kept with its entry so that its id is not reused while there.
_TIED: OrderedDict[int, tuple[cst.ClassDef, dict[tuple[str, bool], str]]] = OrderedDict()
_TIED_CLASSES = 256


def _tied_in(facts: LayerFacts, klass: cst.ClassDef) -> dict[tuple[str, bool], str]:
    kept = _TIED.get(id(klass))
    if kept is not None and kept[0] is klass:
        _TIED.move_to_end(id(klass))
        return kept[1]
    found: dict[tuple[str, bool], str] = {}
    for method in klass.body.body:
        if type(method) is not cst.FunctionDef:
            continue
        receiver = facts.receiver(method)
        if receiver is None:
            continue
        for node in walk(method.body):
            if type(node) is not cst.If or type(node.orelse) is not cst.Else:
                continue
            for counts in (False, True):
                first = _branch(facts, method, receiver, node.body, counts)
                second = _branch(facts, method, receiver, node.orelse.body, counts)
                if first is None or second is None:
                    continue
                for attribute, (layer, flag) in first.items():
                    other = second.get(attribute)
                    if other is not None and other[0] == layer and other[1] != flag:
                        found.setdefault((attribute, counts), layer)
    _TIED[id(klass)] = (klass, found)
    if len(_TIED) > _TIED_CLASSES:
        _TIED.popitem(last=False)
    return found


def _branch(
    facts: LayerFacts,
    method: cst.FunctionDef,
    receiver: str,
    block: cst.BaseSuite,
    counts: bool,
) -> dict[str, tuple[str, bool]] | None:
    """For a block whose own statements set one attribute to a layer of known direction:
    each attribute set there to a flag that agrees with it -> (the layer attribute, the
    flag). None when the block builds no such layer."""
    flags: dict[str, bool] = {}
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
            flag = _flag(small.value, counts)
            if flag is not None:
                flags[target.attr.value] = flag
            elif type(small.value) is cst.Call:
                layer = facts.layer_for_call(small.value, method)
                if layer is not None and layer.bidirectional.known:
                    layer_attribute = (target.attr.value, bool(layer.bidirectional.value))
    if layer_attribute is None:
        return None
    return {
        attribute: (layer_attribute[0], flag)
        for attribute, flag in flags.items()
        if flag == layer_attribute[1]
    }


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
