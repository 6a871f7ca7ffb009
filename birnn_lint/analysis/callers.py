"""The file's classes and functions as other files of the project use them.

A class that stores what its constructor receives (`self.encoder = encoder`) and calls
it (`self.encoder(x)`), or a function that calls a parameter (`encoder(x)`), only
shows what it works on where it is used. When the file has one, the top level of each
project file that imports from it is interpreted (following its calls into this file);
what the rules report on this file's code there is this file's finding, named with the
calls that brought the values ("in `forward`, called from `main` from `train.py`").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import libcst as cst

from birnn_lint.analysis.env import Env
from birnn_lint.analysis.file_state import FileState
from birnn_lint.analysis.layers import walk
from birnn_lint.project.importers import importers_of

# A module imported by more files than this is a library to them: not followed back.
MAX_IMPORTERS = 8


def uses_what_it_receives(state: FileState) -> bool:
    """Whether a top-level class calls what its `__init__` stores from a parameter or
    hands a parameter to a layer as its initial state, or a top-level function calls a
    parameter."""
    for node in state.module.body:
        if isinstance(node, cst.FunctionDef) and _calls_a_parameter(node):
            return True
        if isinstance(node, cst.ClassDef) and _calls_a_stored_parameter(node):
            return True
    return False


def _parameters(function: cst.FunctionDef) -> set[str]:
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    return {p.name.value for p in every}


def _calls(node: cst.CSTNode) -> Iterator[cst.Call]:
    for inner in walk(node):
        if isinstance(inner, cst.Call):
            yield inner


def _calls_a_parameter(function: cst.FunctionDef) -> bool:
    names = _parameters(function)
    return any(isinstance(c.func, cst.Name) and c.func.value in names for c in _calls(function))


def _calls_a_stored_parameter(klass: cst.ClassDef) -> bool:
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


def analyse_importers(
    state: FileState,
    path: Path,
    load: Callable[[Path], FileState | None],
    top_level: Callable[[FileState], Env],
) -> list[tuple[Path, BaseException]]:
    """Interpret the top level of each project file importing from `path`; settle what
    they reached in this file. Returns the failures (file, error)."""
    failures: list[tuple[Path, BaseException]] = []
    importers = importers_of(path)
    if len(importers) > MAX_IMPORTERS:
        return failures  # a library module: its users hand it all sorts of values
    for importer, _names in importers:
        other = load(importer)
        if other is None or other is state:
            continue
        try:
            env = top_level(other)
        except RecursionError:
            continue
        except Exception as error:  # noqa: BLE001 - another file's flow must not stop ours
            failures.append((importer, error))
            continue
        state.settle(env)
    return failures
