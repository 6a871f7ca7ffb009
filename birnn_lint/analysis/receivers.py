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
        if type(inner) is cst.Call:
            yield inner


def calls_a_parameter(function: cst.FunctionDef) -> bool:
    names = _parameters(function)
    return any(type(c.func) is cst.Name and c.func.value in names for c in _calls(function))


def calls_a_stored_parameter(klass: cst.ClassDef) -> bool:
    methods = [s for s in klass.body.body if type(s) is cst.FunctionDef]
    init = next((m for m in methods if m.name.value == "__init__"), None)
    if init is None:
        return False
    received = _parameters(init)
    stored: set[str] = set()
    for node in walk(init):
        if type(node) is cst.Assign and type(node.value) is cst.Name:
            if node.value.value not in received:
                continue
            for target in node.targets:
                owner = target.target
                if type(owner) is cst.Attribute and type(owner.value) is cst.Name:
                    stored.add(owner.attr.value)
    for method in methods:
        if _passes_a_state(method):
            return True
    if not stored:
        return False
    for method in methods:
        for call in _calls(method):
            func = call.func
            if type(func) is cst.Attribute and func.attr.value in stored:
                return True  # `self.encoder(x)`
            if (
                type(func) is cst.Attribute
                and type(func.value) is cst.Attribute
                and func.value.attr.value in stored
            ):
                return True  # `self.encoder.forward(x)`
    return False


def _passes_a_state(method: cst.FunctionDef) -> bool:
    """`self.rnn(x, hidden)` with `hidden` a parameter: the initial state comes from the
    callers (often built by another method, `init_hidden`, and handed back)."""
    names = _parameters(method)
    for call in _calls(method):
        if type(call.func) is cst.Attribute and len(call.args) >= 2:
            second = call.args[1].value
            if type(second) is cst.Name and second.value in names:
                return True
    return False
