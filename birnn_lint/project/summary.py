"""What a module binds at its top level, read with the stdlib `ast` (CPython's parser is
about ten times faster than libcst's, and nothing here needs the concrete syntax).

A summary depends on the text alone, so it is cached by a hash of the text: the same
content at two paths, or a file read again unchanged, is parsed once per process.
"""

from __future__ import annotations

import ast
import gc
import hashlib
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol


@dataclass(frozen=True)
class ClassInfo:
    name: str
    bases: tuple[str, ...]  # each base as dotted text (`nn.Module`); other forms unparsed
    line: int
    end_line: int


@dataclass(frozen=True)
class FunctionInfo:
    name: str
    line: int
    end_line: int
    is_async: bool


@dataclass(frozen=True)
class AssignmentInfo:
    name: str
    # The value's dotted text when it is a name or an attribute chain (`nn.LSTM`) or a
    # call of one (then `is_call`); None for any other value or an unpacking.
    value: str | None
    is_call: bool
    line: int
    end_line: int


@dataclass(frozen=True)
class ImportInfo:
    local: str  # the name bound in this module
    module: str  # as written after `from` / `import`, without the dots ("" for `from .`)
    name: str | None  # the imported name for `from m import name`; None for `import m`
    level: int  # leading dots of a relative import
    line: int


@dataclass(frozen=True)
class StarImport:
    module: str
    level: int
    line: int


if sys.version_info >= (3, 11):
    _TRY: tuple[type[ast.Try] | type[ast.TryStar], ...] = (ast.Try, ast.TryStar)
else:  # pragma: no cover - Python 3.10 only
    _TRY = (ast.Try,)

Binding = ClassInfo | FunctionInfo | AssignmentInfo | ImportInfo


@dataclass(frozen=True)
class ModuleSummary:
    bindings: Mapping[str, Binding]  # the binding each top-level name ends up with
    star_imports: tuple[StarImport, ...]
    all_names: tuple[str, ...] | None  # a literal `__all__`, else None
    # Names this module's own statements bind to torch: local -> qualified torch name
    # (`nn` -> `torch.nn`, `LSTM` -> `torch.nn.LSTM`, `F` -> `torch.nn.functional`).
    torch_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def classes(self) -> dict[str, ClassInfo]:
        return {n: b for n, b in self.bindings.items() if isinstance(b, ClassInfo)}

    @property
    def functions(self) -> dict[str, FunctionInfo]:
        return {n: b for n, b in self.bindings.items() if isinstance(b, FunctionInfo)}

    @property
    def assignments(self) -> dict[str, AssignmentInfo]:
        return {n: b for n, b in self.bindings.items() if isinstance(b, AssignmentInfo)}

    @property
    def imports(self) -> dict[str, ImportInfo]:
        return {n: b for n, b in self.bindings.items() if isinstance(b, ImportInfo)}


