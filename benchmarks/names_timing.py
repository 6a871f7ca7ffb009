"""Time name resolution on a few files: libcst's QualifiedNameProvider against
birnn-lint's own resolver (when present), and the whole analysis of each file.

Not a timed test: run it by hand, `python benchmarks/names_timing.py [FILES]`
(default: a few files of the installed torch package, found without importing it).
Prints the best of --runs runs, in milliseconds of CPU time (steadier than wall time on
a busy machine).
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from collections.abc import Callable
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider

from birnn_lint.analysis.run import analyze

DEFAULT = (
    "nn/modules/rnn.py",
    "ao/nn/quantized/dynamic/modules/rnn.py",
    "ao/nn/quantizable/modules/rnn.py",
    "nn/utils/rnn.py",
    "nn/functional.py",
    "testing/_internal/common_modules.py",
)


def best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    files = [Path(f) for f in args.files]
    if not files:
        spec = importlib.util.find_spec("torch")
        assert spec is not None and spec.origin is not None
        root = Path(spec.origin).parent
        files = [root / f for f in DEFAULT]
    try:
        from birnn_lint.analysis.names import Resolver
    except ImportError:
        Resolver = None  # noqa: N806 - before the resolver existed
    print(f"{'file':45} {'lines':>6} {'parse':>7} {'libcst QN':>9} {'ours':>7} {'analyze':>8}")
    for path in files:
        print(row(path, args.runs, Resolver))


def row(path: Path, runs: int, resolver: type | None) -> str:
    source = path.read_text()
    module = cst.parse_module(source)
    parse = best(lambda: cst.parse_module(source), runs)
    qnp = best(
        lambda: MetadataWrapper(module, unsafe_skip_copy=True).resolve(QualifiedNameProvider),
        runs,
    )
    ours = best(lambda: resolver(module), runs) if resolver is not None else float("nan")
    whole = best(lambda: analyze(source, str(path), None), runs)
    name = "/".join(path.parts[-4:])
    lines = source.count("\n")
    return f"{name:45} {lines:6} {parse:7.1f} {qnp:9.1f} {ours:7.1f} {whole:8.1f}"


if __name__ == "__main__":
    main()
