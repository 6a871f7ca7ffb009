"""Layers that stand for several: a class chosen at run time, the members of a container,
a layer received from outside. Settings that differ between members are configurable."""

from __future__ import annotations

import libcst as cst

from birnn_lint.analysis.values import DictValue, LayerInfo, LayerKind, LayerRef, Setting, Value

ALL_KINDS = frozenset(LayerKind)
# Merged layers by the idents of their members, so that a loop reaches a fixpoint; and
# idents for them that no constructor call uses. Cleared for each file.
_MERGED: dict[frozenset[int], LayerInfo] = {}
_FIRST_IDENT = 100_000


def clear() -> None:
    _MERGED.clear()


def merged_layers() -> list[LayerInfo]:
    """The layers standing for several made so far in this file."""
    return list(_MERGED.values())


def with_merged(layers: tuple[LayerInfo, ...]) -> tuple[LayerInfo, ...]:
    """`layers` and the layers standing for several of them only (a guard on what all
    members share holds for the member chosen at run time too)."""
    idents = {layer.ident for layer in layers}
    extra = [
        merged for members, merged in _MERGED.items() if members <= idents and merged not in layers
    ]
    return layers + tuple(extra)


def _merge_setting(a: Setting, b: Setting) -> Setting:
    if a == b:
        return a
    if a.known and b.known and a.value == b.value:
        return a
    return Setting(
        None,
        a.text if a.text == b.text else f"{a.text} or {b.text}",
        True,
        a.carriers & b.carriers,
        a.mentioned or b.mentioned,
    )


def merged_layer(layers: list[LayerInfo]) -> LayerInfo:
    """One layer standing for `layers`: their kinds, and each setting theirs if they
    agree, else configurable."""
    members: list[LayerInfo] = []
    for layer in layers:
        if layer not in members:
            members.append(layer)
    if len(members) == 1:
        return members[0]
    key = frozenset(m.ident for m in members)
    if key not in _MERGED:
        first = members[0]
        merged = first
        for other in members[1:]:
            merged = LayerInfo(
                ident=_FIRST_IDENT + len(_MERGED),
                kinds=merged.kinds | other.kinds,
                name=merged.name if merged.name == other.name else f"{merged.name} or {other.name}",
                num_layers=_merge_setting(merged.num_layers, other.num_layers),
                hidden_size=_merge_setting(merged.hidden_size, other.hidden_size),
                batch_first=_merge_setting(merged.batch_first, other.batch_first),
                bidirectional=_merge_setting(merged.bidirectional, other.bidirectional),
                proj_size=_merge_setting(merged.proj_size, other.proj_size),
                node=first.node,
            )
        _MERGED[key] = merged
    return _MERGED[key]


def external_layer(
    kinds: frozenset[LayerKind], name: str, node: cst.CSTNode, ident: int
) -> LayerInfo:
    """A layer the code receives (a parameter annotated `nn.LSTM`): every setting
    configurable, and nothing yet says it may be bidirectional."""
    unknown = Setting(None, name, True, frozenset(), mentioned=False)
    call = node if type(node) is cst.Call else cst.Call(cst.Name(name))
    return LayerInfo(
        ident=ident,
        kinds=kinds,
        name=name,
        num_layers=Setting(None, f"{name}.num_layers", True, frozenset({f"{name}.num_layers"})),
        hidden_size=Setting(None, f"{name}.hidden_size", True, frozenset({f"{name}.hidden_size"})),
        batch_first=unknown,
        bidirectional=Setting(
            None, f"{name}.bidirectional", True, frozenset({f"{name}.bidirectional"}), False
        ),
        proj_size=Setting(0, "0") if LayerKind.LSTM not in kinds else unknown,
        node=call,
    )


def any_entry(registry: DictValue) -> Value:
    """The value of an unknown key of a dict: a layer class when every value is one, a
    layer of several kinds when every value is a layer (`nn.ModuleDict`)."""
    values = [v for _, v in registry.items]
    if values and all(isinstance(v, LayerRef) for v in values):
        return LayerRef(merged_layer([v.layer for v in values if isinstance(v, LayerRef)]))
    return registry.any_value()
