"""Whether a file that names no layer is handed one by the files that import it.

`decoder_greedy.py` defines `GreedySearchDecoder(encoder, decoder)`, stores both and
calls `self.encoder(...)`, and reads `encoder_hidden[:self.decoder.n_layers]`; it never
names a layer: `cb.py` builds the encoder and hands it over. Such a file is analysed
(its code as its importers use it, see `analysis/callers.py`) when it calls what it
receives and a project file importing from it reaches a layer (builds one, or imports
a project model that does). Cheap tests first: the word `torch`, then the importers
among the project's files that mention a layer (a map built once per project), then a
parse of this file alone.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from birnn_lint.prefilter import (
    TORCH_WORD,
    constructs_a_layer,
    may_contain_findings,
    names_a_layer_in_code,
)
from birnn_lint.project import dependencies
from birnn_lint.project.importers import MAX_IMPORTERS, layer_importers_of
from birnn_lint.project.layer_imports import imports_project_layers


def handed_layers(path: Path, data: bytes) -> bool:
    """True when `path` calls what it receives and an importer of it reaches a layer."""
    if TORCH_WORD not in data or b"import" not in data:
        return False
    importers = layer_importers_of(path)
    if not importers or len(importers) > MAX_IMPORTERS:
        return False
    reaching = [importer for importer, _ in importers if _reaches_layers(importer)]
    if not reaching:
        return False
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    if not calls_what_it_receives(tree):
        return False
    for importer in reaching:
        dependencies.note(importer)
    return True


_reaching: dict[tuple[Path, float], bool] = {}


def _reaches_layers(path: Path) -> bool:
    """Whether a file builds a layer or imports a project model that does (cached by
    path and modification time)."""
    try:
        stamp = os.stat(path).st_mtime
        key = (path, stamp)
        if key not in _reaching:
            data = path.read_bytes()
            _reaching[key] = _builds(data) or imports_project_layers(path, data)
        return _reaching[key]
    except OSError:
        return False


def _builds(data: bytes) -> bool:
    if not (may_contain_findings(data) and names_a_layer_in_code(data)):
        return False
    try:
        return constructs_a_layer(ast.parse(data))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def calls_what_it_receives(tree: ast.Module) -> bool:
    """A top-level function that calls one of its parameters, or a top-level class whose
    `__init__` stores a parameter in `self.x` and that calls `self.x(...)`."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = _parameters(node)
            if any(_called_name(call) in names for call in _calls(node)):
                return True
        elif isinstance(node, ast.ClassDef) and _calls_stored(node):
            return True
    return False


def _calls_stored(klass: ast.ClassDef) -> bool:
    stored: set[str] = set()
    for item in klass.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            params = _parameters(item)
            for node in ast.walk(item):
                if (
                    isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in params
                ):
                    stored.update(
                        t.attr
                        for t in node.targets
                        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                    )
    if not stored:
        return False
    for call in _calls(klass):
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.attr in stored
        ):
            return True
    return False


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return {a.arg for a in every}


def _calls(node: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call)]


def _called_name(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else None
