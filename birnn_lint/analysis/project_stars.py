"""Star imports of the project's own modules, followed through the project index.

`from utils import *` where `utils.py` does `import torch.nn as nn`, `from torch import
nn` or `from torch.nn import LSTM` brings torch's names: the file then builds layers
without ever writing `torch`. The names are followed through the project's modules
(their own star imports too, `a -> b -> torch.nn`, bounded by the index's depth); a
module outside the project, or one that cannot be read, may bind anything: unknown.

The index is made only when a file has such a star import (rare), and each answer is
kept: the common file pays nothing.
"""

from __future__ import annotations

from pathlib import Path

from birnn_lint.analysis.names import TORCH_STAR_EXPORTS, ImportedName, Resolution
from birnn_lint.project import ProjectIndex, Symbol, SymbolKind


class ProjectStars:
    """A `StarReader` (see names.py) for one file of a project."""

    def __init__(self, path: Path, source: str | None = None) -> None:
        self.path = path
        self.source = source
        self._index: ProjectIndex | None = None
        self._memo: dict[tuple[ImportedName, str], Resolution | None] = {}

    @property
    def index(self) -> ProjectIndex:
        if self._index is None:
            self._index = ProjectIndex.for_file(self.path, self.source)
        return self._index

    def through(self, star: ImportedName, name: str) -> Resolution | None:
        key = (star, name)
        if key not in self._memo:
            self._memo[key] = self._through(star, name)
        return self._memo[key]

    def _through(self, star: ImportedName, name: str) -> Resolution | None:
        index = self.index
        ref = index.resolve_module(self.path, star.module, star.level)
        if ref is None:
            return None  # outside the project (or a relative import leading nowhere)
        if ref.path is None:
            return Resolution()  # a namespace package: its star import binds nothing
        summary = index.summary(ref.path)
        if summary is None:
            return None  # unreadable: it may bind anything
        exported = index.exported_names(ref.path)
        if name in exported:
            symbol = index.resolve_name(ref.path, name)
            if symbol is not None:
                return _of_symbol(symbol)
        elif summary.all_names is not None:
            return Resolution()  # a literal `__all__` that does not list it
        # Names the module's own star imports of modules outside the project bring
        # (`from torch.nn import *` in utils): torch's are listed, others are unknown.
        found = Resolution()
        for module in index.external_star_imports(ref.path):
            exports = TORCH_STAR_EXPORTS.get(module)
            if exports is None:
                return None
            if name in exports:
                found = found | Resolution(frozenset({f"{module}.{name}"}))
        if not found.targets and name in exported:
            return None  # exported, but not followed to where it is bound
        return found


def _of_symbol(symbol: Symbol) -> Resolution:
    """What a name found in another module of the project is, for this file's resolver:
    something of torch (or outside the project) by its qualified name; a class, function
    or module of the project by its own (never torch's); a value is not followed."""
    if symbol.kind is SymbolKind.ASSIGNMENT:
        return Resolution(opaque=True)
    return Resolution(frozenset({symbol.qualified_name}))
