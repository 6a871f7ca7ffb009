"""Which files of a project import names from a given module: the callers a class or a
function of that module may have in other files.

`Seq2Seq(encoder, decoder)` is often built in `train.py` from objects made there, and its
`forward` lives in `model.py`: what `model.py`'s code receives is only known from its
importers. The map from each module to the files that import from it is built once per
project and process, from the import statements' text (no parse), and only when a file
that needs it is analysed.
"""

from __future__ import annotations

import os
from pathlib import Path

from birnn_lint.prefilter import may_contain_findings
from birnn_lint.project.index import ProjectIndex
from birnn_lint.project.layer_imports import imported_names

# Folders never walked: environments, caches, build output, version control.
_SKIP = frozenset(
    ".git .hg .svn .tox .nox .venv venv env __pycache__ site-packages node_modules build "
    "dist .eggs .mypy_cache .pytest_cache .ruff_cache .birnn_lint_cache".split()
)
# A project larger than this is not searched for importers (the search would cost more
# than it can find).
MAX_FILES = 3000
# A module imported by more files than this is a library to them: not followed back.
MAX_IMPORTERS = 8

_maps: dict[Path, dict[Path, list[tuple[Path, tuple[str, ...]]]]] = {}


def importers_of(path: Path) -> list[tuple[Path, tuple[str, ...]]]:
    """(importing file, names it imports; empty for `from m import *`) for each file of
    `path`'s project that imports from `path` (`from m import a`, or `import m` and the
    names it reads from `m`)."""
    return _entries(path, _maps, everyone=True)


def layer_importers_of(path: Path) -> list[tuple[Path, tuple[str, ...]]]:
    """`importers_of`, among the files that may use a recurrent layer only (they mention
    torch and RNN, GRU or LSTM): a map much cheaper to build, as few files do."""
    return _entries(path, _layer_maps, everyone=False)


_layer_maps: dict[Path, dict[Path, list[tuple[Path, tuple[str, ...]]]]] = {}


def _entries(
    path: Path, maps: dict[Path, dict[Path, list[tuple[Path, tuple[str, ...]]]]], everyone: bool
) -> list[tuple[Path, tuple[str, ...]]]:
    path = Path(os.path.abspath(path))
    if "site-packages" in path.parts or "dist-packages" in path.parts:
        return []  # an installed package: its users are not in its folder
    index = ProjectIndex.for_file(path)
    if index.root not in maps:
        maps[index.root] = _build(index, everyone)
    return [entry for entry in maps[index.root].get(path, []) if entry[0] != path]


def _build(index: ProjectIndex, everyone: bool) -> dict[Path, list[tuple[Path, tuple[str, ...]]]]:
    found: dict[Path, list[tuple[Path, tuple[str, ...]]]] = {}
    files = _python_files(index.root)
    if files is None:
        return found
    for file in files:
        try:
            data = file.read_bytes()
        except OSError:
            continue
        if not everyone and not may_contain_findings(data):
            continue
        for imported in imported_names(data):
            target = index.module_path(file, imported.module, imported.level)
            if target is not None:
                names = tuple(imported.names(data))
                found.setdefault(Path(os.path.abspath(target)), []).append((file, names))
    return found


def _python_files(root: Path) -> list[Path] | None:
    out: list[Path] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [s for s in subfolders if s not in _SKIP and not s.startswith(".")]
        for name in names:
            if name.endswith(".py"):
                out.append(Path(os.path.abspath(os.path.join(folder, name))))
                if len(out) > MAX_FILES:
                    return None
    return out
