"""Checking many files: the cache, a process pool, and one result per file in input order.

Per file: the stat index of the cache may say "unchanged since a run that found nothing"
(no read at all); otherwise the file is read, looked up by content hash, and only on a
miss decoded, checked (`engine.check_source`) and filtered by its noqa comments. A file
that cannot be read or decoded gets a BRN901 finding and a crash a BRN902 finding; the
run goes on either way. The output never depends on the cache or on the number of jobs.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from birnn_lint import cache as cache_module
from birnn_lint.engine import check_source, internal_error_finding, unreadable_finding
from birnn_lint.findings import Finding
from birnn_lint.notebooks import is_notebook
from birnn_lint.project import dependencies
from birnn_lint.registry import InternalErrorDiagnostic
from birnn_lint.source_io import SourceReadError, decode_source, read_source

if TYPE_CHECKING:  # the pool's modules are imported only when a run uses one
    from concurrent.futures import Future, ProcessPoolExecutor

    # (index, findings, source, index entry for the cache or None)
    _Outcome = tuple[int, list[Finding], str | None, list[Any] | None]

# Below this much source (in bytes) a pool costs more than it saves: forking, and each
# worker importing libcst, take ~0.2 s, which checks about this much code.
_MIN_PARALLEL_BYTES = 512 * 1024
# Work is cut into about this many batches per worker, biggest files first, so that the
# workers finish together.
_BATCHES_PER_WORKER = 8
# What checking a file costs beyond its size, in bytes of source checked in that time.
_FILE_COST = 8 * 1024
# libcst trees and ASTs are millions of short-lived, mostly acyclic objects: with the
# default gen-0 threshold (700) the cycle collector runs constantly and costs ~20% of a
# cold run. Reference counting frees the trees; a rarer collection still bounds cycles.
_GC_THRESHOLD = (50_000, 20, 20)


@dataclass
class FileResult:
    display: str
    findings: list[Finding]
    # The decoded text, kept only for files with findings (for the `full` format and
    # --add-noqa); None otherwise, so that a run over a big tree holds little text.
    source: str | None


@dataclass(frozen=True)
class _Task:
    index: int
    path: str
    display: str
    size: int
    # The file's stat before it is read, when it is old enough to go in the stat index.
    stat: os.stat_result | None


def _cacheable(findings: Sequence[Finding]) -> bool:
    # An internal error may be transient (memory, recursion) or fixed by the next build.
    return all(f.code != InternalErrorDiagnostic.code for f in findings)


def _check_text(
    text: str,
    display: str,
    codes: frozenset[str] | None,
    notebook: bool = False,
    path: Path | None = None,
) -> list[Finding]:
    from birnn_lint.noqa import filter_suppressed

    if notebook:
        from birnn_lint.notebooks.check import check_notebook

        return check_notebook(text, display, codes)
    findings = check_source(text, display, codes, path)
    return filter_suppressed(findings, text)


def _check_task(
    task: _Task, codes: frozenset[str] | None, cache: cache_module.Cache | None
) -> _Outcome:
    """Read, look up, check and store one file; never raises for a bad file."""
    path = Path(task.path)
    try:
        source = read_source(path)
    except SourceReadError as error:
        return (
            task.index,
            [unreadable_finding(task.display, error.message, error.row, error.column)],
            None,
            None,
        )
    stage = "the cache"
    depends = False
    try:
        digest = cache_module.content_hash(source.raw) if cache is not None else ""
        found = cache.lookup(digest, task.display) if cache is not None else None
        findings = found[0] if found is not None else None
        depends = found is not None and found[1]
        if findings is None:
            stage = "the analysis"
            with dependencies.recording() as others:
                findings = _check_text(
                    source.text, task.display, codes, is_notebook(task.path), path
                )
            if others:  # resolving costs a system call per folder: only when needed
                others.discard(path.resolve())
            depends = bool(others)
            if cache is not None and _cacheable(findings):
                stage = "the cache"
                cache.put(digest, findings, sorted(others))
    except Exception as error:  # noqa: BLE001 - one bad file must not end the run
        return task.index, [internal_error_finding(task.display, stage, error)], None, None
    entry = None
    # A file whose findings depend on other files is looked up by content every time: its
    # entry checks that those files are unchanged (the stat index knows only its own).
    if cache is not None and task.stat is not None and _cacheable(findings) and not depends:
        entry = cache_module.index_entry(task.stat, digest, bool(findings))
    return task.index, findings, source.text if findings else None, entry


# --- worker processes -----------------------------------------------------------------

_worker_codes: frozenset[str] | None = None
_worker_cache: cache_module.Cache | None = None


def _check_batch(tasks: list[_Task]) -> list[_Outcome]:
    with _rare_gc():
        return [_check_task(task, _worker_codes, _worker_cache) for task in tasks]


@contextmanager
def _rare_gc() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def _pool_context() -> Any:
    """fork on Linux when no other thread runs (forking a threaded process can deadlock):
    workers start in milliseconds with birnn-lint already imported; else the default."""
    import multiprocessing
    import threading

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _init_worker(codes: frozenset[str] | None, cache_root: str | None) -> None:
    global _worker_codes, _worker_cache
    # Ctrl-C is the parent's to handle: it stops the workers itself, without a traceback
    # from each of them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_codes = codes
    _worker_cache = cache_module.Cache(Path(cache_root), codes) if cache_root else None


def _new_pool(
    workers: int, codes: frozenset[str] | None, cache_root: str | None
) -> ProcessPoolExecutor:
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_pool_context(),
        initializer=_init_worker,
        initargs=(codes, cache_root),
    )


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Stop at once (Ctrl-C, an error): drop queued work and end the running workers
    rather than wait for their batches."""
    # `_processes` is the executor's own table of workers; there is no public way.
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _batches(tasks: list[_Task], workers: int) -> list[list[_Task]]:
    """Biggest files first, in batches that shrink as the work left does (each about
    1/(workers * 3) of what is left, down to 1/(workers * _BATCHES_PER_WORKER * 4) of
    all): the few files that reach the analysis cost far more than their size says, so
    the last batches must be small for the workers to end together. A file weighs its
    size plus a fixed cost (opening, reading, the pre-selection)."""
    ordered = sorted(tasks, key=lambda t: -t.size)
    left = sum(t.size + _FILE_COST for t in ordered)
    smallest = max(1, left // (workers * _BATCHES_PER_WORKER * 4))
    batches: list[list[_Task]] = []
    current: list[_Task] = []
    weight = 0
    target = max(smallest, left // (workers * 3))
    for task in ordered:
        current.append(task)
        weight += task.size + _FILE_COST
        if weight >= target:
            batches.append(current)
            left -= weight
            current, weight = [], 0
            target = max(smallest, left // (workers * 3))
    if current:
        batches.append(current)
    return batches


def _run_pool(
    tasks: list[_Task], workers: int, codes: frozenset[str] | None, cache_root: str | None
) -> list[_Outcome]:
    from concurrent.futures.process import BrokenProcessPool

    outcomes: list[_Outcome] = []
    lost: list[_Task] = []
    pool = _new_pool(workers, codes, cache_root)
    try:
        futures: list[tuple[Future[list[_Outcome]], list[_Task]]] = [
            (pool.submit(_check_batch, batch), batch) for batch in _batches(tasks, workers)
        ]
        for future, batch in futures:
            try:
                outcomes.extend(future.result())
            except BrokenProcessPool:
                lost.extend(batch)
    except BaseException:
        _abandon(pool)
        raise
    pool.shutdown(wait=True)
    if lost:
        outcomes.extend(_rerun_alone(lost, codes, cache_root))
    return outcomes


def _rerun_alone(
    tasks: list[_Task], codes: frozenset[str] | None, cache_root: str | None
) -> list[_Outcome]:
    """A worker died (a crash in native code, or killed for memory): rerun its files one at
    a time in a single fresh worker, so the file that kills it again is known."""
    from concurrent.futures.process import BrokenProcessPool

    outcomes: list[_Outcome] = []
    pool: ProcessPoolExecutor | None = None
    try:
        for task in tasks:
            if pool is None:
                pool = _new_pool(1, codes, cache_root)
            try:
                outcomes.extend(pool.submit(_check_batch, [task]).result())
            except BrokenProcessPool as error:
                pool.shutdown(wait=True)
                pool = None
                finding = internal_error_finding(task.display, "a worker process", error)
                outcomes.append((task.index, [finding], None, None))
    except BaseException:
        if pool is not None:
            _abandon(pool)
        raise
    if pool is not None:
        pool.shutdown(wait=True)
    return outcomes


# --- the run --------------------------------------------------------------------------


def _from_index(
    cache: cache_module.Cache, entry: Any, path: str, display: str, result: os.stat_result
) -> FileResult | None:
    """The result for an unchanged file according to the stat index, or None."""
    hit = cache_module.index_hit(entry, result)
    if hit is None:
        return None
    digest, has_findings = hit
    if not has_findings:
        return FileResult(display, [], None)
    # Findings need the text (and their entry): read it, and trust the entry only if the
    # content still hashes the same.
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        if cache_module.content_hash(raw) != digest:
            return None
        findings = cache.get(digest, display)
        if findings is None:
            return None
        text = decode_source(raw)[0]
    except (OSError, SourceReadError):
        return None
    return FileResult(display, findings, text)


def default_jobs() -> int:
    return os.cpu_count() or 1


def check_files(
    files: Sequence[tuple[Path, str]],
    *,
    codes: frozenset[str] | None,
    jobs: int | None = None,
    cache_dir: Path | None = None,
) -> list[FileResult]:
    """Check (path on disk, display name) pairs; one FileResult per pair, in input order.

    `codes` selects the check rules (None: all). `jobs` caps the worker processes
    (default: one per CPU; 1 checks in this process). `cache_dir` is the cache root
    (None: no cache).
    """
    cache = cache_module.Cache(cache_dir, codes) if cache_dir is not None else None
    index = cache.load_index() if cache is not None else {}
    started = time.time()
    results: list[FileResult | None] = [None] * len(files)
    pending: list[_Task] = []
    for position, (path, display) in enumerate(files):
        where = os.path.abspath(path)
        try:
            result: os.stat_result | None = os.stat(where)
        except OSError:
            result = None  # reading it says why, as a BRN901 finding
        if cache is not None and result is not None and where in index:
            results[position] = _from_index(cache, index[where], where, display, result)
            if results[position] is not None:
                continue
        settled = result is not None and cache_module.is_settled(result, started)
        size = result.st_size if result is not None else 0
        pending.append(_Task(position, where, display, size, result if settled else None))

    workers = min(jobs or default_jobs(), len(pending))
    parallel = workers > 1 and sum(t.size for t in pending) >= _MIN_PARALLEL_BYTES
    if parallel:
        root = str(cache_dir) if cache_dir is not None else None
        outcomes = _run_pool(pending, workers, codes, root)
    else:
        with _rare_gc():
            outcomes = [_check_task(task, codes, cache) for task in pending]

    paths = {task.index: task.path for task in pending}
    updates: dict[str, list[Any]] = {}
    for position, findings, text, entry in outcomes:
        results[position] = FileResult(files[position][1], findings, text)
        if entry is not None:
            updates[paths[position]] = entry
    if cache is not None:
        cache.save_index(updates, present=(os.path.abspath(path) for path, _ in files))
    missing = [files[i][1] for i, r in enumerate(results) if r is None]
    if missing:
        raise RuntimeError(f"no result for {missing[:3]}")  # a bug in this module
    return results  # type: ignore[return-value]


__all__ = ["FileResult", "check_files", "default_jobs"]
