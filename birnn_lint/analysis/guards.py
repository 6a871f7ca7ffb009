"""Branch conditions the interpreter understands: a test of a layer's own direction
setting, and `isinstance(state, tuple)`.

A test is a direction guard only through what carries the layer's setting: the
expression passed as `bidirectional=` (or an attribute assigned from it), a direction
count computed from it, or `rnn.bidirectional` of a known layer. A name that merely
looks like a direction flag (`bidir_attention`) is not one.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from birnn_lint import layout as lay
from birnn_lint.analysis.branch_flags import tied_layer_attribute
from birnn_lint.analysis.layer_sets import ALL_KINDS, merged_layers, with_merged
from birnn_lint.analysis.layers import code, literal
from birnn_lint.analysis.tensor_ops import TensorOps
from birnn_lint.analysis.values import (
    UNKNOWN,
    DirectionCount,
    DirectionFlag,
    EitherState,
    Instance,
    LayerClass,
    LayerInfo,
    LayerKind,
    LayerRef,
    Opaque,
    Tensor,
    TupleValue,
    Unknown,
    Value,
)


@dataclass(frozen=True)
class TupleGuard:
    """`isinstance(key, tuple)`: positive when the test holds for a tuple."""

    key: str
    positive: bool


@dataclass(frozen=True)
class DirectionGuard:
    """The test holds exactly when these layers are bidirectional (or, when not
    `positive`, exactly when they are not)."""

    layers: tuple[LayerInfo, ...]
    positive: bool


@dataclass(frozen=True)
class KindGuard:
    """The test holds exactly when a layer chosen at run time is of one of these kinds
    (`isinstance(self.rnn, nn.LSTM)`, `rnn_type == "lstm"`: a string that names a kind)."""

    kinds: frozenset[LayerKind]
    positive: bool


Guard = TupleGuard | DirectionGuard | KindGuard

_KIND_WORDS = {"lstm": LayerKind.LSTM, "gru": LayerKind.GRU, "rnn": LayerKind.RNN}


def _named_kinds(node: cst.BaseExpression) -> frozenset[LayerKind] | None:
    """`"lstm"` / `("gru", "GRU")`: the kinds string literals name (all must)."""
    parts = (
        [e.value for e in node.elements]
        if isinstance(node, (cst.Tuple, cst.List, cst.Set))
        else [node]
    )
    kinds: set[LayerKind] = set()
    for part in parts:
        if type(part) is not cst.SimpleString:
            return None
        value = part.evaluated_value
        kind = _KIND_WORDS.get(value.lower()) if isinstance(value, str) else None
        if kind is None:
            return None
        kinds.add(kind)
    return frozenset(kinds) if kinds else None


def _comparison_sense(op: cst.BaseCompOp, value: object) -> bool | None:
    """For `count OP value` / `flag OP value`: True when the comparison holds exactly for a
    bidirectional layer, False when exactly for a unidirectional one, None otherwise."""
    # `1 in (2, True)` holds in Python (1 == True): compare booleans and counts apart.
    if isinstance(value, bool):
        two, one = value is True, value is False
    else:
        two, one = value == 2, value == 1
    if isinstance(op, (cst.Equal, cst.Is)):
        return True if two else False if one else None
    if isinstance(op, (cst.NotEqual, cst.IsNot)):
        return False if two else True if one else None
    if type(op) is cst.GreaterThan and value == 1:
        return True
    if type(op) is cst.GreaterThanEqual and value == 2:
        return True
    if type(op) is cst.LessThan and value == 2:
        return False
    if type(op) is cst.LessThanEqual and value == 1:
        return False
    return None


class Guards(TensorOps):
    def guard(self, test: cst.BaseExpression) -> Guard | None:
        positive = True
        while type(test) is cst.UnaryOperation and type(test.operator) is cst.Not:
            positive = not positive
            test = test.expression
        if (
            type(test) is cst.Call
            and type(test.func) is cst.Name
            and test.func.value == "isinstance"
            and len(test.args) == 2
            and code(test.args[1].value) in ("tuple", "(tuple, list)", "(list, tuple)")
        ):
            key = self.key(test.args[0].value)
            return TupleGuard(key, positive) if key is not None else None
        if (
            type(test) is cst.Call
            and type(test.func) is cst.Name
            and test.func.value == "isinstance"
            and len(test.args) == 2
        ):
            checked = self.file.static_value(test.args[1].value)
            subject = self.quiet(test.args[0].value)
            if isinstance(checked, LayerClass) and isinstance(subject, LayerRef):
                return KindGuard(checked.kinds, positive)
            return None
        if type(test) is cst.Comparison:
            if len(test.comparisons) != 1:
                return None
            comp = test.comparisons[0]
            named = _named_kinds(comp.comparator)
            if named is not None and isinstance(
                comp.operator, (cst.Equal, cst.NotEqual, cst.In, cst.NotIn)
            ):
                holds = isinstance(comp.operator, (cst.Equal, cst.In))
                return KindGuard(named, positive == holds)
            ok, value = literal(comp.comparator)
            sense = _comparison_sense(comp.operator, value) if ok else None
            if sense is None:
                return None
            if not isinstance(value, bool) and isinstance(self.quiet(test.left), DirectionFlag):
                return None  # a flag compared with a count (`bi == 2`): never true
            layers = self.direction_subject(test.left, counts=True)
            return DirectionGuard(layers, positive == sense) if layers else None
        layers = self.direction_subject(test, counts=False)
        return DirectionGuard(layers, positive) if layers else None

    def direction_subject(self, subject: cst.BaseExpression, counts: bool) -> tuple[LayerInfo, ...]:
        """The layers whose direction setting `subject` is (or, with `counts`, whose
        direction count it may also be)."""
        value = self.quiet(subject)
        if isinstance(value, DirectionFlag) or (counts and isinstance(value, DirectionCount)):
            return value.layers
        if type(subject) is cst.Attribute:
            owner = self.quiet(subject.value)
            if isinstance(owner, LayerRef) and subject.attr.value == "bidirectional":
                return (owner.layer,)
            if isinstance(owner, Instance):
                return self.instance_flag(owner, subject.attr.value)
        key = self.key(subject) if type(subject) is not cst.Subscript else _item_key(self, subject)
        if key is None:
            return ()
        # Layers built here, and layers standing for several (a kind chosen at run time)
        # whose members all carry the setting.
        carried = tuple(
            layer
            for layer in [*self.file.all_layers(), *merged_layers()]
            if self.file.carries(layer.bidirectional, key, self.scope_node, layer)
        )
        if carried or self.klass is None or not key.startswith("self.") or key.count(".") != 1:
            return carried
        if not isinstance(self.env.values.get(key, UNKNOWN), (Unknown, Opaque)):
            return ()  # set here to a value of its own (`self.n_dir = 1`): not the tie
        # A flag set in the same branches as the layer it describes.
        tied = tied_layer_attribute(self.file, self.klass, key[len("self.") :], counts)
        layer = self.quiet_key("self." + tied) if tied is not None else None
        return (layer.layer,) if isinstance(layer, LayerRef) else ()

    def flag_of(self, node: cst.BaseExpression, value: Value) -> Value:
        """`value`, or, for an unknown value read from what carries layers' direction
        setting (`self.rnn.bidirectional`, `self.bidirectional`, `cfg["bidirectional"]`),
        a DirectionFlag: bound to a name or passed to a function, a test of it is still
        a test of the setting."""
        if not isinstance(value, (Unknown, Opaque)) or not isinstance(
            node, (cst.Name, cst.Attribute, cst.Subscript)
        ):
            return value
        if _last_word(node) not in self._direction_words():
            return value  # most assignments: not worth matching against every layer
        layers = self.direction_subject(node, counts=False)
        return DirectionFlag(layers) if layers else value

    def _direction_words(self) -> frozenset[str]:
        """The last words of what carries a direction setting of the file's layers (kept
        until the file has more layers)."""
        layers = [*self.file.all_layers(), *merged_layers()]
        kept = self.file.direction_words
        if kept is not None and kept[0] == len(layers):
            return kept[1]
        words = {"bidirectional"}
        for layer in layers:
            words.update(_last_word_of(carrier) for carrier in layer.bidirectional.carriers)
        found = frozenset(words)
        self.file.direction_words = (len(layers), found)
        return found

    def instance_flag(self, owner: Instance, attribute: str) -> tuple[LayerInfo, ...]:
        """The layers of an object of the project whose direction setting its attribute
        `attribute` carries (`self.encoder.bidirectional`, stored next to the layer)."""
        file = owner.klass.file if isinstance(owner.klass.file, type(self.file)) else self.file
        layers = [v.layer for _, v in owner.attributes if isinstance(v, LayerRef)]
        return tuple(
            layer
            for layer in layers
            if file.carries(layer.bidirectional, "self." + attribute, owner.klass.node, layer)
        )

    def quiet(self, node: cst.BaseExpression) -> Value | None:
        """A name's or attribute's value, evaluated without events."""
        key = self.key(node)
        return self.quiet_key(key) if key is not None else None

    def quiet_key(self, key: str) -> Value | None:
        if key in self.env.values:
            return self.env.values[key]
        return self.file.class_value(self.klass, key)

    def apply_guard(self, guard: Guard, branch: bool) -> None:
        holds = guard.positive == branch
        if isinstance(guard, KindGuard):
            allowed = guard.kinds if holds else ALL_KINDS - guard.kinds
            if self.env.kinds is not None:
                allowed &= self.env.kinds
            self.env.kinds = allowed
            for name, value in list(self.env.values.items()):
                if isinstance(value, EitherState) and allowed:
                    if LayerKind.LSTM not in allowed:
                        self.env.values[name] = value.tensor
                    elif allowed == {LayerKind.LSTM}:
                        self.env.values[name] = value.lstm
            return
        if isinstance(guard, TupleGuard):
            current = self.env.values.get(guard.key)
            if isinstance(current, EitherState):
                self.env.assign(guard.key, current.lstm if holds else current.tensor)
            elif not holds and isinstance(current, TupleValue):
                self.env.assign(guard.key, UNKNOWN)
            return
        directions = 2 if holds else 1
        guard = DirectionGuard(with_merged(guard.layers), guard.positive)
        for layer in guard.layers:
            # A branch on the layer's own direction is evidence that it may be
            # bidirectional, even where its setting is only `**kwargs`.
            if not holds or layer.may_be_bidirectional() or layer.bidirectional.configurable:
                self.env.directions[layer.ident] = directions
        for name, value in list(self.env.values.items()):
            self.env.values[name] = self.specialize(value, guard.layers, directions)

    def specialize(self, value: Value, layers: tuple[LayerInfo, ...], directions: int) -> Value:
        if isinstance(value, Tensor) and value.layer in layers:
            new = lay.substitute_directions(value.layout, value.layer.ident, directions)
            out = value.derive(new)
            return Tensor(
                out.layer, out.role, out.layout, directions, out.padded, out.lengths, out.pending
            )
        if isinstance(value, TupleValue):
            return TupleValue(
                tuple(self.specialize(v, layers, directions) for v in value.items),
                value.tag,
                value.layer,
            )
        if isinstance(value, EitherState):
            tensor = self.specialize(value.tensor, layers, directions)
            lstm = self.specialize(value.lstm, layers, directions)
            assert isinstance(tensor, Tensor) and isinstance(lstm, TupleValue)
            return EitherState(tensor, lstm)
        return value

    def directions_of(self, layer: LayerInfo) -> int:
        if layer.ident in self.env.directions:
            return self.env.directions[layer.ident]
        return 2 if layer.may_be_bidirectional() else 1

    def direction_count(self, node: cst.BaseExpression) -> DirectionCount | None:
        """`2 if bidirectional else 1`, `int(bidirectional) + 1`, `bidirectional + 1`."""
        if type(node) is cst.IfExp:
            guard = self.guard(node.test)
            if not isinstance(guard, DirectionGuard):
                return None
            a, b = literal(node.body), literal(node.orelse)
            if (a, b) == ((True, 2), (True, 1)) and guard.positive:
                return DirectionCount(guard.layers)
            if (a, b) == ((True, 1), (True, 2)) and not guard.positive:
                return DirectionCount(guard.layers)
            return None
        if type(node) is cst.BinaryOperation and type(node.operator) is cst.Add:
            for one, flag in ((node.left, node.right), (node.right, node.left)):
                if literal(one) != (True, 1):
                    continue
                if (
                    type(flag) is cst.Call
                    and type(flag.func) is cst.Name
                    and flag.func.value == "int"
                    and len(flag.args) == 1
                ):
                    flag = flag.args[0].value
                layers = self.direction_subject(flag, counts=False)
                if layers:
                    return DirectionCount(layers)
        return None


def _item_key(guards: Guards, node: cst.Subscript) -> str | None:
    """The key of `params["bidirectional"]` (a string item of a name or attribute)."""
    base = guards.key(node.value)
    if base is None or len(node.slice) != 1:
        return None
    index = node.slice[0].slice
    if type(index) is not cst.Index or type(index.value) is not cst.SimpleString:
        return None
    return f"{base}[{code(index.value)}]"


def _last_word(node: cst.Name | cst.Attribute | cst.Subscript) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    # A subscript is a direction copy only by a string item (see `_item_key`): read the
    # item, without generating the code of the whole expression on every assignment.
    if len(node.slice) != 1:
        return ""
    index = node.slice[0].slice
    if type(index) is not cst.Index or type(index.value) is not cst.SimpleString:
        return ""
    return _last_word_of(index.value.value)


def _last_word_of(text: str) -> str:
    """`self.params["bidirectional"]` -> `"bidirectional"`, `cfg.bi` -> `bi`."""
    for separator in (".", "["):
        text = text.rsplit(separator, 1)[-1]
    return text.strip("\"]' ")
