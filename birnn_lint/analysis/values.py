"""Abstract values the interpreter tracks: recurrent layers and what their calls return."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import libcst as cst

from birnn_lint.analysis.context import ROOT, CallContext
from birnn_lint.layout import Layout, Size
from birnn_lint.strenum import StrEnum


@dataclass(frozen=True)
class Setting:
    """One constructor setting: its literal value when known, the source text that set
    it, and whether it is configurable (a parameter, an attribute, **kwargs...)."""

    value: object = None
    text: str = ""
    configurable: bool = False
    # Expressions (as source text) that carry this setting elsewhere in the code.
    carriers: frozenset[str] = frozenset()
    # False for a setting nothing in the call names (`nn.LSTM(i, h, **kwargs)`): unknown,
    # and no evidence that the code expects either value.
    mentioned: bool = True

    @property
    def known(self) -> bool:
        return not self.configurable


class LayerKind(StrEnum):
    RNN = "RNN"
    GRU = "GRU"
    LSTM = "LSTM"


@dataclass(eq=False)
class LayerInfo:
    """One constructor call of a recurrent layer and the settings read from it. Compared
    by identity: two calls with the same settings are two layers."""

    ident: int
    # The layer's class: one kind, or (a class chosen at run time, layers of a
    # container) the kinds the code can reach.
    kinds: frozenset[LayerKind]
    name: str  # how the code refers to it: "self.encoder", "rnn"
    num_layers: Setting
    hidden_size: Setting
    batch_first: Setting
    bidirectional: Setting
    proj_size: Setting
    node: cst.Call = field(repr=False)

    # Sizes stay symbolic even when the setting is a literal, so that `num_layers` and a
    # `2` that happens to equal it are told apart; `known_values` maps them back.
    @property
    def layers_size(self) -> Size:
        if self.num_layers.known and self.num_layers.value == 1:
            return Size(1)  # a single layer is structurally special: its factor vanishes
        return Size.of(f"L#{self.ident}")

    @property
    def hidden(self) -> Size:
        return Size.of(f"H#{self.ident}")

    @property
    def state_hidden(self) -> Size:
        """h_n's last size: proj_size when a projection is set, else hidden_size."""
        if self.proj_size.known and self.proj_size.value in (0, None):
            return self.hidden
        return Size.of(f"P#{self.ident}")

    def known_values(self) -> dict[str, int]:
        out = {}
        for symbol, setting in (
            (f"L#{self.ident}", self.num_layers),
            (f"H#{self.ident}", self.hidden_size),
            (f"P#{self.ident}", self.proj_size),
        ):
            if (
                setting.known
                and isinstance(setting.value, int)
                and not isinstance(setting.value, bool)
            ):
                out[symbol] = setting.value
        return out

    def numeric(self, size: Size) -> int | None:
        """The size as a number when every symbol in it is a known setting."""
        known = self.known_values()
        value = size.coef
        for symbol in size.syms:
            if symbol not in known:
                return None
            value *= known[symbol]
        return value

    def literal_size(self, value: int, directions: int) -> Size:
        """What a literal written in a size position most likely denotes: the setting it
        equals when exactly one does (and it is not also the direction count)."""
        if value == 1:
            return Size(1)  # a unit size is structural, never a setting
        known = self.known_values()
        matches = [s for s, v in known.items() if v == value]
        if len(matches) == 1 and not (directions == 2 and value == 2):
            return Size.of(matches[0])
        if not matches and directions == 2:
            # `32` for a bidirectional layer of hidden size 16: both directions' features.
            doubled = [s for s, v in known.items() if v > 1 and 2 * v == value]
            if len(doubled) == 1 and doubled[0].startswith(("H#", "P#")):
                return Size(2) * Size.of(doubled[0])
        return Size(value)

    def show(self, size: Size) -> str:
        """A size as the code spells it: `num_layers * 2`, or a number when known."""
        number = self.numeric(size)
        if number is not None:
            return str(number)
        texts = {
            f"L#{self.ident}": self.num_layers.text,
            f"H#{self.ident}": self.hidden_size.text,
            f"P#{self.ident}": self.proj_size.text,
        }
        parts = [texts.get(s, s.split("#")[0]) for s in size.syms]
        if size.coef != 1:
            parts.append(str(size.coef))
        return " * ".join(parts)

    @property
    def kind(self) -> LayerKind | None:
        """The layer's kind when it has exactly one."""
        return next(iter(self.kinds)) if len(self.kinds) == 1 else None

    def may_be_bidirectional(self) -> bool:
        """Whether a direction rule may assume two directions: the setting is True, or
        configurable by something the code names (not merely `**kwargs`)."""
        setting = self.bidirectional
        return setting.value is True or (setting.configurable and setting.mentioned)

    def is_batch_first(self) -> bool | None:
        if self.batch_first.configurable:
            return None
        return bool(self.batch_first.value)

    def describe(self, directions: int) -> str:
        parts: list[str] = [" or ".join(sorted(k.value for k in self.kinds))]
        if directions == 2:
            parts.append(
                "bidirectional" if self.bidirectional.known else "bidirectional configurable"
            )
        else:
            parts.append("unidirectional")
        nl = self.num_layers
        parts.append(f"num_layers={nl.value if nl.known else nl.text or 'configurable'}")
        if self.batch_first.known and self.batch_first.value:
            parts.append("batch_first=True")
        elif self.batch_first.configurable:
            parts.append("batch_first configurable")
        return f"`{self.name}` ({', '.join(parts)})"

    def when(self, directions: int) -> str:
        """The condition under which a bidirectional claim holds, for messages."""
        if directions == 2 and self.bidirectional.configurable:
            return " when bidirectional=True"
        return ""


