"""The project index: which file an import reaches and what a name finally is, across
the files of a project, read lazily (a module is read only when a resolution reaches it)
and summarised once per content.

Resolution follows imports, re-exports through packages' `__init__.py`, star imports
(`__all__` when it is a literal, else every public name, imported ones included) and
simple aliases (`Encoder = RNNEncoder`), with a bound on depth and a guard on cycles: a
name that cannot be followed to its end resolves to None, never to an error.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from birnn_lint.project.modules import ModuleFinder, ModuleRef
from birnn_lint.project.roots import (
    dotted_module_name,
    find_project_root,
    search_roots,
    source_roots,
)
from birnn_lint.project.summary import (
    AssignmentInfo,
    Binding,
    ClassInfo,
    FunctionInfo,
    ImportInfo,
    ModuleSummary,
    StarImport,
    SummaryStorage,
    summarize,
)
from birnn_lint.project.symbols import StarBinding, Symbol, SymbolKind
from birnn_lint.project.sys_path import sys_path_additions
from birnn_lint.source_io import SourceReadError, read_source

# Hops one resolution may take (imports, re-exports, aliases, stars): far more than real
# code needs, few enough that a pathological chain stays cheap.
MAX_DEPTH = 64

_Seen = set[tuple[Path, str]]


def _abspath(path: Path | str) -> Path:
    # Paths made here are already absolute and normal: skip pathlib's costly rebuild.
    if isinstance(path, Path) and path.is_absolute() and ".." not in path.parts:
        return path
    return Path(os.path.abspath(path))


def _external(name: str) -> Symbol:
    return Symbol(SymbolKind.EXTERNAL, name, None, "", 0, 0)


def _stat(path: Path) -> tuple[int, ...] | None:
    try:
        result = os.stat(path)
    except OSError:
        return None
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino)


class ProjectIndex:
    """One project's modules. Shared by every file of the project that a run checks
    (`for_file`); a snapshot: call `invalidate` when files change under a long-lived
    process (an editor), `set_text` for an unsaved buffer."""

    _registry: ClassVar[dict[Path, ProjectIndex]] = {}
    _roots_of_folders: ClassVar[dict[Path, Path]] = {}
    # What `find_project_root` read of the folders above them (as long as the roots).
    _marked_folders: ClassVar[dict[Path, Path | None]] = {}

    # Where indexes made by `for_file` keep summaries across processes (`configure`).
    _store: ClassVar[SummaryStorage | None] = None

    def __init__(
        self,
        root: Path,
        roots: Sequence[Path] | None = None,
        store: SummaryStorage | None = None,
    ) -> None:
        self.root = _abspath(root)
        self.store = store
        self.source_roots: tuple[Path, ...] = (
            tuple(_abspath(r) for r in roots) if roots else source_roots(self.root)
        )
        self.files_read = 0  # how many files came from disk (laziness is observable)
        self._finder = ModuleFinder()
        self._overlay: dict[Path, str] = {}
        self._sources: dict[Path, str | None] = {}
        self._stats: dict[Path, tuple[int, ...] | None] = {}  # as each file was read
        self._summaries: dict[Path, ModuleSummary | None] = {}
        self._search: dict[Path, tuple[Path, ...]] = {}
        # Per file: the folders it adds to `sys.path` (front, back).
        self._edits: dict[Path, tuple[tuple[Path, ...], tuple[Path, ...]]] = {}
        self._module_names: dict[Path, str] = {}
        self._memo: dict[tuple[Path, str, bool], Symbol | None] = {}
        self._exports: dict[Path, frozenset[str]] = {}
        self._module_refs: dict[Symbol, ModuleRef] = {}
        self._modules: dict[tuple[Path, str, int], ModuleRef | None] = {}
        self._stars: dict[Path, dict[str, StarBinding]] = {}
        self._ancestors: dict[Symbol, tuple[Symbol, ...]] = {}

    # --- construction ---------------------------------------------------------------

    @classmethod
    def for_file(cls, path: Path | str, text: str | None = None) -> ProjectIndex:
        """The index of the project `path` belongs to (created on first use, then shared
        by the process); `text`, when given, is that file's content in place of the
        disk's (an unsaved editor buffer; the file need not exist)."""
        path = _abspath(path)
        root = cls._roots_of_folders.get(path.parent)
        if root is None:
            root = cls._roots_of_folders[path.parent] = find_project_root(path, cls._marked_folders)
        index = cls._registry.get(root)
        if index is None:
            index = cls._registry[root] = cls(root, store=cls._store)
        if text is not None:
            index.set_text(path, text)
        return index

    @classmethod
    def configure(cls, store: SummaryStorage | None) -> None:
        """Keep summaries in `store` (e.g. `SummaryStore(cache_root)`; None: memory only)
        for the indexes `for_file` makes from now on."""
        cls._store = store
        cls.reset()

    @classmethod
    def reset(cls) -> None:
        """Forget every shared index (the next `for_file` starts afresh)."""
        cls._registry.clear()
        cls._roots_of_folders.clear()
        cls._marked_folders.clear()

    def set_text(self, path: Path | str, text: str) -> None:
        path = _abspath(path)
        if self._overlay.get(path) != text:
            self._overlay[path] = text
            self.invalidate(path)

    def clear_text(self, path: Path | str) -> None:
        """Read `path` from the disk again (the editor closed or saved its buffer)."""
        path = _abspath(path)
        if self._overlay.pop(path, None) is not None:
            self.invalidate(path)

    def invalidate(self, path: Path | str | None = None) -> None:
        """Drop what was read from `path` (every file and folder listing when None) and
        every resolution made so far."""
        if path is None:
            self._sources.clear()
            self._summaries.clear()
            self._finder.forget()
            self._search.clear()
            self._module_names.clear()
            self._edits.clear()
        else:
            self._sources.pop(_abspath(path), None)
            self._summaries.pop(_abspath(path), None)
            self._edits.pop(_abspath(path), None)
        self._memo.clear()
        self._exports.clear()
        self._module_refs.clear()
        self._modules.clear()
        self._stars.clear()
        self._ancestors.clear()

    # --- files -------------------------------------------------------------------------

    def source(self, path: Path | str) -> str | None:
        """The file's text (the buffer given for it, else the disk's, read once); None
        when it cannot be read or decoded."""
        path = _abspath(path)
        if path in self._overlay:
            return self._overlay[path]
        self._refresh(path)
        if path not in self._sources:
            self._stats[path] = _stat(path)
            try:
                self._sources[path] = read_source(path).text
                self.files_read += 1
            except SourceReadError:
                self._sources[path] = None
        return self._sources[path]

    def _refresh(self, path: Path) -> None:
        """Forget what was read from `path` if the file changed on disk since (a process
        that lives on, such as the language server, sees the project as it is now)."""
        if path in self._stats and _stat(path) != self._stats[path]:
            del self._stats[path]
            self.invalidate(path)

    def summary(self, path: Path | str) -> ModuleSummary | None:
        """What the module binds at its top level; None when unreadable or not Python."""
        path = _abspath(path)
        if path not in self._overlay:
            self._refresh(path)
        if path not in self._summaries:
            text = self.source(path)
            stub = path.suffix == ".pyi"
            self._summaries[path] = None if text is None else summarize(text, stub, self.store)
        return self._summaries[path]

    def search_roots(self, path: Path | str) -> tuple[Path, ...]:
        """Where an absolute import written in `path` is looked for, in order: with the
        folders the file itself adds to `sys.path` (see `sys_path`)."""
        path = _abspath(path)
        folder = path.parent
        roots = self._search.get(folder)
        if roots is None:
            roots = self._search[folder] = search_roots(folder / "x.py", self.source_roots)
        front, back = self._sys_path_edits(path)
        return (*front, *roots, *back) if front or back else roots

    def _sys_path_edits(self, path: Path) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
        edits = self._edits.get(path)
        if edits is None:
            text = self.source(path) if path.suffix == ".py" else None
            edits = self._edits[path] = ((), ()) if text is None else sys_path_additions(path, text)
        return edits

    def module_name(self, path: Path | str) -> str:
        """The dotted name a file or package folder is imported by (best effort): its
        regular packages upward, then the folders from the nearest source root (which
        Python reads as namespace packages)."""
        path = _abspath(path)
        known = self._module_names.get(path)
        if known is None:
            known = self._module_names[path] = dotted_module_name(path, self.source_roots)
        return known

    # --- modules -----------------------------------------------------------------------

    def resolve_module(self, path: Path | str, module: str, level: int = 0) -> ModuleRef | None:
        """The project module that `import module` (level 0) or `from .module import x`
        (level = the dots) written in `path` reaches; None when it is not in the project
        (torch, a missing module) or a relative import leaves the file system."""
        path = _abspath(path)
        # Files of a folder resolve alike, but for one that edits `sys.path`.
        place = path if level == 0 and any(self._sys_path_edits(path)) else path.parent
        key = (place, module, level)
        if key not in self._modules:
            self._modules[key] = self._find_module(path, module, level)
        return self._modules[key]

    def _find_module(self, path: Path, module: str, level: int) -> ModuleRef | None:
        if level:
            folder = path.parent
            for _ in range(level - 1):
                folder = folder.parent
            package = self.module_name(folder)
            return self._finder.find_relative(path, module, level, package)
        if not module:
            return None
        return self._finder.find(module, self.search_roots(path))

    def module_path(self, path: Path | str, module: str, level: int = 0) -> Path | None:
        """`resolve_module`'s file (None also for a namespace package: it has none)."""
        ref = self.resolve_module(path, module, level)
        return None if ref is None else ref.path

    def _self_ref(self, path: Path) -> ModuleRef:
        package = path.stem == "__init__"
        return ModuleRef(self.module_name(path), path, (path.parent,) if package else ())

    def _module_symbol(self, ref: ModuleRef) -> Symbol:
        name = ref.name
        if not name and ref.path is not None:
            name = self.module_name(ref.path)
        symbol = Symbol(SymbolKind.MODULE, name, ref.path, name, 0, 0)
        self._module_refs[symbol] = ref
        return symbol

    def _submodule(self, ref: ModuleRef, part: str) -> Symbol | None:
        if not ref.is_package:
            return None
        name = f"{ref.name}.{part}" if ref.name else part
        child = self._finder.child(part, ref.search_dirs, name)
        return None if child is None else self._module_symbol(child)

    # --- names -------------------------------------------------------------------------

    def resolve_name(
        self, path: Path | str, name: str, *, follow_aliases: bool = True
    ) -> Symbol | None:
        """What the top-level name `name` of the file `path` is, followed through
        imports, re-exports, star imports and (with `follow_aliases`) `X = Y` aliases to
        its definition. None: not bound at the top level (a builtin, a local) or not
        readable to its end (a syntax error, a cycle, a relative import that leads
        nowhere). A name from outside the project is EXTERNAL with its dotted name."""
        path = _abspath(path)
        key = (path, name, follow_aliases)
        if key not in self._memo:
            self._memo[key] = self._lookup(self._self_ref(path), name, follow_aliases, set())
        return self._memo[key]

    def resolve_dotted(
        self, path: Path | str, dotted: str, *, follow_aliases: bool = True
    ) -> Symbol | None:
        """`resolve_name` for an attribute chain (`nn.LSTM`, `models.rnn.Encoder`):
        attributes of a module are its names or submodules, of something external are
        appended to its name; attributes of a class, function or value give None."""
        head, *attributes = dotted.split(".")
        symbol = self.resolve_name(path, head, follow_aliases=follow_aliases)
        for attribute in attributes:
            if symbol is None:
                return None
            symbol = self._attribute(symbol, attribute, follow_aliases, set())
        return symbol

    def qualified_name(self, path: Path | str, dotted: str) -> str | None:
        """The full name an expression like `nn.LSTM` written in `path` stands for
        (`torch.nn.LSTM`), or None when it cannot be resolved."""
        symbol = self.resolve_dotted(path, dotted)
        return None if symbol is None else symbol.qualified_name

    def _attribute(
        self, symbol: Symbol, attribute: str, follow: bool, seen: _Seen
    ) -> Symbol | None:
        if symbol.kind is SymbolKind.EXTERNAL:
            return _external(f"{symbol.name}.{attribute}")
        if symbol.kind is not SymbolKind.MODULE:
            return None
        ref = self._module_refs.get(symbol)
        if ref is None:  # made before an invalidation: look the module up again
            return None
        found = self._lookup(ref, attribute, follow, seen)
        return found if found is not None else self._submodule(ref, attribute)

    def _lookup(self, ref: ModuleRef, name: str, follow: bool, seen: _Seen) -> Symbol | None:
        """`name` as the module `ref` binds it."""
        if ref.path is None:  # a namespace package binds only its submodules
            return self._submodule(ref, name)
        key = (ref.path, name)
        if key in seen or len(seen) >= MAX_DEPTH:
            return None
        seen.add(key)
        try:
            summary = self.summary(ref.path)
            if summary is None:
                return None
            binding = summary.bindings.get(name)
            bound_at = binding.line if binding is not None else 0
            # A star import after the explicit binding (or with none) may rebind it.
            for star in reversed(summary.star_imports):
                if star.line < bound_at:
                    break
                target = self._star_target(ref.path, star)
                if target is not None and name in self._exported(target, set()):
                    return self._lookup(target, name, follow, seen)
            if binding is None:
                return None
            return self._bound(ref, binding, follow, seen)
        finally:
            seen.discard(key)

    def _bound(self, ref: ModuleRef, binding: Binding, follow: bool, seen: _Seen) -> Symbol | None:
        assert ref.path is not None
        module = ref.name or self.module_name(ref.path)
        if isinstance(binding, ImportInfo):
            return self._imported(ref.path, binding, follow, seen)
        if isinstance(binding, AssignmentInfo):
            if follow and binding.value is not None and not binding.is_call:
                head, *attributes = binding.value.split(".")
                target = self._lookup(ref, head, follow, seen)
                for attribute in attributes:
                    if target is None:
                        break
                    target = self._attribute(target, attribute, follow, seen)
                if target is not None:
                    return target
            kind = SymbolKind.ASSIGNMENT
        elif isinstance(binding, ClassInfo):
            kind = SymbolKind.CLASS
        else:
            assert isinstance(binding, FunctionInfo)
            kind = SymbolKind.FUNCTION
        return Symbol(kind, binding.name, ref.path, module, binding.line, binding.end_line, binding)

    def _imported(
        self, importer: Path, binding: ImportInfo, follow: bool, seen: _Seen
    ) -> Symbol | None:
        target = self.resolve_module(importer, binding.module, binding.level)
        if binding.name is None:  # `import a.b as m` / `import a`
            if target is not None:
                return self._module_symbol(target)
            return _external(binding.module)
        if target is None:
            if binding.level:
                return None
            return _external(f"{binding.module}.{binding.name}")
        found = self._lookup(target, binding.name, follow, seen)
        return found if found is not None else self._submodule(target, binding.name)

    # --- star imports ------------------------------------------------------------------

    def _star_target(self, importer: Path, star: StarImport) -> ModuleRef | None:
        return self.resolve_module(importer, star.module, star.level)

    def _exported(self, ref: ModuleRef, seen: set[Path]) -> frozenset[str]:
        """The names `from ref import *` brings in."""
        if ref.path is None or ref.path in seen:
            return frozenset()
        if not seen and ref.path in self._exports:
            return self._exports[ref.path]
        top = not seen
        seen.add(ref.path)
        summary = self.summary(ref.path)
        if summary is None:
            names: frozenset[str] = frozenset()
        elif summary.all_names is not None:
            names = frozenset(summary.all_names)
        else:
            found = {name for name in summary.bindings if not name.startswith("_")}
            for star in summary.star_imports:
                target = self._star_target(ref.path, star)
                if target is not None:
                    found |= self._exported(target, seen)
            names = frozenset(found)
        if top:  # results cut short by a cycle are not kept
            self._exports[ref.path] = names
        return names

    def exported_names(self, path: Path | str) -> frozenset[str]:
        """The names `from <this module> import *` brings in."""
        return self._exported(self._self_ref(_abspath(path)), set())

    def star_bindings(self, path: Path | str) -> dict[str, StarBinding]:
        """Every name the file's star imports of project modules bring in (a later star
        import wins), with the module it comes through and where it is defined."""
        path = _abspath(path)
        if path not in self._stars:
            self._stars[path] = self._star_bindings(path)
        return dict(self._stars[path])

    def _star_bindings(self, path: Path) -> dict[str, StarBinding]:
        summary = self.summary(path)
        result: dict[str, StarBinding] = {}
        if summary is None:
            return result
        for star in summary.star_imports:
            target = self._star_target(path, star)
            if target is None or target.path is None:
                continue
            module = target.name or self.module_name(target.path)
            for name in sorted(self._exported(target, set())):
                symbol = self._lookup(target, name, True, set())
                result[name] = StarBinding(name, module, target.path, symbol)
        return result

    def external_star_imports(self, path: Path | str) -> tuple[str, ...]:
        """Modules outside the project whose names reach the file through star imports
        (`from torch.nn import *`, also through a project module that star-imports it
        without an `__all__`): their names cannot be listed, only these modules named."""
        found: list[str] = []
        self._external_stars(self._self_ref(_abspath(path)), found, set(), top=True)
        return tuple(found)

    def _external_stars(self, ref: ModuleRef, found: list[str], seen: set[Path], top: bool) -> None:
        if ref.path is None or ref.path in seen:
            return
        seen.add(ref.path)
        summary = self.summary(ref.path)
        # A module with a literal `__all__` passes on only what it lists: not these.
        if summary is None or (not top and summary.all_names is not None):
            return
        for star in summary.star_imports:
            target = self._star_target(ref.path, star)
            if target is not None:
                self._external_stars(target, found, seen, top=False)
            elif star.level == 0 and star.module not in found:
                found.append(star.module)

    # --- classes -----------------------------------------------------------------------

    def bases(self, symbol: Symbol) -> tuple[Symbol | None, ...]:
        """A class's bases, each resolved in its defining module (None: unresolved)."""
        info = symbol.info
        if symbol.kind is not SymbolKind.CLASS or not isinstance(info, ClassInfo):
            return ()
        assert symbol.path is not None
        return tuple(self.resolve_dotted(symbol.path, base) for base in info.bases)

    def ancestors(self, symbol: Symbol) -> tuple[Symbol, ...]:
        """Every resolved base of a class, transitively, nearest first (each once;
        external ones such as `torch.nn.Module` end their branch)."""
        known = self._ancestors.get(symbol)
        if known is not None:
            return known
        out: list[Symbol] = []
        seen = {symbol}
        frontier = [symbol]
        while frontier and len(out) < MAX_DEPTH:
            current = frontier.pop(0)
            for base in self.bases(current):
                if base is not None and base not in seen:
                    seen.add(base)
                    out.append(base)
                    frontier.append(base)
        self._ancestors[symbol] = tuple(out)
        return self._ancestors[symbol]
