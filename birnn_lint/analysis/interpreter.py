"""An abstract interpreter over one function body (or a module's top level).

It follows recurrent layers and the values their calls return through assignments,
unpacking, aliasing and tensor operations, keeps each tensor's layout (see
`birnn_lint.layout`) and hands every operation on such a tensor to the rules as an
event. Anything it does not understand becomes `UNKNOWN`, which no rule looks at.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from birnn_lint import layout as lay
from birnn_lint.analysis import events as ev
from birnn_lint.analysis.env import Env, merge
from birnn_lint.analysis.layers import code, literal
from birnn_lint.analysis.sizes import BIDIR_WORD, DIR_NAMES, SizeReader, last_name
from birnn_lint.analysis.sizes import arg as _arg
from birnn_lint.analysis.tensor_ops import NEW_TENSOR_METHODS, TRANSPARENT_METHODS, TensorOps
from birnn_lint.analysis.values import (
    OUTPUT,
    STATE_C,
    STATE_H,
    UNKNOWN,
    LayerInfo,
    LayerRef,
    NewTensor,
    PackedValue,
    Pending,
    ShapeValue,
    SizeValue,
    Tensor,
    TupleValue,
    Value,
)
from birnn_lint.layout import Problem, Size


class Interpreter(SizeReader, TensorOps):
    """Interprets one body. `file` supplies qualified names, layers and the rules."""

    def __init__(self, file: FileState, scope_node: cst.CSTNode, env: Env, depth: int = 0) -> None:
        self.file = file
        self.depth = depth
        self.return_values: list[Value] = []
        self.scope_node = scope_node
        self.env = env
        self.pendings: list[Pending] = []
        self.returned = False
        # The statement being interpreted: a finding's fix edits must stay inside it.
        self.current_statement: cst.CSTNode = scope_node

    # ------------------------------------------------------------------ statements

    def run_block(self, body: Sequence[cst.CSTNode]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: cst.CSTNode) -> None:
        self.current_statement = stmt
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.small_statement(small)
        elif isinstance(stmt, cst.If):
            self.if_statement(stmt)
        elif isinstance(stmt, (cst.For, cst.While)):
            self.loop(stmt)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            before = self.env.copy()
            self.run_block(stmt.body.body)
            branches = [self.env]
            for handler in stmt.handlers:
                self.env = before.copy()
                self.run_block(handler.body.body)
                branches.append(self.env)
            self.env = merge(branches)
            if stmt.orelse is not None:
                self.run_block(stmt.orelse.body.body)
            if stmt.finalbody is not None:
                self.run_block(stmt.finalbody.body.body)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                self.use(self.expr(item.item))
                if item.asname is not None:
                    self.bind(item.asname.name, UNKNOWN)
            self.run_block(stmt.body.body)
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            if isinstance(stmt, cst.FunctionDef):
                self.env.assign(stmt.name.value, UNKNOWN)
        elif isinstance(stmt, cst.IndentedBlock):
            self.run_block(stmt.body)

    def small_statement(self, small: cst.CSTNode) -> None:
        if isinstance(small, cst.Assign):
            value = self.expr(small.value)
            for target in small.targets:
                self.bind(target.target, value)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.bind(small.target, self.expr(small.value))
        elif isinstance(small, cst.AugAssign):
            self.use(self.expr(small.value))
            self.use(self.expr(small.target))
            self.bind(small.target, UNKNOWN)
        elif isinstance(small, cst.Expr):
            self.use(self.expr(small.value))
        elif isinstance(small, cst.Return):
            value = self.expr(small.value) if small.value is not None else UNKNOWN
            self.return_values.append(value)
            if not isinstance(value, (NewTensor, TupleValue)):
                self.use(value)
            self.returned = True
        elif isinstance(small, cst.Raise):
            self.returned = True
        elif isinstance(small, (cst.Assert, cst.Del)):
            for child in small.children:
                if isinstance(child, cst.BaseExpression):
                    self.use(self.expr(child))

    def if_statement(self, stmt: cst.If) -> None:
        self.current_statement = stmt
        self.use(self.expr(stmt.test))
        guard = self.guard(stmt.test)
        before = self.env
        self.env = before.copy()
        if guard:
            self.apply_guard(guard, True)
        self.returned = False
        self.run_block(stmt.body.body)
        taken, taken_ends = self.env, self.returned
        self.env = before.copy()
        if guard:
            self.apply_guard(guard, False)
        self.returned = False
        if isinstance(stmt.orelse, cst.If):
            self.if_statement(stmt.orelse)
        elif stmt.orelse is not None:
            self.run_block(stmt.orelse.body.body)
        other_ends = self.returned
        # A branch that returns does not reach the code after the `if`: that code runs
        # under the other branch's assumptions (`if bidirectional: return ...`).
        branches = [env for env, ends in ((taken, taken_ends), (self.env, other_ends)) if not ends]
        self.env = merge(branches or [taken, self.env])
        self.returned = taken_ends and other_ends

    def if_expression(self, node: cst.IfExp) -> Value:
        self.use(self.expr(node.test))
        guard = self.guard(node.test)
        before = self.env
        results = []
        for branch, part in ((True, node.body), (False, node.orelse)):
            self.env = before.copy()
            if guard:
                self.apply_guard(guard, branch)
            results.append(self.expr(part))
        self.env = before
        if results[0] is results[1]:
            return results[0]
        for value in results:
            self.use(value)
        return UNKNOWN

    def loop(self, stmt: cst.For | cst.While) -> None:
        self.current_statement = stmt
        if isinstance(stmt, cst.For):
            self.use(self.expr(stmt.iter))
            self.bind(stmt.target, UNKNOWN)
        else:
            self.use(self.expr(stmt.test))
        before = self.env.copy()
        self.run_block(stmt.body.body)
        self.env = merge([before, self.env])
        if stmt.orelse is not None:
            self.run_block(stmt.orelse.body.body)

    # ------------------------------------------------------------------ guards

    def guard(self, test: cst.BaseExpression) -> tuple[str, object, bool] | None:
        """("isinstance-tuple", name, positive) or ("bidirectional", layers, positive)."""
        positive = True
        while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            positive = not positive
            test = test.expression
        if (
            isinstance(test, cst.Call)
            and isinstance(test.func, cst.Name)
            and test.func.value == "isinstance"
            and len(test.args) == 2
            and code(test.args[1].value) in ("tuple", "(tuple, list)", "(list, tuple)")
        ):
            return ("isinstance-tuple", code(test.args[0].value), positive)
        subject = test
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            comp = test.comparisons[0]
            ok, value = literal(comp.comparator)
            if not ok:
                return None
            op = comp.operator
            subject = test.left
            if isinstance(op, (cst.Equal, cst.Is)):
                positive = positive == (value in (2, True))
            elif isinstance(op, (cst.NotEqual, cst.IsNot)):
                positive = positive != (value in (2, True))
            elif isinstance(op, cst.GreaterThan) and value == 1:
                pass
            else:
                return None
        layers = self.layers_for_flag(subject)
        if layers:
            return ("bidirectional", layers, positive)
        return None

    def layers_for_flag(self, subject: cst.BaseExpression) -> list[LayerInfo]:
        text = code(subject)
        name = last_name(text)
        found = []
        value = self.expr_quiet(subject)
        for layer in self.file.layers:
            if text in layer.bidirectional.carriers or (text == f"{layer.name}.bidirectional"):
                found.append(layer)
        if found:
            return found
        if isinstance(value, SizeValue) or BIDIR_WORD.search(name) or DIR_NAMES.match(name):
            return [lyr for lyr in self.file.layers if lyr.may_be_bidirectional()]
        return []

    def apply_guard(self, guard: tuple[str, object, bool], branch: bool) -> None:
        kind, subject, positive = guard
        holds = positive == branch
        if kind == "isinstance-tuple":
            assert isinstance(subject, str)
            if not holds and isinstance(self.env.values.get(subject), TupleValue):
                self.env.values[subject] = UNKNOWN
            return
        assert isinstance(subject, list)
        directions = 2 if holds else 1
        for layer in subject:
            if not holds or layer.may_be_bidirectional():
                self.env.directions[layer.ident] = directions
        for name, value in list(self.env.values.items()):
            self.env.values[name] = self.specialize(value, subject, directions)

    def specialize(self, value: Value, layers: list[LayerInfo], directions: int) -> Value:
        if isinstance(value, Tensor) and value.layer in layers:
            new = lay.substitute_directions(value.layout, value.layer.ident, directions)
            out = value.derive(new)
            out.directions = directions
            return out
        if isinstance(value, TupleValue):
            return TupleValue(
                [self.specialize(v, layers, directions) for v in value.items],
                value.tag,
                value.layer,
            )
        return value

    def directions_of(self, layer: LayerInfo) -> int:
        if layer.ident in self.env.directions:
            return self.env.directions[layer.ident]
        return 2 if layer.may_be_bidirectional() else 1

    # ------------------------------------------------------------------ binding

    def bind(self, target: cst.BaseExpression, value: Value) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            elements = [e for e in target.elements]
            items: list[Value] | None = None
            if isinstance(value, TupleValue) and len(value.items) == len(elements):
                items = value.items
            elif isinstance(value, ShapeValue) and len(value.sizes) == len(elements):
                items = [SizeValue(s) if s is not None else UNKNOWN for s in value.sizes]
            elif isinstance(value, Tensor):
                parts = self.unbind_values(value, 0, len(elements))
                items = parts
            if (
                isinstance(value, TupleValue)
                and value.tag == "padded"
                and items
                and isinstance(items[0], Tensor)
                and isinstance(elements[1].value, cst.Name)
            ):
                items = [items[0].derive(items[0].layout), items[1]]
                items[0].lengths_name = elements[1].value.value  # type: ignore[union-attr]
            for i, element in enumerate(elements):
                if isinstance(element, cst.StarredElement):
                    self.bind(element.value, UNKNOWN)
                    continue
                self.bind(element.value, items[i] if items else UNKNOWN)
            if items is None:
                self.use(value)
            return
        if isinstance(target, cst.Name):
            self.env.assign(target.value, value)
            return
        if isinstance(target, cst.Attribute):
            self.env.assign(code(target), value)
            return
        # Subscript targets and the like: the value escapes.
        self.use(value)

    # ------------------------------------------------------------------ uses

    def use(self, value: Value) -> None:
        """`value` flows somewhere the model does not follow: held-back findings on it
        are confirmed."""
        if isinstance(value, Tensor):
            for pending in value.pending:
                pending.used = True
        elif isinstance(value, TupleValue):
            for item in value.items:
                self.use(item)

    # ------------------------------------------------------------------ expressions

    def expr_quiet(self, node: cst.BaseExpression) -> Value:
        """Evaluate without side effects on the rules: names and attributes only."""
        if isinstance(node, cst.Name):
            return self.env.values.get(node.value, UNKNOWN)
        if isinstance(node, cst.Attribute):
            return self.env.values.get(code(node), UNKNOWN)
        return UNKNOWN

    def expr(self, node: cst.BaseExpression) -> Value:
        return self._expr(node)

    def _expr(self, node: cst.BaseExpression) -> Value:
        if isinstance(node, cst.Name):
            value = self.env.values.get(node.value)
            if value is None:
                return UNKNOWN
            return value
        if isinstance(node, cst.Attribute):
            return self.attribute(node)
        if isinstance(node, cst.Call):
            return self.call(node)
        if isinstance(node, cst.Subscript):
            return self.subscript(node)
        if isinstance(node, (cst.Tuple, cst.List)):
            items: list[Value] = []
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    self.use(self.expr(element.value))
                    return UNKNOWN
                items.append(self.expr(element.value))
            return TupleValue(items)
        if isinstance(node, cst.BinaryOperation):
            return self.binary(node)
        if isinstance(node, cst.Integer):
            return SizeValue(Size(int(node.value, 0)), node)
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp)):
            # Elements refer to loop names we do not bind: anything tracked used inside
            # escapes.
            for sub in node.children:
                if isinstance(sub, cst.BaseExpression):
                    self.use(self.expr(sub))
            for comp in _comprehension_parts(node):
                self.use(self.expr(comp))
            return UNKNOWN
        if isinstance(node, cst.Lambda):
            return UNKNOWN
        if isinstance(node, cst.IfExp):
            return self.if_expression(node)
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.use(self.expr(child))
            elif isinstance(child, (cst.Arg, cst.Element, cst.DictElement)):
                for sub in child.children:
                    if isinstance(sub, cst.BaseExpression):
                        self.use(self.expr(sub))
        return UNKNOWN

    def attribute(self, node: cst.Attribute) -> Value:
        full = code(node)
        if full in self.env.values:
            return self.env.values[full]
        base = self.expr(node.value)
        attr = node.attr.value
        if isinstance(base, Tensor):
            if attr == "shape":
                return ShapeValue([lay.axis_size(a) for a in base.layout.axes])
            if attr == "T":
                return self.derived(base, lay.reverse_axes(base.layout))
            if attr == "data":
                return base
            self.use(base)
            return UNKNOWN
        if isinstance(base, LayerRef):
            layer = base.layer
            if attr == "num_layers":
                return SizeValue(layer.layers_size)
            if attr == "hidden_size":
                return SizeValue(layer.hidden)
            return UNKNOWN
        if isinstance(node.value, cst.Name) and attr == "shape":
            return self.shape_of_name(node.value.value)
        constant = self.file.class_constant(self.scope_node, full)
        if constant is not None:
            return SizeValue(Size(constant))
        return UNKNOWN

    def shape_of_name(self, name: str) -> ShapeValue:
        version = self.env.versions.get(name, 0)
        return ShapeValue([Size.of(f"dim:{name}@{version}:{k}") for k in range(3)])

    def binary(self, node: cst.BinaryOperation) -> Value:
        left = self.expr(node.left)
        right = self.expr(node.right)
        if isinstance(left, SizeValue) and isinstance(right, SizeValue):
            a, b = left.size, right.size
            if isinstance(node.operator, cst.Multiply):
                return SizeValue(a * b)
            if a.known is not None and b.known is not None:
                op = node.operator
                if isinstance(op, cst.Add):
                    return SizeValue(Size(a.known + b.known))
                if isinstance(op, cst.Subtract) and a.known - b.known > 0:
                    return SizeValue(Size(a.known - b.known))
                if isinstance(op, cst.FloorDivide) and b.known and a.known % b.known == 0:
                    return SizeValue(Size(a.known // b.known))
            if isinstance(node.operator, cst.FloorDivide) and b.divides(a) and b.coef:
                return SizeValue(a / b)
            return UNKNOWN
        if (
            isinstance(node.operator, cst.Add)
            and isinstance(left, Tensor)
            and isinstance(right, Tensor)
        ):
            joined = self.join([left, right])
            if joined is not None:
                return joined
        self.use(left)
        self.use(right)
        return UNKNOWN

    # ------------------------------------------------------------------ sizes

    # ------------------------------------------------------------------ subscripts

    def subscript(self, node: cst.Subscript) -> Value:
        base = self.expr(node.value)
        if isinstance(base, TupleValue):
            index = self.single_int(node)
            if index is None or not -len(base.items) <= index < len(base.items):
                self.use(base)
                return UNKNOWN
            if base.tag:
                self.file.emit(ev.TupleIndexEvent(node, base, index), self)
            return base.items[index]
        if isinstance(base, ShapeValue):
            index = self.single_int(node)
            if index is not None and -len(base.sizes) <= index < len(base.sizes):
                size = base.sizes[index]
                return SizeValue(self.normalize(size)) if size is not None else UNKNOWN
            return UNKNOWN
        if isinstance(base, Tensor):
            items = self.index_items(node, base)
            if items is None:
                self.use(base)
                return UNKNOWN
            result = lay.index(base.layout, items)
            if isinstance(result, Problem):
                self.file.emit(
                    ev.SliceOrderEvent(node, base, from_start=self._slice_from_start(node)), self
                )
                return UNKNOWN
            self.file.emit(ev.IndexEvent(node, base, items, result), self)
            if result is None:
                self.use(base)
                return UNKNOWN
            out = self.derived(base, result)
            # Taking one half of a value whose other half was wrong makes it right.
            direction = result.fixed_value(lay.DIR)
            if direction in (0, 1) and base.layout.fixed_value(lay.DIR) is None:
                keep = "forward-half" if direction == 0 else "backward-half"
                for pending in base.pending:
                    if pending.report[1] == keep:  # type: ignore[index]
                        pending.cancelled = True
                if isinstance(out, Tensor):
                    out.pending = [p for p in out.pending if p.report[1] != keep]  # type: ignore[index]
            self.attach_pending(node, out)
            return out
        for element in node.slice:
            if isinstance(element.slice, cst.Index):
                self.use(self.expr(element.slice.value))
        self.use(base)
        return UNKNOWN

    @staticmethod
    def _slice_from_start(node: cst.Subscript) -> bool:
        first = node.slice[0].slice
        return isinstance(first, cst.Slice) and first.lower is None

    # ------------------------------------------------------------------ calls

    def call(self, node: cst.Call) -> Value:
        func = node.func
        qname = self.file.qualified(func)
        if qname in self.file.layer_classes:
            layer = self.file.layer_for_call(node, self.scope_node)
            for arg in node.args:
                self.use(self.expr(arg.value))
            return LayerRef(layer) if layer is not None else UNKNOWN
        if isinstance(func, cst.Attribute):
            bound = self.env.values.get(code(func))
            if isinstance(bound, LayerRef):  # self.encoder(x)
                return self.layer_call(node, bound.layer)
            receiver = self.expr(func.value) if qname is None else UNKNOWN
            method = func.attr.value
            if isinstance(receiver, Tensor):
                return self.tensor_method(node, func.value, receiver, method)
            if isinstance(receiver, LayerRef) and method == "forward":
                return self.layer_call(node, receiver.layer)
            if method in NEW_TENSOR_METHODS and qname is None:
                return self.new_tensor(node, NEW_TENSOR_METHODS[method], node.args)
            if isinstance(receiver, NewTensor) and method in TRANSPARENT_METHODS:
                for arg in node.args:  # torch.zeros(...).to(device)
                    self.use(self.expr(arg.value))
                return receiver
            if isinstance(func.value, cst.Name) and func.value.value == "self":
                returned = self.inline_method(node, method)
                if returned is not None:
                    return returned
            if method in ("size", "dim") and isinstance(func.value, cst.Name):
                return self.size_call(node, func.value.value, receiver)
            if qname is None:
                self.use(receiver)
        else:
            target = self.expr(func) if qname is None else UNKNOWN
            if isinstance(target, LayerRef):
                return self.layer_call(node, target.layer)
        if qname is not None:
            handled = self.torch_function(node, qname)
            if handled is not None:
                return handled
        for arg in node.args:
            self.use(self.expr(arg.value))
        return UNKNOWN

    def inline_method(self, node: cst.Call, name: str) -> Value | None:
        """`self.init_hidden(batch)`: what a method of the same class returns, when it
        returns one thing (such as a freshly built initial state). One level deep."""
        method = self.file.method(self.scope_node, name)
        if method is None or self.depth >= 1 or method is self.scope_node:
            return None
        for arg in node.args:
            self.use(self.expr(arg.value))
        # The method runs in a fresh environment, so its result does not depend on the
        # caller: interpret it once per file.
        cached = self.file.inlined.get(method)
        if cached is None:
            env = self.file.method_env(method)
            inner = Interpreter(self.file, method, env, depth=self.depth + 1)
            inner.run_block(method.body.body)
            self.file.settle(inner.pendings)
            value = inner.return_values[0] if len(inner.return_values) == 1 else UNKNOWN
            if not isinstance(value, (NewTensor, TupleValue, LayerRef)):
                value = UNKNOWN
            cached = self.file.inlined[method] = value
        return cached

    def size_call(self, node: cst.Call, name: str, receiver: Value) -> Value:
        if isinstance(receiver, Tensor):
            return UNKNOWN
        version = self.env.versions.get(name, 0)
        if not node.args:
            return ShapeValue([Size.of(f"dim:{name}@{version}:{k}") for k in range(3)])
        ok, k = literal(node.args[0].value)
        if ok and isinstance(k, int) and k in (0, 1, 2):
            symbol = f"dim:{name}@{version}:{k}"
            return SizeValue(self.normalize(Size.of(symbol)), node)
        return UNKNOWN

    def attach_pending(self, node: cst.CSTNode, value: Value) -> None:
        for pending in self.file.take_deferred(node):
            self.pendings.append(pending)
            if isinstance(value, Tensor):
                value.pending.append(pending)

    # ------------------------------------------------------------------ layer calls

    def layer_call(self, node: cst.Call, layer: LayerInfo) -> Value:
        directions = self.directions_of(layer)
        args = [a for a in node.args if a.keyword is None]
        inp = _arg(node.args, 0, "input")
        hx = _arg(node.args, 1, "hx")
        inp_value = self.expr(inp.value) if inp is not None else UNKNOWN
        hx_value = self.expr(hx.value) if hx is not None else None
        del args
        input_name = None
        input_version = None
        if (
            inp is not None
            and isinstance(inp.value, cst.Name)
            and not isinstance(inp_value, (Tensor, PackedValue))
        ):
            input_name = inp.value.value
            input_version = self.env.versions.get(input_name, 0)
            batch_first = layer.is_batch_first()
            if batch_first is not None:
                prefix = f"dim:{input_name}@{input_version}:"
                batch_axis = 0 if batch_first else 1
                self.env.dim_alias[f"{prefix}{batch_axis}"] = "B"
                self.env.dim_alias[f"{prefix}{1 - batch_axis}"] = "T"
        if hx_value is not None:
            states = hx_value.items if isinstance(hx_value, TupleValue) else [hx_value]
            names = ["h_0", "c_0"]
            for which, state in zip(names, states, strict=False):
                if isinstance(state, NewTensor):
                    # The input's axes are known now: re-read sizes such as x.size(0).
                    state.sizes = [
                        self.normalize(z) if z is not None else None for z in state.sizes
                    ]
                    self.file.emit(
                        ev.InitialStateEvent(
                            node, layer, directions, state, which, input_name, input_version
                        ),
                        self,
                    )
                else:
                    self.use(state)
        hidden = layer.state_hidden
        state_h = Tensor(
            layer,
            STATE_H,
            lay.state_layout(layer.layers_size, directions, hidden, layer.ident),
            directions,
        )
        state: Value = state_h
        if layer.kind == "LSTM":
            state_c = Tensor(
                layer,
                STATE_C,
                lay.state_layout(layer.layers_size, directions, layer.hidden, layer.ident),
                directions,
            )
            state = TupleValue([state_h, state_c], "lstm-state", layer)
        if isinstance(inp_value, PackedValue):
            output: Value = PackedValue(layer, directions)
        else:
            batch_first = layer.is_batch_first()
            if batch_first is None:
                output = UNKNOWN
            else:
                output = Tensor(
                    layer,
                    OUTPUT,
                    lay.output_layout(directions, hidden, batch_first, layer.ident),
                    directions,
                )
        return TupleValue([output, state], "result", layer)


def _comprehension_parts(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    parts: list[cst.BaseExpression] = []
    comp = getattr(node, "for_in", None)
    while comp is not None:
        parts.append(comp.iter)
        parts.extend(cond.test for cond in comp.ifs)
        comp = comp.inner_for_in
    return parts


# Imported late to avoid a cycle: FileState uses Interpreter.
from birnn_lint.analysis.file_state import FileState  # noqa: E402
