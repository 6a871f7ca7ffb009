"""Which files a run checks: walking folders, default excludes, `exclude` globs and
`.gitignore`.

Globs follow gitignore's rules everywhere (`*` and `?` stop at `/`, `**` crosses
folders), so `exclude`, `per-file-ignores` and `.gitignore` read the same way. The
gitignore matcher is our own: it covers `.gitignore` files from the top of the git
repository (or of the project when there is none) down to each folder, plus
`.git/info/exclude`, with negation, anchoring and folder-only patterns.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

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


# --- globs ----------------------------------------------------------------------------


def _class_end(pattern: str, start: int) -> int:
    """Index of the `]` closing the class opened at `start`, or -1."""
    i = start + 1
    if i < len(pattern) and pattern[i] in "!^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":  # a leading `]` is a member
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "]":
            return i
        i += 1
    return -1


def _class_members(body: str) -> str:
    """A glob's character class as the inside of a regex class. A reversed range (`z-a`)
    matches nothing, as in git, instead of making the regex invalid."""
    out: list[str] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            low, high = body[i], body[i + 2]
            if low <= high:
                out.append(f"{_class_char(low)}-{_class_char(high)}")
            i += 3
        else:
            out.append(_class_char(body[i]))
            i += 1
    return "".join(out)


def _class_char(char: str) -> str:
    return "\\" + char if char in "\\^[]-" else char


def glob_to_regex(pattern: str) -> str:
    """A regex (without anchors) for a gitignore-style glob over `/`-separated paths."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                segment_start = i == 0 or pattern[i - 1] == "/"
                after = i + 2
                if segment_start and after == n:
                    out.append(".*")  # `dir/**`: everything inside
                    i = after
                    continue
                if segment_start and pattern[after] == "/":
                    out.append("(?:.*/)?")  # `**/`: zero or more folders
                    i = after + 1
                    continue
                i = after - 1  # other `**` are plain stars
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = _class_end(pattern, i)
            if end < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : end]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                members = _class_members(re.sub(r"\\(.)", r"\1", body))
                if not members:  # only reversed ranges: the class matches nothing
                    out.append("[^/]" if negate else "(?!)")
                else:
                    out.append(f"[^/{members}]" if negate else f"(?!/)[{members}]")
                i = end
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


@lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> re.Pattern[str]:
    return re.compile(glob_to_regex(pattern) + r"\Z", re.DOTALL)


@dataclass(frozen=True)
class PathGlob:
    """A user's glob for `exclude` / `per-file-ignores`: without a `/` it matches a file
    or folder name anywhere; with one, a path relative to the project root (or an
    absolute path)."""

    pattern: str
    regex: re.Pattern[str]
    basename_only: bool
    absolute: bool

    @classmethod
    def parse(cls, pattern: str) -> PathGlob:
        text = pattern.strip()
        while text.startswith("./"):
            text = text[2:]
        text = text.rstrip("/") or text
        absolute = text.startswith("/")
        return cls(pattern, compile_glob(text), "/" not in text, absolute)

    def matches(self, path: Path, root: Path) -> bool:
        """`path` absolute; `root` the project root (absolute)."""
        if self.basename_only:
            return self.regex.match(path.name) is not None
        if self.absolute:
            return self.regex.match(path.as_posix()) is not None
        relative = relative_to(path, root)
        return relative is not None and self.regex.match(relative) is not None


