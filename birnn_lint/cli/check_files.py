"""`check` on files and folders: discover, check, and act on the findings
(`--fix`, `--diff`, `--add-noqa`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from birnn_lint.cli.common import CheckRequest, Run, fix_filter, has_fix, relabel, unreadable
from birnn_lint.config import Settings
from birnn_lint.discovery import Discovered, Walker, display_name
from birnn_lint.formats import Report


def discover(request: CheckRequest, paths: Sequence[Path]) -> Discovered:
    """The files to check, each folder walked with the settings that apply to it."""
    tree = request.tree
    return Walker(tree.base.discovery_options(), tree.discovery_options).discover(paths)


def check_paths(request: CheckRequest, paths: Sequence[Path]) -> tuple[Run, dict[str, str]]:
    """Discover, check, and with --fix / --diff / --add-noqa act on the findings.
    Returns the run and, for --diff, the diff of each changed file."""
    from birnn_lint.runner import FileResult, check_files

    cwd = Path.cwd()
    found = discover(request, paths)
    files = sorted(((p, display_name(p, cwd)) for p in found.files), key=lambda item: item[1])
    if not files and not found.errors:
        click.echo("birnn-lint: warning: no Python files found", err=True)
    # Files under different configuration files may select different rules: one
    # checking pass per selection.
    settings_of = {path: request.tree.for_file(path) for path, _ in files}
    groups: dict[frozenset[str] | None, list[int]] = {}
    for position, (path, _) in enumerate(files):
        groups.setdefault(settings_of[path].codes, []).append(position)
    results: list[FileResult | None] = [None] * len(files)
    for codes, positions in groups.items():
        group = [files[i] for i in positions]
        checked = check_files(group, codes=codes, jobs=request.jobs, cache_dir=request.cache_dir)
        for position, checked_one in zip(positions, checked, strict=True):
            results[position] = checked_one

    run = Run()
    diffs: dict[str, str] = {}
    reports: list[Report] = [
        Report(display_name(p, cwd), [unreadable(display_name(p, cwd), why)])
        for p, why in found.errors
    ]
    for (path, display), result in zip(files, results, strict=True):
        assert result is not None
        settings = settings_of[path]
        findings = settings.filter(relabel(result.findings, display), path)
        report = Report(display, findings, result.source)
        if request.add_noqa:
            report = _add_noqa(path, display, report, run)
        elif (request.fix or request.diff) and has_fix(findings, request.unsafe_fixes):
            report = _fix(request, settings, path, display, report, run, diffs)
        reports.append(report)
    run.reports = sorted(
        (r for r in reports if r.findings), key=lambda r: (r.display, r.findings[0].location)
    )
    return run, diffs


def _fix(
    request: CheckRequest,
    settings: Settings,
    path: Path,
    display: str,
    report: Report,
    run: Run,
    diffs: dict[str, str],
) -> Report:
    from birnn_lint.fixing import fix_file, unified_diff
    from birnn_lint.notebooks import is_notebook

    fixer, differ = fix_file, unified_diff
    if is_notebook(path):  # the same outcome; `before`/`after` are the JSON texts
        from birnn_lint.notebooks.check import fix_notebook_file, notebook_diff

        fixer, differ = fix_notebook_file, notebook_diff
    outcome = fixer(
        path,
        unsafe=request.unsafe_fixes,
        codes=settings.codes,
        keep=fix_filter(settings, path),
        display=display,
        write=not request.diff,
    )
    run.notes.extend(outcome.messages)
    if outcome.error is not None:
        run.notes.append(f"{display}: {outcome.error}")
        run.had_error = True
    if request.diff:
        if outcome.before is not None and outcome.after is not None:
            diff = differ(outcome.before, outcome.after, display)
            if diff:
                diffs[display] = diff
                run.fixed += len(outcome.fixed)
        return report
    run.fixed += len(outcome.fixed)
    remaining = settings.filter(relabel(outcome.remaining, display), path)
    source = outcome.after if outcome.written else report.source
    return Report(display, remaining, source)


def _add_noqa(path: Path, display: str, report: Report, run: Run) -> Report:
    from birnn_lint.noqa import add_noqa
    from birnn_lint.notebooks import is_notebook
    from birnn_lint.source_io import SourceReadError, SourceWriteError, read_source, write_atomic

    wanted = [f for f in report.findings if not f.code.startswith("BRN9")]
    if not wanted:
        return report
    if is_notebook(path):
        from birnn_lint.notebooks.check import add_noqa_notebook_file

        done = add_noqa_notebook_file(path, display, wanted)
        run.notes.extend(done.notes)
        run.had_error = run.had_error or done.failed
        run.fixed += done.added
        left = [f for f in report.findings if f.code.startswith("BRN9")] + done.skipped
        return report if done.failed else Report(display, left, done.source)
    try:
        original = read_source(path)
        result = add_noqa(original.text, wanted)
        if result.added:
            write_atomic(original, result.source)
    except (SourceReadError, SourceWriteError) as error:
        run.notes.append(f"{display}: {error.message}")
        run.had_error = True
        return report
    run.fixed += result.added
    for row in result.skipped:
        run.notes.append(
            f"{display}:{row}: no noqa comment added: the line ends inside a string "
            "or continues with a backslash"
        )
    left = [f for f in report.findings if f.code.startswith("BRN9")]
    left += [f for f in wanted if f.location.row in result.skipped]
    return Report(display, left, result.source)
