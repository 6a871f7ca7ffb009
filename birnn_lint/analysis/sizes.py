"""Reading sizes and indices from code: `num_layers * 2`, `x.size(1)`, `h[-2:]`.

A mixin of the interpreter: it needs the interpreter's environment and evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import libcst as cst

from birnn_lint import layout as lay
from birnn_lint.analysis.base import InterpreterBase
from birnn_lint.analysis.layers import assignments_in, literal
from birnn_lint.analysis.values import (
    AxisRead,
    DirectionCount,
    Instance,
    LayerInfo,
    LayerRef,
    LoopIndex,
    NewTensor,
    Opaque,
    SizeValue,
    Tensor,
)
from birnn_lint.layout import WILD, Size

# Names that by convention hold the batch size or the sequence length. They size a
# reshape only where the value itself is not known (a parameter such as `batch_size`).
BATCH_NAMES = re.compile(r"^(batch_size|batch_sz|bsz|bs|n_batch|batch|nbatch|num_batch|B)$")
TIME_NAMES = re.compile(r"^(seq_len|seq_length|max_len|max_length|src_len|time_steps|T|slen)$")


def last_name(text: str) -> str:
    return text.rsplit(".", 1)[-1]


def arg(args: Sequence[cst.Arg], position: int, keyword: str) -> cst.Arg | None:
    for arg in args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg
    positional = [a for a in args if a.keyword is None and not a.star]
    return positional[position] if position < len(positional) else None


def dim_symbol(owner: Opaque, axis: int) -> str:
    """The size of axis `axis` of the object `owner`, before it is known what it is."""
    return f"dim:{owner.ident}:{axis}"


def _unresolved_dim(size: Size) -> bool:
    """One axis of an object that no layer's input was tied to."""
    return size.coef == 1 and len(size.syms) == 1 and size.syms[0].startswith("dim:")


# Methods that shape or convert an index tensor without changing which positions it names.
INDEX_METHODS = frozenset(
    "view reshape expand expand_as unsqueeze long int to cuda cpu type repeat contiguous "
    "detach clone".split()
)


