"""Globs as `.gitignore` reads them (`*` and `?` stop at `/`, `**` crosses folders), for
`exclude`, `per-file-ignores` and `.gitignore` files alike."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


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
    """A user's glob for `exclude` / `per-file-ignores`, read as a `.gitignore` line:
    without a `/` (a trailing one aside) it matches a file or folder name at any depth;
    with one it is anchored at the project root (a leading `/` only anchors it, and an
    absolute path is matched as one); a trailing `/` matches folders only. A glob that
    matches a folder covers everything inside it (`covers`)."""

    pattern: str
    regex: re.Pattern[str]
    basename_only: bool
    folder_only: bool
    # The pattern read as an absolute path (`/abs/build`), when it starts with `/`.
    absolute: re.Pattern[str] | None

    @classmethod
    def parse(cls, pattern: str) -> PathGlob:
        text = pattern.strip()
        while text.startswith("./"):
            text = text[2:]
        folder_only = text.endswith("/") and bool(text.strip("/"))
        text = text.rstrip("/") or text
        absolute = compile_glob(text) if text.startswith("/") else None
        anchored = text.lstrip("/") or text
        return cls(pattern, compile_glob(anchored), "/" not in text, folder_only, absolute)

    def matches(self, path: Path, root: Path, is_dir: bool) -> bool:
        """Whether this one entry matches. `path` absolute; `root` the project root."""
        if self.folder_only and not is_dir:
            return False
        if self.basename_only:
            return self.regex.match(path.name) is not None
        if self.absolute is not None and self.absolute.match(path.as_posix()) is not None:
            return True
        relative = relative_to(path, root)
        return relative is not None and self.regex.match(relative) is not None

    def covers(self, path: Path, root: Path, is_dir: bool = False) -> bool:
        """Whether the glob matches `path` or a folder it is in (below the project root,
        or below the filesystem root for a path outside the project)."""
        top = root if relative_to(path, root) is not None else Path(path.anchor)
        current = path
        while current != top and current.parent != current:
            if self.matches(current, root, is_dir):
                return True
            current, is_dir = current.parent, True
        return False


def absolute(path: Path) -> Path:
    """`Path(os.path.abspath(path))`, without rebuilding a path that already is absolute
    and normal (every path a walk makes)."""
    if isinstance(path, Path) and path.is_absolute() and ".." not in path.parts:
        return path
    return Path(os.path.abspath(path))


def relative_to(path: Path, root: Path) -> str | None:
    """`path` relative to `root` in POSIX form, or None when it is not inside."""
    if os.name == "posix":
        # By string where that is the same lexical test (both absolute, single leading
        # slash): pathlib's costs more than the rest of a walk over a big tree.
        text, top = str(path), str(root)
        if text[:1] == "/" and top[:1] == "/" and text[1:2] != "/" and top[1:2] != "/":
            if top == "/":
                return text[1:] or "."
            if text == top:
                return "."
            return text[len(top) + 1 :] if text.startswith(top + "/") else None
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None
