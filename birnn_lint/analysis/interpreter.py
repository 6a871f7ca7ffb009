"""An abstract interpreter over one function body (or a module's top level).

It follows recurrent layers and the values their calls return through assignments,
unpacking, aliasing and tensor operations, keeps each tensor's layout (see
`birnn_lint.layout`) and hands every operation on such a tensor to the rules as an
event. Anything it does not understand becomes `UNKNOWN`, which no rule looks at.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from birnn_lint import layout as lay
from birnn_lint.analysis import events as ev
from birnn_lint.analysis.layers import code, literal
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
from birnn_lint.layout import WILD, Layout, Problem, Size

# Methods that keep a tensor's layout and values' meaning.
TRANSPARENT_METHODS = frozenset(
    "contiguous detach clone to float double half bfloat16 cpu cuda type_as requires_grad_ "
    "relu tanh sigmoid abs neg exp log detach_ pin_memory".split()
)
TORCH_ELEMENTWISE = frozenset(
    f"{p}.{n}"
    for p in ("torch", "torch.nn.functional")
    for n in ("tanh", "relu", "sigmoid", "abs", "neg", "exp", "log", "dropout", "gelu", "elu")
)
NEW_TENSOR_FUNCS = {f"torch.{n}": n for n in ("zeros", "ones", "randn", "rand", "empty", "full")}
NEW_TENSOR_METHODS = {f"new_{n}": n for n in ("zeros", "ones", "empty", "full")}
REDUCTIONS = frozenset("sum mean max min amax amin prod logsumexp".split())
PACKERS = frozenset(f"torch.nn.utils.rnn.{n}" for n in ("pack_padded_sequence", "pack_sequence"))
PAD_PACKED = "torch.nn.utils.rnn.pad_packed_sequence"

_BATCH_NAMES = re.compile(r"^(batch_size|batch_sz|bsz|bs|n_batch|batch|nbatch|num_batch|B)$")
_TIME_NAMES = re.compile(r"^(seq_len|seq_length|max_len|max_length|src_len|time_steps|T|slen)$")
_DIR_NAMES = re.compile(r"^(num_directions|n_directions|num_dirs|n_dirs|directions|ndirs|D)$")
_BIDIR_WORD = re.compile(r"bidir", re.IGNORECASE)


def last_name(text: str) -> str:
    return text.rsplit(".", 1)[-1]


@dataclass
class Env:
    values: dict[str, Value] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    # Layers whose direction count a branch guard fixed.
    directions: dict[int, int] = field(default_factory=dict)
    # Placeholder symbols of `x.size(k)` resolved once `x` is known to be a layer input.
    dim_alias: dict[str, str] = field(default_factory=dict)
    # name -> (version, layer) for names passed unchanged to a layer.
    inputs: dict[str, tuple[int, LayerInfo]] = field(default_factory=dict)

    def copy(self) -> Env:
        return Env(
            dict(self.values),
            dict(self.versions),
            dict(self.directions),
            dict(self.dim_alias),
            dict(self.inputs),
        )

    def assign(self, name: str, value: Value) -> None:
        self.values[name] = value
        self.versions[name] = self.versions.get(name, 0) + 1


def _merge_value(a: Value | None, b: Value | None) -> Value:
    if a is b and a is not None:
        return a
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        if a.layer is b.layer and a.role == b.role and a.layout == b.layout:
            return b
    if isinstance(a, LayerRef) and isinstance(b, LayerRef) and a.layer is b.layer:
        return a
    return UNKNOWN


def merge(envs: Sequence[Env]) -> Env:
    live_envs = [e for e in envs if e is not None]
    out = live_envs[0].copy()
    for other in live_envs[1:]:
        for name in set(out.values) | set(other.values):
            out.values[name] = _merge_value(out.values.get(name), other.values.get(name))
            out.versions[name] = max(out.versions.get(name, 0), other.versions.get(name, 0))
        for ident in set(out.directions) | set(other.directions):
            if out.directions.get(ident) != other.directions.get(ident):
                out.directions.pop(ident, None)
        out.dim_alias.update(other.dim_alias)
        for name, inp in other.inputs.items():
            if out.inputs.get(name) != inp:
                out.inputs.pop(name, None) if name in out.inputs else None
    return out


class Interpreter:
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
        if isinstance(value, SizeValue) or _BIDIR_WORD.search(name) or _DIR_NAMES.match(name):
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
        try:
            return self._expr(node)
        except RecursionError:
            raise
        except _Lost:
            return UNKNOWN

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

    def size_of(self, node: cst.BaseExpression, tensor: Tensor | None = None):
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
        text = code(node)
        name = last_name(text)
        for layer in self.file.layers:
            if tensor is not None and layer is not tensor.layer:
                continue
            if text in layer.num_layers.carriers:
                return layer.layers_size
            if text in layer.hidden_size.carriers:
                return layer.hidden
            if text in layer.proj_size.carriers and not layer.proj_size.known:
                return layer.state_hidden
        directions = tensor.directions if tensor is not None else None
        if directions is not None and self.is_direction_count(node):
            return Size(directions)
        value_ = self.expr(node)
        if isinstance(value_, SizeValue):
            return self.normalize(value_.size)
        if isinstance(node, (cst.Name, cst.Attribute)):
            if _BATCH_NAMES.match(name):
                return Size.of("B")
            if _TIME_NAMES.match(name):
                return Size.of("T")
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
            a = self.size_of(node.left, tensor)
            b = self.size_of(node.right, tensor)
            if isinstance(a, Size) and isinstance(b, Size):
                return a * b
        return None

    def is_direction_count(self, node: cst.BaseExpression) -> bool:
        text = code(node)
        if _DIR_NAMES.match(last_name(text)) and isinstance(node, (cst.Name, cst.Attribute)):
            return True
        if isinstance(node, cst.IfExp):
            a, b = literal(node.body), literal(node.orelse)
            return a == (True, 2) and b == (True, 1) and bool(_BIDIR_WORD.search(code(node.test)))
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return bool(_BIDIR_WORD.search(text)) and (
                literal(node.left) == (True, 1) or literal(node.right) == (True, 1)
            )
        return False

    def normalize(self, size: Size) -> Size:
        if not any(s.startswith("dim:") for s in size.syms):
            return size
        out = Size(size.coef)
        for s in size.syms:
            out = out * Size.of(self.env.dim_alias.get(s, s))
        return out

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

    def single_int(self, node: cst.Subscript) -> int | None:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        ok, value = literal(node.slice[0].slice.value)
        return value if ok and isinstance(value, int) and not isinstance(value, bool) else None

    def index_items(self, node: cst.Subscript, tensor: Tensor) -> list[object] | None:
        items: list[object] = []
        for element in node.slice:
            part = element.slice
            if isinstance(part, cst.Index):
                value = part.value
                ok, lit = literal(value)
                if ok and lit is None:
                    items.append(None)
                elif ok and isinstance(lit, int) and not isinstance(lit, bool):
                    items.append(lit)
                elif isinstance(value, cst.Ellipsis):
                    items.append(Ellipsis)
                elif self.is_last_layer(value, tensor):
                    items.append("last-layer")
                else:
                    return None
            else:
                assert isinstance(part, cst.Slice)
                parsed = self.slice_item(part, tensor)
                if parsed is None:
                    return None
                items.append(parsed)
        return items

    def is_last_layer(self, value: cst.BaseExpression, tensor: Tensor) -> bool:
        if not (
            isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, cst.Subtract)
            and literal(value.right) == (True, 1)
        ):
            return False
        size = self.size_of(value.left, tensor)
        return isinstance(size, Size) and size == tensor.layer.layers_size and not size.is_one

    def slice_item(self, part: cst.Slice, tensor: Tensor) -> lay.Slice | None:
        def bound(expr: cst.BaseExpression | None) -> tuple[Size | None, bool, bool]:
            if expr is None:
                return None, False, True
            ok, value = literal(expr)
            if ok and isinstance(value, int) and not isinstance(value, bool):
                return (Size(abs(value)) if value else None), value < 0, True
            size = self.size_of(expr, tensor)
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

    def derived(self, base: Tensor, result: Layout | Problem | None) -> Value:
        if not isinstance(result, Layout):
            self.use(base)
            return UNKNOWN
        return base.derive(result)

    def attach_pending(self, node: cst.CSTNode, value: Value) -> None:
        for pending in self.file.take_deferred(node):
            self.pendings.append(pending)
            if isinstance(value, Tensor):
                value.pending.append(pending)

    def int_arg(self, args: Sequence[cst.Arg], position: int, keyword: str) -> int | None:
        arg = _arg(args, position, keyword)
        if arg is None:
            return None
        ok, value = literal(arg.value)
        return value if ok and isinstance(value, int) and not isinstance(value, bool) else None

    def tensor_method(
        self, node: cst.Call, receiver_node: cst.BaseExpression, tensor: Tensor, method: str
    ) -> Value:
        args = list(node.args)
        if method in TRANSPARENT_METHODS:
            for arg in args:
                self.use(self.expr(arg.value))
            return tensor
        if method in ("view", "reshape"):
            size_args = args
            if len(args) == 1 and isinstance(args[0].value, (cst.Tuple, cst.List)):
                size_args = [
                    cst.Arg(e.value)
                    for e in args[0].value.elements  # type: ignore[union-attr]
                ]
            targets = [self.size_of(a.value, tensor) for a in size_args]
            if any(t is None for t in targets) or any(a.star for a in size_args):
                self.use(tensor)
                return UNKNOWN
            result = lay.reshape(tensor.layout, targets)  # type: ignore[arg-type]
            return self.reshaped(node, method, receiver_node, tensor, result, size_args, targets)
        if method == "flatten":
            start = self.int_arg(args, 0, "start_dim")
            end = self.int_arg(args, 1, "end_dim")
            result = lay.flatten(tensor.layout, start or 0, -1 if end is None else end)
            return self.reshaped(node, method, receiver_node, tensor, result, args, [])
        if method == "unflatten":
            dim = self.int_arg(args, 0, "dim")
            sizes_arg = _arg(args, 1, "sizes")
            if (
                dim is None
                or sizes_arg is None
                or not isinstance(sizes_arg.value, (cst.Tuple, cst.List))
            ):
                self.use(tensor)
                return UNKNOWN
            size_args = [cst.Arg(e.value) for e in sizes_arg.value.elements]
            targets = [self.size_of(a.value, tensor) for a in size_args]
            if any(t is None for t in targets):
                self.use(tensor)
                return UNKNOWN
            result = lay.unflatten(tensor.layout, dim, targets)  # type: ignore[arg-type]
            return self.reshaped(node, method, receiver_node, tensor, result, size_args, targets)
        if method in ("transpose", "swapaxes", "swapdims"):
            a, b = self.int_arg(args, 0, "dim0"), self.int_arg(args, 1, "dim1")
            if a is None or b is None:
                return self.derived(tensor, None)
            return self.derived(tensor, lay.transpose(tensor.layout, a, b))
        if method == "t":
            return self.derived(tensor, lay.reverse_axes(tensor.layout))
        if method == "permute":
            dims_args = args
            if len(args) == 1 and isinstance(args[0].value, (cst.Tuple, cst.List)):
                dims_args = [cst.Arg(e.value) for e in args[0].value.elements]
            dims = [literal(a.value) for a in dims_args]
            if not all(ok and isinstance(v, int) for ok, v in dims):
                return self.derived(tensor, None)
            return self.derived(tensor, lay.permute(tensor.layout, [v for _, v in dims]))
        if method in ("movedim", "moveaxis"):
            s, d = self.int_arg(args, 0, "source"), self.int_arg(args, 1, "destination")
            if s is None or d is None:
                return self.derived(tensor, None)
            return self.derived(tensor, lay.movedim(tensor.layout, s, d))
        if method == "unsqueeze":
            d = self.int_arg(args, 0, "dim")
            return self.derived(tensor, lay.unsqueeze(tensor.layout, d) if d is not None else None)
        if method == "squeeze":
            d = self.int_arg(args, 0, "dim")
            if args and d is None:
                return self.derived(tensor, None)
            return self.derived(tensor, lay.squeeze(tensor.layout, d))
        if method in REDUCTIONS:
            d = self.int_arg(args, 0, "dim")
            keep = _arg(args, 1, "keepdim")
            keepdim = keep is not None and literal(keep.value) == (True, True)
            if method in ("max", "min") and d is not None:
                self.use(tensor)
                return UNKNOWN  # (values, indices)
            if d is None:
                self.use(tensor)
                return UNKNOWN
            return self.derived(tensor, lay.reduce(tensor.layout, d, keepdim))
        if method in ("index_select",):
            d = self.int_arg(args, 0, "dim")
            for arg in args[1:]:
                self.use(self.expr(arg.value))
            return self.derived(
                tensor, lay.select_along(tensor.layout, d) if d is not None else None
            )
        if method == "repeat_interleave":
            reps = _arg(args, 0, "repeats")
            d = self.int_arg(args, 1, "dim")
            size = self.size_of(reps.value) if reps is not None else None
            if d is None or not isinstance(size, Size):
                return self.derived(tensor, None)
            return self.derived(tensor, lay.repeat_interleave(tensor.layout, size, d))
        if method in ("chunk", "split", "unbind"):
            return self.split(node, method, tensor, args)
        if method == "size":
            if not args:
                return ShapeValue([lay.axis_size(a) for a in tensor.layout.axes])
            d = self.int_arg(args, 0, "dim")
            if d is not None:
                n = lay.norm_dim(tensor.layout, d)
                if n is not None:
                    return SizeValue(lay.axis_size(tensor.layout.axes[n]))
            return UNKNOWN
        if method in ("dim", "ndimension"):
            return UNKNOWN
        for arg in args:
            self.use(self.expr(arg.value))
        self.use(tensor)
        return UNKNOWN

    def reshaped(
        self,
        node: cst.Call,
        method: str,
        receiver_node: cst.BaseExpression,
        tensor: Tensor,
        result: Layout | Problem | None,
        size_args: list[cst.Arg],
        targets: list[object],
    ) -> Value:
        if isinstance(result, Problem):
            swapped = result.at
            self.file.emit(
                ev.ReshapeEvent(node, method, receiver_node, tensor, result, size_args, swapped),
                self,
            )
            self.use(tensor)
            return UNKNOWN
        return self.derived(tensor, result)

    def split(self, node: cst.Call, method: str, tensor: Tensor, args: list[cst.Arg]) -> Value:
        first = _arg(args, 0, "chunks" if method == "chunk" else "split_size_or_sections")
        if method == "unbind":
            d = self.int_arg(args, 0, "dim")
            d = 0 if d is None and not args else d
            if d is None:
                return self.derived(tensor, None)
            parts = lay.unbind(tensor.layout, d)
            if parts is None:
                self.use(tensor)
                return UNKNOWN
            return TupleValue([tensor.derive(p) for p in parts])
        dim_arg = _arg(args, 1, "dim")
        d: int | None = 0
        if dim_arg is not None:
            ok, value = literal(dim_arg.value)
            d = value if ok and isinstance(value, int) else None
        n_parts: int | None = None
        split_is_hidden = False
        if first is not None:
            if method == "chunk":
                ok, value = literal(first.value)
                n_parts = value if ok and isinstance(value, int) else None
            else:
                size = self.size_of(first.value, tensor)
                if isinstance(size, Size) and size == tensor.layer.state_hidden:
                    split_is_hidden = True
                    n_parts = 2
        self.file.emit(
            ev.SplitEvent(node, method, tensor, n_parts, d, dim_arg, split_is_hidden), self
        )
        if d is None or n_parts is None:
            self.use(tensor)
            return UNKNOWN
        parts = lay.split_directions(tensor.layout, d, n_parts)
        if parts is None:
            self.use(tensor)
            return UNKNOWN
        return TupleValue([tensor.derive(p) for p in parts])

    def unbind_values(self, tensor: Tensor, dim: int, count: int) -> list[Value] | None:
        parts = lay.unbind(tensor.layout, dim)
        if parts is None or len(parts) != count:
            return None
        return [tensor.derive(p) for p in parts]

    def join(self, parts: list[Value], dim: int = -1, stack: bool = False) -> Value | None:
        """Two direction halves joined: the findings held on the halves are cancelled."""
        if len(parts) != 2 or not all(isinstance(p, Tensor) for p in parts):
            return None
        a, b = parts  # type: ignore[misc]
        assert isinstance(a, Tensor) and isinstance(b, Tensor)
        if a.layer is not b.layer:
            return None
        directions = {a.layout.fixed_value(lay.DIR), b.layout.fixed_value(lay.DIR)}
        if directions != {0, 1}:
            return None
        for pending in a.pending + b.pending:
            if pending.report[1] == "join":  # type: ignore[index]
                pending.cancelled = True
        layouts = [a.layout, b.layout]
        result = lay.stack(layouts, dim) if stack else lay.concatenate(layouts, dim)
        rest = [p for p in a.pending + b.pending if p.report[1] != "join"]  # type: ignore[index]
        if isinstance(result, Layout):
            out = a.derive(result, keep_pending=False)
            out.pending = rest
            return out
        for p in rest:
            p.used = True
        return UNKNOWN

    def torch_function(self, node: cst.Call, qname: str) -> Value | None:
        args = list(node.args)
        short = qname.rsplit(".", 1)[-1]
        if qname in ("torch.cat", "torch.concat", "torch.concatenate", "torch.stack"):
            seq = _arg(args, 0, "tensors")
            dim = self.int_arg(args, 1, "dim")
            dim = 0 if dim is None and _arg(args, 1, "dim") is None else dim
            if seq is None:
                return None
            value = self.expr(seq.value)
            if isinstance(value, TupleValue) and dim is not None:
                joined = self.join(value.items, dim, stack=short == "stack")
                if joined is not None:
                    return joined
                tensors = [v for v in value.items if isinstance(v, Tensor)]
                if len(tensors) == len(value.items) and tensors:
                    fn = lay.stack if short == "stack" else lay.concatenate
                    result = fn([t.layout for t in tensors], dim)
                    if isinstance(result, Layout) and all(
                        t.layer is tensors[0].layer for t in tensors
                    ):
                        for t in tensors[1:]:
                            self.use(t)
                        return tensors[0].derive(result)
            self.use(value)
            return UNKNOWN
        if qname in NEW_TENSOR_FUNCS:
            return self.new_tensor(node, NEW_TENSOR_FUNCS[qname], args)
        if qname in TORCH_ELEMENTWISE:
            first = _arg(args, 0, "input")
            value = self.expr(first.value) if first is not None else UNKNOWN
            for arg in args[1:]:
                self.use(self.expr(arg.value))
            return value if isinstance(value, Tensor) else UNKNOWN
        if qname in PACKERS:
            for arg in args:
                self.use(self.expr(arg.value))
            return PackedValue()
        if qname == PAD_PACKED:
            seq = _arg(args, 0, "sequence")
            value = self.expr(seq.value) if seq is not None else UNKNOWN
            for arg in args[1:]:
                self.use(self.expr(arg.value))
            if isinstance(value, PackedValue) and value.output_of is not None:
                bf = _arg(args, 1, "batch_first")
                ok, batch_first = literal(bf.value) if bf is not None else (True, False)
                if not ok:
                    return UNKNOWN
                layer = value.output_of
                out_layout = lay.output_layout(
                    value.directions, layer.state_hidden, bool(batch_first), layer.ident
                )
                padded = Tensor(layer, OUTPUT, out_layout, value.directions, padded=True)
                return TupleValue([padded, UNKNOWN], "padded", layer)
            return UNKNOWN
        if short in (
            "transpose",
            "permute",
            "flatten",
            "reshape",
            "movedim",
            "squeeze",
            "unsqueeze",
            "chunk",
            "split",
            "unbind",
            "sum",
            "mean",
            "index_select",
        ) and (qname == f"torch.{short}"):
            first = _arg(args, 0, "input")
            value = self.expr(first.value) if first is not None else UNKNOWN
            if isinstance(value, Tensor):
                rest = cst.Call(func=cst.Attribute(first.value, cst.Name(short)), args=args[1:])
                return self.tensor_method(rest, first.value, value, short)
            self.use(value)
            for arg in args[1:]:
                self.use(self.expr(arg.value))
            return UNKNOWN
        return None

    def new_tensor(self, node: cst.Call, fill: str, args: Sequence[cst.Arg]) -> Value:
        positional = [a for a in args if a.keyword is None]
        size_nodes: list[cst.BaseExpression]
        if fill == "full":
            first = _arg(args, 0, "size")
            if first is None or not isinstance(first.value, (cst.Tuple, cst.List)):
                return UNKNOWN
            size_nodes = [e.value for e in first.value.elements]
        elif len(positional) == 1 and isinstance(positional[0].value, (cst.Tuple, cst.List)):
            size_nodes = [e.value for e in positional[0].value.elements]  # type: ignore[union-attr]
        else:
            size_nodes = [a.value for a in positional]
        if any(a.star for a in positional):
            return UNKNOWN
        sizes = []
        for n in size_nodes:
            s = self.size_of(n)
            sizes.append(s if isinstance(s, Size) else None)
        reads = [self.axis_read(n) for n in size_nodes]
        return NewTensor(node, size_nodes, sizes, reads, fill)

    def axis_read(self, node: cst.BaseExpression) -> tuple[str, int, int, cst.Integer] | None:
        """`x.size(k)`, `x.shape[k]` or `x.size()[k]`: (x, its binding version, k, k's node)."""
        owner: cst.BaseExpression | None = None
        axis: cst.BaseExpression | None = None
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "size"
            and len(node.args) == 1
        ):
            owner, axis = node.func.value, node.args[0].value
        elif isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            base = node.value
            if isinstance(index, cst.Index):
                axis = index.value
                if isinstance(base, cst.Attribute) and base.attr.value == "shape":
                    owner = base.value
                elif (
                    isinstance(base, cst.Call)
                    and isinstance(base.func, cst.Attribute)
                    and base.func.attr.value == "size"
                    and not base.args
                ):
                    owner = base.func.value
        if isinstance(owner, cst.Name) and isinstance(axis, cst.Integer):
            name = owner.value
            return name, self.env.versions.get(name, 0), int(axis.value), axis
        return None

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


class _Lost(Exception):
    pass


def _arg(args: Sequence[cst.Arg], position: int, keyword: str) -> cst.Arg | None:
    for arg in args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg
    positional = [a for a in args if a.keyword is None and not a.star]
    return positional[position] if position < len(positional) else None


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
