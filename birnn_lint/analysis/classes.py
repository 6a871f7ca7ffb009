"""What the classes of a file say: their bases in the file, their methods, the layers
and other values their objects hold in `self.*`, and which expressions carry a layer's
settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import libcst as cst

from birnn_lint.analysis.interpreter import Interpreter
from birnn_lint.analysis.layers import (
    LAYER_CLASSES,
    Scope,
    SettingResolver,
    assignments_in,
    code,
    walk,
)
from birnn_lint.analysis.values import (
    LayerInfo,
    LayerRef,
    ModuleClass,
    Opaque,
    Setting,
    SizeValue,
    Unknown,
    Value,
)
from birnn_lint.layout import Size

if TYPE_CHECKING:
    from birnn_lint.analysis.env import Env
    from birnn_lint.analysis.file_state import FileState

_NOT_FOUND = object()


def _targets(node: cst.Assign | cst.AnnAssign) -> list[cst.BaseExpression]:
    return [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]


class ClassFacts:
    """A mixin of `FileState`: the facts about classes."""

    module: cst.Module
    layers: list[LayerInfo]
    _classes: dict[str, list[cst.ClassDef]]
    _scopes: dict[cst.CSTNode, tuple[cst.FunctionDef | None, cst.ClassDef | None]]
    _class_layers: dict[cst.ClassDef, dict[str, LayerInfo]]
    _class_values: dict[tuple[cst.ClassDef, str], object]
    _instance_attributes: dict[cst.ClassDef, dict[str, Value]]
    _computing: set[cst.ClassDef]

    def qualified(self, node: cst.CSTNode) -> str | None:
        raise NotImplementedError

    def class_of(self, scope_node: cst.CSTNode) -> cst.ClassDef | None:
        raise NotImplementedError

    def receiver(self, scope_node: cst.CSTNode) -> str | None:
        raise NotImplementedError

    def layer_for_call(self, call: cst.Call, scope_node: cst.CSTNode) -> LayerInfo | None:
        raise NotImplementedError

    def method_env(self, function: cst.FunctionDef) -> Env:
        raise NotImplementedError

    def static_value(self, node: cst.BaseExpression) -> Value | None:
        raise NotImplementedError

    def bases(self, klass: cst.ClassDef) -> list[cst.ClassDef]:
        """The class and its bases defined in this file, nearest first."""
        out: list[cst.ClassDef] = []
        todo = [klass]
        while todo:
            current = todo.pop(0)
            if current in out:
                continue
            out.append(current)
            for base in current.bases:
                found = self._classes.get(code(base.value), [])
                if len(found) == 1:
                    todo.append(found[0])
        return out

    def foreign_base(self, klass: cst.ClassDef) -> tuple[cst.ClassDef, FileState] | None:
        """The first base of `klass` (or of its bases in this file) that another module
        of the project defines, with that module's facts."""
        for owner in self.bases(klass):
            for base in owner.bases:
                value = self.static_value(base.value)
                if isinstance(value, ModuleClass) and value.file is not self:
                    other = value.file
                    if isinstance(other, type(self)):
                        return value.node, cast("FileState", other)
        return None

    def foreign_method(
        self, klass: cst.ClassDef | None, name: str
    ) -> tuple[cst.FunctionDef, cst.ClassDef, FileState] | None:
        """The method `name` inherited from a base in another module (see
        `foreign_base`), with the class that defines it and that module's facts."""
        if klass is None:
            return None
        foreign = self.foreign_base(klass)
        if foreign is None:
            return None
        base, other = foreign
        found = other.method(base, name)
        if found is not None:
            return found, other.class_of(found) or base, other
        return other.foreign_method(base, name)

    def method(
        self, klass: cst.ClassDef | None, name: str, skip_own: bool = False
    ) -> cst.FunctionDef | None:
        """The method `name` of `klass` or of its bases in the file (with `skip_own`, of
        its bases only: `super().name`)."""
        if klass is None:
            return None
        for owner in self.bases(klass)[1 if skip_own else 0 :]:
            found = [
                s for s in owner.body.body if type(s) is cst.FunctionDef and s.name.value == name
            ]
            if found:
                return found[0] if len(found) == 1 else None
        return None

    def carries(
        self,
        setting: Setting,
        key: str,
        scope_node: cst.CSTNode,
        layer: LayerInfo,
        klass: cst.ClassDef | None = None,
    ) -> bool:
        """Whether `key`, read in `scope_node`, is an expression that carries `setting` of
        `layer`: an attribute of the layer's class, or a name where the layer is built."""
        fn, klass = self._scopes.get(layer.node, (None, None))
        receiver = self.receiver(fn) if fn is not None else None
        for carrier in setting.carriers:
            if receiver and carrier.startswith(receiver + "."):
                carrier = "self." + carrier[len(receiver) + 1 :]
            if carrier != key:
                continue
            if key.startswith("self."):
                here = klass or self.class_of(scope_node)
                if klass is not None and here is not None and klass in self.bases(here):
                    return True
            elif fn is None or scope_node is fn:
                return True
        return False

    def setting_size(self, layer: LayerInfo, key: str) -> Size | None:
        """The size of `layer` that `key` carries (its num_layers, hidden or projection
        size), if it carries one."""
        fn, _ = self._scopes.get(layer.node, (None, None))
        receiver = self.receiver(fn) if fn is not None else None
        for setting, size in (
            (layer.num_layers, layer.layers_size),
            (layer.hidden_size, layer.hidden),
            (layer.proj_size, layer.state_hidden),
        ):
            if setting is layer.proj_size and setting.known:
                continue
            for carrier in setting.carriers:
                if receiver and carrier.startswith(receiver + "."):
                    carrier = "self." + carrier[len(receiver) + 1 :]
                if carrier == key and not carrier.isdigit():
                    return size
        return None

    def class_value(self, klass: cst.ClassDef | None, key: str) -> Value | None:
        """What `self.x` holds in the methods of an object of class `klass`: what
        `__init__` leaves in it (a layer, a list of layers, a module, a layer class...),
        else a layer constructed once, a constant size or a direction count assigned in
        the class, else a class attribute (`_cell = nn.GRU`)."""
        if klass is None or not key.startswith("self.") or key.count(".") != 1:
            return None
        cache_key = (klass, key)
        if klass in self._computing:
            # Asked by the class's own `__init__`: only what the class states (not kept:
            # the attributes are not known yet).
            return self._static_class_value(klass, key)
        if cache_key not in self._class_values:
            found: object = self.instance_attributes(klass).get(key)
            if found is None or isinstance(found, (Opaque, Unknown, SizeValue)):
                fallback = self._static_class_value(klass, key)
                found = fallback if fallback is not None else found
            self._class_values[cache_key] = found if found is not None else _NOT_FOUND
        value = self._class_values[cache_key]
        return None if value is _NOT_FOUND else cast(Value, value)

    def _static_class_value(self, klass: cst.ClassDef, key: str) -> Value | None:
        found = self._find_class_value(klass, key)
        if found is _NOT_FOUND:
            return self.class_attribute(klass, key[len("self.") :])
        return cast(Value, found)

    def inherited_methods(self) -> list[tuple[cst.FunctionDef, cst.ClassDef]]:
        """Methods a class of the file inherits from a base in the file, with that class:
        they run on its objects, whose attributes may differ from the base's."""
        out: list[tuple[cst.FunctionDef, cst.ClassDef]] = []
        for found in self._classes.values():
            for klass in found:
                own = {s.name.value for s in klass.body.body if type(s) is cst.FunctionDef}
                for base in self.bases(klass)[1:]:
                    for stmt in base.body.body:
                        if type(stmt) is cst.FunctionDef and stmt.name.value not in own:
                            own.add(stmt.name.value)
                            out.append((stmt, klass))
        return out

    def instance_attributes(self, klass: cst.ClassDef) -> dict[str, Value]:
        """`self.*` as `__init__` leaves them, its parameters unknown (once per class)."""
        if klass in self._instance_attributes:
            return self._instance_attributes[klass]
        self._instance_attributes[klass] = {}
        init = self.method(klass, "__init__")
        if init is None:
            foreign = self.foreign_base(klass)
            if foreign is None:
                return {}
            # `class MyEncoder(BaseEncoder)` with `BaseEncoder` (and its `__init__`) in
            # another module of the project: what that `__init__` leaves.
            found = foreign[1].instance_attributes(foreign[0])
            self._instance_attributes[klass] = found
            return found
        self._computing.add(klass)
        try:
            interp = Interpreter(cast("FileState", self), init, self.method_env(init), klass=klass)
            interp.bind_parameters(init, [], method=True)
            interp.run_body()
            env = interp.exit_env()
        finally:
            self._computing.discard(klass)
        found = {k: v for k, v in env.values.items() if k.startswith("self.") and k.count(".") == 1}
        self._instance_attributes[klass] = found
        return found

    def class_attribute(self, klass: cst.ClassDef, name: str) -> Value | None:
        """`name = nn.GRU` in the body of `klass` or of its bases: a class or a module."""
        for owner in self.bases(klass):
            for stmt in owner.body.body:
                if type(stmt) is not cst.SimpleStatementLine:
                    continue
                for small in stmt.body:
                    if (
                        isinstance(small, (cst.Assign, cst.AnnAssign))
                        and small.value is not None
                        and name in [code(t) for t in _targets(small)]
                    ):
                        return self.static_value(small.value)
        return None

    def _find_class_value(self, klass: cst.ClassDef, key: str) -> object:
        for owner in self.bases(klass):
            layer = self.class_layers(owner).get(key)
            if layer is not None:
                return LayerRef(layer)
        values = [
            (owner, method, value)
            for owner in self.bases(klass)
            for method in owner.body.body
            if type(method) is cst.FunctionDef
            for value in self._attribute_values(method, key)
        ]
        if len(values) != 1:
            return _NOT_FOUND
        owner, method, value = values[0]
        setting = SettingResolver(Scope(self.module, method, owner)).resolve(value)
        number = setting.value
        if setting.known and isinstance(number, int) and not isinstance(number, bool):
            return SizeValue(Size(number))
        return _NOT_FOUND

    def _attribute_values(self, method: cst.FunctionDef, key: str) -> list[cst.BaseExpression]:
        receiver = self.receiver(method)
        if receiver is None:
            return []
        return assignments_in(method.body, receiver + key[len("self") :])

    def class_layers(self, klass: cst.ClassDef) -> dict[str, LayerInfo]:
        """`self.NAME` attributes bound to exactly one layer constructor in the class
        (computed once per class: large classes have hundreds of methods)."""
        if klass not in self._class_layers:
            self._class_layers[klass] = self._find_class_layers(klass)
        return self._class_layers[klass]

    def _find_class_layers(self, klass: cst.ClassDef) -> dict[str, LayerInfo]:
        found: dict[str, LayerInfo] = {}
        methods = [s for s in klass.body.body if type(s) is cst.FunctionDef]
        for stmt in methods:
            receiver = self.receiver(stmt)
            if receiver is None:
                continue
            for target, call in self._constructor_assignments(stmt, receiver):
                values = [v for m in methods for v in self._attribute_values(m, target)]
                if len(values) == 1:
                    layer = self.layer_for_call(call, stmt)
                    if layer is not None:
                        found[target] = layer
        return found

    def _constructor_assignments(
        self, function: cst.FunctionDef, receiver: str
    ) -> list[tuple[str, cst.Call]]:
        """`receiver.x = nn.LSTM(...)` in the function, as ("self.x", the call)."""
        out = []
        for node in walk(function.body):
            if isinstance(node, (cst.Assign, cst.AnnAssign)):
                targets = (
                    [t.target for t in node.targets]
                    if isinstance(node, cst.Assign)
                    else [node.target]
                )
                value = node.value
                if (
                    len(targets) == 1
                    and type(targets[0]) is cst.Attribute
                    and type(targets[0].value) is cst.Name
                    and targets[0].value.value == receiver
                    and type(value) is cst.Call
                    and self.qualified(value.func) in LAYER_CLASSES
                ):
                    out.append((f"self.{targets[0].attr.value}", value))
        return out