def dotted(node: ast.expr) -> str | None:
    """`a.b.c` for a name or an attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _base_text(node: ast.expr) -> str:
    text = dotted(node.value if isinstance(node, ast.Subscript) else node)
    return text if text is not None else ast.unparse(node)


class _Collector:
    """Walks the top level, including the bodies of `if` / `try` / `with` (a module's
    conditional imports bind module names too). Later statements win, except that an
    alternative (`else`, `except` handler) never replaces what its main branch bound:
    `try: from fast import X` / `except ImportError: X = None` keeps the import."""

    def __init__(self, stub: bool) -> None:
        self.stub = stub
        self.bindings: dict[str, Binding] = {}
        self.stars: list[StarImport] = []
        self.all_names: list[str] | None = None

    def bind(self, binding: Binding, alternative: bool) -> None:
        name = binding.name if not isinstance(binding, ImportInfo) else binding.local
        if alternative and name in self.bindings:
            return
        self.bindings[name] = binding

    def block(self, body: Iterable[ast.stmt], alternative: bool) -> None:
        for statement in body:
            self.statement(statement, alternative)

    def statement(self, node: ast.stmt, alternative: bool) -> None:
        if isinstance(node, ast.ClassDef):
            bases = tuple(_base_text(base) for base in node.bases)
            end = node.end_lineno or node.lineno
            self.bind(ClassInfo(node.name, bases, node.lineno, end), alternative)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            end = node.end_lineno or node.lineno
            is_async = isinstance(node, ast.AsyncFunctionDef)
            self.bind(FunctionInfo(node.name, node.lineno, end, is_async), alternative)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    info = ImportInfo(alias.asname, alias.name, None, 0, node.lineno)
                else:  # `import a.b` binds `a`
                    top = alias.name.split(".", 1)[0]
                    info = ImportInfo(top, top, None, 0, node.lineno)
                self.bind(info, alternative)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            for alias in node.names:
                if alias.name == "*":
                    self.stars.append(StarImport(module, node.level, node.lineno))
                    continue
                local = alias.asname or alias.name
                info = ImportInfo(local, module, alias.name, node.level, node.lineno)
                self.bind(info, alternative)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            self.assignment(node, alternative)
        elif isinstance(node, ast.AugAssign):
            self.augmented(node)
        elif isinstance(node, ast.If):
            self.block(node.body, alternative)
            self.block(node.orelse, True)
        elif isinstance(node, _TRY):
            self.block(node.body, alternative)
            for handler in node.handlers:
                self.block(handler.body, True)
            self.block(node.orelse, alternative)
            self.block(node.finalbody, alternative)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self.block(node.body, alternative)

    def assignment(self, node: ast.Assign | ast.AnnAssign, alternative: bool) -> None:
        value = node.value
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if value is None:  # a bare annotation binds nothing, except in a stub
            target = targets[0]
            if self.stub and isinstance(target, ast.Name):
                end = node.end_lineno or node.lineno
                info = AssignmentInfo(target.id, None, False, node.lineno, end)
                self.bind(info, alternative)
            return
        text, is_call = dotted(value), False
        if text is None and isinstance(value, ast.Call):
            text = dotted(value.func)
            is_call = text is not None
        end = node.end_lineno or node.lineno
        for target in targets:
            names = _target_names(target)
            single = isinstance(target, ast.Name)
            for name in names:
                if name == "__all__":
                    self.all_names = _string_list(value)
                info = AssignmentInfo(
                    name, text if single else None, is_call and single, node.lineno, end
                )
                self.bind(info, alternative)

    def augmented(self, node: ast.AugAssign) -> None:
        # `__all__ += [...]` / `__all__ += sub.__all__` (the latter is not followed).
        if isinstance(node.target, ast.Name) and node.target.id == "__all__":
            extra = _string_list(node.value)
            if self.all_names is not None and extra is not None:
                self.all_names = [*self.all_names, *extra]


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _string_list(node: ast.expr) -> list[str] | None:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    out = []
    for element in node.elts:
        if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
            return None
        out.append(element.value)
    return out


def _torch_names(bindings: Mapping[str, Binding]) -> dict[str, str]:
    """The names bound to torch by this module's own imports and aliases of them."""
    names: dict[str, str] = {}
    ordered = sorted(bindings.values(), key=lambda b: b.line)
    for binding in ordered:
        if isinstance(binding, ImportInfo) and binding.level == 0:
            root = binding.module.split(".", 1)[0]
            if root != "torch":
                continue
            if binding.name is None:
                names[binding.local] = binding.module
            else:
                names[binding.local] = f"{binding.module}.{binding.name}"
        elif isinstance(binding, AssignmentInfo) and binding.value and not binding.is_call:
            head, _, rest = binding.value.partition(".")
            if head in names:
                names[binding.name] = names[head] + (f".{rest}" if rest else "")
    return names


def parse_summary(text: str, stub: bool = False) -> ModuleSummary | None:
    """The summary of a module's text (`stub`: of a `.pyi`, where `name: type` declares
    a name); None when it does not parse."""
    # Parsing allocates node after node, and the garbage collector's passes would walk
    # the growing tree again and again (a fifth of the time on torch's source). A tree
    # holds no cycles: reference counting frees it without the collector.
    collecting = gc.isenabled()
    gc.disable()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    finally:
        if collecting:
            gc.enable()
    collector = _Collector(stub)
    collector.block(tree.body, False)
    bindings = collector.bindings
    all_names = tuple(collector.all_names) if collector.all_names is not None else None
    return ModuleSummary(
        bindings=MappingProxyType(bindings),
        star_imports=tuple(collector.stars),
        all_names=all_names,
        torch_names=MappingProxyType(_torch_names(bindings)),
    )


_CACHE_LIMIT = 8192
_by_content: dict[str, ModuleSummary | None] = {}


class Missing:
    """A store's answer when it has no entry (None is an entry: "does not parse")."""


MISSING = Missing()


class SummaryStorage(Protocol):
    """Somewhere summaries outlive the process (see `store.SummaryStore`)."""

    def get(self, key: str) -> ModuleSummary | None | Missing: ...

    def put(self, key: str, summary: ModuleSummary | None) -> None: ...


def content_key(text: str, stub: bool = False) -> str:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16)
    return digest.hexdigest() + ("i" if stub else "")


def summarize(
    text: str, stub: bool = False, store: SummaryStorage | None = None
) -> ModuleSummary | None:
    """`parse_summary`, cached in memory by the text's hash (oldest entries dropped) and,
    with a `store`, on disk."""
    key = content_key(text, stub)
    if key in _by_content:
        return _by_content[key]
    stored = store.get(key) if store is not None else MISSING
    if isinstance(stored, Missing):
        summary = parse_summary(text, stub)
        if store is not None:
            store.put(key, summary)
    else:
        summary = stored
    if len(_by_content) >= _CACHE_LIMIT:
        del _by_content[next(iter(_by_content))]
    _by_content[key] = summary
    return summary
