"""`check -`: the source comes on standard input; with `--fix` the fixed source goes
to standard output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

from birnn_lint.cli.common import CheckRequest, Run, fix_filter, unreadable
from birnn_lint.discovery import Walker
from birnn_lint.formats import Report


def check_stdin(request: CheckRequest, out_bytes: IO[bytes]) -> tuple[Run, dict[str, str]]:
    from birnn_lint.engine import check_source
    from birnn_lint.noqa import filter_suppressed
    from birnn_lint.source_io import SourceReadError, decode_source, encode_source

    display = request.stdin_filename or "-"
    match_path = Path(request.stdin_filename or "-")
    # Named, it takes the settings of the folder it names, like a file on disk.
    tree = request.tree
    settings = tree.base if request.stdin_filename is None else tree.for_file(match_path)
    raw = sys.stdin.buffer.read()
    run = Run()
    diffs: dict[str, str] = {}
    excluded = (
        request.stdin_filename is not None
        and settings.force_exclude
        and Walker(tree.base.discovery_options(), tree.discovery_options).is_excluded(match_path)
    )
    if excluded:
        if request.fix and not request.diff:
            out_bytes.write(raw)
        return run, diffs
    try:
        text, encoding, bom = decode_source(raw)
    except SourceReadError as error:
        if request.fix and not request.diff:
            out_bytes.write(raw)
        run.reports.append(
            Report(display, [unreadable(display, error.message, error.row, error.column)])
        )
        return run, diffs

    from birnn_lint.notebooks import is_notebook

    notebook = is_notebook(display)
    if (request.fix or request.diff) and not request.add_noqa:
        from birnn_lint.fixing import fix_source, unified_diff

        fixer, differ = fix_source, unified_diff
        if notebook:  # the same outcome's fields; `source` is the notebook's JSON text
            from birnn_lint.notebooks.check import fix_notebook, notebook_diff

            fixer, differ = fix_notebook, notebook_diff  # type: ignore[assignment]  # same shape
        outcome = fixer(
            text,
            display,
            unsafe=request.unsafe_fixes,
            codes=settings.codes,
            keep=fix_filter(settings, match_path),
        )
        run.notes.extend(outcome.messages)
        run.fixed = len(outcome.fixed)
        if request.diff:
            diff = differ(text, outcome.source, display)
            if diff:
                diffs[display] = diff
            findings = settings.filter(outcome.initial, match_path)
            run.reports.append(Report(display, findings, text))
            return run, diffs
        try:
            out_bytes.write(encode_source(outcome.source, encoding, bom))
        except Exception as error:  # SourceWriteError: not encodable; give the input back
            out_bytes.write(raw)
            run.notes.append(f"{display}: {getattr(error, 'message', error)}")
            run.had_error = True
            run.fixed = 0
            findings = settings.filter(outcome.initial, match_path)
            run.reports.append(Report(display, findings, text))
            return run, diffs
        findings = settings.filter(outcome.remaining, match_path)
        run.reports.append(Report(display, findings, outcome.source))
        return run, diffs

    if notebook:
        from birnn_lint.notebooks.check import check_notebook

        findings = settings.filter(check_notebook(text, display, settings.codes), match_path)
        run.reports.append(Report(display, findings, text))
        return run, diffs
    findings = check_source(text, display, settings.codes)
    findings = settings.filter(filter_suppressed(findings, text), match_path)
    run.reports.append(Report(display, findings, text))
    return run, diffs
