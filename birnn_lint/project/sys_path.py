"""Folders a file adds to `sys.path` before its imports (`sys.path.insert(1,
os.path.join(os.path.dirname(__file__), "model"))`, `sys.path.append("..")`): its absolute
imports are looked for there too.

Only arguments that can be read without running anything are followed: a string literal
(a relative one is read from the file's folder: the usual `python file.py` run there),
`os.path.dirname(__file__)` and `os.path.abspath` / `realpath` of it, `os.path.join` of
those with literals, `Path(__file__).parent` (`.resolve()`, `.absolute()`) and `/ "x"`.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

from birnn_lint.project.summary import dotted

# `sys.path.insert(` / `sys.path.append(` at the start of a logical line.
_EDIT = re.compile(r"^[ \t]*sys\.path\.(insert|append)\(", re.M)


def sys_path_additions(path: Path, text: str) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """(folders inserted at the front, folders appended at the end), in order."""
    if "sys.path" not in text:
        return (), ()
    front: list[Path] = []
    back: list[Path] = []
    for count, match in enumerate(_EDIT.finditer(text)):
        if count == _MAX_EDITS:
            break
        call = _call_at(text, match.start())
        if call is None:
            continue
        arguments = call.args[1:] if match.group(1) == "insert" else call.args
        if len(arguments) != 1:
            continue
        folder = _folder(arguments[0], path.parent)
        if folder is not None:
            (front if match.group(1) == "insert" else back).append(folder)
    return tuple(front), tuple(back)


# A call spread over more lines than this is not read, nor edits past this many.
_MAX_LINES = 8
_MAX_EDITS = 50


def _call_at(text: str, start: int) -> ast.Call | None:
    """The call statement starting at `start` (it may span a few lines)."""
    end = text.find("\n", start)
    for _ in range(_MAX_LINES):
        chunk = text[start : len(text) if end == -1 else end].strip()
        try:
            tree = ast.parse(chunk)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            if end == -1:
                return None
            end = text.find("\n", end + 1)
            continue
        body = tree.body
        if len(body) == 1 and isinstance(body[0], ast.Expr):
            value = body[0].value
            return value if isinstance(value, ast.Call) else None
        return None
    return None


def _folder(node: ast.expr, here: Path) -> Path | None:
    """The folder an argument names, with `__file__` in `here`; None if unreadable."""
    try:
        text = _text(node, here)
        if text is None:
            return None
        folder = Path(os.path.normpath(text if os.path.isabs(text) else here / text))
        return folder if folder.is_dir() else None
    except (OSError, ValueError, RecursionError):  # a name too long, a null byte...
        return None


def _text(node: ast.expr, here: Path) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and node.id == "__file__":
        return str(here / "__file__")
    if isinstance(node, ast.Call):
        name = dotted(node.func)
        if name in ("os.path.dirname", "path.dirname") and len(node.args) == 1:
            inner = _text(node.args[0], here)
            return os.path.dirname(inner) if inner is not None else None
        if name in _SAME and len(node.args) == 1:
            return _text(node.args[0], here)
        if name in ("os.path.join", "path.join") and node.args:
            parts = [_text(a, here) for a in node.args]
            return None if None in parts else os.path.join(*parts)  # type: ignore[arg-type]
        if name in ("Path", "pathlib.Path") and len(node.args) == 1:
            return _text(node.args[0], here)
        if isinstance(node.func, ast.Attribute) and node.func.attr in _PATH_SAME:
            return _text(node.func.value, here)  # Path(...).resolve()
        return None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _text(node.value, here)
        return os.path.dirname(inner) if inner is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = _text(node.left, here), _text(node.right, here)
        return None if left is None or right is None else os.path.join(left, right)
    return None


# Calls that name the same file or folder (for where imports are found).
_SAME = frozenset({"os.path.abspath", "os.path.realpath", "path.abspath", "path.realpath", "str"})
_PATH_SAME = frozenset({"resolve", "absolute"})
