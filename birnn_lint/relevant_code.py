"""The part of a file the analysis reads: the top-level classes and functions connected
to a recurrent layer; the lines of the others are blanked before libcst parses the file.

A big file (test utilities, a model zoo) often builds a layer in one class among a
hundred that never touch one. libcst's parse costs in proportion to the text and every
function is a root of the analysis; deciding what to blank costs one walk of the tree
the built-in parser already made for the pre-selection.

Kept, so that the findings are those of the whole file:
- every statement that is not a top-level `def` or `class` (imports, assignments, the
  module's own code): cheap, and the module-level analysis reads them in order;
- seeds: statements (imports aside) whose text names a layer or a layer's setting
  (`LSTM`, `bidirectional`, `num_layers`, ...) or uses a name imported from a
  module the analysis may follow into, and those that bind a name another file of the
  project imports (its importers hand it values, `analysis/callers.py`);
- every top-level statement that shares a module-level name (one a top-level statement
  binds, or one declared `global`) with a kept one, transitively: that is the only way a
  value travels between top-level statements of a file. A statement's names are read
  from its text (every identifier-like word, in code, strings and comments alike: more
  than it uses, never fewer), which is several times faster than walking its tree.
No position moves: a blanked line keeps its line break and the kept lines are the file's
own, so findings, fixes and `noqa` comments refer to the file as it is.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from birnn_lint.project.importers import MAX_IMPORTERS, importers_of
from birnn_lint.project.index import ProjectIndex
from birnn_lint.project.layer_imports import Imported, imported_names

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
    if "\r" in source.replace("\r\n", ""):
        return source  # a lone carriage return: lines counted otherwise than by "\n"
    body = tree.body
    lines = source.split("\n")
    texts = [_text(lines, statement) for statement in body]
    words = [set(_WORD.findall(text)) for text in texts]
    module_names = set().union(*(_bound(s) for s in body))
    for match in _GLOBAL.finditer(source):
        module_names.update(_WORD.findall(match.group(1)))
    triggers = _followed_imports(source, path)
    if triggers is None:
        return source  # a star import of a module the analysis follows
    seeds = {
        i
        for i, statement in enumerate(body)
        if type(statement) is not ast.Import
        and type(statement) is not ast.ImportFrom
        and (_SEED_WORDS.search(texts[i]) or words[i] & triggers)
    }
    shared = [w & module_names for w in words]
    kept = _connected(seeds, shared)
    if _blanked_lines(body, kept) < MIN_BLANKED_LINES:
        return source
    imported = _imported_by_importers(path)
    if imported is None:
        return source  # a file that star-imports this one may use any of it
    if imported:
        kept = _connected(seeds | {i for i, s in enumerate(body) if _bound(s) & imported}, shared)
    blanked = [s for i, s in enumerate(body) if type(s) in _DEFINITIONS and i not in kept]
    return _blank(lines, blanked) if blanked else source


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


def _followed_imports(source: str, path: Path | None) -> set[str] | None:
    """The names bound by imports the analysis may follow into a project module (not
    torch's: the analysis reads those as torch's), and those of imports naming a layer
    class (`from torch.nn import LSTM as Cell`: `Cell`). None when a module the analysis
    follows is star-imported. Read from the import statements' text, as the
    pre-selection does: every word of an imported list counts (`a as b`: both)."""
    index = ProjectIndex.for_file(path) if path is not None else None
    triggers: set[str] = set()
    data = source.encode("utf-8", "surrogatepass")
    for imported in imported_names(data):
        listed = imported.listed
        if listed is not None and any(_LAYER_WORD.search(name) for name in listed):
            triggers.update(listed)
        if index is None or path is None or not _followed(index, path, imported):
            continue
        if listed is not None and not listed:
            return None  # `from m import *`
        triggers.update(listed if listed is not None else [imported.local.split(".")[0]])
    return triggers


def _followed(index: ProjectIndex, path: Path, imported: Imported) -> bool:
    module, level = imported.module, imported.level
    if level == 0 and (module == "torch" or module.startswith("torch.")):
        return False
    ref = index.resolve_module(path, module, level)
    if ref is None:
        return False
    name = ref.name or (index.module_name(ref.path) if ref.path is not None else "")
    return not (name == "torch" or name.startswith("torch."))


def _imported_by_importers(path: Path | None) -> set[str] | None:
    """The names other files of the project import from this one (None: one of them
    star-imports it)."""
    if path is None:
        return set()
    entries = importers_of(path)
    if len(entries) > MAX_IMPORTERS:
        return set()  # a library module: the analysis does not follow its users back
    names: set[str] = set()
    for _importer, imported in entries:
        if not imported:
            return None
        names.update(imported)
    return names


def _blank(lines: list[str], statements: list[ast.stmt]) -> str:
    lines = list(lines)
    for statement in statements:
        for row in range(_first_line(statement) - 1, statement.end_lineno or statement.lineno):
            lines[row] = "\r" if lines[row].endswith("\r") else ""
    return "\n".join(lines)
