"""Calls: constructors and calls of recurrent layers, torch functions, tensor methods,
objects of the project's classes, and calls of the project's own functions and methods
(interpreted by `functions`)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import libcst as cst

from birnn_lint import layout as lay
from birnn_lint.analysis import events as ev
from birnn_lint.analysis.functions import Functions
from birnn_lint.analysis.layer_sets import ALL_KINDS, any_entry
from birnn_lint.analysis.layers import literal
from birnn_lint.analysis.object_settings import argument, bind, known, settable
from birnn_lint.analysis.sizes import arg as _arg
from birnn_lint.analysis.sizes import dim_symbol, unit_axes
from birnn_lint.analysis.tensor_ops import NEW_TENSOR_METHODS, TRANSPARENT_METHODS
from birnn_lint.analysis.values import (
    OUTPUT,
    STATE_C,
    STATE_H,
    UNKNOWN,
    DictValue,
    EitherState,
    Instance,
    LayerClass,
    LayerInfo,
    LayerKind,
    LayerList,
    LayerRef,
    LocalDef,
    ModuleClass,
    NewTensor,
    Opaque,
    PackedValue,
    ShapeKeeper,
    ShapeValue,
    SizeValue,
    Tensor,
    TupleTag,
    TupleValue,
    Value,
)
from birnn_lint.layout import Size

if TYPE_CHECKING:
    from birnn_lint.analysis.file_state import FileState

# nn.Module methods that return the module itself.
SELF_METHODS = frozenset(
    "to cuda cpu train eval float double half bfloat16 requires_grad_ share_memory".split()
)


class Calls(Functions):
    def call(self, node: cst.Call) -> Value:
        func = node.func
        qname = self.file.qualified(func)
        if qname in self.file.layer_classes:
            layer = self.bound_layer(node, self.file.layer_for_call(node, self.scope_node))
            for arg in node.args:
                self.use(self.expr(arg.value))
            return LayerRef(layer) if layer is not None else UNKNOWN
        if qname in SHAPE_KEEPERS:
            for arg in node.args:
                self.use(self.expr(arg.value))
            return ShapeKeeper()
        if qname in CONTAINERS:
            return self.container(node)
        callee = self.callee_value(func) if qname is None else None
        if callee is not None:
            return self.call_value(node, callee)
        if type(func) is cst.Attribute:
            if type(func.value) is cst.Call and self.key(func.value.func) == "super":
                inherited = self.file.method(self.klass, func.attr.value, skip_own=True)
                if inherited is not None:
                    return self.call_function(node, inherited, method=True, on_self=True)
                foreign = self.file.foreign_method(self.klass, func.attr.value)
                if foreign is not None:  # `super().forward(x)` of a base in another module
                    fn, defining, other = foreign
                    return self.call_function(
                        node, fn, method=True, klass=defining, owner=other, on_self=True
                    )
            receiver = self.expr(func.value) if qname is None else UNKNOWN
            method = func.attr.value
            if isinstance(receiver, Tensor):
                return self.tensor_method(node, func.value, receiver, method)
            if isinstance(receiver, (LayerRef, Instance)) and method == "forward":
                return self.call_value(node, receiver)
            if isinstance(receiver, (Instance, LayerRef, LayerList)) and method in SELF_METHODS:
                own = (
                    self._owner(receiver.klass).method(receiver.klass.node, method)
                    if isinstance(receiver, Instance)
                    else None
                )
                if own is None:  # `encoder = encoder.to(device)`: the same module
                    for arg in node.args:
                        self.use(self.expr(arg.value))
                    return receiver
            if isinstance(receiver, Instance):
                return self.instance_method(node, receiver, method)
            if isinstance(receiver, LayerList) and method == "append" and node.args:
                return self.append(func.value, receiver, node.args[0])
            if qname is None and method in ("unsqueeze", "view", "reshape"):
                units = unit_axes(method, node.args)
                if units:  # the object now has an axis of size 1 (a layer's one step)
                    for arg in node.args:
                        self.use(self.expr(arg.value))
                    return Opaque(self.file.opaque_for(node).ident, units)
            if method in NEW_TENSOR_METHODS and qname is None:
                return self.new_tensor(node, NEW_TENSOR_METHODS[method], node.args)
            if isinstance(receiver, NewTensor) and method in TRANSPARENT_METHODS:
                for arg in node.args:  # torch.zeros(...).to(device)
                    self.use(self.expr(arg.value))
                return receiver
            if isinstance(receiver, DictValue) and method == "get" and node.args:
                self.use(self.expr(node.args[0].value))
                return any_entry(receiver)
            if isinstance(receiver, DictValue) and method == "values" and not node.args:
                layers = [v.layer for _, v in receiver.items if isinstance(v, LayerRef)]
                if layers and len(layers) == len(receiver.items):
                    return LayerList(tuple(layers))
            if self.key(func.value) == "self":
                callee_fn = self.file.method(self.klass, method)
                if callee_fn is not None:
                    return self.call_function(node, callee_fn, method=True, on_self=True)
                foreign = self.file.foreign_method(self.klass, method)
                if foreign is not None:
                    fn, defining, other = foreign
                    return self.call_function(
                        node, fn, method=True, klass=defining, owner=other, on_self=True
                    )
            if type(func.value) is cst.Name and func.value.value not in self.env.values:
                imported = self.file.imported_function(f"{func.value.value}.{method}")
                if imported is not None:  # `model.train_iters(...)` of `import model`
                    return self.call_function(node, imported[0], method=False, owner=imported[1])
            if method in ("size", "dim") and isinstance(receiver, (Opaque, NewTensor)):
                return self.size_call(node, _object(receiver))
            if qname is None:
                self.use(receiver)
        elif type(func) is cst.Name and qname is None:
            bound = func.value in self.env.values
            if func.value in ("len", "isinstance", "type", "id") and not bound:
                for arg in node.args:  # the length or type of a value, not its values
                    self.expr(arg.value)
                return UNKNOWN
            if func.value == "getattr" and not bound:
                return self.getattr_call(node)
            local = self.env.values.get(func.value)
            if isinstance(local, LocalDef) and local.scope is self.scope_node:
                return self.call_function(node, local.node, method=False, closure=True)
            if not bound:
                callee_fn = self.file.module_function(func.value)
                if callee_fn is not None:
                    return self.call_function(node, callee_fn, method=False)
                imported = self.file.imported_function(func.value)
                if imported is not None:  # `from models import build_model`
                    return self.call_function(node, imported[0], method=False, owner=imported[1])
        elif (
            type(func) is cst.Name
            and func.value not in self.env.values
            and not (qname or "").startswith("torch")
        ):
            # A name resolved through a star import of a project module.
            imported = self.file.imported_function(func.value)
            if imported is not None:
                return self.call_function(node, imported[0], method=False, owner=imported[1])
        if qname is not None:
            handled = self.torch_function(node, qname)
            if handled is not None:
                return handled
        values = [self.expr(arg.value) for arg in node.args]
        for value in values:
            self.use(value)
        registries = [v.any_value() for v in values if isinstance(v, DictValue)]
        if qname is None and len(registries) == 1 and isinstance(registries[0], LayerClass):
            # `get_from_registry(cell_type, registry)`: a function we cannot read, handed
            # a registry of layer classes, looks one up (a guess: the call that follows
            # must look like a layer's).
            return LayerClass(registries[0].kinds, guessed=True)
        return UNKNOWN

    def callee_value(self, func: cst.BaseExpression) -> Value | None:
        """What is called, when it is something the analysis can call: a layer, a layer
        class, a class of the file or its object, a layout-keeping module, an element of
        a container or registry."""
        value: Value | None
        if isinstance(func, (cst.Subscript, cst.Call, cst.IfExp)):
            value = self.expr(
                func
            )  # `CELLS[t](...)`, `getattr(nn, t)(...)`, `(a if c else b)(...)`
        elif isinstance(func, (cst.Name, cst.Attribute)):
            key = self.key(func)
            value = self.env.values.get(key) if key is not None else None
            if value is None and key is not None and key.startswith("self."):
                value = self.file.class_value(self.klass, key)
            if value is None:
                value = self.file.static_value(func)
        else:
            return None
        callable_values = (LayerRef, LayerClass, ModuleClass, Instance, ShapeKeeper)
        return value if isinstance(value, callable_values) else None

    def call_value(self, node: cst.Call, callee: Value) -> Value:
        if isinstance(callee, LayerRef):
            return self.layer_call(node, callee.layer)
        if isinstance(callee, LayerClass):
            if callee.guessed and not _looks_recurrent(node):
                for arg in node.args:
                    self.use(self.expr(arg.value))
                return UNKNOWN
            layer = self.bound_layer(node, self.file.layer_of_kinds(node, callee.kinds))
            for arg in node.args:
                self.use(self.expr(arg.value))
            return LayerRef(layer) if layer is not None else UNKNOWN
        if isinstance(callee, ModuleClass):
            return self.construct(node, callee)
        if isinstance(callee, Instance):
            return self.instance_method(node, callee, "forward")
        if isinstance(callee, ShapeKeeper) and node.args:
            first = self.expr(node.args[0].value)
            for arg in node.args[1:]:
                self.use(self.expr(arg.value))
            return first
        return UNKNOWN

    def bound_layer(self, node: cst.Call, layer: LayerInfo | None) -> LayerInfo | None:
        """The layer as this object has it (see `object_settings`)."""
        if layer is None or not self.concrete:
            return layer
        values: dict[str, object] = {}
        for keyword, position in settable(layer):
            expression = argument(node, keyword, position)
            key = self.key(expression) if expression is not None else None
            value = known(self.env.values.get(key), keyword) if key is not None else None
            if value is not None:
                values[keyword] = value
        bound = bind(layer, values)
        if bound is not layer and bound not in self.file.layers:
            self.file.layers.append(bound)
        return bound

    def instance_method(self, node: cst.Call, instance: Instance, name: str) -> Value:
        """`model.init_hidden(b)`, `model(x)`: the method of the object's class, run on it
        (with the facts of the file that defines the class)."""
        owner = self._owner(instance.klass)
        method = owner.method(instance.klass.node, name)
        if method is None:
            for arg in node.args:
                self.use(self.expr(arg.value))
            return UNKNOWN
        return self.call_function(
            node, method, method=True, klass=instance.klass.node, owner=owner, instance=instance
        )

    def construct(self, node: cst.Call, klass: ModuleClass) -> Value:
        """`Encoder(hidden, n_layers)`: an object whose attributes are what `__init__`
        leaves with these arguments (a layer passed in, a size)."""
        owner = self._owner(klass)
        init = owner.method(klass.node, "__init__")
        if init is None or not node.args or not owner.depends_on_arguments(klass.node):
            for arg in node.args:
                self.use(self.expr(arg.value))
            return Instance(klass)
        built = self.call_function(
            node, init, method=True, klass=klass.node, owner=owner, instance=Instance(klass)
        )
        return built if isinstance(built, Instance) else Instance(klass)

    def _owner(self, klass: ModuleClass) -> FileState:
        return klass.file if isinstance(klass.file, type(self.file)) else self.file

    def container(self, node: cst.Call) -> Value:
        """`nn.ModuleList([...])`, `nn.Sequential(a, b)`: the layers in it;
        `nn.ModuleDict({...})`: the dict (its layers found by key)."""
        values = [self.expr(a.value) for a in node.args]
        if len(values) == 1 and isinstance(values[0], DictValue):
            return values[0]
        if len(values) == 1 and isinstance(values[0], (LayerList, TupleValue)):
            items = values[0].layers if isinstance(values[0], LayerList) else values[0].items
            values = [LayerRef(i) if isinstance(i, LayerInfo) else i for i in items]
        layers = [v.layer for v in values if isinstance(v, LayerRef)]
        if layers and len(layers) == len(values):
            return LayerList(tuple(layers))
        for value in values:
            self.use(value)
        return LayerList(()) if not values else UNKNOWN

    def append(self, target: cst.BaseExpression, receiver: LayerList, arg: cst.Arg) -> Value:
        value = self.expr(arg.value)
        key = self.key(target)
        if isinstance(value, LayerRef) and key is not None:
            self.env.assign(key, LayerList(receiver.layers + (value.layer,)))
        else:
            self.use(value)
            if key is not None:
                self.env.assign(key, UNKNOWN)
        return UNKNOWN

    def getattr_call(self, node: cst.Call) -> Value:
        """`getattr(nn, name)`: any recurrent class, if the call then looks like one."""
        args = [a.value for a in node.args]
        if len(args) >= 2 and self.file.qualified_module(args[0]) == "torch.nn":
            for arg in args[1:]:
                self.use(self.expr(arg))
            return LayerClass(ALL_KINDS, guessed=True)
        for arg in args:
            self.use(self.expr(arg))
        return UNKNOWN

    def size_call(self, node: cst.Call, receiver: Opaque | None) -> Value:
        func = node.func
        assert type(func) is cst.Attribute
        if func.attr.value == "dim" or len(node.args) > 1 or receiver is None:
            return UNKNOWN
        if not node.args:
            return ShapeValue(tuple(Size.of(dim_symbol(receiver, k)) for k in range(3)))
        ok, k = literal(node.args[0].value)
        if ok and isinstance(k, int) and k in (0, 1, 2):
            return SizeValue(self.normalize(Size.of(dim_symbol(receiver, k))), node)
        return UNKNOWN

    # ------------------------------------------------------------------ layer calls

    def layer_call(self, node: cst.Call, layer: LayerInfo) -> Value:
        directions = self.directions_of(layer)
        inp = _arg(node.args, 0, "input")
        hx = _arg(node.args, 1, "hx")
        inp_value = self.expr(inp.value) if inp is not None else UNKNOWN
        hx_value = self.expr(hx.value) if hx is not None else None
        input_obj = _object(inp_value)
        batch_first = layer.is_batch_first()
        if input_obj is not None and batch_first is not None:
            batch_axis = 0 if batch_first else 1
            self.env.dim_alias[dim_symbol(input_obj, batch_axis)] = "B"
            self.env.dim_alias[dim_symbol(input_obj, 1 - batch_axis)] = "T"
        if hx_value is not None:
            self.initial_states(node, layer, directions, hx_value, inp, input_obj)
        hidden = layer.state_hidden
        steps, samples = lay.TIME_SIZE, lay.BATCH_SIZE
        if isinstance(inp_value, Opaque) and inp_value.units and batch_first is not None:
            units = inp_value.units
            time_axis = 1 if batch_first else 0
            steps = Size(1) if time_axis in units else steps
            samples = Size(1) if 1 - time_axis in units else samples
        state_h = Tensor(
            layer,
            STATE_H,
            lay.state_layout(layer.layers_size, directions, hidden, layer.ident, samples),
            directions,
        )
        state: Value = state_h
        kinds = layer.kinds
        if self.env.kinds is not None and kinds & self.env.kinds:
            kinds = kinds & self.env.kinds  # a branch on the kind chosen at run time
        if LayerKind.LSTM in kinds:
            state_c = Tensor(
                layer,
                STATE_C,
                lay.state_layout(layer.layers_size, directions, layer.hidden, layer.ident, samples),
                directions,
            )
            state = TupleValue((state_h, state_c), TupleTag.LSTM_STATE, layer)
            if len(kinds) > 1:
                # (h_n, c_n) for the LSTM members, h_n for the others
                state = EitherState(state_h, state)
        output: Value
        if isinstance(inp_value, PackedValue):
            output = PackedValue(layer, directions)
        elif batch_first is None:
            output = UNKNOWN
        else:
            output = Tensor(
                layer,
                OUTPUT,
                lay.output_layout(directions, hidden, batch_first, layer.ident, steps, samples),
                directions,
            )
        return TupleValue((output, state), TupleTag.RESULT, layer)

    def initial_states(
        self,
        node: cst.Call,
        layer: LayerInfo,
        directions: int,
        hx_value: Value,
        inp: cst.Arg | None,
        input_obj: Opaque | None,
    ) -> None:
        states = hx_value.items if isinstance(hx_value, TupleValue) else (hx_value,)
        input_name = inp.value.value if inp is not None and type(inp.value) is cst.Name else None
        for which, state in zip(("h_0", "c_0"), states, strict=False):
            if not isinstance(state, NewTensor):
                self.use(state)
                continue
            # The input's axes are known now: re-read sizes such as x.size(0).
            sizes = tuple(
                self.for_layer(self.normalize(z), layer, directions) if z is not None else None
                for z in state.sizes
            )
            event = ev.InitialStateEvent(
                node, layer, directions, replace(state, sizes=sizes), which, input_obj, input_name
            )
            self.file.emit(event, self)


def _object(value: Value) -> Opaque | None:
    """The identity of an object whose sizes may be read."""
    if isinstance(value, Opaque):
        return value
    if isinstance(value, NewTensor):
        return value.obj
    return None


# Modules whose output has their input's layout (the features axis kept).
SHAPE_KEEPERS = frozenset(
    f"torch.nn.{n}"
    for n in (
        "Dropout LayerNorm Identity ReLU Tanh GELU ELU SELU SiLU Sigmoid LeakyReLU "
        "Softsign Hardtanh Mish"
    ).split()
) | frozenset(
    f"torch.nn.modules.{m}.{n}"
    for m, n in (("dropout", "Dropout"), ("normalization", "LayerNorm"), ("linear", "Identity"))
)
CONTAINERS = frozenset({"torch.nn.ModuleList", "torch.nn.Sequential", "torch.nn.ModuleDict"})
_RECURRENT_KEYWORDS = frozenset({"num_layers", "bidirectional", "batch_first", "hidden_size"})


def _looks_recurrent(node: cst.Call) -> bool:
    """A call of a class only guessed to be recurrent names a recurrent setting."""
    return any(a.keyword is not None and a.keyword.value in _RECURRENT_KEYWORDS for a in node.args)
