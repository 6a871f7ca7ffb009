"""The extra reports of benchmarks/run.py: what the pre-filter lets through and what
parsing it costs (`--prefilter-stats`), and what `import birnn_lint.cli` loads
(`--importtime`)."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path


def python_files(paths: Sequence[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        else:
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".py", ".pyi")))
    return found


def prefilter_stats(paths: Sequence[str]) -> None:
    """How many files pass the engine's pre-filter, and what parsing them costs."""
    import gc

    from birnn_lint.engine import may_contain_findings

    files = python_files([Path(p) for p in paths])
    started = time.perf_counter()
    data = [(p, p.read_bytes()) for p in files]
    read = time.perf_counter() - started
    started = time.perf_counter()
    candidates = [(p, raw) for p, raw in data if may_contain_findings(raw)]
    select = time.perf_counter() - started
    total_lines = sum(raw.count(b"\n") for _, raw in data)
    print(f"{len(files)} files, {total_lines} lines; read in {read:.2f} s")
    lines = sum(raw.count(b"\n") for _, raw in candidates)
    chosen = {path for path, _ in candidates}
    print(f"pre-filter: {len(candidates)} files ({lines} lines) pass, in {select:.2f} s")

    gc_threshold = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)
    try:
        started = time.process_time()
        for path, raw in data:
            if path in chosen:
                continue
            try:
                compile(raw, str(path), "exec", dont_inherit=True, flags=0x400)
            except (SyntaxError, ValueError):
                pass
        print(
            f"syntax check (compile) of the other files: {time.process_time() - started:.2f} s CPU"
        )
        import libcst

        timings = []
        for path, raw in candidates:
            started = time.process_time()
            try:
                libcst.parse_module(raw)
            except Exception:  # noqa: BLE001 - a statistic, not a check
                pass
            timings.append((time.process_time() - started, path))
    finally:
        gc.set_threshold(*gc_threshold)
    print(f"libcst parse of the candidates: {sum(t for t, _ in timings):.2f} s CPU")
    for spent, path in sorted(timings, key=lambda t: -t[0])[:10]:
        print(f"  {spent:6.2f} s  {path}")
    _second_stage(candidates)


def _second_stage(candidates: Sequence[tuple[Path, bytes]]) -> None:
    """The engine's second pre-selection on the built-in parser's tree, where it has one."""
    import ast

    from birnn_lint import engine

    second = getattr(engine, "constructs_a_layer", None)
    if second is None:
        return
    started = time.process_time()
    kept = []
    for path, raw in candidates:
        try:
            tree = ast.parse(raw)
        except (SyntaxError, ValueError):
            kept.append((path, raw))  # libcst gives the verdict
            continue
        if second(tree):
            kept.append((path, raw))
    spent = time.process_time() - started
    lines = sum(raw.count(b"\n") for _, raw in kept)
    print(f"second pre-selection (ast): {len(kept)} files ({lines} lines) left, in {spent:.2f} s")
    for path, _ in kept:
        print(f"  {path}")


def importtime(python: str) -> None:
    """The modules `import birnn_lint.cli` loads, by cumulative import time."""
    done = subprocess.run(
        [python, "-X", "importtime", "-c", "import birnn_lint.cli"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if match:
            rows.append((int(match.group(2)), len(match.group(3)), match.group(4)))
    top_level = [r for r in rows if r[1] <= 1]
    total = sum(r[0] for r in top_level)
    print(f"import birnn_lint.cli: {total / 1000:.1f} ms in {len(rows)} modules")
    for cumulative, _, name in sorted(top_level, reverse=True)[:15]:
        print(f"  {cumulative / 1000:7.1f} ms  {name}")
