"""Per-file facts shared by the interpreters of a file's functions: torch names,
the recurrent layers constructed in it, and the rules listening for events."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import libcst as cst

from birnn_lint.analysis import events as ev
from birnn_lint.analysis.layers import (
    LAYER_CLASSES,
    Scope,
    SettingResolver,
    assignments_in,
    children,
    code,
    make_layer,
)
from birnn_lint.analysis.names import Resolver
from birnn_lint.analysis.values import LayerInfo, LayerRef, Pending

_LAYER_WORD = re.compile(r"RNN|GRU|LSTM")
# Last parts of the torch functions the interpreter models.
INTERESTING_NAMES = frozenset(
    "cat concat concatenate stack zeros ones randn rand empty full tanh relu sigmoid abs "
    "neg exp log dropout gelu elu pack_padded_sequence pack_sequence pad_packed_sequence "
    "transpose permute flatten reshape movedim squeeze unsqueeze chunk split unbind sum "
    "mean index_select".split()
)

if TYPE_CHECKING:
    from birnn_lint.analysis.env import Env
    from birnn_lint.analysis.interpreter import Interpreter


class FileState:
    def __init__(
        self,
        module: cst.Module,
        names: Resolver,
        rules: list[object],
        context: ev.RuleContext,
    ) -> None:
        self.module = module
        self.names = names
        self.rules = rules
        self.context = context
        self.layer_classes = LAYER_CLASSES
        self.layers: list[LayerInfo] = []
        self._layer_by_call: dict[cst.Call, LayerInfo | None] = {}
        self._binding_names: dict[cst.Call, str] = {}
        self._scopes: dict[cst.CSTNode, tuple[cst.FunctionDef | None, cst.ClassDef | None]] = {}
        self._deferred: dict[cst.CSTNode, list[Pending]] = {}
        self._constants: dict[tuple[int, str], int | None] = {}
        self._class_layers: dict[cst.ClassDef, dict[str, LayerInfo]] = {}
        self._module_layers: dict[str, LayerInfo] | None = None
        # What each inlined method returns (see Interpreter.inline_method).
        self.inlined: dict[cst.FunctionDef, object] = {}
        self._index_scopes(module, None, None)

    # ---------------------------------------------------------------- structure

    def _index_scopes(
        self,
        node: cst.CSTNode,
        function: cst.FunctionDef | None,
        klass: cst.ClassDef | None,
    ) -> None:
        """Record each function's class and each constructor call's scope and binding."""
        stack: list[tuple[cst.CSTNode, cst.FunctionDef | None, cst.ClassDef | None]] = [
            (node, function, klass)
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
            elif isinstance(current, (cst.Assign, cst.AnnAssign)):
                value = current.value
                targets = (
                    [t.target for t in current.targets]
                    if isinstance(current, cst.Assign)
                    else [current.target]
                )
                if isinstance(value, cst.Call) and len(targets) == 1:
                    self._binding_names[value] = code(targets[0])
            stack.extend((child, fn, kl) for child in children(current))

    def qualified(self, node: cst.CSTNode) -> str | None:
        """The torch name `node` refers to (`nn.LSTM` -> "torch.nn.LSTM"), else None.

        Only names whose last part is one the analysis models are given (as before the
        resolver was ours): any other call reads as a call of an unknown function."""
        if not isinstance(node, (cst.Attribute, cst.Name)):
            return None
        name = self.names.qualified(node)
        if name is None or not name.startswith("torch."):
            return None
        last = name.rsplit(".", 1)[-1]
        if last not in INTERESTING_NAMES and not _LAYER_WORD.search(last):
            return None
        return name

    def functions(self) -> list[cst.FunctionDef]:
        return [n for n in self._scopes if isinstance(n, cst.FunctionDef)]

    def class_of(self, function: cst.FunctionDef) -> cst.ClassDef | None:
        return self._scopes.get(function, (None, None))[1]

    def method(self, scope_node: cst.CSTNode, name: str) -> cst.FunctionDef | None:
        """The method `name` of the class `scope_node` is a method of."""
        if not isinstance(scope_node, cst.FunctionDef):
            return None
        klass = self.class_of(scope_node)
        if klass is None:
            return None
        found = [
            s for s in klass.body.body if isinstance(s, cst.FunctionDef) and s.name.value == name
        ]
        return found[0] if len(found) == 1 else None

    def method_env(self, function: cst.FunctionDef) -> Env:
        """A fresh environment for a body: the module's and the class's layers bound."""
        from birnn_lint.analysis.env import Env

        env = Env()
        if self._module_layers is None:
            self._module_layers = self.module_layers()
        for name, layer in self._module_layers.items():
            env.values[name] = LayerRef(layer)
        klass = self.class_of(function)
        if klass is not None:
            for name, layer in self.class_layers(klass).items():
                env.values[name] = LayerRef(layer)
        return env

    # ---------------------------------------------------------------- layers

    def layer_for_call(self, call: cst.Call, scope_node: cst.CSTNode) -> LayerInfo | None:
        if call in self._layer_by_call:
            return self._layer_by_call[call]
        kind = self.layer_classes[self.qualified(call.func) or ""]
        fn, kl = self._scopes.get(call, (None, None))
        resolver = SettingResolver(Scope(self.module, fn, kl))
        name = self._binding_names.get(call, code(call))
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
        for stmt in klass.body.body:
            if not isinstance(stmt, cst.FunctionDef):
                continue
            for target, call in _self_constructor_assignments(stmt, self):
                values = [
                    v
                    for method in klass.body.body
                    if isinstance(method, cst.FunctionDef)
                    for v in assignments_in(method.body, target)
                ]
                if len(values) == 1:
                    layer = self.layer_for_call(call, stmt)
                    if layer is not None:
                        found[target] = layer
        return found

    def module_layers(self) -> dict[str, LayerInfo]:
        found: dict[str, LayerInfo] = {}
        for stmt in self.module.body:
            if isinstance(stmt, cst.SimpleStatementLine):
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

    def class_constant(self, scope_node: cst.CSTNode, text: str) -> int | None:
        """The integer a `self.x` holds when the class assigns it once, to a constant."""
        if not text.startswith("self.") or text.count(".") != 1:
            return None
        fn, kl = self._scopes.get(scope_node, (None, None))
        if kl is None:
            return None
        key = (id(kl), text)
        if key not in self._constants:
            setting = SettingResolver(Scope(self.module, fn, kl)).resolve(
                cst.parse_expression(text)
            )
            value = setting.value
            ok = setting.known and isinstance(value, int) and not isinstance(value, bool)
            self._constants[key] = value if ok else None  # type: ignore[assignment]
        return self._constants[key]

    # ---------------------------------------------------------------- events

    def emit(self, event: ev.Event, interp: Interpreter) -> None:
        before = len(self.context.reports)
        for rule in self.rules:
            if isinstance(event, rule.events):  # type: ignore[attr-defined]
                rule.check(event, self.context)  # type: ignore[attr-defined]
        new = self.context.reports[before:]
        del self.context.reports[before:]
        statement = interp.current_statement
        if isinstance(event, ev.InitialStateEvent) and event.state.statement is not None:
            statement = event.state.statement  # reported where the state was built
        for report, defer in new:
            report.statement = statement
            if defer is None:
                self.findings.append(report)
            else:
                self._deferred.setdefault(report.node, []).append(Pending((report, defer)))

    findings: list[ev.Report]

    def take_deferred(self, node: cst.CSTNode) -> list[Pending]:
        return self._deferred.pop(node, [])

    def settle(self, pendings: list[Pending]) -> None:
        """At the end of a body: held-back findings that were used, or never made right,
        are reported."""
        for pending in pendings:
            report = pending.report[0]  # type: ignore[index]
            if pending.used or not pending.cancelled:
                self.findings.append(report)
        for leftover in self._deferred.values():
            for pending in leftover:
                self.findings.append(pending.report[0])  # type: ignore[index]
        self._deferred.clear()


def _self_constructor_assignments(
    function: cst.FunctionDef, state: FileState
) -> list[tuple[str, cst.Call]]:
    out = []
    from birnn_lint.analysis.layers import walk

    for node in walk(function.body):
        if isinstance(node, cst.Assign) and len(node.targets) == 1:
            target = node.targets[0].target
            if (
                isinstance(target, cst.Attribute)
                and isinstance(target.value, cst.Name)
                and target.value.value == "self"
                and isinstance(node.value, cst.Call)
                and state.qualified(node.value.func) in LAYER_CLASSES
            ):
                out.append((code(target), node.value))
    return out
