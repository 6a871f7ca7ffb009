"""The part of a file the analysis reads: the top-level classes and functions connected
to a recurrent layer; the lines of the others are blanked before libcst parses the file.

A big file (test utilities, a model zoo) often builds a layer in one class among a
hundred that never touch one. libcst's parse costs in proportion to the text and every
function is a root of the analysis; deciding what to blank costs a few scans of the text
and of the tree the built-in parser already made for the pre-selection.

Kept, so that a file whose whole text has findings has some here too:
- every statement that is not a top-level `def` or `class` (imports, assignments, the
  module's own code): cheap, and the module-level analysis reads them in order;
- seeds: statements whose text names a layer or a layer's setting (`LSTM`,
  `bidirectional`, `num_layers`, ...) or a name bound by an import (in any scope) of a
  module the analysis may follow into;
- every top-level statement that shares a module-level name (one a top-level statement
  binds, or one declared `global`) with a kept one, transitively: that is the only way a
  value travels between top-level statements of a file. A statement's names are read
  from its text (every identifier-like word, in code, strings and comments alike: more
  than it uses, never fewer), which is several times faster than walking its tree.
Nothing is blanked in a file another project file imports (the analysis then runs the
importers' code into it, `analysis/callers.py`), in a file that does not import torch at
the top level (its bare `nn` is torch's only if some code reads torch, `names.py`), nor
in one read from standard input (its imports are not followed here).
No position moves: a blanked line keeps its line break and the kept lines are the file's
own. Where this analysis finds anything, the engine analyses the whole text again and
reports that (`engine._analyze`): fixes choose fresh names and import places from the
whole module, and a whole-file budget or limit may end differently.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from birnn_lint.project.importers import importers_of
from birnn_lint.project.index import ProjectIndex
from birnn_lint.project.symbols import is_torch

# A statement naming one of these may hold or read a layer (or its results) by itself. A
# class only guessed to be recurrent (`getattr(nn, name)`, a registry looked up by a
# helper) makes a layer only in a call that names a recurrent setting
# (`analysis/calls.py`, `_looks_recurrent`): those settings are among these words.
_SEED_WORDS = re.compile(
    r"RNN|GRU|LSTM|bidirectional|num_layers|num_directions|batch_first|hidden_size|"
    r"pack_padded|pad_packed|PackedSequence"
)
_LAYER_WORD = re.compile(r"RNN|GRU|LSTM")
_WORD = re.compile(r"[A-Za-z_]\w*")
_GLOBAL = re.compile(r"\b(?:global|nonlocal)[ \t]+(\w+(?:[ \t]*,[ \t]*\w+)*)")
# Blanking fewer lines than this saves less than finding the importers may cost.
MIN_BLANKED_LINES = 150
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def relevant_text(source: str, tree: ast.Module, path: Path | None) -> str:
    """`source` with the lines of the top-level definitions the analysis cannot need
    blanked (the text itself where there are too few to be worth it)."""
    body = tree.body
    if path is None or not body:
        return source
    if "\r" in source.replace("\r\n", ""):
        return source  # a lone carriage return: lines counted otherwise than by "\n"
    lines = source.split("\n")
    texts = [_text(lines, statement) for statement in body]
    words = [set(_WORD.findall(text)) for text in texts]
    module_names = set().union(*(_bound(s) for s in body))
    for match in _GLOBAL.finditer(source):
        module_names.update(_WORD.findall(match.group(1)))
    shared = [w & module_names for w in words]
    code = [i for i, s in enumerate(body) if not isinstance(s, (ast.Import, ast.ImportFrom))]
    seeds = {i for i in code if _SEED_WORDS.search(texts[i])}
    # Imports only add seeds: too little to blank without them, too little with them.
    if _blanked_lines(body, _connected(seeds, shared)) < MIN_BLANKED_LINES:
        return source
    if not any(_imports_torch(s) for s in body if not isinstance(s, _DEFINITIONS)):
        return source
    triggers = _followed_imports(tree, path)
    if triggers is None or importers_of(path):
        return source  # a followed module star-imported, or a file others import
    seeds |= {i for i in code if words[i] & triggers}
    kept = _connected(seeds, shared)
    if _blanked_lines(body, kept) < MIN_BLANKED_LINES:
        return source
    blanked = [s for i, s in enumerate(body) if type(s) in _DEFINITIONS and i not in kept]
    return _blank(lines, blanked)


def _imports_torch(statement: ast.stmt) -> bool:
    return any(
        (type(node) is ast.Import and any(is_torch(a.name) for a in node.names))
        or (type(node) is ast.ImportFrom and not node.level and is_torch(node.module or ""))
        for node in ast.walk(statement)
    )


def _text(lines: list[str], statement: ast.stmt) -> str:
    return "\n".join(lines[_first_line(statement) - 1 : statement.end_lineno])


def _first_line(statement: ast.stmt) -> int:
    if isinstance(statement, _DEFINITIONS):
        return min([statement.lineno, *(d.lineno for d in statement.decorator_list)])
    return statement.lineno


def _bound(statement: ast.stmt) -> set[str]:
    """The names a top-level statement binds (not an import's: those are other modules'
    values, shared by many statements that need not share anything else)."""
    if isinstance(statement, _DEFINITIONS):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return set()
    names: set[str] = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, _DEFINITIONS):
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name is not None:
            names.add(node.name)
    return names


def _connected(seeds: set[int], shared: list[set[str]]) -> set[int]:
    """The statements reached from `seeds` through shared module-level names."""
    by_name: dict[str, list[int]] = {}
    for i, names in enumerate(shared):
        for name in names:
            by_name.setdefault(name, []).append(i)
    kept = set(seeds)
    stack = list(seeds)
    seen: set[str] = set()
    while stack:
        for name in shared[stack.pop()] - seen:
            seen.add(name)
            for j in by_name[name]:
                if j not in kept:
                    kept.add(j)
                    stack.append(j)
    return kept


def _blanked_lines(body: list[ast.stmt], kept: set[int]) -> int:
    return sum(
        (s.end_lineno or s.lineno) - _first_line(s) + 1
        for i, s in enumerate(body)
        if type(s) in _DEFINITIONS and i not in kept
    )


def _followed_imports(tree: ast.Module, path: Path) -> set[str] | None:
    """The names bound by the imports (in any scope) the analysis may follow into a
    project module (not torch's: the analysis reads those as torch's), and those of
    imported layer classes (`from torch.nn import LSTM as Cell`: `Cell`). None when a
    module the analysis follows is star-imported."""
    index = ProjectIndex.for_file(path)
    triggers: set[str] = set()
    for node in ast.walk(tree):
        if type(node) is ast.ImportFrom:
            assert isinstance(node, ast.ImportFrom)
            module, level = node.module or "", node.level
        elif type(node) is ast.Import:
            assert isinstance(node, ast.Import)
            module, level = "", 0
        else:
            continue
        for alias in node.names:
            local = alias.asname or alias.name.split(".", 1)[0]
            if _LAYER_WORD.search(alias.name):
                triggers.add(local)
            target = alias.name if type(node) is ast.Import else module
            if not _followed(index, path, target, level):
                continue
            if alias.name == "*":
                return None
            triggers.add(local)
    return triggers


def _followed(index: ProjectIndex, path: Path, module: str, level: int) -> bool:
    if level == 0 and is_torch(module):
        return False
    ref = index.resolve_module(path, module, level)
    if ref is None:
        return False
    name = ref.name or (index.module_name(ref.path) if ref.path is not None else "")
    return not is_torch(name)


def _blank(lines: list[str], statements: list[ast.stmt]) -> str:
    lines = list(lines)
    for statement in statements:
        for row in range(_first_line(statement) - 1, statement.end_lineno or statement.lineno):
            lines[row] = "\r" if lines[row].endswith("\r") else ""
    return "\n".join(lines)
