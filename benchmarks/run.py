#!/usr/bin/env python3
"""Time birnn-lint against its peers on the same trees, side by side.

Installs nothing: every tool is an executable found on PATH or named with an option
(see benchmarks/README.md for giving each peer a virtual environment of its own). Each
tool runs `--warmup` times unmeasured, then `--runs` times; the table shows the median
wall time, the median CPU time (user + system of the tool and all its processes), the
largest resident set of any one of its processes, the peak of its processes' summed
resident sets (sampled every 10 ms, Linux only), and the ratio to birnn-lint cold on
the same corpus.

    python benchmarks/run.py                        # torch's installed source
    python benchmarks/run.py --runs 3 --ruff ~/venvs/ruff/bin/ruff PATH...
    python benchmarks/run.py --prefilter-stats      # what the pre-filter lets through
    python benchmarks/run.py --importtime           # what `import birnn_lint.cli` costs
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import project_corpus  # beside this script
from extra_reports import importtime, prefilter_stats, python_files

PEERS = ("ruff", "flake8", "torchfix", "fixit")
PROJECT = "project"
# flake8 runs every installed plugin whatever --select says; these come with it.
FLAKE8_OWN_PLUGINS = {"mccabe", "pycodestyle", "pyflakes"}


# --- measuring one command -----------------------------------------------------------


def _children_of(pid: int) -> list[int]:
    """All descendants of `pid`, from /proc (Linux)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class TreeMemorySampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._halt = threading.Event()
        self.enabled = os.path.isdir("/proc/self")

    def run(self) -> None:
        while self.enabled and not self._halt.is_set():
            total = sum(_rss(p) for p in [self.pid, *_children_of(self.pid)])
            self.peak = max(self.peak, total)
            self._halt.wait(self.interval)

    def stop(self) -> int | None:
        self._halt.set()
        self.join()
        return self.peak if self.enabled else None


@dataclass
class Sample:
    wall: float
    cpu: float
    max_rss: int  # bytes, the largest single process (wait4)
    tree_rss: int | None  # bytes, peak of the summed tree (sampled)
    returncode: int


def measure(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> Sample:
    started = time.perf_counter()
    process = subprocess.Popen(
        list(argv), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    sampler = TreeMemorySampler(process.pid)
    sampler.start()
    assert process.stderr is not None
    # Drain stderr in a thread: a tool that writes a lot must not block on the pipe.
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)
    reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    tree = sampler.stop()
    reader.join()
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    sample = Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss=usage.ru_maxrss * scale,
        tree_rss=tree,
        returncode=process.returncode,
    )
    if process.returncode not in (0, 1):
        tail = b"".join(errors).decode("utf-8", "replace").strip().splitlines()[-5:]
        print(f"  ! exit {process.returncode}: {' '.join(argv[:3])} ...", file=sys.stderr)
        for line in tail:
            print(f"    {line}", file=sys.stderr)
    return sample


# --- what is measured ------------------------------------------------------------------


@dataclass
class Job:
    corpus: str
    tool: str
    argv: list[str]
    reference: bool = False  # birnn-lint cold: the ratios are to this row
    samples: list[Sample] = field(default_factory=list)
    note: str = ""
    env: dict[str, str] = field(default_factory=dict)  # added to the run's environment

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(s, attribute) for s in self.samples)

    def peak(self, attribute: str) -> int | None:
        values = [getattr(s, attribute) for s in self.samples]
        return None if any(v is None for v in values) else max(values)


def count_lines(files: Sequence[Path]) -> int:
    total = 0
    for path in files:
        try:
            total += path.read_bytes().count(b"\n")
        except OSError:
            pass
    return total


def installed_torch() -> Path | None:
    """The installed torch package folder, found without importing torch."""
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def find_tool(name: str, given: str | None) -> str | None:
    if given:
        path = shutil.which(given) or given
        return path if Path(path).exists() else None
    beside = Path(sys.executable).with_name(name)
    if name == "birnn-lint" and beside.exists():
        return str(beside)
    return shutil.which(name)


