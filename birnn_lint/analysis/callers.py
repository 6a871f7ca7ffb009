"""The file's classes and functions as other files of the project use them.

A class that stores what its constructor receives (`self.encoder = encoder`) and calls
it (`self.encoder(x)`), or a function that calls a parameter (`encoder(x)`), only
shows what it works on where it is used. When the file has one, the top level of each
project file that imports from it is interpreted (following its calls into this file);
what the rules report on this file's code there is this file's finding, named with the
calls that brought the values ("in `forward`, called from `main` from `train.py`").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import libcst as cst

from birnn_lint.analysis.env import Env
from birnn_lint.analysis.file_state import FileState
from birnn_lint.analysis.receivers import calls_a_parameter, calls_a_stored_parameter
from birnn_lint.project.importers import MAX_IMPORTERS, importers_of


def uses_what_it_receives(state: FileState) -> bool:
    """Whether a top-level class calls what its `__init__` stores from a parameter or
    hands a parameter to a layer as its initial state, or a top-level function calls a
    parameter."""
    for node in state.module.body:
        if type(node) is cst.FunctionDef and calls_a_parameter(node):
            return True
        if type(node) is cst.ClassDef and calls_a_stored_parameter(node):
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
