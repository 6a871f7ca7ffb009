"""An abstract interpreter over one body (a function, or a module's top level), in one
call context.

It follows recurrent layers and the values their calls return through bindings, tensor
operations and calls of the file's own functions, keeps each tensor's layout (see
`birnn_lint.layout`) and hands every operation on such a tensor to the rules as an
event. Anything it does not understand becomes an unknown value, which no rule looks at.
The parts: `statements` (control flow, binding), `guards`, `calls`, `tensor_ops`,
`sizes`; expressions are here.
"""

from __future__ import annotations

import libcst as cst

from birnn_lint import layout as lay
from birnn_lint.analysis import events as ev
from birnn_lint.analysis.calls import Calls
from birnn_lint.analysis.env import Status, merge_values
from birnn_lint.analysis.layer_sets import any_entry, merged_layer
from birnn_lint.analysis.layers import children, code
from birnn_lint.analysis.values import (
    UNKNOWN,
    ConstValue,
    DictValue,
    Instance,
    LayerInfo,
    LayerList,
    LayerRef,
    NewTensor,
    Opaque,
    ShapeValue,
    SizeValue,
    Tensor,
    TupleValue,
    Unknown,
    Value,
)
from birnn_lint.layout import Problem, Size

_CONSTANTS: dict[str, bool | None] = {"True": True, "False": False, "None": None}