class SizeReader(InterpreterBase):
    """What size, index or slice an expression denotes for a tracked tensor."""

    def size_of(self, node: cst.BaseExpression, tensor: Tensor | None = None) -> Size | str | None:
        """The size an expression denotes: a Size, WILD for -1, or None if unknown."""
        ok, value = literal(node)
        if ok:
            if value == -1:
                return WILD
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                if tensor is not None:
                    return tensor.layer.literal_size(value, tensor.directions)
                return Size(value)
            return None
        key = self.key(node)
        if key is not None and tensor is None:
            # Built before the layer it is for is known (an initial state): the size
            # stays the setting's, resolved against the layer it is passed to.
            if any(self.file.setting_size(layer, key) for layer in self.file.layers):
                return Size.of(f"setting:{key}")
        if key is not None:
            for layer in self.file.layers:
                if tensor is not None and layer is not tensor.layer:
                    continue
                if self.file.carries(layer.num_layers, key, self.scope_node, layer):
                    return layer.layers_size
                if self.file.carries(layer.hidden_size, key, self.scope_node, layer):
                    return layer.hidden
                if not layer.proj_size.known and self.file.carries(
                    layer.proj_size, key, self.scope_node, layer
                ):
                    return layer.state_hidden
            if tensor is not None:
                # Another layer's count of layers (a decoder's `self.n_layers`).
                for layer in self.file.layers:
                    if layer is not tensor.layer and self.file.carries(
                        layer.num_layers, key, self.scope_node, layer
                    ):
                        return layer.layers_size
        value_ = self.expr(node)
        if isinstance(value_, DirectionCount):
            if tensor is None:
                return Size.of("dircount:" + ",".join(str(lyr.ident) for lyr in value_.layers))
            if tensor.layer in value_.layers:
                return Size(tensor.directions)
            return None
        named = self.named_size(node, key)
        if isinstance(value_, SizeValue):
            size = self.normalize(value_.size)
            if tensor is not None and size.known is not None and size.known > 0:
                return tensor.layer.literal_size(size.known, tensor.directions)
            if named is not None and _unresolved_dim(size):
                # `batch_size = tokens.size(0)` with `tokens` embedded before the layer
                # sees it: the axis is not tied to the layer's input, the name is.
                return named
            return size
        if named is not None:
            return named
        if type(node) is cst.BinaryOperation and type(node.operator) is cst.Multiply:
            a = self.size_of(node.left, tensor)
            b = self.size_of(node.right, tensor)
            if isinstance(a, Size) and isinstance(b, Size):
                return a * b
        return None

    @staticmethod
    def named_size(node: cst.BaseExpression, key: str | None) -> Size | None:
        """The batch or time size a variable's name says it holds."""
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        name = last_name(key or "")
        if BATCH_NAMES.match(name):
            return Size.of("B")
        if TIME_NAMES.match(name):
            return Size.of("T")
        return None

    def for_layer(self, size: Size, layer: LayerInfo, directions: int) -> Size:
        """A size read before the layer was known, resolved against `layer`."""
        out = Size(size.coef)
        for symbol in size.syms:
            resolved: Size | None = None
            if symbol.startswith("setting:"):
                resolved = self.file.setting_size(layer, symbol[len("setting:") :])
            elif symbol.startswith("dircount:"):
                if str(layer.ident) in symbol[len("dircount:") :].split(","):
                    resolved = Size(directions)
            out = out * (resolved or Size.of(symbol))
        return out

    def normalize(self, size: Size) -> Size:
        if not any(s.startswith("dim:") for s in size.syms):
            return size
        out = Size(size.coef)
        for s in size.syms:
            out = out * Size.of(self.env.dim_alias.get(s, s))
        return out

    def index_items(self, node: cst.Subscript, tensor: Tensor) -> list[object] | None:
        # `out[torch.arange(B), lengths - 1]`: each sample at its own last valid step (also
        # with `, :` after, `arange(0, B)`, `.long()`, either index held in a local name).
        origins = self.per_sample_origins(node)
        items: list[object] = []
        for position, element in enumerate(node.slice):
            part = element.slice
            if type(part) is cst.Index:
                value = part.value
                ok, lit = literal(value)
                if ok and lit is None:
                    items.append(None)
                elif ok and isinstance(lit, int) and not isinstance(lit, bool):
                    items.append(lit)
                elif type(value) is cst.Ellipsis:
                    items.append(Ellipsis)
                elif self.is_last_layer(value, tensor):
                    items.append("last-layer")
                elif origins is not None and position < 2 and _is_arange(origins[position]):
                    items.append("keep")
                elif origins is not None and position < 2 and _minus_one(origins[position]):
                    items.append("last-valid")
                elif (row := self.layer_row(value, tensor)) is not None:
                    items.append(row)
                else:
                    return None
            else:
                assert type(part) is cst.Slice
                parsed = self.slice_item(part, tensor)
                if parsed is None:
                    return None
                items.append(parsed)
        return items

    def per_sample_origins(self, node: cst.Subscript) -> list[cst.BaseExpression] | None:
        """The two index expressions of `out[rows, steps]` (then only `:` or `...`) that
        pick one step per sample, `rows` a whole `arange` and `steps` `x - 1`, each
        followed back through index methods and a local name; else None."""
        elements = list(node.slice)
        while len(elements) > 2 and _keeps_axis(elements[-1]):
            elements.pop()
        parts = [e.slice for e in elements]
        indices = [p for p in parts if type(p) is cst.Index]
        if len(parts) != 2 or len(indices) != 2:
            return None
        origins = [self.index_origin(p.value) for p in indices]
        if any(_is_arange(o) for o in origins) and any(_minus_one(o) for o in origins):
            return origins
        return None

    def index_origin(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """`node` without the methods that only convert or reshape an index (`.long()`,
        `.to(device)`), through local names (at most three) assigned once from elsewhere
        and otherwise only from themselves (`rows = rows.cuda()`)."""
        for _ in range(4):
            node = strip_index_methods(node)
            if type(node) is not cst.Name:
                break
            values = assignments_in(self.scope_node, node.value)
            origins = [v for v in values if index_root(v) != node.value]
            if len(origins) != 1:
                break
            node = origins[0]
        return node

    def loop_index(self, iterated: cst.BaseExpression, owner: cst.CSTNode) -> LoopIndex | None:
        """The variable of `for k in range(n)` as an index over n (n a name, attribute
        or literal: evaluated again here, so nothing with effects)."""
        if not (
            type(iterated) is cst.Call
            and type(iterated.func) is cst.Name
            and iterated.func.value == "range"
            and "range" not in self.env.values
            and "range" not in self.file.names.top_level_names
            and len(iterated.args) == 1
            and iterated.args[0].keyword is None
            and not iterated.args[0].star
            and type(iterated.args[0].value) in (cst.Name, cst.Attribute, cst.Integer)
        ):
            return None
        count = self.size_of(iterated.args[0].value)
        if not isinstance(count, Size):
            return None
        return LoopIndex(self.file.opaque_for(owner).ident, count)

    def layer_row(self, value: cst.BaseExpression, tensor: Tensor) -> lay.LayerRow | None:
        """`2 * k` or `2 * k + 1`, k running over the tensor's layer's layers: each
        layer's forward or backward row in turn."""
        direction = 0
        if type(value) is cst.BinaryOperation and type(value.operator) is cst.Add:
            if literal(value.right) != (True, 1):
                return None
            direction, value = 1, value.left
        if type(value) is not cst.BinaryOperation or type(value.operator) is not cst.Multiply:
            return None
        for two, k in ((value.left, value.right), (value.right, value.left)):
            if literal(two) != (True, 2) or type(k) is not cst.Name:
                continue
            index = self.env.values.get(k.value)
            if isinstance(index, LoopIndex) and self.counts_layers(index.count, tensor):
                return lay.LayerRow(direction)
        return None

    def counts_layers(self, count: Size, tensor: Tensor) -> bool:
        layer = tensor.layer
        resolved = self.for_layer(count, layer, tensor.directions)
        if resolved == layer.layers_size:
            return True
        setting = layer.num_layers
        return resolved.known is not None and setting.known and setting.value == resolved.known

    def is_last_layer(self, value: cst.BaseExpression, tensor: Tensor) -> bool:
        if not (
            type(value) is cst.BinaryOperation
            and type(value.operator) is cst.Subtract
            and literal(value.right) == (True, 1)
        ):
            return False
        size = self.size_of(value.left, tensor)
        return isinstance(size, Size) and size == tensor.layer.layers_size and not size.is_one

    def counted_layer(self, instance: Instance, attr: str) -> tuple[LayerInfo, Size] | None:
        """The layer of `instance` whose num_layers (or other size) `attr` carries, with
        that size: the object's own layers first (the settings it fixed)."""
        file = instance.klass.file
        owner = file if isinstance(file, type(self.file)) else self.file
        held = [v.layer for _, v in instance.attributes if isinstance(v, LayerRef)]
        for layer in held + list(owner.class_layers(instance.klass.node).values()):
            size = owner.setting_size(layer, "self." + attr)
            if size is not None:
                return layer, size
        return None

    def one_layer_count(self, expr: cst.BaseExpression, tensor: Tensor) -> Size | None:
        """`h[:decoder.n_layers]` where the decoder has one layer: its count, kept as a
        count (row 0 of a deeper state is not "the decoder's layers")."""
        if type(expr) is not cst.Attribute:
            return None
        owner = self.expr(expr.value)
        if not isinstance(owner, Instance):
            return None
        found = self.counted_layer(owner, expr.attr.value)
        if found is None or found[0] is tensor.layer or found[1] != found[0].layers_size:
            return None
        return Size.of(f"L#{found[0].ident}")

    def slice_item(self, part: cst.Slice, tensor: Tensor) -> lay.Slice | None:
        def bound(expr: cst.BaseExpression | None) -> tuple[Size | None, bool, bool]:
            if expr is None:
                return None, False, True
            ok, value = literal(expr)
            if ok and isinstance(value, int) and not isinstance(value, bool):
                if not value:
                    return None, False, True
                literal_size = tensor.layer.literal_size(abs(value), tensor.directions)
                return literal_size, value < 0, True
            size = self.size_of(expr, tensor)
            if isinstance(size, Size) and size.is_one:
                size = self.one_layer_count(expr, tensor) or size
            if isinstance(size, Size):
                return size, False, True
            return None, False, False

        start, neg_start, ok1 = bound(part.lower)
        stop, neg_stop, ok2 = bound(part.upper)
        step = 1
        if part.step is not None:
            ok, value = literal(part.step)
            if not ok or not isinstance(value, int) or value <= 0:
                return None
            step = value
        if not (ok1 and ok2):
            return None
        return lay.Slice(start, stop, step, neg_start, neg_stop)

    def single_int(self, node: cst.Subscript) -> int | None:
        if len(node.slice) != 1 or type(node.slice[0].slice) is not cst.Index:
            return None
        index = node.slice[0].slice
        assert type(index) is cst.Index
        ok, value = literal(index.value)
        return value if ok and isinstance(value, int) and not isinstance(value, bool) else None

    def axis_read(self, node: cst.BaseExpression) -> AxisRead | None:
        """`x.size(k)`, `x.shape[k]` or `x.size()[k]`: which object's axis k was read."""
        owner: cst.BaseExpression | None = None
        axis: cst.BaseExpression | None = None
        if (
            type(node) is cst.Call
            and type(node.func) is cst.Attribute
            and node.func.attr.value == "size"
            and len(node.args) == 1
        ):
            owner, axis = node.func.value, node.args[0].value
        elif type(node) is cst.Subscript and len(node.slice) == 1:
            index = node.slice[0].slice
            base = node.value
            if type(index) is cst.Index:
                axis = index.value
                if type(base) is cst.Attribute and base.attr.value == "shape":
                    owner = base.value
                elif (
                    type(base) is cst.Call
                    and type(base.func) is cst.Attribute
                    and base.func.attr.value == "size"
                    and not base.args
                ):
                    owner = base.func.value
        if owner is None or type(axis) is not cst.Integer:
            return None
        key = self.key(owner)
        value = self.env.values.get(key) if key is not None else None
        if isinstance(value, NewTensor):
            value = value.obj
        if isinstance(value, Opaque):
            return AxisRead(value, int(axis.value), axis)
        return None


def _is_arange(node: cst.BaseExpression) -> bool:
    """`torch.arange(n)` / `range(n)` (or from 0): every sample, in order."""
    if type(node) is not cst.Call:
        return False
    func = node.func
    name = func.attr.value if type(func) is cst.Attribute else getattr(func, "value", "")
    positional = [a for a in node.args if a.keyword is None and not a.star]
    if name not in ("arange", "range") or len(positional) not in (1, 2):
        return False
    return len(positional) == 1 or literal(positional[0].value) == (True, 0)


def unit_axes(method: str, args: Sequence[cst.Arg]) -> frozenset[int]:
    """The axes of the 3-d tensor `x.unsqueeze(d)` or `x.view(1, B, -1)` builds (`args`:
    the method's, so what follows the tensor in `torch.unsqueeze(x, d)`) that are
    literally 1: a layer's input with one time step or one sample."""
    values = [a.value for a in args if not a.star and a.keyword is None]
    if method == "unsqueeze" and len(values) == 1:
        ok, dim = literal(values[0])
        if ok and isinstance(dim, int) and not isinstance(dim, bool) and -3 <= dim < 3:
            return frozenset({dim % 3})
        return frozenset()
    if method in ("view", "reshape"):
        if len(values) == 1 and isinstance(values[0], (cst.Tuple, cst.List)):
            values = [e.value for e in values[0].elements]
        if len(values) == 3:
            return frozenset(i for i, v in enumerate(values) if literal(v) == (True, 1))
    return frozenset()


def strip_index_methods(node: cst.BaseExpression) -> cst.BaseExpression:
    while (
        type(node) is cst.Call
        and type(node.func) is cst.Attribute
        and node.func.attr.value in INDEX_METHODS
    ):
        node = node.func.value
    return node


def index_root(node: cst.BaseExpression) -> str | None:
    """The name a chain of index methods starts from (`idx` of `idx.unsqueeze(1)`)."""
    node = strip_index_methods(node)
    return node.value if type(node) is cst.Name else None


def _keeps_axis(element: cst.SubscriptElement) -> bool:
    """`:` or `...` after the indices: the remaining axes whole."""
    part = element.slice
    if type(part) is cst.Slice:
        return part.lower is None and part.upper is None and part.step is None
    return type(part) is cst.Index and type(part.value) is cst.Ellipsis


def _minus_one(node: cst.BaseExpression) -> bool:
    """`lengths - 1` (also `(lengths - 1).long()`)."""
    while type(node) is cst.Call and type(node.func) is cst.Attribute and not node.args:
        node = node.func.value
    return (
        type(node) is cst.BinaryOperation
        and type(node.operator) is cst.Subtract
        and literal(node.right) == (True, 1)
    )
