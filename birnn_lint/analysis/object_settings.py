"""A layer's settings as one object has them.

`self.rnn = nn.GRU(h, h, n_layers, bidirectional=bidirectional)` reads its settings from
the constructor's parameters: configurable for the class, but fixed for an object built
as `Encoder(256, 2, bidirectional=False)` (or with the defaults). Where the analysis runs
code reached from such a construction (a call with its arguments bound), the layer it
builds gets the values those parameters hold there: a layer of its own, with the same
constructor call, the same carriers, and those settings known.
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from birnn_lint.analysis.values import (
    ConstValue,
    LayerInfo,
    Setting,
    SizeValue,
    Value,
)

# Keyword of each setting the object may fix, and its position where every recurrent
# class has it at the same place (num_layers is third: RNN, GRU and LSTM alike).
_SETTINGS = (("num_layers", 2), ("bidirectional", None), ("batch_first", None))

_BOUND: dict[tuple[int, tuple[tuple[str, object], ...]], LayerInfo] = {}
_IDENTS = iter(range(200_000, 10**9))


def clear() -> None:
    _BOUND.clear()


def argument(call: cst.Call, keyword: str, position: int | None) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if position is None:
        return None
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if any(a.star for a in call.args[: len(positional)]):
        return None
    return positional[position].value if position < len(positional) else None


def known(value: Value | None, keyword: str) -> object | None:
    """The setting `value` gives, when it is a literal of the setting's type."""
    if keyword == "num_layers":
        if isinstance(value, SizeValue) and value.size.known is not None:
            return value.size.known if value.size.known > 0 else None
        return None
    if isinstance(value, ConstValue) and isinstance(value.value, bool):
        return value.value
    return None


def bind(layer: LayerInfo, values: dict[str, object]) -> LayerInfo:
    """`layer` with the settings in `values` fixed (one layer per distinct binding)."""
    if not values:
        return layer
    key = (layer.ident, tuple(sorted(values.items())))
    if key not in _BOUND:
        changes: dict[str, Setting] = {}
        for name, value in values.items():
            setting: Setting = getattr(layer, name)
            changes[name] = replace(setting, value=value, configurable=False, mentioned=True)
        _BOUND[key] = replace(layer, ident=next(_IDENTS), **changes)  # type: ignore[arg-type]
    return _BOUND[key]


def settable(layer: LayerInfo) -> list[tuple[str, int | None]]:
    """The settings of `layer` an object may fix: configurable, and named in the call."""
    return [
        (keyword, position)
        for keyword, position in _SETTINGS
        if getattr(layer, keyword).configurable and getattr(layer, keyword).mentioned
    ]
