"""Whether a file imports, from a module of its project, a model that builds a layer.

A file that never names RNN, GRU or LSTM can still use one: `from model import Encoder`,
then `encoder(x)[1][-1]`. The pre-selection lets such a file through only when a name
it imports (`from m import a, b`) is a top-level class or function of a project module
whose own lines build a layer. It reads the import statements' text (no parse of the
importing file) and, for each imported name, that definition's lines in the module: a
byte test, then a parse of those lines alone, cached by path, content and name. Not
seen here: `import m` then `m.Encoder(...)`, and a class whose base class (not the class
itself) builds the layer.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from birnn_lint.prefilter import LAYER_WORD_TEXT, constructs_a_layer
from birnn_lint.project import dependencies
from birnn_lint.project.index import ProjectIndex

# `from .models.rnn import (` / `from model import Encoder` / `import models.rnn as r`
_FROM = re.compile(rb"[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)")
_NAME = re.compile(r"[A-Za-z_]\w*")
# `import models.rnn as r, utils` (not in a `from` line).
_IMPORT = re.compile(rb"[ \t]*import[ \t]+([\w.,]+(?:[ \t]+[\w.,]+)*)[ \t]*(?:#|$)", re.M)


class Imported(NamedTuple):
    """One imported module: `from m import a, b` lists its names; for `import m as x`
    the names the file reads as `x.NAME` are found only when asked (`names`):
    most such modules are third parties' and need no search of the whole file."""

    module: str
    level: int
    listed: list[str] | None
    local: str

    def names(self, data: bytes) -> list[str]:
        if self.listed is not None:
            return self.listed
        pattern = re.compile(rb"\b" + re.escape(self.local.encode()) + rb"\.(\w+)")
        return sorted({m.decode() for m in pattern.findall(data)})


def imports_project_layers(path: Path, data: bytes) -> bool:
    """True when `path` (with content `data`) imports by name, from a module of its
    project, a class or function whose own code builds a recurrent layer."""
    if b"import" not in data:
        return False
    index: ProjectIndex | None = None  # found only for a file with a candidate import
    for imported in imported_names(data):
        module, level = imported.module, imported.level
        if level == 0 and module.split(".", 1)[0] == "torch":
            continue  # torch's own modules: the analysis reads torch's names as torch's
        if index is None:
            index = ProjectIndex.for_file(path)
            # The package's name, read per folder (files of a folder share it). torch's
            # own modules import torch's, the standard library's and third parties':
            # no model of a project.
            package = index.module_name(path.parent) or path.stem
            if package.split(".", 1)[0] == "torch":
                return False
        target = index.module_path(path, module, level) if module or level else None
        if target is None:
            continue
        names = imported.names(data)
        # `from m import *` (no names): any builder of the module may be used.
        if any(_builds(index, target, name) for name in names) or (
            not names and _any_builder(index, target)
        ):
            dependencies.note(target)
            return True
    return False


def _any_builder(index: ProjectIndex, target: Path) -> bool:
    text = index.source(target)
    if text is None:
        return False
    return any(_builds(index, target, name) for name in _top_level_definitions(text))


def imported_names(data: bytes) -> Iterator[Imported]:
    """Each `from m import names` statement's module, level and names, and each
    `import m` (`import m as x`), whose names are those the file reads from it
    (`m.Encoder`, `x.build`). Found from each occurrence of `import` (a fast byte
    search), the line around it read, in the order of the file (a reader that stops
    at the first module it can decide on reads no further)."""
    position = data.find(b"import")
    previous = -1
    while position != -1:
        start = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        match = _FROM.match(data, start, len(data) if end == -1 else end)
        plain = (
            None
            if match is not None
            else _IMPORT.match(data, start, len(data) if end == -1 else end)
        )
        if plain is not None and start != previous:
            previous = start
            yield from _modules(plain.group(1))
        if match is not None and start != previous:  # `import` twice on one line
            previous = start
            names = match.group(3)
            if names.startswith(b"(") and b")" not in names:
                close = data.find(b")", match.end())
                names = data[match.start(3) : close if close != -1 else len(data)]
            module = match.group(2).decode("ascii", "replace")
            words = _NAME.findall(names.decode("ascii", "replace"))
            listed = [w for w in words if w != "as"]
            yield Imported(module, len(match.group(1)), listed, "")
        position = data.find(b"import", position + 6)


def _modules(clause: bytes) -> list[Imported]:
    """For `import a.b, c as d`: "a.b" read as `a.b`, "c" read as `d`. torch's modules
    and the standard library's are left out."""
    out: list[Imported] = []
    for part in clause.decode("ascii", "replace").split(","):
        words = part.split()
        if not words or not all(w.replace(".", "").isidentifier() for w in words[::2]):
            continue
        module = words[0]
        local = words[2] if len(words) == 3 and words[1] == "as" else module
        top = module.split(".", 1)[0]
        if top == "torch" or top in sys.stdlib_module_names:
            continue
        out.append(Imported(module, 0, None, local))
    return out


def _builds(index: ProjectIndex, target: Path, name: str) -> bool:
    """Whether the top-level class or function `name` of `target` builds a layer."""
    text = index.source(target)
    if text is None:
        return False
    key = (target, hash(text))
    definitions = _definitions.get(key)
    if definitions is None:
        definitions = _definitions[key] = _top_level_definitions(text)
    start = definitions.get(name)
    if start is None:
        return False
    if (key, name) not in _verdicts:
        _verdicts[key, name] = _block_builds(text, start)
    return _verdicts[key, name]


def _top_level_definitions(text: str) -> dict[str, int]:
    """Where each top-level class or function starts, in a module that may build a
    layer at all (none in the others)."""
    if "RNN" not in text and "GRU" not in text and "LSTM" not in text:
        return {}
    return {m.group(1): m.start() for m in _DEFINITION.finditer(text)}


def _block_builds(text: str, start: int) -> bool:
    """A byte test of the definition's lines, then a parse of those lines alone."""
    end = _NEXT_TOP.search(text, text.find("\n", start) + 1 or len(text))
    block = text[start : end.start() if end is not None else len(text)]
    if not LAYER_WORD_TEXT.search(block):
        return False
    try:
        return constructs_a_layer(ast.parse(block))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


_definitions: dict[tuple[Path, int], dict[str, int]] = {}
_verdicts: dict[tuple[tuple[Path, int], str], bool] = {}
_DEFINITION = re.compile(r"^(?:class|def|async[ \t]+def)[ \t]+(\w+)", re.M)
# A line that starts a new top-level statement (not blank, not indented, not a comment,
# not a closing bracket of a signature that spans lines).
_NEXT_TOP = re.compile(r"^(?=[^\s#)\]}])", re.M)
