"""What a class or function does with what it receives (read from its code alone):
whether it calls a parameter, or what its constructor stores from one."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from birnn_lint.analysis.layers import walk


def _parameters(function: cst.FunctionDef) -> set[str]:
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    return {p.name.value for p in every}


def _calls(node: cst.CSTNode) -> Iterator[cst.Call]:
    for inner in walk(node):
        if isinstance(inner, cst.Call):
            yield inner


def calls_a_parameter(function: cst.FunctionDef) -> bool:
    names = _parameters(function)
    return any(isinstance(c.func, cst.Name) and c.func.value in names for c in _calls(function))


def calls_a_stored_parameter(klass: cst.ClassDef) -> bool:
    methods = [s for s in klass.body.body if isinstance(s, cst.FunctionDef)]
    init = next((m for m in methods if m.name.value == "__init__"), None)
    if init is None:
        return False
    received = _parameters(init)
    stored: set[str] = set()
    for node in walk(init):
        if isinstance(node, cst.Assign) and isinstance(node.value, cst.Name):
            if node.value.value not in received:
                continue
            for target in node.targets:
                owner = target.target
                if isinstance(owner, cst.Attribute) and isinstance(owner.value, cst.Name):
                    stored.add(owner.attr.value)
    for method in methods:
        if _passes_a_state(method):
            return True
    if not stored:
        return False
    for method in methods:
        for call in _calls(method):
            func = call.func
            if isinstance(func, cst.Attribute) and func.attr.value in stored:
                return True  # `self.encoder(x)`
            if (
                isinstance(func, cst.Attribute)
                and isinstance(func.value, cst.Attribute)
                and func.value.attr.value in stored
            ):
                return True  # `self.encoder.forward(x)`
    return False


def _passes_a_state(method: cst.FunctionDef) -> bool:
    """`self.rnn(x, hidden)` with `hidden` a parameter: the initial state comes from the
    callers (often built by another method, `init_hidden`, and handed back)."""
    names = _parameters(method)
    for call in _calls(method):
        if isinstance(call.func, cst.Attribute) and len(call.args) >= 2:
            second = call.args[1].value
            if isinstance(second, cst.Name) and second.value in names:
                return True
    return False
