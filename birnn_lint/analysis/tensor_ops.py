"""Tensor operations on tracked values: reshapes, moves, joins and splits, reductions,
torch functions and freshly built tensors. Each hands the layout model's answer to the
rules as an event. A mixin of the interpreter.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from birnn_lint import layout as lay
from birnn_lint.analysis import events as ev
from birnn_lint.analysis.env import Status
from birnn_lint.analysis.last_valid import gather
from birnn_lint.analysis.layers import literal
from birnn_lint.analysis.sizes import SizeReader, unit_axes
from birnn_lint.analysis.sizes import arg as _arg
from birnn_lint.analysis.values import (
    OUTPUT,
    UNKNOWN,
    NewTensor,
    Opaque,
    PackedValue,
    ShapeValue,
    SizeValue,
    Tensor,
    TupleTag,
    TupleValue,
    Value,
)
from birnn_lint.layout import Layout, Problem, Size

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
VARIABLE = frozenset({"torch.autograd.Variable", "torch.autograd.variable.Variable"})
NEW_TENSOR_METHODS = {f"new_{n}": n for n in ("zeros", "ones", "empty", "full")}
# Methods that read a tensor's shape, type or place, not its values.
SHAPE_READS = frozenset(
    "dim ndimension numel nelement element_size stride is_contiguous get_device".split()
)
REDUCTIONS = frozenset("sum mean max min amax amin prod logsumexp".split())
PACKERS = frozenset(f"torch.nn.utils.rnn.{n}" for n in ("pack_padded_sequence", "pack_sequence"))
PAD_PACKED = "torch.nn.utils.rnn.pad_packed_sequence"


class TensorOps(SizeReader):
    """Methods and functions applied to tracked tensors."""

    def int_arg(self, args: Sequence[cst.Arg], position: int, keyword: str) -> int | None:
        arg = _arg(args, position, keyword)
        if arg is None:
            return None
        ok, value = literal(arg.value)
        return value if ok and isinstance(value, int) and not isinstance(value, bool) else None

    def tensor_method(
        self,
        node: cst.Call,
        receiver_node: cst.BaseExpression,
        tensor: Tensor,
        method: str,
        args: Sequence[cst.Arg] | None = None,
    ) -> Value:
        """`tensor.method(...)`; `args`: the method's arguments where `node` is the
        function form (`torch.reshape(h, (B, -1))`: what follows the tensor). Findings
        are reported on `node`, the code as written."""
        args = list(node.args if args is None else args)
        if method in TRANSPARENT_METHODS:
            for arg in args:
                self.use(self.expr(arg.value))
            return tensor
        if method in ("view", "reshape"):
            size_args = args
            if len(args) == 1 and isinstance(args[0].value, (cst.Tuple, cst.List)):
                size_args = [cst.Arg(e.value) for e in args[0].value.elements]
            targets = [self.size_of(a.value, tensor) for a in size_args]
            if any(a.star for a in size_args):
                self.use(tensor)
                return UNKNOWN
            if any(t is None for t in targets):
                # `view(batch, self.hidden_size * self.hidden_factor)`: the known sizes
                # around the unknown ones can still show samples mixed.
                mixed = lay.reshape_partly_known(tensor.layout, targets)
                if mixed is None:
                    self.use(tensor)
                    return UNKNOWN
                return self.reshaped(node, method, receiver_node, tensor, mixed, size_args, targets)
            result = lay.reshape(tensor.layout, [t for t in targets if t is not None])
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
            result = lay.unflatten(tensor.layout, dim, [t for t in targets if t is not None])
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
            dims = [literal(a.value)[1] for a in dims_args]
            ints = [v for v in dims if isinstance(v, int) and not isinstance(v, bool)]
            if len(ints) != len(dims):
                return self.derived(tensor, None)
            return self.derived(tensor, lay.permute(tensor.layout, ints))
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
        if method == "gather":
            return gather(self, node, tensor, args)
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
            return self.split(node, method, tensor, args, receiver_node)
        if method == "size":
            if not args:
                return ShapeValue(tuple(lay.axis_size(a) for a in tensor.layout.axes))
            d = self.int_arg(args, 0, "dim")
            if d is not None:
                n = lay.norm_dim(tensor.layout, d)
                if n is not None:
                    return SizeValue(lay.axis_size(tensor.layout.axes[n]))
            return UNKNOWN
        if method in SHAPE_READS:
            for arg in args:
                self.use(self.expr(arg.value))
            return UNKNOWN  # the shape, not the values: nothing is computed from them
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
        size_args: Sequence[cst.Arg],
        targets: Sequence[object],
    ) -> Value:
        if isinstance(result, Problem):
            swapped = result.at
            batch_after_first = any(
                isinstance(t, Size) and lay.BATCH_SYMBOL in t.syms for t in targets[1:]
            )
            self.file.emit(
                ev.ReshapeEvent(
                    node,
                    method,
                    receiver_node,
                    tensor,
                    result,
                    tuple(size_args),
                    swapped,
                    batch_after_first,
                ),
                self,
            )
            self.use(tensor)
            return UNKNOWN
        return self.derived(tensor, result)

    def split(
        self,
        node: cst.Call,
        method: str,
        tensor: Tensor,
        args: list[cst.Arg],
        receiver: cst.BaseExpression,
    ) -> Value:
        first = _arg(args, 0, "chunks" if method == "chunk" else "split_size_or_sections")
        if method == "unbind":
            axis = self.int_arg(args, 0, "dim")
            axis = 0 if axis is None and not args else axis
            if axis is None:
                return self.derived(tensor, None)
            parts = lay.unbind(tensor.layout, axis)
            if parts is None:
                self.use(tensor)
                return UNKNOWN
            return TupleValue(tuple(tensor.derive(p) for p in parts))
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
            ev.SplitEvent(node, method, tensor, n_parts, d, dim_arg, split_is_hidden, receiver),
            self,
        )
        if d is None or n_parts is None:
            self.use(tensor)
            return UNKNOWN
        parts = lay.split_directions(tensor.layout, d, n_parts)
        if parts is None:
            self.use(tensor)
            return UNKNOWN
        return TupleValue(tuple(tensor.derive(p) for p in parts))

    def unbind_values(self, tensor: Tensor, dim: int, count: int) -> list[Value] | None:
        parts = lay.unbind(tensor.layout, dim)
        if parts is None or len(parts) != count:
            return None
        return [tensor.derive(p) for p in parts]

    def join(self, parts: Sequence[Value], dim: int = -1, stack: bool = False) -> Value | None:
        """Two direction halves joined: the findings waiting for a join are cancelled."""
        if len(parts) != 2:
            return None
        a, b = parts
        if not isinstance(a, Tensor) or not isinstance(b, Tensor) or a.layer is not b.layer:
            return None
        directions = {a.layout.fixed_value(lay.DIR), b.layout.fixed_value(lay.DIR)}
        ends = {a.layout.fixed_value(lay.TIME), b.layout.fixed_value(lay.TIME)}
        if directions == {0, 1}:
            made_right = ev.Wait.JOIN
        elif ends == {"first", "last"} and a.role is OUTPUT and b.role is OUTPUT:
            # Both ends of an output: the forward final state and the backward one.
            made_right = ev.Wait.OTHER_END
        else:
            return None
        rest: set[int] = set()
        for ident in a.pending | b.pending:
            if made_right in self.file.waits_for(ident):
                self.env.set_status(ident, Status.CANCELLED)
            else:
                rest.add(ident)
        layouts = [a.layout, b.layout]
        result = lay.stack(layouts, dim) if stack else lay.concatenate(layouts, dim)
        if isinstance(result, Layout):
            return a.derive(result, keep_pending=False).with_pending(frozenset(rest))
        for ident in rest:
            self.env.set_status(ident, Status.USED)
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
        if qname in VARIABLE and args:
            # `Variable(t)` (torch < 0.4 code): the tensor itself.
            for extra in args[1:]:
                self.use(self.expr(extra.value))
            return self.expr(args[0].value)
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
            if isinstance(value, Tensor) and value.role == OUTPUT and not value.layout.fixed:
                # A layer's output unpacked: its input was packed where we could not see.
                value = PackedValue(value.layer, value.directions)
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
                return TupleValue((padded, UNKNOWN), TupleTag.PADDED, layer)
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
            rest = [a for a in args if a is not first]  # `input=` may come anywhere
            if isinstance(value, Tensor) and first is not None:
                return self.tensor_method(node, first.value, value, short, rest)
            self.use(value)
            for arg in rest:
                self.use(self.expr(arg.value))
            units = unit_axes(short, rest)  # `torch.unsqueeze(emb, 0)`: one time step
            return Opaque(self.file.opaque_for(node).ident, units) if units else UNKNOWN
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
            size_nodes = [e.value for e in positional[0].value.elements]
        else:
            size_nodes = [a.value for a in positional]
        if any(a.star for a in positional):
            return UNKNOWN
        sizes: list[Size | None] = []
        for n in size_nodes:
            s = self.size_of(n)
            sizes.append(s if isinstance(s, Size) else None)
        reads = tuple(self.axis_read(n) for n in size_nodes)
        return NewTensor(
            node,
            tuple(size_nodes),
            tuple(sizes),
            reads,
            fill,
            self.current_statement,
            self.context,
            self.file.opaque_for(node),
        )

    def derived(self, base: Tensor, result: Layout | Problem | None) -> Value:
        if not isinstance(result, Layout):
            self.use(base)
            return UNKNOWN
        return base.derive(result)
