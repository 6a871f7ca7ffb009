"""Facts that depend on a parsed module alone, built once per module object.

A module parsed once in a process (`run._parse` keeps trees by text) is read by several
analyses: the file checked, and the same file read for the classes another file
imports or as an importer of another. Its scopes and its index do not change with the
analysis that asks: they are kept here, for the most recent modules, by identity.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

import libcst as cst

T = TypeVar("T")


class PerModule(Generic[T]):
    """`build(module)`, remembered for the `size` modules asked for most recently."""

    def __init__(self, build: Callable[[cst.Module], T], size: int = 64) -> None:
        self._build = build
        self._size = size
        # By id; the module is kept too, so that its id cannot be reused while here.
        self._kept: OrderedDict[int, tuple[cst.Module, T]] = OrderedDict()

    def __call__(self, module: cst.Module) -> T:
        key = id(module)
        kept = self._kept.get(key)
        if kept is not None and kept[0] is module:
            self._kept.move_to_end(key)
            return kept[1]
        built = self._build(module)
        self._kept[key] = (module, built)
        if len(self._kept) > self._size:
            self._kept.popitem(last=False)
        return built