class Interpreter(Calls):
    # ------------------------------------------------------------------ expressions

    def expr(self, node: cst.BaseExpression) -> Value:
        # Exact types, most frequent first: isinstance on libcst's classes (ABCs) is slow
        # and this runs for every expression interpreted.
        if type(node) is cst.Name or type(node) is cst.Attribute:
            if type(node) is cst.Name and node.value in _CONSTANTS:
                return ConstValue(_CONSTANTS[node.value])
            key = self.key(node)
            if key is not None and key in self.env.values:
                return self.env.values[key]
            static = self.file.static_value(node)
            if static is not None:
                return static
            if type(node) is cst.Attribute:
                return self.attribute(node, key)
            return UNKNOWN
        if type(node) is cst.Call:
            return self.call(node)
        if type(node) is cst.Subscript:
            return self.subscript(node)
        if type(node) is cst.Integer:
            return SizeValue(Size(int(node.value, 0)), node)
        if type(node) is cst.SimpleString:
            text = node.evaluated_value
            return ConstValue(text) if isinstance(text, str) else UNKNOWN
        if type(node) is cst.BinaryOperation:
            return self.binary(node)
        if type(node) is cst.Tuple or type(node) is cst.List:
            return self.sequence(node)
        if type(node) is cst.Dict:
            return self.dict_literal(node)
        if type(node) is cst.NamedExpr:
            value = self.expr(node.value)
            self.bind(node.target, value)
            return value
        if type(node) is cst.IfExp:
            return self.if_expression(node)
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp)):
            return self.comprehension(node)
        if type(node) is cst.Lambda:
            return UNKNOWN
        for child in children(node):
            if isinstance(child, cst.BaseExpression):
                self.use(self.expr(child))
            elif isinstance(child, (cst.Arg, cst.Element, cst.DictElement)):
                for sub in children(child):
                    if isinstance(sub, cst.BaseExpression):
                        self.use(self.expr(sub))
        return UNKNOWN

    def sequence(self, node: cst.Tuple | cst.List) -> Value:
        items: list[Value] = []
        for element in node.elements:
            if type(element) is cst.StarredElement:
                self.use(self.expr(element.value))
                for item in items:
                    self.use(item)
                return UNKNOWN
            items.append(self.expr(element.value))
        return TupleValue(tuple(items))

    def dict_literal(self, node: cst.Dict) -> Value:
        items: list[tuple[object, Value]] = []
        for element in node.elements:
            if type(element) is not cst.DictElement:
                self.use(self.expr(element.value))
                return UNKNOWN
            key = element.key
            value = self.expr(element.value)
            items.append((key.evaluated_value if type(key) is cst.SimpleString else None, value))
        return DictValue(tuple(items))

    def comprehension(
        self, node: cst.ListComp | cst.GeneratorExp | cst.SetComp | cst.DictComp
    ) -> Value:
        """Its targets live in a scope of their own: interpreted on a copy, bound to
        unknown objects; what it computes from tracked values escapes."""
        saved = self.env
        self.env = saved.copy()
        comp: cst.CompFor | None = node.for_in
        while comp is not None:
            self.use(self.expr(comp.iter))
            index = self.loop_index(comp.iter, comp) if type(comp.target) is cst.Name else None
            self.bind(comp.target, index or UNKNOWN)
            for cond in comp.ifs:
                self.use(self.expr(cond.test))
            comp = comp.inner_for_in
        parts = [node.key, node.value] if isinstance(node, cst.DictComp) else [node.elt]
        values = [self.expr(part) for part in parts]
        result: Value = UNKNOWN
        if len(values) == 1 and isinstance(values[0], LayerRef):
            result = LayerList((values[0].layer,))  # [nn.LSTM(...) for _ in range(n)]
        else:
            for value in values:
                self.use(value)
        pending = self.env.pending
        self.env = saved
        self.env.pending = pending
        return result

    def if_expression(self, node: cst.IfExp) -> Value:
        count = self.direction_count(node)
        if count is not None:
            return count
        self.use(self.expr(node.test))
        guard = self.guard(node.test)
        results: list[Value] = []
        saved = self.env
        for branch, part in ((True, node.body), (False, node.orelse)):
            self.env = saved.copy()
            if guard is not None:
                self.apply_guard(guard, branch)
            results.append(self.expr(part))
            saved.pending.update(self.env.pending)
        self.env = saved
        merged = merge_values(results[0], results[1])
        if merged is not UNKNOWN:
            return merged
        for value in results:
            self.use(value)
        return UNKNOWN

    def attribute(self, node: cst.Attribute, key: str | None) -> Value:
        if key is not None:
            known = self.file.class_value(self.klass, key)
            if known is not None:
                return known
        base = self.expr(node.value)
        attr = node.attr.value
        if isinstance(base, Tensor):
            if attr == "shape":
                return ShapeValue(tuple(lay.axis_size(a) for a in base.layout.axes))
            if attr == "T":
                return self.derived(base, lay.reverse_axes(base.layout))
            if attr == "data":
                return base
            if attr in ("device", "dtype", "ndim", "is_cuda", "requires_grad"):
                return UNKNOWN  # reads nothing of the values
            self.use(base)
            return UNKNOWN
        if isinstance(base, LayerRef):
            layer = base.layer
            if attr == "num_layers":
                return SizeValue(layer.layers_size)
            if attr == "hidden_size":
                return SizeValue(layer.hidden)
            return UNKNOWN
        if isinstance(base, Instance):
            return self.instance_attribute(base, attr)
        if isinstance(base, (Opaque, NewTensor)) and attr == "shape":
            obj = base if isinstance(base, Opaque) else base.obj
            return self.size_call(cst.Call(cst.Attribute(node.value, cst.Name("size"))), obj)
        return UNKNOWN

    def instance_attribute(self, instance: Instance, attr: str) -> Value:
        """`decoder.n_layers` of an object of a class of the project: what its `__init__`
        stores there, or the size of one of its layers that the attribute carries."""
        file = instance.klass.file
        owner = file if isinstance(file, type(self.file)) else self.file
        klass = instance.klass.node
        stored = dict(instance.attributes).get(attr)
        if stored is not None and not isinstance(stored, (Unknown, Opaque, SizeValue)):
            return stored
        counted = self.counted_layer(instance, attr)
        if counted is not None:
            return SizeValue(counted[1])
        if stored is not None:
            return stored
        known = owner.class_value(klass, "self." + attr)
        return known if known is not None else UNKNOWN

    def binary(self, node: cst.BinaryOperation) -> Value:
        count = self.direction_count(node)
        if count is not None:
            return count
        left = self.expr(node.left)
        right = self.expr(node.right)
        if isinstance(left, SizeValue) and isinstance(right, SizeValue):
            a, b = left.size, right.size
            op = node.operator
            if type(op) is cst.Multiply:
                return SizeValue(a * b)
            if a.known is not None and b.known is not None:
                if type(op) is cst.Add:
                    return SizeValue(Size(a.known + b.known))
                if type(op) is cst.Subtract and a.known - b.known > 0:
                    return SizeValue(Size(a.known - b.known))
                if type(op) is cst.FloorDivide and b.known and a.known % b.known == 0:
                    return SizeValue(Size(a.known // b.known))
            if type(op) is cst.FloorDivide and b.divides(a) and b.coef:
                return SizeValue(a / b)
            return UNKNOWN
        if (
            type(node.operator) is cst.Add
            and isinstance(left, Tensor)
            and isinstance(right, Tensor)
        ):
            joined = self.join([left, right])
            if joined is not None:
                return joined
        elementwise = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide)
        if isinstance(node.operator, elementwise) and (
            isinstance(left, Tensor) != isinstance(right, Tensor)
        ):
            # `out * mask`, `out + residual`, `h * 0.5`: the tracked tensor's layout stays.
            return left if isinstance(left, Tensor) else right
        self.use(left)
        self.use(right)
        return UNKNOWN

    # ------------------------------------------------------------------ subscripts

    def subscript(self, node: cst.Subscript) -> Value:
        base = self.expr(node.value)
        if isinstance(base, TupleValue):
            index = self.single_int(node)
            if index is None or not -len(base.items) <= index < len(base.items):
                self.use(base)
                return UNKNOWN
            item = base.items[index]
            if not base.tag:
                return item
            waiting = self.file.emit(ev.TupleIndexEvent(node, base, index), self)
            return self.hold(waiting, item)
        if isinstance(base, ShapeValue):
            index = self.single_int(node)
            if index is not None and -len(base.sizes) <= index < len(base.sizes):
                size = base.sizes[index]
                return SizeValue(self.normalize(size)) if size is not None else UNKNOWN
            return UNKNOWN
        if isinstance(base, Tensor):
            return self.tensor_index(node, base)
        if isinstance(base, LayerList) and base.layers:
            index = self.single_int(node)
            if index is not None and -len(base.layers) <= index < len(base.layers):
                return LayerRef(base.layers[index])
            return LayerRef(merged_layer(list(base.layers)))
        if isinstance(base, DictValue) and len(node.slice) == 1:
            part = node.slice[0].slice
            if type(part) is cst.Index and type(part.value) is cst.SimpleString:
                wanted = part.value.evaluated_value
                for key, value in base.items:
                    if key == wanted:
                        return value
            elif type(part) is cst.Index:
                self.use(self.expr(part.value))
            return any_entry(base)
        for element in node.slice:
            if type(element.slice) is cst.Index:
                self.use(self.expr(element.slice.value))
        self.use(base)
        return UNKNOWN

    def tensor_index(self, node: cst.Subscript, base: Tensor) -> Value:
        items = self.index_items(node, base)
        if items is None:
            self.use(base)
            return UNKNOWN
        result = lay.index(base.layout, items)
        if isinstance(result, Problem):
            first = node.slice[0].slice
            from_start = type(first) is cst.Slice and first.lower is None
            foreign = None
            count: int | None = None
            if result.detail == lay.FOREIGN_COUNT and type(first) is cst.Slice:
                foreign = code(first.upper) if first.upper is not None else None
                count = self.fixed_count(items[0])
                rows = _known_rows(base.layer)
                if count is not None and rows is not None and count >= rows:
                    return base  # every row, as they are: the whole state
            event = ev.SliceOrderEvent(node, base, from_start, foreign, count)
            self.file.emit(event, self)
            return UNKNOWN
        lengths_name = None
        if base.lengths is not None:
            name, holder = base.lengths
            if name != "_" and self.env.values.get(name) is holder:
                lengths_name = name
        waiting = self.file.emit(
            ev.IndexEvent(node, base, tuple(items), result, lengths_name), self
        )
        if result is None:
            self.use(base)
            return self.hold(waiting, UNKNOWN)
        out = base.derive(result)
        # Taking the one half of a value whose other half was wrong makes it right.
        direction = result.fixed_value(lay.DIR)
        if direction in (0, 1) and base.layout.fixed_value(lay.DIR) is None:
            keep = ev.Wait.FORWARD_HALF if direction == 0 else ev.Wait.BACKWARD_HALF
            made_right = {i for i in base.pending if keep in self.file.waits_for(i)}
            for ident in made_right:
                self.env.set_status(ident, Status.CANCELLED)
            out = out.with_pending(out.pending - made_right)
        return self.hold(waiting, out)

    def fixed_count(self, item: object) -> int | None:
        """The literal num_layers of the other layer whose count bounds the slice."""
        stop = item.stop if isinstance(item, lay.Slice) else None
        symbol = stop.syms[0] if stop is not None and stop.syms else ""
        for layer in self.file.all_layers():
            if f"L#{layer.ident}" == symbol and layer.num_layers.known:
                value = layer.num_layers.value
                return value if isinstance(value, int) else None
        return None

    def hold(self, waiting: list[int], value: Value) -> Value:
        """Attach held-back reports to the value they wait on; where the value is not
        followed, they count as used."""
        for ident in waiting:
            self.env.set_status(ident, Status.OPEN)
        if isinstance(value, Tensor):
            return value.with_pending(value.pending | frozenset(waiting))
        if isinstance(value, TupleValue):
            items = tuple(self.hold(waiting, item) for item in value.items)
            return TupleValue(items, value.tag, value.layer)
        for ident in waiting:
            self.env.set_status(ident, Status.USED)
        return value


def _known_rows(layer: LayerInfo) -> int | None:
    """L*D, the rows of the layer's state, when both settings are known."""
    layers, bidirectional = layer.num_layers, layer.bidirectional
    if not layers.known or not bidirectional.known or not isinstance(layers.value, int):
        return None
    return layers.value * (2 if bidirectional.value else 1)
