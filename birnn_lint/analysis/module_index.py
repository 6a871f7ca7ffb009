"""Where a module's functions, classes and constructor calls are: read once per module."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from birnn_lint.analysis.layers import children, code
from birnn_lint.analysis.per_module import PerModule

# The node types `_index_module` records (none has a subclass).
_INDEXED = frozenset({cst.FunctionDef, cst.ClassDef, cst.Call, cst.Assign, cst.AnnAssign})


@dataclass(frozen=True)
class ModuleIndex:
    """Each function's class, each constructor call's scope and binding, and the
    module's own classes and functions by name."""

    scopes: dict[cst.CSTNode, tuple[cst.FunctionDef | None, cst.ClassDef | None]]
    classes: dict[str, list[cst.ClassDef]]
    functions: dict[str, list[cst.FunctionDef]]
    binding_names: dict[cst.Call, str]


def _index_module(module: cst.Module) -> ModuleIndex:
    index = ModuleIndex({}, {}, {}, {})
    for stmt in module.body:
        if type(stmt) is cst.ClassDef:
            index.classes.setdefault(stmt.name.value, []).append(stmt)
        elif type(stmt) is cst.FunctionDef:
            index.functions.setdefault(stmt.name.value, []).append(stmt)
    stack: list[tuple[cst.CSTNode, cst.FunctionDef | None, cst.ClassDef | None]] = [
        (module, None, None)
    ]
    while stack:
        current, fn, kl = stack.pop()
        if type(current) not in _INDEXED:  # most nodes; exact types are fast to test
            stack.extend((child, fn, kl) for child in children(current))
            continue
        if type(current) is cst.FunctionDef:
            index.scopes[current] = (current, kl)
            fn = current
        elif type(current) is cst.ClassDef:
            kl, fn = current, None
        elif type(current) is cst.Call:
            index.scopes[current] = (fn, kl)  # where its arguments' names resolve
        elif isinstance(current, (cst.Assign, cst.AnnAssign)):
            value = current.value
            targets = (
                [t.target for t in current.targets]
                if isinstance(current, cst.Assign)
                else [current.target]
            )
            if type(value) is cst.Call and len(targets) == 1:
                index.binding_names[value] = code(targets[0])
        stack.extend((child, fn, kl) for child in children(current))
    return index


module_index = PerModule(_index_module)