def tool_version(executable: str, tool: str) -> str:
    argv = [executable, "--version"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "?"
    text = (done.stdout or done.stderr).strip().replace("\n", " ")
    return re.sub(r"\s+", " ", text)


def flake8_extra_plugins(version: str) -> list[str]:
    """Plugins beyond flake8's own in `flake8 --version` ("7.5.0 (a: 1, b: 2) ...")."""
    match = re.search(r"\((.*?)\)", version)
    if not match:
        return []
    names = [item.split(":")[0].strip() for item in match.group(1).split(",")]
    return [n for n in names if n and n not in FLAKE8_OWN_PLUGINS]


def build_jobs(args: argparse.Namespace, work: Path) -> tuple[list[Job], list[str], dict]:
    notes: list[str] = []
    versions: dict[str, str] = {}
    exe = {name: find_tool(name, getattr(args, name.replace("-", "_"))) for name in PEERS}
    exe["birnn-lint"] = find_tool("birnn-lint", args.birnn_lint)
    for name, path in exe.items():
        if path is None:
            notes.append(f"{name}: not found (install it or pass --{name} PATH); skipped")
        else:
            versions[name] = f"{tool_version(path, name)} ({path})"
    if exe["flake8"]:
        extra = flake8_extra_plugins(versions["flake8"])
        if extra:
            notes.append(
                f"flake8 at {exe['flake8']} has plugins {extra}, which run whatever "
                "--select says: its times include them (pass --flake8 from a clean venv)"
            )

    corpora: dict[str, list[str]] = {}
    if args.paths:
        corpora["corpus"] = args.paths
    if args.small:
        corpora["small"] = args.small
    single = args.single_file
    if args.project_files:
        project, alone = project_corpus.generate(work / "project-corpus", args.project_files)
        corpora_project = (str(project), str(alone))
    else:
        corpora_project = None

    cache = work / "birnn-lint-cache"
    birnn = exe["birnn-lint"]
    jobs: list[Job] = []
    for label, paths in corpora.items():
        if birnn:
            base = [birnn, "check", "--isolated", "--format", "concise", "--exit-zero"]
            jobs.append(Job(label, "birnn-lint cold", [*base, "--no-cache", *paths], True))
            warm_cache = str(cache / label)
            jobs.append(Job(label, "birnn-lint warm", [*base, "--cache-dir", warm_cache, *paths]))
        if exe["ruff"]:
            argv = [exe["ruff"], "check", "--no-cache", "--isolated", "--exit-zero", "-q"]
            jobs.append(Job(label, "ruff check --no-cache", [*argv, *paths]))
        if exe["flake8"]:
            argv = [exe["flake8"], "--isolated", "--select", "F", "--exit-zero"]
            jobs.append(Job(label, "flake8 --select F", [*argv, *paths]))
        peers_here = label == "small" or not args.small or args.peers_everywhere
        if exe["torchfix"] and peers_here:
            jobs.append(Job(label, "torchfix", [exe["torchfix"], *paths]))
        if exe["fixit"] and peers_here:
            jobs.append(Job(label, "fixit lint", [exe["fixit"], "lint", *paths]))
    if single:
        if birnn:
            argv = [birnn, "check", "--isolated", "--format", "concise", "--exit-zero"]
            jobs.append(Job("1 file", "birnn-lint (no cache)", [*argv, "--no-cache", single], True))
        if exe["flake8"]:
            argv = [exe["flake8"], "--isolated", "--select", "F", "--exit-zero", single]
            jobs.append(Job("1 file", "flake8 --select F", argv))
        if exe["ruff"]:
            argv = [exe["ruff"], "check", "--no-cache", "--isolated", "--exit-zero", "-q", single]
            jobs.append(Job("1 file", "ruff check --no-cache", argv))
    if corpora_project and birnn:
        # One run over the project, then one over the same files each alone (imports lead
        # nowhere): the difference is the flow across files. Both cold, in one process
        # or a pool alike (the same bytes).
        project, alone = corpora_project
        argv = [birnn, "check", "--isolated", "--format", "concise", "--exit-zero", "--no-cache"]
        jobs.append(Job(PROJECT, "birnn-lint cold", [*argv, project], True))
        jobs.append(Job(PROJECT, "birnn-lint cold, each file alone", [*argv, alone]))
    return jobs, notes, versions


# --- report ------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    info = {
        "os": platform.platform(),
        "python": platform.python_version(),
        "cores": str(os.cpu_count()),
    }
    try:
        text = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.*)$", text, re.MULTILINE)
        if model:
            info["cpu"] = model.group(1).strip()
        memory = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        if memory:
            info["memory"] = f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB"
    except OSError:
        info["cpu"] = platform.processor() or "?"
    return info


