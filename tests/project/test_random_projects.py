"""Random projects full of cycles, stars, aliases, broken modules and imports that lead
nowhere: every query answers (never raises, never loops), and what it answers is true
of the files it names."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from birnn_lint.project import ClassInfo, ProjectIndex, Symbol, SymbolKind

NAMES = [f"X{k}" for k in range(3)] + [f"Y{k}" for k in range(3)]
MODULES = [f"m{j}" for j in range(6)]


def _statement(rng: random.Random, package: bool) -> str:
    name, other = rng.choice(NAMES), rng.choice(NAMES)
    module = rng.choice(MODULES)
    prefix = "pkg." if package and rng.random() < 0.5 else ""
    forms = [
        f"from {prefix}{module} import *",
        f"from {prefix}{module} import {name}",
        f"from {prefix}{module} import {name} as {other}",
        f"import {prefix}{module}",
        f"import {prefix}{module} as {name}",
        f"from . import {module}",
        f"from .{module} import {name}",
        f"from .. import {name}",
        f"from ...{module} import *",
        f"class {name}({other}, nn.Module): pass",
        f"class {name}({module}.{other}): pass",
        f"{name} = {other}",
        f"{name} = {module}.{other}",
        f"{name} = {other}.{name}.{other}",
        f"{name} = nn.LSTM(4, 4)",
        "import torch.nn as nn",
        "from torch.nn import *",
        f"__all__ = [{name!r}, {other!r}]",
        f"def {name}(): pass",
        f"try:\n    from {module} import {name}\nexcept ImportError:\n    {name} = None",
    ]
    return rng.choice(forms)


def _project(root: Path, rng: random.Random) -> list[Path]:
    (root / "pyproject.toml").write_text("")
    (root / "pkg").mkdir()
    files = []
    for folder, package in ((root, False), (root / "pkg", True)):
        for module in MODULES:
            if rng.random() < 0.1:
                text = "class Broken(:\n"
            else:
                text = "\n".join(_statement(rng, package) for _ in range(rng.randint(1, 8)))
            path = folder / f"{module}.py"
            path.write_text(text + "\n")
            files.append(path)
    init = "\n".join(_statement(rng, True) for _ in range(4))
    (root / "pkg" / "__init__.py").write_text(init + "\n")
    files.append(root / "pkg" / "__init__.py")
    return files


def _true_of_its_file(index: ProjectIndex, symbol: Symbol) -> None:
    if symbol.kind in (SymbolKind.EXTERNAL, SymbolKind.MODULE):
        assert symbol.line == 0
        return
    assert symbol.path is not None
    summary = index.summary(symbol.path)
    assert summary is not None
    binding = summary.bindings[symbol.name]
    assert binding.line == symbol.line
    if symbol.kind is SymbolKind.CLASS:
        assert isinstance(binding, ClassInfo)


@pytest.mark.parametrize("seed", range(25))
def test_every_query_answers(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    files = _project(tmp_path, rng)
    for path in files:
        index = ProjectIndex.for_file(path)
        for name in [*NAMES, *MODULES, "nn", "pkg", "missing"]:
            for follow in (True, False):
                symbol = index.resolve_name(path, name, follow_aliases=follow)
                if symbol is not None:
                    _true_of_its_file(index, symbol)
                    for ancestor in index.ancestors(symbol):
                        _true_of_its_file(index, ancestor)
            for attribute in ("X0", "m1", "LSTM"):
                dotted = index.resolve_dotted(path, f"{name}.{attribute}")
                if dotted is not None:
                    _true_of_its_file(index, dotted)
        for binding in index.star_bindings(path).values():
            assert binding.via.is_file()
            if binding.symbol is not None:
                _true_of_its_file(index, binding.symbol)
        assert all(isinstance(m, str) for m in index.external_star_imports(path))
        assert isinstance(index.exported_names(path), frozenset)
