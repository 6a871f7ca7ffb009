"""Rewrite a spec example for one layer configuration (class, layers, layout, directions).

An example holds one recurrent layer built with literal settings (`nn.GRU(8, 16,
num_layers=2, bidirectional=True)`, `torch.nn.LSTM(...)`) and one input
`x = torch.randn(a, b, c)`, time-major `(T, B, I)` unless the layer says
`batch_first=True`. The rewrite sets the layer's class and its `num_layers`,
`batch_first` and `bidirectional`, and swaps the input's first two sizes when the layout
changes. A setting given as a name bound once at module level to a literal
(`num_layers = 2` ... `num_layers=num_layers`) is rewritten where it is bound, so that the
example's other uses of the name follow. Anything else the example derives from the
configuration must come from the layer (`rnn.num_layers`) or from `x.shape`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import libcst as cst

from birnn_lint.strenum import StrEnum


class LayerKind(StrEnum):
    """The recurrent layer classes a proof runs (the name of the `torch.nn` class)."""

    RNN = "RNN"
    GRU = "GRU"
    LSTM = "LSTM"


KINDS: tuple[str, ...] = tuple(kind.value for kind in LayerKind)
# Calls whose batch_first argument the rewrite does not touch: an example using them
# must keep batch_first fixed in its proof.
_PACKING_CALLS = ("pack_padded_sequence", "pad_packed_sequence", "pad_sequence")
# Keywords only one class accepts.
_ONLY_FOR = {"nonlinearity": "RNN", "proj_size": "LSTM"}
_NO_SPACE = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


class VariantError(ValueError):
    """The example does not have the shape the rewrite relies on."""


@dataclass(frozen=True)
class Config:
    kind: LayerKind
    num_layers: int
    batch_first: bool
    bidirectional: bool

    @property
    def id(self) -> str:
        layout = "bf" if self.batch_first else "tm"
        directions = "bi" if self.bidirectional else "uni"
        return f"{self.kind}-L{self.num_layers}-{layout}-{directions}"


def _called_name(call: cst.Call) -> str | None:
    if isinstance(call.func, cst.Name):
        return call.func.value
    if isinstance(call.func, cst.Attribute):
        return call.func.attr.value
    return None


class _Survey(cst.CSTVisitor):
    """Finds the layer call, the input assignment, packing calls and literal bindings."""

    def __init__(self) -> None:
        self.layers: list[cst.Call] = []
        self.inputs: list[cst.Call] = []
        self.packing: list[str] = []
        # name -> the literal nodes it is bound to at module level (one per binding)
        self.bindings: dict[str, list[cst.BaseExpression]] = {}
        self._depth = 0

    def visit_Call(self, node: cst.Call) -> None:
        name = _called_name(node)
        if name in KINDS:
            self.layers.append(node)
        elif name in _PACKING_CALLS:
            self.packing.append(name)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._depth:
            return
        for target in node.targets:
            self._bind(target.target, node.value)
        if (
            len(node.targets) == 1
            and isinstance(node.targets[0].target, cst.Name)
            and node.targets[0].target.value == "x"
            and isinstance(node.value, cst.Call)
            and _called_name(node.value) == "randn"
        ):
            self.inputs.append(node.value)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.bindings.setdefault(target.value, []).append(value)
        elif isinstance(target, cst.Tuple) and isinstance(value, cst.Tuple):
            if len(target.elements) == len(value.elements):
                for t, v in zip(target.elements, value.elements, strict=True):
                    self._bind(t.value, v.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._depth += 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._depth -= 1


class _Replace(cst.CSTTransformer):
    """Replaces given nodes (by identity in the original tree) with new ones."""

    def __init__(self, replacements: dict[int, cst.CSTNode]) -> None:
        self.replacements = replacements

    # libcst types on_leave generically; here any node may replace any node.
    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel:
        return self.replacements.get(id(original_node), updated_node)


def _literal(value: int | bool) -> cst.BaseExpression:
    if isinstance(value, bool):
        return cst.Name("True" if value else "False")
    return cst.Integer(str(value))


def _bool_literal(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


class _Rewrite:
    def __init__(self, survey: _Survey) -> None:
        self.survey = survey
        self.replacements: dict[int, cst.CSTNode] = {}

    def resolve(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """The literal a setting stands for: the node itself, or the single module-level
        binding of the name it is."""
        if isinstance(node, cst.Name) and node.value not in ("True", "False"):
            bound = self.survey.bindings.get(node.value, [])
            if len(bound) != 1:
                raise VariantError(
                    f"layer setting {node.value!r} must be a literal or a name bound once "
                    f"at module level (it is bound {len(bound)} times)"
                )
            return bound[0]
        return node

    def set_value(self, node: cst.BaseExpression, value: int | bool) -> None:
        target = self.resolve(node)
        if not isinstance(target, (cst.Integer, cst.Name)):
            raise VariantError(f"layer setting must be a literal, not {type(target).__name__}")
        self.replacements[id(target)] = _literal(value)


def _original_batch_first(rewrite: _Rewrite, layer: cst.Call) -> bool:
    for arg in layer.args:
        if arg.keyword is not None and arg.keyword.value == "batch_first":
            value = _bool_literal(rewrite.resolve(arg.value))
            if value is None:
                raise VariantError("batch_first must be True or False, literally")
            return value
    return False


def _new_layer_args(rewrite: _Rewrite, layer: cst.Call, config: Config) -> list[cst.Arg]:
    args = list(layer.args)
    positional = [a for a in args if a.keyword is None]
    if any(a.star for a in args):
        raise VariantError("the layer call must not use * or ** arguments")
    if len(positional) > 3:
        # The 4th positional parameter is nonlinearity for nn.RNN but bias for GRU/LSTM.
        raise VariantError("pass the layer's settings after num_layers as keywords")
    for arg in args:
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword in _ONLY_FOR and _ONLY_FOR[keyword] != config.kind:
            raise VariantError(f"{keyword}= exists only for nn.{_ONLY_FOR[keyword]}")
    settings = {
        "num_layers": config.num_layers,
        "batch_first": config.batch_first,
        "bidirectional": config.bidirectional,
    }
    for name, value in settings.items():
        index = next(
            (i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == name),
            None,
        )
        if index is None and name == "num_layers" and len(positional) == 3:
            index = args.index(positional[2])
        if index is None:
            args.append(cst.Arg(value=_literal(value), keyword=cst.Name(name), equal=_NO_SPACE))
        elif isinstance(args[index].value, cst.Name) and _bool_literal(args[index].value) is None:
            rewrite.set_value(args[index].value, value)  # rewritten where the name is bound
        else:
            args[index] = args[index].with_changes(value=_literal(value))
    return args


def make_variant(source: str, config: Config) -> str:
    """The example rewritten for `config`; `VariantError` if it lacks the expected shape."""
    return _make_variant(source, config)


@lru_cache(maxsize=1024)
def _make_variant(source: str, config: Config) -> str:
    if config.kind not in KINDS:
        raise VariantError(f"unknown kind {config.kind!r}")
    kind = str(config.kind)
    module = cst.parse_module(source)
    survey = _Survey()
    module.visit(survey)
    if len(survey.layers) != 1:
        raise VariantError(f"expected one nn.RNN/GRU/LSTM call, found {len(survey.layers)}")
    if len(survey.inputs) != 1:
        raise VariantError(f"expected one `x = torch.randn(...)`, found {len(survey.inputs)}")
    layer, x_call = survey.layers[0], survey.inputs[0]
    rewrite = _Rewrite(survey)
    was_batch_first = _original_batch_first(rewrite, layer)
    if config.batch_first != was_batch_first and survey.packing:
        raise VariantError(
            f"the example calls {survey.packing[0]}, which the rewrite leaves alone: "
            "its proof must keep batch_first as written"
        )

    func = layer.func
    if isinstance(func, cst.Name):
        func = func.with_changes(value=kind)
    else:
        assert isinstance(func, cst.Attribute)
        func = func.with_changes(attr=func.attr.with_changes(value=kind))
    new_args = _new_layer_args(rewrite, layer, config)
    rewrite.replacements[id(layer)] = layer.with_changes(func=func, args=new_args)

    if config.batch_first != was_batch_first:
        sizes = [a for a in x_call.args if a.keyword is None and not a.star]
        if len(sizes) < 2:
            raise VariantError("x = torch.randn(...) needs its sizes as positional arguments")
        swapped = [
            a.with_changes(value=sizes[1].value)
            if a is sizes[0]
            else a.with_changes(value=sizes[0].value)
            if a is sizes[1]
            else a
            for a in x_call.args
        ]
        rewrite.replacements[id(x_call)] = x_call.with_changes(args=swapped)

    return module.visit(_Replace(rewrite.replacements)).code
