"""Which paths git ignores: `.gitignore` files from the top of the repository down to
each folder, `.git/info/exclude` and the global `core.excludesFile`, with negation,
anchoring and folder-only patterns. Our own matcher, read as git documents it."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from birnn_lint.globs import compile_glob, relative_to

# Larger ignore files are read up to this size: a guard, not a limit real files reach.
_MAX_IGNORE_FILE = 4 * 1024 * 1024


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


def _read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file; None when it is missing, unreadable or not a
    regular file. Opened without blocking and checked before reading, so that a FIFO
    (or a device) named `.gitignore` cannot hang the run."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(_MAX_IGNORE_FILE)
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_rules(path: Path) -> list[IgnoreRule]:
    data = _read_regular(path)
    return parse_gitignore(data.decode("utf-8", errors="replace")) if data else []


def _common_git_dir(git_root: Path) -> Path | None:
    """The folder holding `info/exclude`: `.git`, or for a linked worktree or a
    submodule (`.git` is a file saying `gitdir: ...`) the repository's common folder."""
    dot_git = git_root / ".git"
    if os.path.isdir(dot_git):
        return dot_git
    try:
        text = dot_git.read_text(encoding="utf-8", errors="replace") if dot_git.is_file() else ""
    except OSError:
        return None
    if not text.startswith("gitdir:"):
        return None
    git_dir = git_root / text[len("gitdir:") :].strip()
    try:
        common = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
    return git_dir / common


_SECTION = re.compile(r'^\s*\[\s*([A-Za-z0-9.-]+)\s*("[^"]*")?\s*\]')
_KEY_VALUE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$")
_ESCAPES = {"n": "\n", "t": "\t", "b": "\b"}


def _config_value(raw: str) -> str:
    """A git config value: quotes joined, a comment (`#`, `;`) outside quotes dropped,
    the escapes git documents read."""
    out: list[str] = []
    quoted = False
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == '"':
            quoted = not quoted
        elif char == "\\" and i + 1 < len(raw):
            i += 1
            out.append(_ESCAPES.get(raw[i], raw[i]))
        elif char in "#;" and not quoted:
            break
        else:
            out.append(char)
        i += 1
    return "".join(out).strip()


def _excludes_file_setting(config: Path) -> str | None:
    """The last `core.excludesFile` in one git config file (its includes are not
    followed), or None."""
    data = _read_regular(config)
    if not data:
        return None
    found = None
    in_core = False
    for line in data.decode("utf-8", errors="replace").splitlines():
        section = _SECTION.match(line)
        if section:
            in_core = section.group(1).lower() == "core" and section.group(2) is None
            line = line[section.end() :]
        pair = _KEY_VALUE.match(line) if in_core else None
        if pair and pair.group(1).lower() == "excludesfile" and pair.group(2) is not None:
            found = _config_value(pair.group(2))
    return found


def global_excludes_file(git_root: Path) -> Path | None:
    """git's `core.excludesFile` for the repository at `git_root`, read from git's
    configuration files in git's order (system, global, the repository's; the last one
    set wins); unset, git's default `$XDG_CONFIG_HOME/git/ignore`. The files are read,
    never git run: a repository's configuration can make git commands run programs."""
    home = Path(os.path.expanduser("~"))
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    files: list[Path] = []
    if not os.environ.get("GIT_CONFIG_NOSYSTEM"):
        files.append(Path(os.environ.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig"))
    if os.environ.get("GIT_CONFIG_GLOBAL"):
        files.append(Path(os.environ["GIT_CONFIG_GLOBAL"]))
    else:
        files += [config_home / "git" / "config", home / ".gitconfig"]
    common = _common_git_dir(git_root)
    if common is not None:
        files.append(common / "config")
    setting = None
    for config in files:
        value = _excludes_file_setting(config)
        if value is not None:
            setting = value
    if setting:
        return git_root / os.path.expanduser(setting)
    return config_home / "git" / "ignore"


def find_git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        # os.path, not Path: a folder we may not enter is "not a repository", not a crash.
        if os.path.exists(folder / ".git"):
            return folder
    return None


class GitignoreMatcher:
    """Answers "is this path ignored?" from `.gitignore` files between a top folder and
    the path's folder (deeper files win, later lines win), then `.git/info/exclude`,
    then `core.excludesFile` (the weakest), as git orders them."""

    def __init__(self, top: Path, git_root: Path | None) -> None:
        self.top = top
        self._rules_by_folder: dict[Path, list[IgnoreRule]] = {}
        self._layers_by_folder: dict[Path, list[tuple[Path, list[IgnoreRule]]]] = {}
        self._info_root = git_root
        # Repository-wide rules, weakest first, read relative to the repository's top;
        # read on first use (it asks git for core.excludesFile).
        self._repository: list[IgnoreRule] | None = None

    def _repository_rules(self) -> list[IgnoreRule]:
        if self._repository is None:
            self._repository = []
            if self._info_root is not None:
                excludes_file = global_excludes_file(self._info_root)
                if excludes_file is not None:
                    self._repository += _read_rules(excludes_file)
                common = _common_git_dir(self._info_root)
                if common is not None:
                    self._repository += _read_rules(common / "info" / "exclude")
        return self._repository

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
                repository = self._repository_rules()
                if self._info_root is not None and repository:
                    layers.append((self._info_root, repository))
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
