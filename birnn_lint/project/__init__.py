"""The project-level part of the analysis: finding a file's project, the module an
import reaches, what each module exports, and what a name finally is across files.

It depends on nothing in `birnn_lint.analysis` (the interpreter queries it, not the
reverse) and never imports torch.
"""

from birnn_lint.project.index import MAX_DEPTH, ProjectIndex
from birnn_lint.project.modules import ModuleRef
from birnn_lint.project.roots import find_project_root, search_roots, source_roots
from birnn_lint.project.store import SummaryStore
from birnn_lint.project.summary import (
    AssignmentInfo,
    ClassInfo,
    FunctionInfo,
    ImportInfo,
    ModuleSummary,
    StarImport,
    parse_summary,
    summarize,
)
from birnn_lint.project.symbols import StarBinding, Symbol, SymbolKind

__all__ = [
    "MAX_DEPTH",
    "AssignmentInfo",
    "ClassInfo",
    "FunctionInfo",
    "ImportInfo",
    "ModuleRef",
    "ModuleSummary",
    "ProjectIndex",
    "StarBinding",
    "StarImport",
    "SummaryStore",
    "Symbol",
    "SymbolKind",
    "find_project_root",
    "parse_summary",
    "search_roots",
    "source_roots",
    "summarize",
]
