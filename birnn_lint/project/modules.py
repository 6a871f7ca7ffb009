"""Finding the file of an imported module, as Python's path finder would: in each
search folder a package (folder with `__init__.py`) first, then a module file, and a
folder without `__init__.py` only as a namespace package, whose portions in every search
folder are merged (and only when it holds Python files: see `_holds_python`). Folder
listings are read once and kept."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_SUFFIXES = (".py", ".pyi")  # a stub is used only where there is no source


@dataclass(frozen=True)
class ModuleRef:
    """A module found in the project."""

    name: str  # dotted name, as far as it is known ("" when imported only relatively)
    path: Path | None  # its file (`__init__.py` for a package); None: a namespace package
    search_dirs: tuple[Path, ...]  # where its submodules live; () for a plain module

    @property
    def is_package(self) -> bool:
        return bool(self.search_dirs)


@dataclass(frozen=True)
class _Listing:
    files: frozenset[str]
    dirs: frozenset[str]


class ModuleFinder:
    def __init__(self) -> None:
        self._listings: dict[Path, _Listing] = {}
        self._found: dict[tuple[tuple[Path, ...], str], ModuleRef | None] = {}

    def listing(self, folder: Path) -> _Listing:
        listing = self._listings.get(folder)
        if listing is None:
            files, dirs = set(), set()
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        try:
                            if entry.is_dir():
                                dirs.add(entry.name)
                            elif entry.is_file():
                                files.add(entry.name)
                        except OSError:
                            continue
            except OSError:
                pass
            listing = self._listings[folder] = _Listing(frozenset(files), frozenset(dirs))
        return listing

    def forget(self) -> None:
        self._listings.clear()
        self._found.clear()

    def package_of(self, folder: Path, name: str) -> ModuleRef:
        """The package that is `folder` itself (the target of `from . import x`)."""
        init = self._init_file(folder)
        return ModuleRef(name, init, (folder,))

    def _init_file(self, folder: Path) -> Path | None:
        files = self.listing(folder).files
        for suffix in _SUFFIXES:
            if f"__init__{suffix}" in files:
                return folder / f"__init__{suffix}"
        return None

    def child(self, part: str, dirs: tuple[Path, ...], name: str) -> ModuleRef | None:
        """The module `part` inside the search folders `dirs` (a package's or sys.path)."""
        key = (dirs, part)
        if key in self._found:
            found = self._found[key]
            return None if found is None else ModuleRef(name, found.path, found.search_dirs)
        found = self._child(part, dirs, name)
        self._found[key] = found
        return found

    def _child(self, part: str, dirs: tuple[Path, ...], name: str) -> ModuleRef | None:
        portions: list[Path] = []
        for folder in dirs:
            listing = self.listing(folder)
            if part in listing.dirs:
                init = self._init_file(folder / part)
                if init is not None:
                    return ModuleRef(name, init, (folder / part,))
            for suffix in _SUFFIXES:
                if part + suffix in listing.files:
                    return ModuleRef(name, folder / (part + suffix), ())
            if part in listing.dirs and self._holds_python(folder / part, 3):
                portions.append(folder / part)
        if portions:
            return ModuleRef(name, None, tuple(portions))
        return None

    def _holds_python(self, folder: Path, depth: int) -> bool:
        """Whether a folder without `__init__.py` can be a namespace package: Python
        would take any folder, but a `data/` or `torch/` folder of checkpoints must not
        hide the real package, so one with no Python file within `depth` levels is not
        taken."""
        listing = self.listing(folder)
        if any(name.endswith(_SUFFIXES) for name in listing.files):
            return True
        return depth > 1 and any(
            self._holds_python(folder / name, depth - 1)
            for name in listing.dirs
            if name.isidentifier()
        )

    def find(self, dotted: str, roots: tuple[Path, ...]) -> ModuleRef | None:
        """An absolute import's module, looked up from `roots` part by part."""
        ref: ModuleRef | None = None
        dirs = roots
        for part in dotted.split("."):
            if not part.isidentifier():
                return None
            name = part if ref is None else f"{ref.name}.{part}"
            if ref is not None and not ref.is_package:
                return None
            ref = self.child(part, ref.search_dirs if ref is not None else dirs, name)
            if ref is None:
                return None
        return ref

    def find_relative(
        self, importer: Path, module: str, level: int, package_name: str
    ) -> ModuleRef | None:
        """`from ..module import x` written in `importer`: the folder `level - 1` above the
        importer's own is the package; `module` is looked up inside it."""
        folder = importer.parent
        for _ in range(level - 1):
            if folder.parent == folder:
                return None
            folder = folder.parent
        ref = self.package_of(folder, package_name)
        for part in module.split(".") if module else ():
            if not part.isidentifier() or not ref.is_package:
                return None
            name = f"{ref.name}.{part}" if ref.name else part
            found = self.child(part, ref.search_dirs, name)
            if found is None:
                return None
            ref = found
        return ref
