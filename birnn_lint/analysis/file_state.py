"""Per-file facts shared by every interpretation of the file's bodies: names, classes
and their bases, the recurrent layers constructed, call summaries, and the reports the
rules made, by call context."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING

import libcst as cst

from birnn_lint.analysis import events as ev
from birnn_lint.analysis.context import CallContext
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.env import Env, Status, fresh_opaque
from birnn_lint.analysis.layers import (
    LAYER_CLASSES,
    Scope,
    SettingResolver,
    assignments_in,
    code,
    make_layer,
    walk,
)
from birnn_lint.analysis.reports import Recorder
from birnn_lint.analysis.values import (
    DirectionCount,
    LayerInfo,
    LayerRef,
    Opaque,
    Setting,
    SizeValue,
    Value,
)
from birnn_lint.layout import Size

if TYPE_CHECKING:
    from birnn_lint.analysis.base import InterpreterBase

_LAYER_WORD = re.compile(r"RNN|GRU|LSTM")
# Last parts of the torch functions the interpreter models.
INTERESTING_NAMES = frozenset(
    "cat concat concatenate stack zeros ones randn rand empty full tanh relu sigmoid abs "
    "neg exp log dropout gelu elu pack_padded_sequence pack_sequence pad_packed_sequence "
    "transpose permute flatten reshape movedim squeeze unsqueeze chunk split unbind sum "
    "mean index_select".split()
)
_NOT_FOUND = object()
Qualifier = Callable[[cst.CSTNode], Collection[object]]


class FileState(Recorder):
    def __init__(
        self,
        module: cst.Module,
        qualified_names: Mapping[cst.CSTNode, object],
        rules: list[CheckRule],
        context: ev.RuleContext,
    ) -> None:
        super().__init__(rules, context)
        self.module = module
        self.qnames = qualified_names
        self.layer_classes = LAYER_CLASSES
        self.layers: list[LayerInfo] = []
        self._layer_by_call: dict[cst.Call, LayerInfo | None] = {}
        self._binding_names: dict[cst.Call, str] = {}
        self._scopes: dict[cst.CSTNode, tuple[cst.FunctionDef | None, cst.ClassDef | None]] = {}
        self._aliases: set[str] = set()
        self._classes: dict[str, list[cst.ClassDef]] = {}
        self._functions: dict[str, list[cst.FunctionDef]] = {}
        self._class_layers: dict[cst.ClassDef, dict[str, LayerInfo]] = {}
        self._class_values: dict[tuple[cst.ClassDef, str], object] = {}
        self._module_layers: dict[str, LayerInfo] | None = None
        self._opaque: dict[cst.CSTNode, Opaque] = {}
        # Call summaries: (call node, callee, abstract arguments) -> (returned value,
        # statuses of held-back findings after the call, size aliases learnt).
        self.summaries: dict[object, tuple[Value, dict[int, Status], dict[str, str]]] = {}
        self._index_scopes(module)
        # Layers kept in attributes and module names are known before any body runs:
        # a size such as `self.num_layers` may be read before the layer is used.
        self._module_layers = self.module_layers()
        for klass in {k for k in self._scopes.values() if k[1] is not None}:
            assert klass[1] is not None
            self.class_layers(klass[1])

    # ---------------------------------------------------------------- structure

    def _index_scopes(self, module: cst.Module) -> None:
        """Record each function's class, each constructor call's scope and binding, and
        the module's own classes and functions by name."""
        for stmt in module.body:
            if isinstance(stmt, cst.ClassDef):
                self._classes.setdefault(stmt.name.value, []).append(stmt)
            elif isinstance(stmt, cst.FunctionDef):
                self._functions.setdefault(stmt.name.value, []).append(stmt)
        stack: list[tuple[cst.CSTNode, cst.FunctionDef | None, cst.ClassDef | None]] = [
            (module, None, None)
        ]
        while stack:
            current, fn, kl = stack.pop()
            if isinstance(current, cst.FunctionDef):
                self._scopes[current] = (current, kl)
                fn = current
            elif isinstance(current, cst.ClassDef):
                kl, fn = current, None
            elif isinstance(current, cst.Call) and self.qualified(current.func) in LAYER_CLASSES:
                self._scopes[current] = (fn, kl)
            elif isinstance(current, cst.ImportAlias) and current.asname is not None:
                # `from torch.nn import GRU as Enc`: `Enc` must be resolved too.
                target = current.asname.name
                if isinstance(target, cst.Name):
                    self._aliases.add(target.value)
            elif isinstance(current, (cst.Assign, cst.AnnAssign)):
                value = current.value
                targets = (
                    [t.target for t in current.targets]
                    if isinstance(current, cst.Assign)
                    else [current.target]
                )
                if isinstance(value, cst.Call) and len(targets) == 1:
                    self._binding_names[value] = code(targets[0])
            stack.extend((child, fn, kl) for child in current.children)

    def qualified(self, node: cst.CSTNode) -> str | None:
        """The torch name `node` refers to (`nn.LSTM` -> "torch.nn.LSTM"), else None.

        Only names whose last part is one the analysis knows are resolved: qualified
        names are computed lazily, and most calls in a file are of no interest."""
        if isinstance(node, cst.Attribute):
            last = node.attr.value
        elif isinstance(node, cst.Name):
            last = node.value
        else:
            return None
        if (
            last not in INTERESTING_NAMES
            and not _LAYER_WORD.search(last)
            and last not in self._aliases
        ):
            return None
        found = self.qnames.get(node, ())
        if callable(found):  # libcst's LazyValue
            found = found()
        assert isinstance(found, Collection)
        for qname in found:
            name = getattr(qname, "name", "")
            if isinstance(name, str) and name.startswith("torch"):
                return name
        return None

    def functions(self) -> list[cst.FunctionDef]:
        return [n for n in self._scopes if isinstance(n, cst.FunctionDef)]

    def class_of(self, scope_node: cst.CSTNode) -> cst.ClassDef | None:
        return self._scopes.get(scope_node, (None, None))[1]

    def receiver(self, scope_node: cst.CSTNode) -> str | None:
        """The first parameter of a method (`self`, `this`), if `scope_node` is one."""
        if not isinstance(scope_node, cst.FunctionDef) or self.class_of(scope_node) is None:
            return None
        klass = self.class_of(scope_node)
        assert klass is not None
        if scope_node not in klass.body.body:
            return None  # a function nested in a method
        for decorator in scope_node.decorators:
            if code(decorator.decorator) in ("staticmethod", "classmethod"):
                return None
        params = list(scope_node.params.posonly_params) + list(scope_node.params.params)
        return params[0].name.value if params else None

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

    def method(self, scope_node: cst.CSTNode, name: str) -> cst.FunctionDef | None:
        """The method `name` of the class of `scope_node` (or of its bases in the file)."""
        klass = self.class_of(scope_node)
        if klass is None:
            return None
        for owner in self.bases(klass):
            found = [
                s
                for s in owner.body.body
                if isinstance(s, cst.FunctionDef) and s.name.value == name
            ]
            if found:
                return found[0] if len(found) == 1 else None
        return None

    def module_function(self, name: str) -> cst.FunctionDef | None:
        found = self._functions.get(name, [])
        return found[0] if len(found) == 1 else None

    def opaque_for(self, node: cst.CSTNode) -> Opaque:
        """The same unknown object each time the analysis passes `node` (a loop target,
        a name bound by unpacking), so that loops reach a fixpoint."""
        if node not in self._opaque:
            self._opaque[node] = fresh_opaque()
        return self._opaque[node]

    def summary_key(
        self, call: cst.Call, callee: cst.FunctionDef, args: list[Value], env: Env
    ) -> object | None:
        statuses = frozenset(env.pending.items())
        key = (call, callee, tuple(args), statuses)
        try:
            hash(key)
        except TypeError:
            return None
        return key

    def method_env(self, function: cst.FunctionDef) -> Env:
        """A fresh environment for a body: the module's layers bound."""
        env = Env()
        assert self._module_layers is not None
        for name, layer in self._module_layers.items():
            env.values[name] = LayerRef(layer)
        return env

    # ---------------------------------------------------------------- settings

    def carries(
        self, setting: Setting, key: str, scope_node: cst.CSTNode, layer: LayerInfo
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
                here = self.class_of(scope_node)
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

    def class_value(self, scope_node: cst.CSTNode, key: str) -> Value | None:
        """What `self.x` holds in every method of the class: a layer constructed once, a
        constant size, or a direction count."""
        if not key.startswith("self.") or key.count(".") != 1:
            return None
        klass = self.class_of(scope_node)
        if klass is None:
            return None
        cache_key = (klass, key)
        if cache_key not in self._class_values:
            self._class_values[cache_key] = self._find_class_value(klass, key)
        found = self._class_values[cache_key]
        return found if found is not _NOT_FOUND else None  # type: ignore[return-value]

    def _find_class_value(self, klass: cst.ClassDef, key: str) -> object:
        for owner in self.bases(klass):
            layer = self.class_layers(owner).get(key)
            if layer is not None:
                return LayerRef(layer)
        values = [
            (owner, method, value)
            for owner in self.bases(klass)
            for method in owner.body.body
            if isinstance(method, cst.FunctionDef)
            for value in self._attribute_values(method, key)
        ]
        if len(values) != 1:
            return _NOT_FOUND
        owner, method, value = values[0]
        count = self._direction_count(owner, method, value)
        if count is not None:
            return count
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

    def _direction_count(
        self, klass: cst.ClassDef, method: cst.FunctionDef, value: cst.BaseExpression
    ) -> DirectionCount | None:
        """`self.num_directions = 2 if bidirectional else 1` in the class of the layers
        whose setting `bidirectional` carries."""
        test: cst.BaseExpression | None = None
        if isinstance(value, cst.IfExp):
            body, orelse = code(value.body), code(value.orelse)
            if (body, orelse) == ("2", "1"):
                test = value.test
        elif isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
            for one, flag in ((value.left, value.right), (value.right, value.left)):
                if code(one) == "1":
                    if isinstance(flag, cst.Call) and code(flag.func) == "int" and flag.args:
                        flag = flag.args[0].value
                    test = flag
        if test is None:
            return None
        text = code(test)
        receiver = self.receiver(method)
        if receiver and text.startswith(receiver + "."):
            text = "self." + text[len(receiver) + 1 :]
        layers = tuple(
            layer
            for owner in self.bases(klass)
            for layer in self.class_layers(owner).values()
            if self.carries(layer.bidirectional, text, method, layer)
        )
        return DirectionCount(layers) if layers else None

    # ---------------------------------------------------------------- layers

    def layer_for_call(self, call: cst.Call, scope_node: cst.CSTNode) -> LayerInfo | None:
        if call in self._layer_by_call:
            return self._layer_by_call[call]
        kind = self.layer_classes[self.qualified(call.func) or ""]
        fn, kl = self._scopes.get(call, (None, None))
        resolver = SettingResolver(Scope(self.module, fn, kl))
        name = self._binding_names.get(call, code(call))
        receiver = self.receiver(fn) if fn is not None else None
        if receiver and name.startswith(receiver + "."):
            name = "self." + name[len(receiver) + 1 :]
        layer = make_layer(call, kind, name, resolver, len(self.layers) + 1)
        self._layer_by_call[call] = layer
        if layer is not None:
            self.layers.append(layer)
        return layer

    def class_layers(self, klass: cst.ClassDef) -> dict[str, LayerInfo]:
        """`self.NAME` attributes bound to exactly one layer constructor in the class
        (computed once per class: large classes have hundreds of methods)."""
        if klass not in self._class_layers:
            self._class_layers[klass] = self._find_class_layers(klass)
        return self._class_layers[klass]

    def _find_class_layers(self, klass: cst.ClassDef) -> dict[str, LayerInfo]:
        found: dict[str, LayerInfo] = {}
        methods = [s for s in klass.body.body if isinstance(s, cst.FunctionDef)]
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
                    and isinstance(targets[0], cst.Attribute)
                    and isinstance(targets[0].value, cst.Name)
                    and targets[0].value.value == receiver
                    and isinstance(value, cst.Call)
                    and self.qualified(value.func) in LAYER_CLASSES
                ):
                    out.append((f"self.{targets[0].attr.value}", value))
        return out

    def module_layers(self) -> dict[str, LayerInfo]:
        found: dict[str, LayerInfo] = {}
        for stmt in self.module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if (
                    isinstance(small, cst.Assign)
                    and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)
                    and isinstance(small.value, cst.Call)
                    and self.qualified(small.value.func) in LAYER_CLASSES
                ):
                    name = small.targets[0].target.value
                    values = [
                        v
                        for s in self.module.body
                        if not isinstance(s, (cst.FunctionDef, cst.ClassDef))
                        for v in assignments_in(s, name)
                    ]
                    layer = self.layer_for_call(small.value, self.module)
                    if len(values) == 1 and layer is not None:
                        found[name] = layer
        return found

    # ---------------------------------------------------------------- events

    def emit(self, event: ev.Event, interp: InterpreterBase) -> list[int]:
        statement = interp.current_statement
        context: CallContext = interp.context
        if isinstance(event, ev.InitialStateEvent):
            context = event.state.origin
            if event.state.statement is not None:
                statement = event.state.statement  # reported where the state was built
        return self.record(event, context, statement, interp)
