"""Where a file's project is and which folders its absolute imports are read from.

The project root is the nearest folder upward holding pyproject.toml, setup.py,
setup.cfg or .git (the markers `check` and the cache use to place a project), else the
file's own folder. Source roots are the folders a `import pkg.mod` may start from: the
root, `src/`, package folders that pyproject.toml / setup.cfg name in their simplest
forms, and, per file, what Python itself would put on `sys.path` when the file runs.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


def find_project_root(path: Path, memo: dict[Path, Path | None] | None = None) -> Path:
    """The nearest folder at or above `path`'s folder with a project marker or `.git`
    (`path` may be a file that does not exist yet: an unsaved buffer). Without one, the
    folder above the file's top package when it sits in a package (a package tree
    copied without its project files, an installed one), else the file's folder.
    `memo` keeps what was read of the folders above (for many files of one project: the
    caller decides how long it is true)."""
    start = Path(os.path.abspath(path))
    folder = start if os.path.isdir(start) else start.parent
    found = _nearest_marked(folder, {} if memo is None else memo)
    return found or top_package_parent(folder) or folder


def _nearest_marked(folder: Path, memo: dict[Path, Path | None]) -> Path | None:
    """The nearest folder at or above `folder` with `.git` or a project marker."""
    walked: list[Path] = []
    found: Path | None = None
    for candidate in (folder, *folder.parents):
        if candidate in memo:
            found = memo[candidate]
            break
        walked.append(candidate)
        # os.path, not Path: a folder we may not enter is "not a project", not a crash.
        if os.path.exists(candidate / ".git") or any(
            os.path.isfile(candidate / marker) for marker in PROJECT_MARKERS
        ):
            found = candidate
            break
    for candidate in walked:
        memo[candidate] = found
    return found


def top_package_parent(folder: Path) -> Path | None:
    """The folder holding the outermost regular package that contains `folder`."""
    if not is_package_dir(folder):
        return None
    top = folder
    while top.parent != top and is_package_dir(top.parent):
        top = top.parent
    return top.parent


def _load_toml(path: Path) -> dict[str, Any]:
    """The document, or {} when it is missing or broken: a bad pyproject is reported by
    `check`'s configuration loading, not by import resolution."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python < 3.11 only
        import tomli as tomllib
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, RecursionError, tomllib.TOMLDecodeError):
        return {}
    return document if isinstance(document, dict) else {}


def _table(document: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _pyproject_dirs(document: dict[str, Any]) -> Iterator[str]:
    """Folders (relative to the root) that packages are said to live in."""
    tool = _table(document, "tool")
    # setuptools: package-dir = {"" = "src"}; packages.find.where = ["src"]
    package_dir = _table(tool, "setuptools", "package-dir")
    if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
        yield package_dir[""]
    yield from _strings(_table(tool, "setuptools", "packages", "find", "where"))
    # hatch: packages = ["src/pkg"] names the package itself: its parent is the root.
    for target in ("wheel", "sdist"):
        for package in _strings(_table(tool, "hatch", "build", "targets", target, "packages")):
            yield os.path.dirname(package.rstrip("/"))
    # poetry: packages = [{include = "pkg", from = "src"}]
    packages = _table(tool, "poetry", "packages")
    if isinstance(packages, list):
        for entry in packages:
            if isinstance(entry, dict) and isinstance(entry.get("from"), str):
                yield entry["from"]


def _setup_cfg_dirs(path: Path) -> Iterator[str]:
    """`[options] package_dir = =src` in setup.cfg."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
        value = parser.get("options", "package_dir", fallback="")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return
    for line in value.replace(";", "\n").splitlines():
        name, _, folder = line.partition("=")
        if not name.strip() and folder.strip():
            yield folder.strip()


def source_roots(root: Path) -> tuple[Path, ...]:
    """The project's own source roots, in lookup order (existing folders only)."""
    root = Path(os.path.abspath(root))
    candidates: list[str] = []
    pyproject = root / "pyproject.toml"
    if os.path.isfile(pyproject):
        candidates.extend(_pyproject_dirs(_load_toml(pyproject)))
    setup_cfg = root / "setup.cfg"
    if os.path.isfile(setup_cfg):
        candidates.extend(_setup_cfg_dirs(setup_cfg))
    candidates.append("src")
    found = [root]
    for relative in candidates:
        folder = Path(os.path.normpath(root / relative))
        inside = folder == root or root in folder.parents
        if inside and folder not in found and os.path.isdir(folder):
            found.append(folder)
    return tuple(found)


def is_package_dir(folder: Path) -> bool:
    return os.path.isfile(folder / "__init__.py") or os.path.isfile(folder / "__init__.pyi")


def search_roots(path: Path, project_roots: tuple[Path, ...]) -> tuple[Path, ...]:
    """Where `import name` is looked for from this file, in order: its own folder first
    when it is a script (not in a package: `python file.py` puts it on `sys.path`), then
    the project's roots, then the folder above its top package when that is not one of
    them (as `python -m pkg.mod` run from there)."""
    folder = Path(os.path.abspath(path)).parent
    above = top_package_parent(folder)
    if above is None:
        if folder in project_roots:
            return project_roots
        return (folder, *project_roots)
    if above in project_roots:
        return project_roots
    return (*project_roots, above)


def dotted_module_name(path: Path, source_roots: tuple[Path, ...]) -> str:
    """The dotted name a file or package folder is imported by (best effort): its
    regular packages upward, then the folders from the nearest source root (which
    Python reads as namespace packages)."""
    if path.suffix in (".py", ".pyi"):
        folder = path.parent
        parts = [] if path.stem == "__init__" else [path.stem]
    else:
        folder, parts = path, []
    while is_package_dir(folder) and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    base = max(
        (r for r in source_roots if r == folder or r in folder.parents),
        key=lambda r: len(r.parts),
        default=folder,
    )
    between = folder.relative_to(base).parts
    if not all(part.isidentifier() for part in between):
        # Not importable as namespace packages (`.venv/lib/python3.11/site-packages`):
        # the folder is a `sys.path` entry of its own.
        between = ()
    return ".".join([*between, *parts])
