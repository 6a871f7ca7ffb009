"""The interpreter's environment: what each name holds, and how branches merge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from birnn_lint.analysis.values import UNKNOWN, LayerRef, Tensor, Value


@dataclass
class Env:
    values: dict[str, Value] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    # Layers whose direction count a branch guard fixed.
    directions: dict[int, int] = field(default_factory=dict)
    # Placeholder symbols of `x.size(k)` resolved once `x` is known to be a layer input.
    dim_alias: dict[str, str] = field(default_factory=dict)

    def copy(self) -> Env:
        return Env(
            dict(self.values),
            dict(self.versions),
            dict(self.directions),
            dict(self.dim_alias),
        )

    def assign(self, name: str, value: Value) -> None:
        self.values[name] = value
        self.versions[name] = self.versions.get(name, 0) + 1


def _merge_value(a: Value | None, b: Value | None) -> Value:
    if a is b and a is not None:
        return a
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        if a.layer is b.layer and a.role == b.role and a.layout == b.layout:
            return b
    if isinstance(a, LayerRef) and isinstance(b, LayerRef) and a.layer is b.layer:
        return a
    return UNKNOWN


def merge(envs: Sequence[Env]) -> Env:
    live_envs = [e for e in envs if e is not None]
    out = live_envs[0].copy()
    for other in live_envs[1:]:
        for name in set(out.values) | set(other.values):
            out.values[name] = _merge_value(out.values.get(name), other.values.get(name))
            out.versions[name] = max(out.versions.get(name, 0), other.versions.get(name, 0))
        for ident in set(out.directions) | set(other.directions):
            if out.directions.get(ident) != other.directions.get(ident):
                out.directions.pop(ident, None)
        out.dim_alias.update(other.dim_alias)
    return out
