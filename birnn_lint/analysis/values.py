"""Abstract values the interpreter tracks: recurrent layers and what their calls return."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from birnn_lint.layout import Layout, Size

# Roles of tracked tensors.
OUTPUT = "output"
STATE_H = "h_n"
STATE_C = "c_n"


@dataclass(frozen=True)
class Setting:
    """One constructor setting: its literal value when known, the source text that set
    it, and whether it is configurable (a parameter, an attribute, **kwargs...)."""

    value: object = None
    text: str = ""
    configurable: bool = False
    # Expressions (as source text) that carry this setting elsewhere in the code.
    carriers: frozenset[str] = frozenset()

    @property
    def known(self) -> bool:
        return not self.configurable


@dataclass
class LayerInfo:
    ident: int
    kind: str  # "RNN" | "GRU" | "LSTM"
    name: str  # how the code refers to it: "self.encoder", "rnn"
    num_layers: Setting
    hidden_size: Setting
    batch_first: Setting
    bidirectional: Setting
    proj_size: Setting
    node: cst.Call

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
        matches = [s for s, v in self.known_values().items() if v == value]
        if len(matches) == 1 and not (directions == 2 and value == 2):
            return Size.of(matches[0])
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

    def may_be_bidirectional(self) -> bool:
        return self.bidirectional.configurable or self.bidirectional.value is True

    def is_batch_first(self) -> bool | None:
        if self.batch_first.configurable:
            return None
        return bool(self.batch_first.value)

    def describe(self, directions: int) -> str:
        parts = [self.kind]
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


@dataclass
class Pending:
    """A finding held back until the value it is attached to is used: cancelled if every
    use is one that makes the value right (a forward half taken, the other direction
    joined on), reported otherwise."""

    report: object  # birnn_lint.analysis.events.Report
    used: bool = False
    cancelled: bool = False


@dataclass
class Tensor:
    layer: LayerInfo
    role: str
    layout: Layout
    directions: int
    padded: bool = False  # from pad_packed_sequence
    lengths_name: str | None = None  # the name pad_packed_sequence's lengths were bound to
    pending: list[Pending] = field(default_factory=list)

    def derive(self, layout: Layout, keep_pending: bool = True) -> Tensor:
        return Tensor(
            self.layer,
            self.role,
            layout,
            self.directions,
            self.padded,
            self.lengths_name,
            list(self.pending) if keep_pending else [],
        )


@dataclass
class TupleValue:
    items: list[Value]
    # "lstm-state" for (h_n, c_n); "result" for (output, state); "" otherwise.
    tag: str = ""
    layer: LayerInfo | None = None


@dataclass
class LayerRef:
    layer: LayerInfo


@dataclass
class PackedValue:
    """A PackedSequence: made by pack_padded_sequence, or a layer's packed output."""

    output_of: LayerInfo | None = None
    directions: int = 1


@dataclass
class SizeValue:
    size: Size
    node: cst.CSTNode | None = None


@dataclass
class ShapeValue:
    """`t.shape` / `t.size()` of a tracked tensor or of a layer's input."""

    sizes: list[Size | None]


@dataclass
class NewTensor:
    """A tensor built by torch.zeros/ones/randn/empty/full or `.new_zeros(...)`."""

    node: cst.Call
    size_nodes: list[cst.BaseExpression]
    sizes: list[Size | None]
    # Per size: (name, version of its binding, axis, the axis literal) for `x.size(k)` /
    # `x.shape[k]`, so that a rule can tell which axis of the layer's input was read.
    reads: list[tuple[str, int, int, cst.Integer] | None]
    fill: str  # "zeros", "randn", ...
    # The statement that built it: a fix's edits stay inside it.
    statement: cst.CSTNode | None = None


class Unknown:
    pass


UNKNOWN = Unknown()

Value = Tensor | TupleValue | LayerRef | PackedValue | SizeValue | ShapeValue | NewTensor | Unknown
