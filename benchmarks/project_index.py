#!/usr/bin/env python3
"""Time the project index (birnn_lint.project) on a generated project of modules that
import each other: each module subclasses a base from another module, builds an
nn.LSTM in its class, imports functions and modules from others (cycles included),
star-imports a shared `common` module that binds `nn`, and goes through a package
`__init__` that re-exports.

Measured, each the best of `--runs`:
  cold        a new index and an empty summary cache: every file read and parsed
  new index   a new index, summaries cached by content (a second run in one process)
  disk store  a new index, nothing in memory, summaries read from the on-disk store
              (a second run, or another worker process of the same run)
  warm        the same index again (every resolution already made)
Each pass resolves every top-level import binding of every file, every star binding,
and the bases of every class transitively. For scale it also times `ast.parse` and
`libcst.parse_module` of every file once, and (with --check) `birnn-lint check` of the
project in a subprocess.

    python benchmarks/project_index.py                 # 50 modules
    python benchmarks/project_index.py --modules 500 --check
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from birnn_lint.project import ProjectIndex, SummaryStore, SymbolKind, summary


def module_text(i: int, count: int, rng: random.Random) -> str:
    others = [j for j in range(count) if j != i]
    base, function, module, relative = rng.sample(others, 4)
    return f'''"""Module {i}."""
from torch import nn

from .common import *
from .m{base} import Block{base}
from proj.m{function} import make_{function}
from . import m{module}
from .sub import Helper{i % 5}
import proj.m{relative} as other


class Block{i}(Block{base} if False else nn.Module):
    pass


class Model{i}(Block{base}):
    def __init__(self, hidden: int = 16) -> None:
        super().__init__()
        self.rnn = nn.LSTM(8, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, 4)

    def forward(self, x):
        out, (h_n, c_n) = self.rnn(x)
        last = torch.cat([h_n[-2], h_n[-1]], dim=-1)
        return self.head(last), make_{function}, m{module}, other


def make_{i}() -> Model{i}:
    return Model{i}()


Alias{i} = Model{i}
'''


def generate(folder: Path, count: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    pkg = folder / "proj"
    (pkg / "sub").mkdir(parents=True)
    (folder / "pyproject.toml").write_text('[project]\nname = "proj"\n')
    (pkg / "__init__.py").write_text(
        "".join(f"from .m{i} import Model{i}\n" for i in range(0, count, 10))
    )
    (pkg / "common.py").write_text(
        "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n"
        "def lengths_of(mask):\n    return mask.sum(1)\n"
    )
    (pkg / "sub" / "__init__.py").write_text(
        "".join(f"from .helpers{k} import Helper{k}\n" for k in range(5))
    )
    for k in range(5):
        (pkg / "sub" / f"helpers{k}.py").write_text(
            f"from ..common import *\n\nclass Helper{k}(nn.Module):\n    pass\n"
        )
    # Block{i} must exist before any class uses it: give each module a plain one too.
    for i in range(count):
        (pkg / f"m{i}.py").write_text(module_text(i, count, rng))
    (folder / "train.py").write_text(
        "from proj import *\nfrom proj.m0 import make_0\n\nmodel = make_0()\n"
    )
    return sorted(folder.rglob("*.py"))


def resolve_everything(files: Sequence[Path]) -> int:
    """Every import binding, star binding and class ancestry of every file."""
    resolved = 0
    for path in files:
        index = ProjectIndex.for_file(path)
        found = index.summary(path)
        if found is None:
            continue
        for name in found.imports:
            resolved += index.resolve_name(path, name) is not None
        resolved += len(index.star_bindings(path))
        for name in found.classes:
            symbol = index.resolve_name(path, name)
            if symbol is not None and symbol.kind is SymbolKind.CLASS:
                resolved += len(index.ancestors(symbol))
    return resolved


def best_of(runs: int, setup: Callable[[], None], body: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        setup()
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return min(times)


def nothing() -> None:
    pass


def cold() -> None:
    ProjectIndex.reset()
    summary._by_content.clear()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="generate here and keep it")
    parser.add_argument("--check", action="store_true", help="also time `birnn-lint check`")
    args = parser.parse_args(argv)

    folder = args.keep or Path(tempfile.mkdtemp(prefix="birnn-project-"))
    store_root = Path(tempfile.mkdtemp(prefix="birnn-store-"))
    if args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        files = generate(folder, args.modules, args.seed)
        size = sum(path.stat().st_size for path in files)
        print(f"project: {len(files)} files, {size / 1024:.0f} KiB, in {folder}")

        cold()
        total = resolve_everything(files)
        imports = sum(len(summary.parse_summary(p.read_text()).imports) for p in files)  # type: ignore[union-attr]
        print(f"resolved: {total} symbols ({imports} import bindings)")

        def with_store() -> None:
            ProjectIndex.configure(SummaryStore(store_root))
            cold()

        rows = [
            (
                "cold (new index, empty summary cache)",
                best_of(args.runs, cold, lambda: resolve_everything(files)),
            ),
            (
                "new index, summaries cached by content",
                best_of(args.runs, ProjectIndex.reset, lambda: resolve_everything(files)),
            ),
            (
                "disk store (new index, summaries from disk)",
                best_of(max(args.runs, 2), with_store, lambda: resolve_everything(files)),
            ),
            ("warm (same index)", best_of(args.runs, nothing, lambda: resolve_everything(files))),
            (
                "for scale: ast.parse of every file",
                best_of(args.runs, nothing, lambda: [ast.parse(p.read_text()) for p in files]),
            ),
        ]
        try:
            import libcst

            rows.append(
                (
                    "for scale: libcst.parse_module of every file",
                    best_of(
                        args.runs,
                        nothing,
                        lambda: [libcst.parse_module(p.read_text()) for p in files],
                    ),
                )
            )
        except ImportError:  # pragma: no cover
            pass
        if args.check:
            exe = Path(sys.executable).with_name("birnn-lint")
            command = [
                str(exe) if exe.exists() else "birnn-lint",
                "check",
                "--no-cache",
                str(folder),
            ]

            def check() -> None:
                subprocess.run(command, capture_output=True, check=False, cwd=folder)

            rows.append(
                (
                    "for scale: birnn-lint check --no-cache (subprocess)",
                    best_of(args.runs, nothing, check),
                )
            )

        width = max(len(label) for label, _ in rows)
        print(f"\n{'measure':<{width}}  {'best (ms)':>10}  {'per file (ms)':>13}")
        for label, seconds in rows:
            print(
                f"{label:<{width}}  {seconds * 1000:>10.2f}  {seconds * 1000 / len(files):>13.3f}"
            )
    finally:
        ProjectIndex.configure(None)
        shutil.rmtree(store_root, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