class Role(StrEnum):
    """What a tracked tensor is: the layer's output, or one of its final states."""

    OUTPUT = "output"
    STATE_H = "h_n"
    STATE_C = "c_n"


OUTPUT = Role.OUTPUT
STATE_H = Role.STATE_H
STATE_C = Role.STATE_C


class TupleTag(StrEnum):
    """Tuples whose items the analysis knows by position."""

    PLAIN = ""
    LSTM_STATE = "lstm-state"  # (h_n, c_n)
    RESULT = "result"  # (output, state)
    PADDED = "padded"  # pad_packed_sequence's (output, lengths)


@dataclass(frozen=True, eq=False)
class Opaque:
    """A value the analysis does not model, with an identity: two names bound to the
    same Opaque hold the same object, so `x.size(1)` read in a callee whose parameter
    received the caller's `x` is the same size as the caller's."""

    ident: int
    # Axes known to be 1 (`emb.unsqueeze(0)`, `x.view(1, B, -1)`): a layer's input with
    # one time step or one sample.
    units: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Tensor:
    layer: LayerInfo
    role: Role
    layout: Layout
    directions: int
    padded: bool = False  # from pad_packed_sequence
    # The value pad_packed_sequence's lengths were bound to, and the name it was bound
    # to there (a fix may use the name only while it still holds that value).
    lengths: tuple[str, Opaque] | None = None
    # Identities of held-back findings on this value (see `Env.pending`).
    pending: frozenset[int] = frozenset()

    def derive(self, layout: Layout, keep_pending: bool = True) -> Tensor:
        return replace(self, layout=layout, pending=self.pending if keep_pending else frozenset())

    def with_pending(self, pending: frozenset[int]) -> Tensor:
        return replace(self, pending=pending)


@dataclass(frozen=True)
class TupleValue:
    items: tuple[Value, ...]
    tag: TupleTag = TupleTag.PLAIN
    layer: LayerInfo | None = None


@dataclass(frozen=True)
class EitherState:
    """The final state of a layer that is an LSTM or another kind, chosen at run time:
    `(h_n, c_n)` for the LSTM, `h_n` for the rest. `isinstance(state, tuple)` tells them
    apart; anything else read from it means different things for different members."""

    tensor: Tensor
    lstm: TupleValue


@dataclass(frozen=True)
class LayerRef:
    layer: LayerInfo


@dataclass(frozen=True)
class LayerClass:
    """`nn.GRU` itself (not a layer): a class the code may construct later, or any of
    several (`nn.GRU if c else nn.LSTM`, a registry dict, `getattr(nn, name)`)."""

    kinds: frozenset[LayerKind]
    # Only guessed (`getattr(nn, name)`): a call must name a recurrent setting.
    guessed: bool = False


@dataclass(frozen=True)
class DictValue:
    """A dict literal whose values the analysis knows (a registry of layer classes)."""

    items: tuple[tuple[object, Value], ...]

    def any_value(self) -> Value:
        """The value of an unknown key: a layer class when every value is one (layers:
        see `layer_sets.any_layer`)."""
        values = [v for _, v in self.items]
        if values and all(isinstance(v, LayerClass) for v in values):
            kinds: frozenset[LayerKind] = frozenset()
            for v in values:
                assert isinstance(v, LayerClass)
                kinds |= v.kinds
            return LayerClass(kinds)
        return UNKNOWN


