#!/usr/bin/env python3
"""birnn-lint's findings on the precision projects, each checked as a whole project.

Issue 10 asks that precision does not move: no finding on torch's own source, fairseq
0.12.2, OpenNMT-py 3.5.1, joeynmt 2.3.0 or allennlp 2.10.1 (any finding there that
cannot be defended is a bug). This script downloads nothing: it checks the folders it is
given (default: the installed torch package's source, found without importing torch,
and every folder below --corpora), from inside each folder so that the folder is the
project, and prints the finding counts per project and per rule.

Getting the corpora (once, outside the repository):

    mkdir -p /work/corpora/dl /work/corpora/src && cd /work/corpora
    pip download --no-deps --no-binary :all: --no-build-isolation -d dl \\
        fairseq==0.12.2 OpenNMT-py==3.5.1
    # joeynmt 2.3.0 has no sdist on PyPI and allennlp 2.10.1's sdist cannot build its
    # metadata (no requirements.txt in it): take their wheels, which hold the same sources
    pip download --no-deps --only-binary :all: -d dl joeynmt==2.3.0 allennlp==2.10.1
    cd src && for f in ../dl/*.tar.gz; do tar xzf "$f"; done
    for w in ../dl/*.whl; do d=$(basename "$w" | cut -d- -f1,2); mkdir -p "$d"; \\
        (cd "$d" && python3 -m zipfile -e "../$w" .); done

    python benchmarks/precision.py                      # torch + /work/corpora/src/*
    python benchmarks/precision.py --show PATH...       # also list every finding
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

DEFAULT_CORPORA = Path("/work/corpora/src")


def torch_source() -> Path | None:
    spec = importlib.util.find_spec("torch")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def find_birnn_lint(explicit: str | None) -> str:
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "birnn-lint"
    if beside.is_file():
        return str(beside)
    found = shutil.which("birnn-lint")
    if not found:
        raise SystemExit("birnn-lint not found: install it or pass --birnn-lint")
    return found


def check(executable: str, folder: Path) -> tuple[list[dict[str, object]], float]:
    start = time.perf_counter()
    done = subprocess.run(
        [executable, "check", "--output-format", "json", "--isolated", "--no-cache"]
        + ["--exit-zero", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"birnn-lint failed on {folder} ({done.returncode}): {done.stderr}")
    findings: list[dict[str, object]] = json.loads(done.stdout or "[]")
    return findings, elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("projects", nargs="*", type=Path, help="project folders to check")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--no-torch", action="store_true", help="leave torch's source out")
    parser.add_argument("--birnn-lint", dest="birnn_lint")
    parser.add_argument("--show", action="store_true", help="list every finding")
    args = parser.parse_args(argv)

    projects: list[Path] = list(args.projects)
    if not projects:
        source = None if args.no_torch else torch_source()
        if source is not None:
            projects.append(source)
        if args.corpora.is_dir():
            projects += sorted(p for p in args.corpora.iterdir() if p.is_dir())
    if not projects:
        raise SystemExit("no project to check")

    executable = find_birnn_lint(args.birnn_lint)
    per_rule: Counter[str] = Counter()
    print("| project | .py files | findings | by rule | seconds |")
    print("|---|---|---|---|---|")
    listed = []
    for folder in projects:
        findings, elapsed = check(executable, folder)
        codes = Counter(str(item["code"]) for item in findings)
        per_rule.update(codes)
        files = sum(1 for _ in folder.rglob("*.py"))
        by_rule = ", ".join(f"{code} {n}" for code, n in sorted(codes.items())) or "-"
        name = "torch (installed)" if folder == torch_source() else folder.name
        print(f"| {name} | {files} | {len(findings)} | {by_rule} | {elapsed:.1f} |")
        listed += [(name, item) for item in findings]
    print()
    print("| rule | findings |")
    print("|---|---|")
    for code, n in sorted(per_rule.items()):
        print(f"| {code} | {n} |")
    if not per_rule:
        print("| (none) | 0 |")
    if args.show:
        for name, item in listed:
            row = item["location"]["row"]  # type: ignore[index]
            print(f"{name}/{item['filename']}:{row} {item['code']} {item['message']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