def relative_to(path: Path, root: Path) -> str | None:
    """`path` relative to `root` in POSIX form, or None when it is not inside."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


# --- gitignore ------------------------------------------------------------------------


@dataclass(frozen=True)
class IgnoreRule:
    regex: re.Pattern[str]
    negated: bool
    folder_only: bool
    anchored: bool


def parse_gitignore(text: str) -> list[IgnoreRule]:
    rules = []
    for raw in text.splitlines():
        line = raw.rstrip("\n\r")
        # Trailing spaces are dropped unless escaped with a backslash.
        stripped = line.rstrip(" ")
        if stripped.endswith("\\") and len(stripped) < len(line):
            stripped += " "
        line = stripped
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated:
            line = line[1:]
        elif line.startswith(("\\!", "\\#")):
            line = line[1:]
        folder_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        rules.append(IgnoreRule(compile_glob(line), negated, folder_only, anchored))
    return rules


def _read_rules(path: Path) -> list[IgnoreRule]:
    try:
        return parse_gitignore(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []


def find_git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        # os.path, not Path: a folder we may not enter is "not a repository", not a crash.
        if os.path.exists(folder / ".git"):
            return folder
    return None


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


class GitignoreMatcher:
    """Answers "is this path ignored?" from `.gitignore` files between a top folder and
    the path's folder (deeper files win, later lines win) and `.git/info/exclude`."""

    def __init__(self, top: Path, git_root: Path | None) -> None:
        self.top = top
        self._rules_by_folder: dict[Path, list[IgnoreRule]] = {}
        self._layers_by_folder: dict[Path, list[tuple[Path, list[IgnoreRule]]]] = {}
        self._info_exclude: list[IgnoreRule] = []
        if git_root is not None and os.path.isdir(git_root / ".git"):
            self._info_exclude = _read_rules(git_root / ".git" / "info" / "exclude")
        self._info_root = git_root

    def _rules(self, folder: Path) -> list[IgnoreRule]:
        rules = self._rules_by_folder.get(folder)
        if rules is None:
            rules = _read_rules(folder / ".gitignore")
            self._rules_by_folder[folder] = rules
        return rules

    def _layers(self, folder: Path) -> list[tuple[Path, list[IgnoreRule]]]:
        """The rule lists that apply to entries of `folder`, weakest first."""
        layers = self._layers_by_folder.get(folder)
        if layers is None:
            if folder == self.top or folder.parent == folder:
                layers = []
                if self._info_root is not None and self._info_exclude:
                    layers.append((self._info_root, self._info_exclude))
            else:
                layers = list(self._layers(folder.parent))
            rules = self._rules(folder)
            if rules:
                layers.append((folder, rules))
            self._layers_by_folder[folder] = layers
        return layers

    def ignored(self, path: Path, is_dir: bool) -> bool:
        """`path` absolute; its parent folders are not checked here (a walk never
        enters an ignored folder)."""
        if path == self.top or relative_to(path, self.top) is None:
            return False
        verdict = False
        for base, rules in self._layers(path.parent):
            relative = relative_to(path, base)
            if relative is None:
                continue
            for rule in rules:
                if rule.folder_only and not is_dir:
                    continue
                subject = relative if rule.anchored else path.name
                if rule.regex.match(subject):
                    verdict = not rule.negated
        return verdict


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


class Walker:
    def __init__(self, options: DiscoveryOptions) -> None:
        self.options = options
        self.root = Path(os.path.abspath(options.root))
        self.globs = [PathGlob.parse(p) for p in (*options.exclude, *options.extend_exclude)]
        self._gitignore: dict[Path, GitignoreMatcher] = {}

    def _matcher(self, start: Path) -> GitignoreMatcher:
        git_root = find_git_root(start)
        if git_root is not None:
            top = git_root
        elif relative_to(start, self.root) is not None:
            top = self.root
        else:
            top = start
        matcher = self._gitignore.get(top)
        if matcher is None:
            matcher = self._gitignore[top] = GitignoreMatcher(top, git_root)
        return matcher

    def _excluded_entry(self, path: Path, is_dir: bool, matcher: GitignoreMatcher | None) -> bool:
        if any(glob.matches(path, self.root) for glob in self.globs):
            return True
        return matcher is not None and matcher.ignored(path, is_dir)

    def is_excluded(self, path: Path) -> bool:
        """For a path named on the command line (or `--stdin-filename`): excluded when it
        or a folder between the project root (or the filesystem root) and it would be
        skipped by a walk."""
        path = Path(os.path.abspath(path))
        matcher = self._matcher(path.parent) if self.options.respect_gitignore else None
        top = self.root if relative_to(path, self.root) is not None else Path(path.anchor)
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
                matcher = self._matcher(path) if self.options.respect_gitignore else None
                self._walk(path, matcher, found, seen)
            elif _present(path):
                _add(found, seen, path)
            else:
                found.errors.append((Path(given), "no such file or directory"))
        return found

    def _walk(
        self,
        folder: Path,
        matcher: GitignoreMatcher | None,
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
            path = folder / entry.name
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
            if self._excluded_entry(path, is_dir, matcher):
                continue
            if is_dir:
                self._walk(path, matcher, found, seen)
            else:
                _add(found, seen, path)


def _add(found: Discovered, seen: set[Path], path: Path) -> None:
    if path not in seen:
        seen.add(path)
        found.files.append(path)


def display_name(path: Path, cwd: Path) -> str:
    """How a path is shown: relative to the working folder when inside it."""
    relative = relative_to(Path(os.path.abspath(path)), cwd)
    return relative if relative is not None else str(path)


def discover(paths: Iterable[Path], options: DiscoveryOptions) -> Discovered:
    return Walker(options).discover(list(paths))