@dataclass(frozen=True)
class LayerList:
    """An `nn.ModuleList`, `nn.Sequential` or list of recurrent layers."""

    layers: tuple[LayerInfo, ...]


@dataclass(frozen=True, eq=False)
class ModuleClass:
    """A class defined in the analysed code (an `nn.Module` subclass, usually), and the
    facts of the file that defines it (None: the file being checked)."""

    node: cst.ClassDef
    file: object = field(default=None, compare=False)


@dataclass(frozen=True)
class Instance:
    """An object of a class defined in the analysed code: calling it runs `forward`.
    `attributes`: the `self.*` values its `__init__` left, run with the arguments this
    object was built with (empty: built with unknown arguments)."""

    klass: ModuleClass
    attributes: tuple[tuple[str, Value], ...] = ()


@dataclass(frozen=True)
class ShapeKeeper:
    """A module that returns a tensor of its input's layout: `nn.Dropout`,
    `nn.LayerNorm` over the features, activations, `nn.Identity`."""


@dataclass(frozen=True)
class PackedValue:
    """A PackedSequence: made by pack_padded_sequence, or a layer's packed output."""

    output_of: LayerInfo | None = None
    directions: int = 1


@dataclass(frozen=True)
class SizeValue:
    size: Size
    node: cst.CSTNode | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DirectionCount:
    """`2 if bidirectional else 1` (or `int(bidirectional) + 1`) for these layers."""

    layers: tuple[LayerInfo, ...]


@dataclass(frozen=True)
class DirectionFlag:
    """A copy of these layers' direction setting whose value is not known (`bi =
    self.rnn.bidirectional`, a helper's parameter passed `self.bidirectional`): a test
    of it is a test of theirs."""

    layers: tuple[LayerInfo, ...]


@dataclass(frozen=True)
class ShapeValue:
    """`t.shape` / `t.size()` of a tracked tensor or of a layer's input."""

    sizes: tuple[Size | None, ...]


@dataclass(frozen=True)
class AxisRead:
    """`x.size(k)` / `x.shape[k]`: which object's axis a size was read from."""

    owner: Opaque
    axis: int
    axis_node: cst.Integer = field(compare=False)


@dataclass(frozen=True)
class NewTensor:
    """A tensor built by torch.zeros/ones/randn/empty/full or `.new_zeros(...)`."""

    node: cst.Call = field(compare=False)
    size_nodes: tuple[cst.BaseExpression, ...] = field(compare=False)
    sizes: tuple[Size | None, ...]
    reads: tuple[AxisRead | None, ...]
    fill: str  # "zeros", "randn", ...
    # The statement that built it: a fix's edits stay inside it.
    statement: cst.CSTNode | None = field(default=None, compare=False)
    # The calls through which the analysis reached the code that built it.
    origin: CallContext = ROOT
    # Its identity as an object (its sizes can be read: `x.size(0)`).
    obj: Opaque | None = None


@dataclass(frozen=True)
class ConstValue:
    """A literal that is not a size: `True`, `False`, `None`, a string (an argument a
    layer's setting may be given, `Encoder(bidirectional=False)`)."""

    value: bool | str | None


@dataclass(frozen=True)
class LocalDef:
    """A function defined inside the body being interpreted (a closure): called in that
    body (`scope`), it runs with the body's bindings, as Python's closures read them at
    the call. Called anywhere else (returned, passed on), it is not followed: the names
    it reads are then the defining body's, which the caller's environment does not hold."""

    ident: int
    node: cst.FunctionDef = field(compare=False)
    scope: cst.CSTNode = field(compare=False)


@dataclass(frozen=True)
class LoopIndex:
    """`k` of `for k in range(n)` (a loop or a comprehension): `count` is the size n
    denotes, read before any layer is known (see SizeReader.for_layer)."""

    ident: int
    count: Size


class Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()

Value = (
    Tensor
    | TupleValue
    | EitherState
    | LayerRef
    | PackedValue
    | SizeValue
    | DirectionCount
    | DirectionFlag
    | ShapeValue
    | NewTensor
    | Opaque
    | LayerClass
    | DictValue
    | LayerList
    | ModuleClass
    | Instance
    | ShapeKeeper
    | ConstValue
    | LoopIndex
    | LocalDef
    | Unknown
)
