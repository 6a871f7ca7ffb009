"""Which files a run checks: walking folders, default excludes, `exclude` globs and
`.gitignore` (globs in `globs.py`, git's ignore rules in `gitignore.py`).

The options can differ from folder to folder (a subfolder with its own configuration
file): an entry is judged by the options of the folder it is in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from birnn_lint.gitignore import GitignoreMatcher, find_git_root, parse_gitignore
from birnn_lint.globs import PathGlob, absolute, compile_glob, relative_to

# The folders ruff users expect to be skipped; `exclude` replaces this list,
# `extend-exclude` adds to it.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".birnn_lint_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "_build",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")


# --- walking --------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscoveryOptions:
    root: Path  # the project root: relative globs are read from here
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False


@dataclass
class Discovered:
    files: list[Path] = field(default_factory=list)
    # Paths that could not be listed or do not exist, with a one-line reason.
    errors: list[tuple[Path, str]] = field(default_factory=list)


def _present(path: Path) -> bool:
    """Whether `path` is there (a broken symlink counts): only "no such file" says no, so
    that a file we may not read is reported by the read, with the reason."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return True


_GLOB_SPECIALS = frozenset("*?[\\")


@dataclass(frozen=True)
class _Globs:
    """A configuration's exclude globs, the plain names (`.git`, `build/`: most of them,
    and all the defaults) apart: a set look-up per entry instead of a pattern each."""

    options: DiscoveryOptions
    root: Path
    names: frozenset[str]  # plain names, files or folders
    folder_names: frozenset[str]  # plain names with a trailing `/`: folders only
    others: tuple[PathGlob, ...]

    @classmethod
    def of(cls, options: DiscoveryOptions) -> _Globs:
        names: set[str] = set()
        folder_names: set[str] = set()
        others: list[PathGlob] = []
        for pattern in (*options.exclude, *options.extend_exclude):
            glob = PathGlob.parse(pattern)
            text = pattern.strip()
            while text.startswith("./"):
                text = text[2:]
            plain = text.rstrip("/")
            if glob.basename_only and plain and not _GLOB_SPECIALS & set(plain):
                (folder_names if glob.folder_only else names).add(plain)
            else:
                others.append(glob)
        root = Path(os.path.abspath(options.root))
        return cls(options, root, frozenset(names), frozenset(folder_names), tuple(others))


class Walker:
    """`options_for(folder)` gives the options for the entries of a folder (a nested
    configuration file changes them below its folder); by default `options` everywhere.
    """

    def __init__(
        self,
        options: DiscoveryOptions,
        options_for: Callable[[Path], DiscoveryOptions] | None = None,
    ) -> None:
        self.options = options
        self._options_for = options_for
        self._globs: dict[int, _Globs] = {}
        self._gitignore: dict[Path, GitignoreMatcher] = {}

    def _folder_options(self, folder: Path) -> _Globs:
        options = self._options_for(folder) if self._options_for else self.options
        known = self._globs.get(id(options))
        if known is None or known.options is not options:
            known = self._globs[id(options)] = _Globs.of(options)
        return known

    def _matcher(self, start: Path) -> GitignoreMatcher:
        git_root = find_git_root(start)
        root = Path(os.path.abspath(self.options.root))
        if git_root is not None:
            top = git_root
        elif relative_to(start, root) is not None:
            top = root
        else:
            top = start
        matcher = self._gitignore.get(top)
        if matcher is None:
            matcher = self._gitignore[top] = GitignoreMatcher(top, git_root)
        return matcher

    def _excluded_entry(self, path: Path, is_dir: bool, matcher: GitignoreMatcher) -> bool:
        known = self._folder_options(path.parent)
        name = path.name
        if name in known.names or (is_dir and name in known.folder_names):
            return True
        if any(glob.matches(path, known.root, is_dir) for glob in known.others):
            return True
        return known.options.respect_gitignore and matcher.ignored(path, is_dir)

    def is_excluded(self, path: Path) -> bool:
        """For a path named on the command line (or `--stdin-filename`): excluded when it
        or a folder between the project root (or the filesystem root) and it would be
        skipped by a walk."""
        path = Path(os.path.abspath(path))
        root = Path(os.path.abspath(self.options.root))
        matcher = self._matcher(path.parent)
        top = root if relative_to(path, root) is not None else Path(path.anchor)
        current = path
        is_dir = os.path.isdir(path)
        while current != top and current.parent != current:
            if self._excluded_entry(current, is_dir, matcher):
                return True
            current, is_dir = current.parent, True
        return False

    def discover(self, paths: Sequence[Path]) -> Discovered:
        found = Discovered()
        seen: set[Path] = set()
        for given in paths:
            path = Path(os.path.abspath(given))
            if self.options.force_exclude and self.is_excluded(path):
                continue
            if os.path.isdir(path):
                self._walk(path, self._matcher(path), found, seen)
            elif _present(path):
                _add(found, seen, path)
            else:
                found.errors.append((Path(given), "no such file or directory"))
        return found

    def _walk(
        self,
        folder: Path,
        matcher: GitignoreMatcher,
        found: Discovered,
        seen: set[Path],
    ) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            found.errors.append((folder, f"cannot list the folder: {error.strerror or error}"))
            return
        for entry in entries:
            try:
                # Symlinked folders are not followed: that is how loops are avoided.
                is_dir = entry.is_dir(follow_symlinks=False)
                linked_dir = not is_dir and entry.is_symlink() and entry.is_dir()
            except OSError:
                is_dir = linked_dir = False
            if linked_dir:
                continue
            if not is_dir and not entry.name.endswith(PYTHON_SUFFIXES):
                continue
            path = folder / entry.name
            if self._excluded_entry(path, is_dir, matcher):
                continue
            if is_dir:
                # A repository inside this one has its own ignore files, as in git.
                inner = self._matcher(path) if _present(path / ".git") else matcher
                self._walk(path, inner, found, seen)
            else:
                _add(found, seen, path)


def _add(found: Discovered, seen: set[Path], path: Path) -> None:
    if path not in seen:
        seen.add(path)
        found.files.append(path)


def display_name(path: Path, cwd: Path) -> str:
    """How a path is shown: relative to the working folder when inside it."""
    relative = relative_to(absolute(path), cwd)
    return relative if relative is not None else str(path)


def discover(paths: Iterable[Path], options: DiscoveryOptions) -> Discovered:
    return Walker(options).discover(list(paths))


__all__ = [
    "DEFAULT_EXCLUDES",
    "DiscoveryOptions",
    "Discovered",
    "PathGlob",
    "Walker",
    "compile_glob",
    "discover",
    "display_name",
    "parse_gitignore",
    "relative_to",
]
