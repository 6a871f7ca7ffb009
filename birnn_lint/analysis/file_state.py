"""Per-file facts shared by every interpretation of the file's bodies: names, classes
and their bases, the recurrent layers constructed, call summaries, and the reports the
rules made, by call context."""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import libcst as cst

from birnn_lint.analysis import events as ev
from birnn_lint.analysis.classes import ClassFacts
from birnn_lint.analysis.context import CallContext
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.env import Env, fresh_opaque
from birnn_lint.analysis.layer_sets import ALL_KINDS, external_layer
from birnn_lint.analysis.layers import (
    LAYER_CLASSES,
    Scope,
    SettingResolver,
    assignments_in,
    code,
    make_layer,
    walk,
)
from birnn_lint.analysis.module_index import module_index
from birnn_lint.analysis.names import Resolver
from birnn_lint.analysis.receivers import calls_a_stored_parameter
from birnn_lint.analysis.reports import Recorder
from birnn_lint.analysis.scopes import dotted_name
from birnn_lint.analysis.values import (
    LayerClass,
    LayerInfo,
    LayerKind,
    LayerRef,
    ModuleClass,
    Opaque,
    Value,
)
from birnn_lint.prefilter import may_contain_findings
from birnn_lint.project import ProjectIndex, SymbolKind, dependencies
from birnn_lint.project.handed_layers import calls_what_it_receives

if TYPE_CHECKING:
    from birnn_lint.analysis.base import InterpreterBase
    from birnn_lint.analysis.functions import Summary

_LAYER_WORD = re.compile(r"RNN|GRU|LSTM")
# Last parts of the torch functions the interpreter models.
INTERESTING_NAMES = frozenset(
    "cat concat concatenate stack zeros ones randn rand empty full tanh relu sigmoid abs "
    "neg exp log dropout gelu elu pack_padded_sequence pack_sequence pad_packed_sequence "
    "transpose permute flatten reshape movedim squeeze unsqueeze chunk split unbind sum "
    "mean index_select ModuleList ModuleDict Sequential RNNBase Dropout LayerNorm Identity "
    "ReLU Tanh GELU ELU SELU SiLU Sigmoid LeakyReLU Softsign Hardtanh Mish Variable".split()
)
# Layers are told apart by ident across the files one analysis reads.
_LAYER_IDENTS = itertools.count(1)
RNN_BASES = frozenset({"torch.nn.RNNBase", "torch.nn.modules.rnn.RNNBase"})


# A definition of another module of the project, with that module's facts.
Imported = tuple[cst.ClassDef | cst.FunctionDef, "FileState"]