def _mb(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 1e6:.0f} MB"


def table(jobs: Sequence[Job]) -> str:
    rows = [
        "| corpus | tool | wall (median) | CPU (median) | max RSS, one process "
        "| peak RSS, all processes | × birnn-lint cold |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    reference = {j.corpus: j.median("wall") for j in jobs if j.reference and j.samples}
    for job in jobs:
        if not job.samples:
            continue
        wall = job.median("wall")
        base = reference.get(job.corpus)
        ratio = f"{wall / base:.2f}" if base else "-"
        rows.append(
            f"| {job.corpus} | {job.tool} | {wall:.2f} s | {job.median('cpu'):.2f} s "
            f"| {_mb(job.peak('max_rss'))} | {_mb(job.peak('tree_rss'))} | {ratio} |"
        )
    return "\n".join(rows)


def targets(jobs: Sequence[Job]) -> list[str]:
    """The issue's targets, as ratios in this run."""

    def wall(corpus: str, tool: str) -> float | None:
        for job in jobs:
            if job.corpus == corpus and job.tool == tool and job.samples:
                return job.median("wall")
        return None

    lines = []

    def check(label: str, value: float | None, limit: float, unit: str = "x") -> None:
        if value is None:
            lines.append(f"- {label}: not measured")
            return
        verdict = "met" if value <= limit else "MISSED"
        lines.append(f"- {label}: {value:.2f}{unit} (target <= {limit:g}{unit}): {verdict}")

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    cold = wall("corpus", "birnn-lint cold")
    ruff = wall("corpus", "ruff check --no-cache")
    check("corpus cold / ruff", ratio(cold, ruff), 1.5)
    check("corpus warm / ruff cold", ratio(wall("corpus", "birnn-lint warm"), ruff), 0.25)
    small = wall("small", "birnn-lint cold")
    for peer in ("torchfix", "fixit lint"):
        check(f"small corpus birnn-lint cold / {peer}", ratio(small, wall("small", peer)), 0.05)
    check(
        "1 file birnn-lint / flake8",
        ratio(wall("1 file", "birnn-lint (no cache)"), wall("1 file", "flake8 --select F")),
        1,
    )
    check(
        "project with cross-file flow / each file alone",
        ratio(wall(PROJECT, "birnn-lint cold"), wall(PROJECT, "birnn-lint cold, each file alone")),
        1.2,
    )
    for job in jobs:
        if job.corpus == "corpus" and job.tool == "birnn-lint cold" and job.samples:
            peak = job.peak("max_rss")
            tree = job.peak("tree_rss")
            check("corpus cold, max RSS of one process", peak and peak / 1e6, 300, " MB")
            check("corpus cold, peak RSS of all processes", tree and tree / 1e6, 300, " MB")
    return lines


# --- main -------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="the corpus (default: installed torch)")
    parser.add_argument("--small", nargs="*", help="the small corpus (default: torch/nn, torch/ao)")
    parser.add_argument(
        "--single-file",
        help="the one-file case (default: torch/ao/nn/quantized/dynamic/modules/rnn.py, "
        "a file that builds recurrent layers)",
    )
    parser.add_argument(
        "--project-files",
        type=int,
        default=50,
        help="files of the generated project corpus (0: none)",
    )
    parser.add_argument("--runs", type=int, default=5, help="measured runs per tool")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs first")
    parser.add_argument(
        "--only", help="run only tools whose label contains one of these (comma-separated)"
    )
    parser.add_argument(
        "--corpora", default=f"corpus,small,1 file,{PROJECT}", help="which corpora to run"
    )
    parser.add_argument(
        "--peers-everywhere",
        action="store_true",
        help="also run TorchFix and Fixit on the big corpus (minutes each)",
    )
    parser.add_argument("--json", type=Path, help="write every sample here")
    parser.add_argument("--birnn-lint", dest="birnn_lint")
    for peer in PEERS:
        parser.add_argument(f"--{peer}", help=f"the {peer} executable")
    parser.add_argument("--prefilter-stats", action="store_true")
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args(argv)
    # The tools run from an empty folder: paths given relative to here must not change.
    args.paths = [os.path.abspath(p) for p in args.paths]
    if args.small is not None:
        args.small = [os.path.abspath(p) for p in args.small]
    if args.single_file is not None:
        args.single_file = os.path.abspath(args.single_file)
    torch = installed_torch()
    if not args.paths:
        if torch is None:
            parser.error("torch is not installed here: name the corpus paths")
        args.paths = [str(torch)]
    if args.small is None and torch is not None:
        args.small = [str(torch / "nn"), str(torch / "ao")]
    if args.single_file is None and torch is not None:
        args.single_file = str(torch / "ao" / "nn" / "quantized" / "dynamic" / "modules" / "rnn.py")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.prefilter_stats:
        prefilter_stats(args.paths)
        return 0
    if args.importtime:
        importtime(sys.executable)
        return 0

    wanted = {name.strip() for name in args.corpora.split(",")}
    with tempfile.TemporaryDirectory(prefix="birnn-bench-") as tmp:
        work = Path(tmp)
        cwd = work / "cwd"  # no project configuration for any tool to pick up
        cwd.mkdir()
        # PYTHONDONTWRITEBYTECODE would make every run of a Python tool compile its
        # modules again (an installed package has its bytecode; the warm-up writes it).
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("RUFF_", "FLAKE8")) and k != "PYTHONDONTWRITEBYTECODE"
        }
        jobs, notes, versions = build_jobs(args, work)
        only = [part.strip() for part in (args.only or "").split(",") if part.strip()]
        jobs = [
            j
            for j in jobs
            if j.corpus in wanted and (not only or any(part in j.tool for part in only))
        ]

        info = machine()
        print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
        for name, version in versions.items():
            print(f"{name}: {version}")
        for label, paths in (("corpus", args.paths), ("small", args.small or [])):
            if label in wanted and paths:
                files = python_files([Path(p) for p in paths])
                print(f"{label}: {len(files)} files, {count_lines(files)} lines: {' '.join(paths)}")
        if "1 file" in wanted and args.single_file:
            print(f"1 file: {args.single_file}")
        if PROJECT in wanted and args.project_files:
            print(
                f"{PROJECT}: {args.project_files} generated files that import each other "
                "(benchmarks/project_corpus.py), and each alone"
            )
        for note in notes:
            print(f"note: {note}")
        print(f"{args.warmup} warm-up run(s), then {args.runs} measured runs per tool", flush=True)

        # The tools of a corpus take turns, run by run: a change in the machine's load
        # then weighs on all of them alike, not on whichever ran at that moment.
        for corpus in dict.fromkeys(job.corpus for job in jobs):
            turn = [job for job in jobs if job.corpus == corpus]
            for job in turn:
                for _ in range(args.warmup):
                    measure(job.argv, cwd, {**env, **job.env})
            for _ in range(args.runs):
                for job in turn:
                    job.samples.append(measure(job.argv, cwd, {**env, **job.env}))
            for job in turn:
                print(f"- {job.corpus}: {job.tool}: {job.median('wall'):.2f} s", flush=True)

    print()
    print(table(jobs))
    print()
    print("targets:")
    print("\n".join(targets(jobs)))
    if args.json:
        payload = {
            "machine": info,
            "versions": versions,
            "notes": notes,
            "jobs": [
                {
                    "corpus": j.corpus,
                    "tool": j.tool,
                    "argv": j.argv,
                    "samples": [asdict(s) for s in j.samples],
                }
                for j in jobs
            ],
        }
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