class FileState(ClassFacts, Recorder):
    def __init__(
        self,
        module: cst.Module,
        names: Resolver,
        rules: list[CheckRule],
        context: ev.RuleContext,
        path: Path | None = None,
        loader: Callable[[Path], FileState | None] | None = None,
        source: str | None = None,
        buffer: bool = True,
        eager: bool = True,
    ) -> None:
        super().__init__(rules, context)
        self.module = module
        self.source = source
        # The file checked (its text may be an editor's unsaved buffer: the project index
        # reads it from here); False for the other files an analysis reads from disk.
        self._buffer = source if buffer else None
        self._index: ProjectIndex | None = None
        self._imported: dict[str, Imported | None] = {}
        # Where the file is, and how the facts of another file of its project are had:
        # classes imported from there are followed into it.
        self.path = path
        self.loader = loader
        self.names = names
        self.layer_classes = LAYER_CLASSES
        self.layers: list[LayerInfo] = []
        self._all_layers_read = False
        self._argument_classes: dict[cst.ClassDef, bool] = {}
        self._layer_by_call: dict[cst.Call, LayerInfo | None] = {}
        index = module_index(module)  # read only: shared by the analyses of the module
        self._binding_names = index.binding_names
        self._scopes = index.scopes
        self._classes = index.classes
        self._functions = index.functions
        self._class_layers: dict[cst.ClassDef, dict[str, LayerInfo]] = {}
        self._class_values: dict[tuple[cst.ClassDef, str], object] = {}
        self._instance_attributes: dict[cst.ClassDef, dict[str, Value]] = {}
        self._computing: set[cst.ClassDef] = set()
        self._received: dict[cst.Param, LayerInfo] = {}
        # The module's globals as its top level leaves them (set once it is analysed).
        self.globals: dict[str, Value] = {}
        # While the top level runs: its bindings so far (a class built there reads the
        # registry bound above it).
        self.top_level: Callable[[], Mapping[str, Value]] | None = None
        # How findings name this file's top level as a caller.
        self.top_level_name = "<module>"
        self._module_layers: dict[str, LayerInfo] | None = None
        self._opaque: dict[cst.CSTNode, Opaque] = {}
        # Call summaries: (call node, callee, abstract arguments) -> (returned value,
        # statuses of held-back findings after the call, size aliases learnt).
        self.summaries: dict[object, Summary] = {}
        # The last words of what carries the layers' direction settings, with how many
        # layers they were read from (see `Guards.flag_of`).
        self.direction_words: tuple[int, frozenset[str]] | None = None
        # Layers kept in attributes and module names are known before any body runs:
        # a size such as `self.num_layers` may be read before the layer is used.
        self._module_layers = self.module_layers()
        # Another file's facts (`eager` False) are asked for one class at a time: each
        # class's layers are found when asked (`class_layers` keeps them), which spares
        # reading the files its other classes inherit from.
        for klass in {k for k in self._scopes.values() if eager and k[1] is not None}:
            assert klass[1] is not None
            self.class_layers(klass[1])

    # ---------------------------------------------------------------- structure

    def qualified(self, node: cst.CSTNode) -> str | None:
        """The torch name `node` refers to (`nn.LSTM` -> "torch.nn.LSTM"), else None.

        Only names whose last part is one the analysis models are given (as before the
        resolver was ours): any other call reads as a call of an unknown function."""
        if type(node) is cst.Attribute:
            # An attribute's qualified name ends in the attribute itself: most can be
            # turned down before resolving.
            last = node.attr.value
            if last not in INTERESTING_NAMES and not _LAYER_WORD.search(last):
                return None
        elif type(node) is not cst.Name:
            return None
        name = self.names.qualified(node)
        if name is None or not name.startswith("torch."):
            return None
        last = name.rsplit(".", 1)[-1]
        if last not in INTERESTING_NAMES and not _LAYER_WORD.search(last):
            return None
        return name

    def qualified_module(self, node: cst.CSTNode) -> str | None:
        """The torch module a name refers to (`nn` -> "torch.nn"), else None."""
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        name = self.names.qualified(node)
        return name if name in ("torch", "torch.nn") else None

    def functions(self) -> list[cst.FunctionDef]:
        return [n for n in self._scopes if type(n) is cst.FunctionDef]

    def class_of(self, scope_node: cst.CSTNode) -> cst.ClassDef | None:
        return self._scopes.get(scope_node, (None, None))[1]

    def receiver(self, scope_node: cst.CSTNode) -> str | None:
        """The first parameter of a method (`self`, `this`), if `scope_node` is one."""
        if type(scope_node) is not cst.FunctionDef or self.class_of(scope_node) is None:
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

    def static_value(self, node: cst.BaseExpression) -> Value | None:
        """What a name or attribute denotes without running anything: a torch recurrent
        class, a module that keeps its input's layout, a container class, a class of the
        file."""
        qname = self.qualified(node)
        if qname is not None:
            kind = self.layer_classes.get(qname)
            if kind is not None:
                return LayerClass(frozenset({LayerKind(kind)}))
            if qname in RNN_BASES:
                return LayerClass(ALL_KINDS)
            return None
        if type(node) is cst.Name:
            found = self._classes.get(node.value, [])
            if len(found) == 1:
                return ModuleClass(found[0], self)
            if node.value in self.globals:
                return self.globals[node.value]
            if self.top_level is not None:
                live = self.top_level().get(node.value)
                if live is not None:
                    return live
            return self.imported_class(node.value)
        if type(node) is cst.Attribute:
            dotted = dotted_name(node)
            if dotted is not None and dotted.split(".", 1)[0] in self.names.imports:
                return self.imported_class(dotted)  # `models.Encoder`
        return None

    def imported_class(self, name: str) -> ModuleClass | None:
        """A class another module of the project defines, imported under `name` (or
        reached as `module.Name` of an imported module)."""
        found = self.imported_definition(name)
        if found is None or type(found[0]) is not cst.ClassDef:
            return None
        return ModuleClass(found[0], found[1])

    def imported_function(self, dotted: str) -> tuple[cst.FunctionDef, FileState] | None:
        """A top-level function of another module of the project: `build_model` imported
        by name, or `model.train_iters` of an imported module."""
        found = self.imported_definition(dotted)
        if found is None or type(found[0]) is not cst.FunctionDef:
            return None
        return found[0], found[1]

    def imported_definition(self, dotted: str) -> Imported | None:
        if self.path is None or self.loader is None:
            return None
        if dotted not in self._imported:
            self._imported[dotted] = self._find_imported(dotted)
        return self._imported[dotted]

    def _find_imported(
        self, dotted: str
    ) -> tuple[cst.ClassDef | cst.FunctionDef, FileState] | None:
        assert self.path is not None and self.loader is not None
        head = dotted.split(".", 1)[0]
        starred = bool(self.names.star_imports) and head not in self.names.top_level_names
        if head not in self.names.imports and not starred:
            return None  # not imported (nor possibly star-imported): a builtin, a global
        imported = self.names.imports.get(head, ())
        if imported and all(
            i.level == 0 and (i.module == "torch" or i.module.startswith("torch."))
            for i in imported
        ):
            return None  # torch's own names (torch's source checked as a project too)
        if self._index is None:
            self._index = ProjectIndex.for_file(self.path, self._buffer)
        index = self._index
        symbol = index.resolve_dotted(self.path, dotted)
        kinds = (SymbolKind.CLASS, SymbolKind.FUNCTION)
        if symbol is None or symbol.kind not in kinds or symbol.path is None:
            return None
        if symbol.module == "torch" or symbol.module.startswith("torch."):
            return None  # torch's own source checked as a project: its modules are torch's
        dependencies.note(symbol.path)
        text = index.source(symbol.path)
        if text is None:
            return None
        if symbol.kind is SymbolKind.CLASS and not _worth_reading(symbol.path, text):
            return None  # its file cannot build a recurrent layer nor call one handed in
        other = self.loader(symbol.path)
        if other is None:
            return None
        table = other._classes if symbol.kind is SymbolKind.CLASS else other._functions
        found = table.get(symbol.name, [])
        return (found[0], other) if len(found) == 1 else None

    def received_layer(self, param: cst.Param) -> LayerInfo | None:
        """A parameter annotated `nn.LSTM`, `nn.GRU | nn.RNN`, `Optional[nn.RNNBase]`...:
        a layer whose settings are all configurable (one per parameter)."""
        if param.annotation is None:
            return None
        kinds = self._annotation_kinds(param.annotation.annotation)
        if not kinds:
            return None
        if param not in self._received:
            ident = 50_000 + len(self._received)
            self._received[param] = external_layer(kinds, param.name.value, param, ident)
        return self._received[param]

    def _annotation_kinds(self, node: cst.BaseExpression) -> frozenset[LayerKind]:
        if isinstance(node, (cst.Name, cst.Attribute)):
            value = self.static_value(node)
            return value.kinds if isinstance(value, LayerClass) else frozenset()
        parts: list[cst.BaseExpression] = []
        if type(node) is cst.BinaryOperation and type(node.operator) is cst.BitOr:
            parts = [node.left, node.right]
        elif type(node) is cst.Subscript and code(node.value).split(".")[-1] in (
            "Union",
            "Optional",
        ):
            parts = [e.slice.value for e in node.slice if type(e.slice) is cst.Index]
        kinds: frozenset[LayerKind] = frozenset()
        for part in parts:
            if code(part) == "None":
                continue
            found = self._annotation_kinds(part)
            if not found:
                return frozenset()
            kinds |= found
        return kinds

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
        self,
        call: cst.Call | None,
        callee: cst.FunctionDef,
        args: list[Value],
        env: Env,
        extra: tuple[object, ...] = (),
        relevant: set[int] | None = None,
    ) -> object | None:
        """`relevant`: the held-back findings the result can depend on (None: all)."""
        pending = env.pending
        if relevant is None:
            statuses = frozenset(pending.items())
        else:
            statuses = frozenset((i, pending[i]) for i in relevant if i in pending)
        key = (call, callee, tuple(args), statuses, extra)
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

    def depends_on_arguments(self, klass: cst.ClassDef) -> bool:
        """Whether an object of `klass` may hold what the analysis follows differently
        with its constructor's arguments: the class (or a base in the file) builds a
        layer, or calls what its constructor stores (checked once per class)."""
        if klass not in self._argument_classes:
            self._argument_classes[klass] = any(
                self.class_layers(owner)
                or self._builds_in_init(owner)
                or calls_a_stored_parameter(owner)
                for owner in self.bases(klass)
            )
        return self._argument_classes[klass]

    def _builds_in_init(self, klass: cst.ClassDef) -> bool:
        init = next(
            (
                s
                for s in klass.body.body
                if type(s) is cst.FunctionDef and s.name.value == "__init__"
            ),
            None,
        )
        return init is not None and any(
            type(n) is cst.Call and self.qualified(n.func) in LAYER_CLASSES for n in walk(init)
        )

    def all_layers(self) -> list[LayerInfo]:
        """Every layer the file's constructor calls build (read once, on first need: a
        direction count may be computed before the layer it counts is built)."""
        if not self._all_layers_read:
            self._all_layers_read = True
            for node, (fn, _) in list(self._scopes.items()):
                if type(node) is cst.Call and self.qualified(node.func) in LAYER_CLASSES:
                    self.layer_for_call(node, fn or self.module)
        return self.layers

    def layer_for_call(self, call: cst.Call, scope_node: cst.CSTNode) -> LayerInfo | None:
        if call in self._layer_by_call:
            return self._layer_by_call[call]
        kind = self.layer_classes.get(self.qualified(call.func) or "")
        return self.layer_of_kinds(call, frozenset({LayerKind(kind)}) if kind else ALL_KINDS)

    def layer_of_kinds(self, call: cst.Call, kinds: frozenset[LayerKind]) -> LayerInfo | None:
        """The layer a call of a recurrent class (or of one of several) builds."""
        if call in self._layer_by_call:
            return self._layer_by_call[call]
        fn, kl = self._scopes.get(call, (None, None))
        resolver = SettingResolver(Scope(self.module, fn, kl))
        name = self._binding_names.get(call, code(call))
        receiver = self.receiver(fn) if fn is not None else None
        if receiver and name.startswith(receiver + "."):
            name = "self." + name[len(receiver) + 1 :]
        layer = make_layer(call, kinds, name, resolver, next(_LAYER_IDENTS))
        self._layer_by_call[call] = layer
        if layer is not None:
            self.layers.append(layer)
        return layer

    def module_layers(self) -> dict[str, LayerInfo]:
        found: dict[str, LayerInfo] = {}
        for stmt in self.module.body:
            if type(stmt) is not cst.SimpleStatementLine:
                continue
            for small in stmt.body:
                if (
                    type(small) is cst.Assign
                    and len(small.targets) == 1
                    and type(small.targets[0].target) is cst.Name
                    and type(small.value) is cst.Call
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


_WORTH: dict[tuple[Path, int], bool] = {}


def _worth_reading(path: Path, text: str) -> bool:
    """Whether a class of this file may matter: its file can build a recurrent layer, or
    calls what it receives (`self.encoder(x)` with the encoder handed in)."""
    data = text.encode("utf-8", "surrogatepass")
    if may_contain_findings(data):
        return True
    key = (path, hash(text))
    if key not in _WORTH:
        try:
            _WORTH[key] = calls_what_it_receives(ast.parse(data))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            _WORTH[key] = False
    return _WORTH[key]
